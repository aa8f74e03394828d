"""cXML ``PaymentTerm`` elements <-> the canonical ``terms`` text.

Each ``PaymentTerm`` is one tier: ``payInNumberOfDays=N`` alone reads "net N", with a
``Discount/DiscountPercent percent=P`` it reads "P% N"; tiers are joined with ", "
("2% 10, net 30"). Terms text in any other shape (free text from another standard)
travels as ``Extrinsic name="paymentTerms"`` and reads back unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from .values import pop_extrinsic, sub

__all__ = ["read_terms", "write_terms", "TERMS_EXTRINSIC"]

Element = etree._Element
TERMS_EXTRINSIC = "paymentTerms"
_TIER = re.compile(r"(?:net (?P<net>\d+)|(?P<pct>\d+(?:\.\d+)?)% (?P<days>\d+))$")


def read_terms(el: Element, ext: dict[str, Any]) -> str | None:
    """Call after ``read_extrinsics``: free-text terms come back from there."""
    tiers = []
    for term in el.iterchildren("PaymentTerm"):
        days = (term.get("payInNumberOfDays") or "").strip()
        discount = next(term.iterchildren("Discount"), None)
        percent = next(discount.iterchildren("DiscountPercent"), None) if discount is not None else None
        pct = percent.get("percent") if percent is not None else None
        if days:
            tiers.append(f"{pct}% {days}" if pct else f"net {days}")
    if tiers:
        return ", ".join(tiers)
    return pop_extrinsic(ext, TERMS_EXTRINSIC)


def write_terms(parent: Element, terms: str | None) -> str | None:
    """Write PaymentTerm tiers; returns the terms text when it has to travel as an Extrinsic instead."""
    if not terms:
        return None
    tiers = [_TIER.match(t.strip()) for t in terms.split(",")]
    if not all(tiers):
        return terms
    for tier in tiers:
        assert tier is not None
        if tier["net"]:
            sub(parent, "PaymentTerm", payInNumberOfDays=tier["net"])
        else:
            term = sub(parent, "PaymentTerm", payInNumberOfDays=tier["days"])
            sub(sub(term, "Discount"), "DiscountPercent", percent=tier["pct"])
    return None
