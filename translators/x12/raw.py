"""Segments nothing maps: kept raw in ``extensions.segments`` and put back in standard order."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from edi.x12.model import Segment

from .core import Ctx, Data

__all__ = ["keep_raw", "raw_segments", "raw_blocks", "ordered"]


def keep_raw(seg: Segment, ctx: Ctx, component: str) -> None:
    """Keep a segment nothing maps, composites split so any delimiters can write it back."""
    row: list[Any] = [seg[0]]
    for value in seg[1:]:
        row.append(value.split(component) if component and component in value else value)
    ctx.ext.setdefault("segments", []).append(row)


def raw_segments(data: Data) -> list[Segment]:
    """Kept raw segments back as :class:`Segment` (composites still lists; the writer joins)."""
    return [Segment(row) for row in (data.get("extensions") or {}).get("segments") or []]


#: Loops whose kept raw segments must stay together when the writer reorders a context.
_RAW_LOOPS: dict[str, frozenset[str]] = {
    "N1": frozenset(
        ["N2", "N3", "N4", "REF", "PER", "NX2", "DMG", "SI", "FOB", "TD1", "TD5", "TD3", "TD4", "PKG", "QTY"]
    ),
    "N9": frozenset(["DTM", "MSG"]),
    "SLN": frozenset(
        [
            "MSG",
            "SI",
            "PID",
            "PO3",
            "TC2",
            "ADV",
            "DTM",
            "CTP",
            "PAM",
            "PO4",
            "TAX",
            "N9",
            "SAC",
            "QTY",
            "N1",
            "N2",
            "N3",
            "N4",
            "NX2",
            "REF",
            "PER",
        ]
    ),
}


def raw_blocks(data: Data) -> list[list[Segment]]:
    """Kept raw segments as blocks: a kept loop (N1 N3 N4 PER) is one block, others one each."""
    blocks: list[list[Segment]] = []
    members: frozenset[str] = frozenset()
    for seg in raw_segments(data):
        sid = seg[0]
        if blocks and sid in members:
            blocks[-1].append(seg)
            continue
        members = _RAW_LOOPS.get(sid, frozenset())
        blocks.append([seg])
    return blocks


def ordered(
    blocks: Iterable[list[Segment]], order: Mapping[str, int], raw: Iterable[list[Segment]] = ()
) -> list[Segment]:
    """Mapped ``blocks`` and kept ``raw`` blocks stably sorted into standard sequence.

    A block sorts by its first segment id. Kept raw blocks never overtake each other
    (their keys only grow; an id ``order`` does not know keeps the key before it), so
    reading the output keeps them in the same order: round trips are exact.
    """
    end = len(order)
    keyed: list[tuple[int, list[Segment]]] = []
    for block in blocks:
        if block:
            keyed.append((order.get(block[0][0], end), list(block)))
    floor = 0
    for block in raw:
        floor = max(floor, order.get(block[0][0], floor))
        keyed.append((floor, list(block)))
    keyed.sort(key=lambda kb: kb[0])
    return [s for _, block in keyed for s in block]
