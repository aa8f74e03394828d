"""Specs several transaction sets share (currency, terms, item description, line count)."""

from __future__ import annotations

from edi.x12.model import Segment

from .codes import PURPOSE, PURPOSE_ALIASES
from .core import F
from .mapping import Elements, Qualified
from .values import DECIMAL, codes

__all__ = ["PURPOSE_CODES", "currency", "TERMS", "DESCRIPTION", "line_count", "describe_terms", "priced_line"]


#: BEG01/BAK01/BSN01/BIG08 purpose, shared by every set.
PURPOSE_CODES = codes(PURPOSE, PURPOSE_ALIASES)


def currency(entity: str) -> Elements:
    """CUR02 -> currency; CUR01 (whose currency it is) kept only when not ``entity``."""
    return Elements("CUR", [F(2, "currency")], defaults={1: (entity, 2)})


def describe_terms(seg: Segment) -> str | None:
    """A readable terms text from ITD percent/days when ITD12 (the description) is empty."""
    pct, disc_days, net_days = seg.get(3), seg.get(5), seg.get(7)
    parts = []
    if pct and disc_days:
        parts.append(f"{pct}% {disc_days} days")
    if net_days:
        parts.append(f"net {net_days} days")
    return ", ".join(parts) or None


#: ITD -> terms (ITD12 text, or one derived from the percentages); the codes stay in extensions.
TERMS = Elements("ITD", [F(12, "terms", derive=describe_terms)])

#: PID*F (free-form description) -> item.description.
DESCRIPTION = Qualified("PID", {"F": F(5, "item.description")}, value_pos=5, keep=False)


def line_count(attr: str = "lines") -> Elements:
    """CTT01 is the number of line items: computed on writing, not kept on reading."""
    return Elements("CTT", computed={1: lambda data: str(len(data.get(attr) or []))})


def priced_line(seg_id: str) -> Elements:
    """PO1 / IT1, a loop's first segment: line number, quantity, unit, unit price, then the
    item's qualifier/id pairs (06-25)."""
    return Elements(
        seg_id,
        [F(1, "line_number"), F(2, "quantity", DECIMAL), F(3, "uom"), F(4, "unit_price", DECIMAL)],
        ids_from=6,
        ids_end=25,
        always=True,
    )
