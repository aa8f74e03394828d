"""Three-way match: every status, tolerances, matching by line number and item ids (no database)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from gateway.reconcile import EXCEPTIONS, InvoiceDoc, Status, Tolerance, has_status, reconcile_po, summarize

D = Decimal


def order(*lines: tuple[str, str, str, str]) -> dict[str, Any]:
    """Lines as (line number, vendor part, quantity, unit price)."""
    return {
        "po_number": "PO-1",
        "lines": [
            {"line_number": n, "quantity": D(q), "uom": "EA", "unit_price": D(p), "item": {"vendor_part": part}}
            for n, part, q, p in lines
        ],
    }


def asn(*items: tuple[str | None, str, str], shipment: str = "ASN-1", packed: bool = False) -> dict[str, Any]:
    """Items as (line number or None, vendor part, quantity shipped)."""
    rows = [
        {"item": {"vendor_part": part}, "quantity_shipped": D(q), "uom": "EA", **({"line_number": n} if n else {})}
        for n, part, q in items
    ]
    po: dict[str, Any] = {"po_number": "PO-1"}
    if packed:
        po["packs"] = [{"sscc": "00012345678901234567", "items": rows}]
    else:
        po["items"] = rows
    return {"shipment_id": shipment, "orders": [po]}


def invoice(*lines: tuple[str, str, str, str], number: str = "INV-1", posted: bool | None = True) -> InvoiceDoc:
    doc = {
        "invoice_number": number,
        "po_number": "PO-1",
        "lines": [
            {"line_number": n, "quantity": D(q), "unit_price": D(p), "item": {"vendor_part": part}}
            for n, part, q, p in lines
        ],
    }
    return InvoiceDoc(doc, posted)


def one(results: list) -> tuple[Status, list[Status]]:
    assert len(results) == 1
    return results[0].status, results[0].exceptions


def test_matched_line() -> None:
    results = reconcile_po(
        order(("1", "A", "10", "2.50")), [asn(("1", "A", "10"))], [invoice(("1", "A", "10", "2.50"))]
    )
    assert one(results) == (Status.MATCHED, [])
    assert results[0].as_dict()["shipped_quantity"] == "10" and results[0].ship_notices == ["ASN-1"]


@pytest.mark.parametrize(
    ("shipped", "invoiced", "price", "posted", "expected"),
    [
        ("8", "8", "2.50", True, Status.SHORT_SHIPPED),
        ("12", "12", "2.50", True, Status.OVER_SHIPPED),
        ("10", "11", "2.50", True, Status.OVER_INVOICED),
        ("10", "10", "2.75", True, Status.PRICE_VARIANCE),
        ("10", "10", "2.50", False, Status.INVOICE_NOT_POSTED),
    ],
)
def test_each_exception(shipped: str, invoiced: str, price: str, posted: bool, expected: Status) -> None:
    results = reconcile_po(
        order(("1", "A", "10", "2.50")),
        [asn(("1", "A", shipped))],
        [invoice(("1", "A", invoiced, price), posted=posted)],
    )
    assert one(results) == (expected, [expected])


def test_missing_asn_and_invoice() -> None:
    status, exceptions = one(reconcile_po(order(("1", "A", "10", "2.50"))))
    assert (status, exceptions) == (Status.ASN_MISSING, [Status.ASN_MISSING, Status.INVOICE_MISSING])
    status, exceptions = one(reconcile_po(order(("1", "A", "10", "2.50")), [asn(("1", "A", "10"))]))
    assert (status, exceptions) == (Status.INVOICE_MISSING, [Status.INVOICE_MISSING])


def test_every_status_is_reachable() -> None:
    seen = {Status.MATCHED, Status.ASN_MISSING, Status.INVOICE_MISSING}
    seen |= {Status.SHORT_SHIPPED, Status.OVER_SHIPPED, Status.OVER_INVOICED}
    seen |= {Status.PRICE_VARIANCE, Status.INVOICE_NOT_POSTED}
    assert seen == set(Status) and len(EXCEPTIONS) == len(Status) - 1  # the cases above cover each one


def test_quantity_tolerance_is_a_percentage_of_what_was_ordered() -> None:
    loose = Tolerance(quantity_pct=D("10"))
    base = order(("1", "A", "100", "1"))
    inside = reconcile_po(base, [asn(("1", "A", "90"))], [invoice(("1", "A", "90", "1"))], loose)
    assert one(inside)[0] == Status.MATCHED
    outside = reconcile_po(base, [asn(("1", "A", "89"))], [invoice(("1", "A", "89", "1"))], loose)
    assert one(outside)[0] == Status.SHORT_SHIPPED
    over = reconcile_po(base, [asn(("1", "A", "110.5"))], [], loose)
    assert one(over)[1] == [Status.OVER_SHIPPED, Status.INVOICE_MISSING]


@pytest.mark.parametrize(
    ("tolerance", "price", "ok"),
    [
        (Tolerance(), "10.01", True),  # default: a cent of rounding
        (Tolerance(), "10.02", False),
        (Tolerance(price_abs=D("0.50")), "10.50", True),
        (Tolerance(price_abs=D("0.50")), "9.49", False),
        (Tolerance(price_abs=D("0"), price_pct=D("2")), "10.20", True),
        (Tolerance(price_abs=D("0"), price_pct=D("2")), "10.21", False),
        (Tolerance(price_abs=D("0.30"), price_pct=D("2")), "10.30", True),  # the larger allowance wins
    ],
)
def test_price_tolerance(tolerance: Tolerance, price: str, ok: bool) -> None:
    results = reconcile_po(
        order(("1", "A", "1", "10")), [asn(("1", "A", "1"))], [invoice(("1", "A", "1", price))], tolerance
    )
    assert one(results)[0] == (Status.MATCHED if ok else Status.PRICE_VARIANCE)


def test_partial_shipments_and_invoices_are_summed_and_packs_are_read() -> None:
    results = reconcile_po(
        order(("001", "A", "10", "2"), ("002", "B", "5", "3")),
        [asn(("1", "A", "6"), shipment="ASN-1", packed=True), asn(("1", "A", "4"), ("2", "B", "5"), shipment="ASN-2")],
        [
            invoice(("1", "A", "6", "2"), number="INV-1"),
            invoice(("1", "A", "4", "2"), ("2", "B", "5", "3"), number="INV-2"),
        ],
    )
    assert [(r.line_number, r.status) for r in results] == [("1", Status.MATCHED), ("2", Status.MATCHED)]
    assert results[0].ship_notices == ["ASN-1", "ASN-2"] and results[0].invoices == ["INV-1", "INV-2"]
    assert summarize(results)["matched"] == 2


def test_lines_without_number_match_on_item_ids_and_unknown_lines_are_over() -> None:
    results = reconcile_po(
        order(("1", "A", "10", "2")),
        [asn((None, "A", "10"), (None, "Z", "3"))],
        [invoice(("1", "A", "10", "2"))],
    )
    by_item = {r.item: r for r in results}
    assert by_item["A"].status == Status.MATCHED
    assert by_item["Z"].status == Status.OVER_SHIPPED and by_item["Z"].ordered_quantity is None


def test_documents_for_other_pos_are_ignored_and_unposted_without_erp_is_not_judged() -> None:
    other = invoice(("1", "A", "99", "9"))
    other_doc = {**other.canonical, "po_number": "PO-2"}
    results = reconcile_po(
        order(("1", "A", "10", "2")),
        [asn(("1", "A", "10"))],
        [InvoiceDoc(other_doc, False), invoice(("1", "A", "10", "2"), posted=None)],
    )
    assert one(results) == (Status.MATCHED, [])


def test_profile_reconciliation_section_is_optional_with_defaults() -> None:
    from partners.profile import Documents, Reconciliation

    assert Reconciliation() == Reconciliation(quantity_pct=D("0"), price_abs=D("0.01"), price_pct=D("0"))
    parsed = Reconciliation.model_validate({"quantity_pct": 5, "price_abs": 0.05, "price_pct": "1.5"})
    assert (parsed.quantity_pct, parsed.price_abs, parsed.price_pct) == (D("5"), D("0.05"), D("1.5"))
    with pytest.raises(ValueError):
        Reconciliation.model_validate({"quantity_pct": -1})
    with pytest.raises(ValueError):
        Reconciliation.model_validate({"quantity": 5})
    docs = Documents.model_validate({"inbound": [{"transaction": "850", "version": "004010"}], "silent_alert_hours": 6})
    assert docs.silent_alert_hours == 6


def test_summaries_by_first_status_or_every_exception() -> None:
    results = reconcile_po(
        order(("1", "A", "10", "2"), ("2", "B", "1", "1")),
        [asn(("1", "A", "8"), ("2", "B", "1"))],
        [invoice(("1", "A", "8", "2"), ("2", "B", "1", "1"), posted=False)],
    )
    assert [r.exceptions for r in results] == [
        [Status.SHORT_SHIPPED, Status.INVOICE_NOT_POSTED],
        [Status.INVOICE_NOT_POSTED],
    ]
    assert summarize(results)["invoice_not_posted"] == 1
    assert summarize(results, every_exception=True)["invoice_not_posted"] == 2
    assert [has_status(r, "invoice_not_posted") for r in results] == [True, True]
    assert not has_status(results[0], "matched")
