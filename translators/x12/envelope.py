"""Outbound interchanges: canonical documents -> ISA/GS/ST..SE/GE/IEA text.

The envelope options are a small frozen dataclass so partner profiles (or the CLI
defaults) can supply them; control numbers come from a
:class:`~edi.x12.control.ControlNumberAllocator`, never invented here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from edi.x12.control import ControlNumberAllocator
from edi.x12.model import Delimiters, Segment
from edi.x12.serialize import format_isa, serialize_segment
from translators.canonical import Document, decimal_text, dump

from . import to_segments

__all__ = ["OutboundEnvelope", "SUPPORTED_VERSIONS", "CREATION_STAMPS", "build_interchange"]

#: GS08 prefixes we write; the ISA12 control version follows from them.
SUPPORTED_VERSIONS = {"004010": "00401", "005010": "00501"}


def _default_delimiters(version: str) -> Delimiters:
    repetition = "^" if version.startswith("005010") else None
    return Delimiters(element="*", component=">", segment="~", repetition=repetition, suffix="\n")


@dataclass(frozen=True)
class OutboundEnvelope:
    """Who we send as and to, in which version and with which delimiters."""

    sender_id: str
    receiver_id: str
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    version: str = "004010"  # GS08; "004010VICS", "005010" ... (ISA12 follows)
    delimiters: Delimiters | None = None  # None: * > ~ (and ^ repetition in 5010), newline after ~
    group_sender: str | None = None  # GS02, default sender_id
    group_receiver: str | None = None  # GS03, default receiver_id
    usage: str = "P"  # ISA15: P production, T test
    ack_requested: bool = False  # ISA14
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.version[:6] not in SUPPORTED_VERSIONS:
            raise ValueError(f"unsupported X12 version {self.version!r} (use 004010 or 005010)")
        for name, value, width in (("sender_id", self.sender_id, 15), ("receiver_id", self.receiver_id, 15)):
            if not value or len(value) > width:
                raise ValueError(f"{name} must be 1..{width} characters, got {value!r}")
        if self.usage not in ("P", "T"):
            raise ValueError("usage must be 'P' or 'T'")

    @property
    def effective_delimiters(self) -> Delimiters:
        return self.delimiters or _default_delimiters(self.version)


#: Mandatory elements with no canonical field that say when the document was made:
#: stamped with the interchange time when a document (from another format) has none.
CREATION_STAMPS: dict[str, tuple[str, str]] = {"ship_notice": ("BSN03", "BSN04")}


def _creation_stamp(doc_type: str, document: Document | dict[str, Any], now: dt.datetime) -> Document | dict[str, Any]:
    """The :data:`CREATION_STAMPS` elements, from the interchange time, when the document has none."""
    date_key, time_key = CREATION_STAMPS[doc_type]
    data = dump(document) if isinstance(document, BaseModel) else dict(document)
    ext = dict(data.get("extensions") or {})
    if date_key in ext:
        return document
    ext[date_key] = now.strftime("%Y%m%d")
    ext.setdefault(time_key, now.strftime("%H%M"))
    return {**data, "extensions": ext}


def with_ordered_quantities(document: Document | dict[str, Any]) -> Document | dict[str, Any]:
    """855 PO102 (quantity ordered) is required once PO103 is written (syntax note C0302).

    An 855 read from X12 keeps the ordered quantity in the line's extensions; one built
    from an ERP confirmation only knows the acknowledged quantity, which is then the best
    statement of what was ordered (the ERP can send ``extensions.PO102`` to say otherwise).
    """
    data = dump(document) if isinstance(document, BaseModel) else dict(document)
    lines = []
    changed = False
    for line in data.get("lines", []):
        ext = line.get("extensions") or {}
        if "PO102" not in ext and line.get("quantity") is not None:
            line = {**line, "extensions": {**ext, "PO102": decimal_text(Decimal(str(line["quantity"])))}}
            changed = True
        lines.append(line)
    return {**data, "lines": lines} if changed else document


Filler = Callable[[str, Document | dict[str, Any], dt.datetime], Document | dict[str, Any]]

#: X12-required data that documents from other formats (cXML, ERP events) lack, per type.
_FILLERS: dict[str, Filler] = {
    "ship_notice": _creation_stamp,
    "po_ack": lambda _type, document, _now: with_ordered_quantities(document),
}


def _filled(doc_type: str, document: Document | dict[str, Any], now: dt.datetime) -> Document | dict[str, Any]:
    filler = _FILLERS.get(doc_type)
    return document if filler is None else filler(doc_type, document, now)


def _join(seg: Segment, component: str) -> Segment:
    """Kept raw composites (lists) joined with the outbound component separator."""
    if all(isinstance(v, str) for v in seg):
        return seg
    return Segment([component.join(v) if isinstance(v, list) else v for v in seg])


def build_interchange(
    documents: Iterable[tuple[str, Document | dict[str, Any]]],
    envelope: OutboundEnvelope,
    allocator: ControlNumberAllocator,
    now: dt.datetime | None = None,
) -> str:
    """One interchange holding every ``(type, document)``, one group per functional id."""
    d = envelope.effective_delimiters
    now = now or dt.datetime.now(dt.UTC)
    pair = (
        f"{envelope.sender_qualifier}:{envelope.sender_id}",
        f"{envelope.receiver_qualifier}:{envelope.receiver_id}",
    )
    groups: dict[str, list[tuple[str, list[Segment]]]] = {}
    for doc_type, document in documents:
        set_id, functional_id, body = to_segments(doc_type, _filled(doc_type, document, now))
        groups.setdefault(functional_id, []).append((set_id, body))
    isa13 = str(allocator.next("interchange", *pair)).zfill(9)
    isa = [
        "ISA", "00", "", "00", "",
        envelope.sender_qualifier, envelope.sender_id, envelope.receiver_qualifier, envelope.receiver_id,
        now.strftime("%y%m%d"), now.strftime("%H%M"), "U", SUPPORTED_VERSIONS[envelope.version[:6]], isa13,
        "1" if envelope.ack_requested else "0", envelope.usage, d.component,
    ]  # fmt: skip
    out = [serialize_segment(format_isa(isa, d), d)]
    for functional_id, sets in groups.items():
        gs06 = str(allocator.next("group", *pair))
        gs = Segment(
            [
                "GS", functional_id, envelope.group_sender or envelope.sender_id,
                envelope.group_receiver or envelope.receiver_id, now.strftime("%Y%m%d"), now.strftime("%H%M"),
                gs06, "X", envelope.version,
            ]
        )  # fmt: skip
        out.append(serialize_segment(gs, d))
        for set_id, body in sets:
            out.append(_serialize_set(set_id, str(allocator.next("set", *pair)).zfill(4), body, d))
        out.append(serialize_segment(Segment(["GE", str(len(sets)), gs06]), d))
    out.append(serialize_segment(Segment(["IEA", str(len(groups)), isa13]), d))
    return "".join(out)


def _serialize_set(set_id: str, control: str, body: Sequence[Segment], d: Delimiters) -> str:
    segments = [Segment(["ST", set_id, control]), *(_join(s, d.component) for s in body)]
    segments.append(Segment(["SE", str(len(segments) + 1), control]))
    return "".join(serialize_segment(s, d) for s in segments)
