"""Product/service id qualifier pairs (PO1/IT1/ACK/LIN) <-> the canonical ``item``."""

from __future__ import annotations

import re

from edi.x12.model import Segment

from .codes import ITEM_ID_FIELDS, ITEM_ID_QUALIFIERS
from .core import Ctx, Data, element_key

__all__ = ["read_item_ids", "write_item_ids"]


def read_item_ids(seg: Segment, start: int, end: int, ctx: Ctx) -> None:
    """Qualifier/id pairs ``seg[start..end]`` into ``item`` (first qualifier per field wins)."""
    item = ctx.data.setdefault("item", {})
    for pos in range(start, end, 2):
        qual, value = seg[pos], seg[pos + 1]
        if not value:  # a qualifier without an id carries nothing to keep
            continue
        field = ITEM_ID_FIELDS.get(qual)
        if field is not None and field not in item:
            item[field] = value
        elif field is not None and item[field] == value:
            continue
        else:
            others = item.setdefault("other_ids", {})
            if others.get(qual) == value:
                continue
            if qual in others:
                ctx.ext.setdefault("item_ids", []).append([qual, value])
            else:
                others[qual] = value
    if (end - start) % 2 == 0 and seg[end]:  # a qualifier without its id at the end
        ctx.ext[element_key(seg[0], end)] = seg[end]


def write_item_ids(item: Data, ext: Data) -> list[str]:
    """Pairs for ``item`` in a fixed qualifier order, then other ids, then repeated qualifiers."""
    out: list[str] = []
    for field, qual in ITEM_ID_QUALIFIERS.items():
        value = item.get(field)
        if value:
            if field == "gtin" and len(value) != 14:
                qual = "EN"
            out += [qual, value]
    for qual, value in (item.get("other_ids") or {}).items():
        if _QUALIFIER.match(qual):  # ids other formats keyed by words (cXML "classification:...") have no X12 form
            out += [qual, value]
    for qual, value in ext.get("item_ids") or []:
        out += [qual, value]
    return out


_QUALIFIER = re.compile(r"^[A-Z0-9]{2}$")
