"""Envelope model back to X12 text/bytes, with any delimiters.

``parse -> serialize -> parse`` yields the same segments (the tokenizer drops line
breaks and indentation, which are presentation, not data). When the delimiters
change, ISA11 (repetition separator, 00402+) and ISA16 (component separator) are
rewritten to match, and data that contains a delimiter is escaped with the release
character when the interchange has one; without one such data cannot be written, and
:class:`~edi.x12.errors.X12Error` says which segment holds it.
"""

from __future__ import annotations

from collections.abc import Iterable

from .errors import X12Error
from .model import Delimiters, FunctionalGroup, Interchange, Segment, TransactionSet

__all__ = [
    "ISA_WIDTHS",
    "format_isa",
    "serialize_segment",
    "serialize_segments",
    "serialize_set",
    "serialize_group",
    "serialize_interchange",
    "to_bytes",
]

#: Fixed widths of ISA01..ISA16.
ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)


def format_isa(elements: list[str], d: Delimiters) -> Segment:
    """An ISA with every field padded to its fixed width and delimiters written in."""
    values = list(elements[1:17]) + [""] * (16 - len(elements[1:17]))
    for i, width in enumerate(ISA_WIDTHS):
        v = values[i]
        if i == 12:  # ISA13 control number: zero padded
            v = v.strip().rjust(width, "0")
        values[i] = v[:width].ljust(width) if len(v) != width else v
    if d.repetition and values[11] >= "00402":
        values[10] = d.repetition
    values[15] = d.component
    return Segment(["ISA", *values])


def _check(seg: Segment, d: Delimiters, forbidden: str) -> None:
    for value in seg[1:]:
        for c in forbidden:
            if c in value:
                raise X12Error(f"{seg[0]} element {value!r} holds delimiter {c!r}; no release character")


def serialize_segment(seg: Segment, d: Delimiters) -> str:
    if seg[0] == "ISA":
        return d.element.join(seg) + d.segment + d.suffix
    if d.release:
        rel = d.release
        special = (rel, d.element, d.segment)
        values = [seg[0]]
        for value in seg[1:]:
            if any(c in value for c in special):
                value = "".join(rel + c if c in special else c for c in value)
            values.append(value)
        return d.element.join(values) + d.segment + d.suffix
    _check(seg, d, d.element + d.segment)
    return d.element.join(seg) + d.segment + d.suffix


def serialize_segments(segments: Iterable[Segment], d: Delimiters) -> str:
    return "".join(serialize_segment(s, d) for s in segments)


def serialize_set(ts: TransactionSet, d: Delimiters) -> str:
    return serialize_segments(ts.all_segments(), d)


def serialize_group(group: FunctionalGroup, d: Delimiters) -> str:
    parts = [serialize_segment(group.header, d)]
    parts.extend(serialize_set(ts, d) for ts in group.sets)
    if group.trailer is not None:
        parts.append(serialize_segment(group.trailer, d))
    return "".join(parts)


def serialize_interchange(ic: Interchange, d: Delimiters | None = None) -> str:
    """The interchange as text, with its own delimiters unless ``d`` is given."""
    d = d or ic.delimiters
    isa = ic.header if d == ic.delimiters else format_isa(ic.header, d)
    parts = [serialize_segment(isa, d)]
    parts.extend(serialize_segment(s, d) for s in ic.service_segments)
    parts.extend(serialize_group(g, d) for g in ic.groups)
    if ic.trailer is not None:
        parts.append(serialize_segment(ic.trailer, d))
    return "".join(parts)


def to_bytes(text: str) -> bytes:
    """Encode as the tokenizer decodes: UTF-8, undecodable input bytes restored."""
    return text.encode("utf-8", errors="surrogateescape")
