"""Three-way match per PO line: ordered (850) <-> shipped (856) <-> invoiced (810).

Pure functions over canonical dicts (``translators.canonical`` JSON), so finance rules
are tested without a database; ``gateway.reconcile_query`` feeds them from the store.

Lines are matched on the PO line number; a shipped or invoiced line without one is
matched on the item ids (buyer/vendor part, UPC, GTIN, SKU). Quantities of every ASN
(and every invoice) for the PO are summed per line, since partial shipments and
invoices are normal. A line gets every exception that applies, in ``EXCEPTIONS``
order; its ``status`` is the first of them, or ``matched``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TextIO

__all__ = [
    "Status",
    "EXCEPTIONS",
    "Tolerance",
    "InvoiceDoc",
    "LineResult",
    "reconcile_po",
    "summarize",
    "has_status",
    "write_csv",
    "CSV_FIELDS",
]

ITEM_IDS = ("buyer_part", "vendor_part", "upc", "gtin", "sku")


class Status(StrEnum):
    MATCHED = "matched"
    ASN_MISSING = "asn_missing"
    SHORT_SHIPPED = "short_shipped"
    OVER_SHIPPED = "over_shipped"
    INVOICE_MISSING = "invoice_missing"
    OVER_INVOICED = "over_invoiced"
    PRICE_VARIANCE = "price_variance"
    INVOICE_NOT_POSTED = "invoice_not_posted"


#: Exceptions in the order a line's ``status`` picks them: the earliest break in the chain first.
EXCEPTIONS: tuple[Status, ...] = tuple(s for s in Status if s is not Status.MATCHED)


@dataclass(frozen=True, slots=True)
class Tolerance:
    """Per-partner allowances (``reconciliation`` in the partner profile)."""

    quantity_pct: Decimal = Decimal("0")
    price_abs: Decimal = Decimal("0.01")
    price_pct: Decimal = Decimal("0")

    def quantity_ok(self, expected: Decimal, actual: Decimal) -> int:
        """-1 below, 0 within, 1 above the allowed band around ``expected``."""
        slack = abs(expected) * self.quantity_pct / 100
        if actual < expected - slack:
            return -1
        return 1 if actual > expected + slack else 0

    def price_ok(self, expected: Decimal, actual: Decimal) -> bool:
        allowed = max(self.price_abs, abs(expected) * self.price_pct / 100)
        return abs(actual - expected) <= allowed


@dataclass(frozen=True, slots=True)
class InvoiceDoc:
    """A canonical invoice and whether the ERP took it (None: it has no ERP delivery to judge)."""

    canonical: Mapping[str, Any]
    posted: bool | None = None


@dataclass(slots=True)
class LineResult:
    po_number: str
    line_number: str
    item: str = ""
    uom: str | None = None
    ordered_quantity: Decimal | None = None
    ordered_price: Decimal | None = None
    shipped_quantity: Decimal | None = None
    invoiced_quantity: Decimal | None = None
    invoiced_price: Decimal | None = None
    ship_notices: list[str] = field(default_factory=list)
    invoices: list[str] = field(default_factory=list)
    exceptions: list[Status] = field(default_factory=list)
    partner: str | None = None

    @property
    def status(self) -> Status:
        return self.exceptions[0] if self.exceptions else Status.MATCHED

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (decimals as strings, so no float rounding reaches finance)."""

        def num(value: Decimal | None) -> str | None:
            return None if value is None else format(value.normalize(), "f")

        return {
            "partner": self.partner,
            "po_number": self.po_number,
            "line_number": self.line_number,
            "item": self.item,
            "uom": self.uom,
            "status": self.status.value,
            "exceptions": [e.value for e in self.exceptions],
            "ordered_quantity": num(self.ordered_quantity),
            "ordered_price": num(self.ordered_price),
            "shipped_quantity": num(self.shipped_quantity),
            "invoiced_quantity": num(self.invoiced_quantity),
            "invoiced_price": num(self.invoiced_price),
            "ship_notices": list(self.ship_notices),
            "invoices": list(self.invoices),
        }


# -- matching ---------------------------------------------------------------------------
def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _line_key(value: Any) -> str:
    """ "001" and "1" name the same PO1 line."""
    text = str(value or "").strip()
    return text.lstrip("0") or text


def _item_ids(item: Mapping[str, Any] | None) -> set[tuple[str, str]]:
    item = item or {}
    return {(name, str(item[name])) for name in ITEM_IDS if item.get(name)}


def _item_label(item: Mapping[str, Any] | None) -> str:
    item = item or {}
    return next((str(item[name]) for name in ITEM_IDS if item.get(name)), str(item.get("description") or ""))


class _Lines:
    """Order lines addressable by line number or item id; unknown lines are added on the fly."""

    def __init__(self, po_number: str, order: Mapping[str, Any]) -> None:
        self.po_number = po_number
        self.results: dict[str, LineResult] = {}
        self._items: dict[str, set[tuple[str, str]]] = {}
        for index, line in enumerate(order.get("lines") or [], start=1):
            key = _line_key(line.get("line_number")) or str(index)
            result = self._add(key, line.get("item"), line.get("uom"))
            result.ordered_quantity = (result.ordered_quantity or Decimal(0)) + (
                _decimal(line.get("quantity")) or Decimal(0)
            )
            result.ordered_price = _decimal(line.get("unit_price"))

    def _add(self, key: str, item: Mapping[str, Any] | None, uom: str | None) -> LineResult:
        if key not in self.results:
            self.results[key] = LineResult(self.po_number, key, item=_item_label(item), uom=uom)
            self._items[key] = set()
        self._items[key] |= _item_ids(item)
        return self.results[key]

    def find(self, line_number: Any, item: Mapping[str, Any] | None, uom: str | None) -> LineResult:
        key = _line_key(line_number)
        if key and key in self.results:
            return self.results[key]
        ids = _item_ids(item)
        if ids:
            for existing, known in self._items.items():
                if ids & known:
                    return self.results[existing]
        return self._add(key or f"?{_item_label(item) or len(self.results) + 1}", item, uom)


def _ship_items(ship_notice: Mapping[str, Any], po_number: str) -> Iterable[Mapping[str, Any]]:
    for order in ship_notice.get("orders") or []:
        if str(order.get("po_number") or "") != po_number:
            continue
        yield from order.get("items") or []
        for pack in order.get("packs") or []:
            yield from pack.get("items") or []


def _add_to(names: list[str], value: Any) -> None:
    if value and str(value) not in names:
        names.append(str(value))


def reconcile_po(
    order: Mapping[str, Any],
    ship_notices: Sequence[Mapping[str, Any]] = (),
    invoices: Sequence[InvoiceDoc] = (),
    tolerance: Tolerance | None = None,
    *,
    partner: str | None = None,
) -> list[LineResult]:
    """Results per PO line of one order against the ASNs and invoices that name its PO."""
    tolerance = tolerance or Tolerance()
    po_number = str(order.get("po_number") or "")
    lines = _Lines(po_number, order)
    posted: dict[str, list[bool]] = {}

    for asn in ship_notices:
        for item in _ship_items(asn, po_number):
            result = lines.find(item.get("line_number"), item.get("item"), item.get("uom"))
            shipped = _decimal(item.get("quantity_shipped")) or Decimal(0)
            result.shipped_quantity = (result.shipped_quantity or Decimal(0)) + shipped
            _add_to(result.ship_notices, asn.get("shipment_id"))

    for invoice in invoices:
        doc = invoice.canonical
        if str(doc.get("po_number") or "") != po_number:
            continue
        for line in doc.get("lines") or []:
            result = lines.find(line.get("line_number"), line.get("item"), line.get("uom"))
            quantity = _decimal(line.get("quantity")) or Decimal(0)
            result.invoiced_quantity = (result.invoiced_quantity or Decimal(0)) + quantity
            price = _decimal(line.get("unit_price"))
            if price is not None and (result.invoiced_price is None or price != result.ordered_price):
                result.invoiced_price = price  # keep a deviating price visible when invoices disagree
            _add_to(result.invoices, doc.get("invoice_number"))
            if invoice.posted is not None:
                posted.setdefault(result.line_number, []).append(invoice.posted)

    out = list(lines.results.values())
    for result in out:
        result.partner = partner
        result.exceptions = _exceptions(result, tolerance, posted.get(result.line_number, []))
    return out


def _price_variance(line: LineResult, tolerance: Tolerance) -> bool:
    if line.ordered_price is None or line.invoiced_price is None:
        return False
    return not tolerance.price_ok(line.ordered_price, line.invoiced_price)


def _exceptions(line: LineResult, tolerance: Tolerance, posted: list[bool]) -> list[Status]:
    found: set[Status] = set()
    ordered = line.ordered_quantity or Decimal(0)
    if line.shipped_quantity is None:
        found.add(Status.ASN_MISSING)
    else:
        band = tolerance.quantity_ok(ordered, line.shipped_quantity)
        if band < 0:
            found.add(Status.SHORT_SHIPPED)
        elif band > 0:
            found.add(Status.OVER_SHIPPED)
    if line.invoiced_quantity is None:
        found.add(Status.INVOICE_MISSING)
    else:
        # Bill what was shipped; with no ASN, what was ordered.
        basis = line.shipped_quantity if line.shipped_quantity is not None else ordered
        if tolerance.quantity_ok(basis, line.invoiced_quantity) > 0:
            found.add(Status.OVER_INVOICED)
        if _price_variance(line, tolerance):
            found.add(Status.PRICE_VARIANCE)
        if posted and not all(posted):
            found.add(Status.INVOICE_NOT_POSTED)
    return [s for s in EXCEPTIONS if s in found]


def summarize(results: Iterable[LineResult], every_exception: bool = False) -> dict[str, int]:
    """Count of lines per status, every status present (zeros included) for stable output.

    With ``every_exception`` a line counts under each of its exceptions, not only the
    first (finance filtering "invoice_not_posted" wants the short-shipped line too).
    """
    counts = {s.value: 0 for s in Status}
    for result in results:
        for status in result.exceptions if every_exception and result.exceptions else [result.status]:
            counts[status.value] += 1
    return counts


def has_status(result: LineResult, status: str) -> bool:
    """The line is ``status`` (matched) or has it among its exceptions."""
    return result.status.value == status or status in {e.value for e in result.exceptions}


#: Columns of the CSV export (``edigw reconcile --export``, the dashboard's download): one row per PO line.
CSV_FIELDS = (
    "partner",
    "po_number",
    "line_number",
    "item",
    "uom",
    "status",
    "exceptions",
    "ordered_quantity",
    "shipped_quantity",
    "invoiced_quantity",
    "ordered_price",
    "invoiced_price",
    "ship_notices",
    "invoices",
)


def write_csv(results: Iterable[LineResult], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for result in results:
        row = result.as_dict()
        for name in ("exceptions", "ship_notices", "invoices"):
            row[name] = " ".join(row[name])
        writer.writerow(row)
