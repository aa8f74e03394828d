"""cXML ``OrderRequest`` <-> canonical ``Order``.

Header: orderID -> po_number, orderDate -> po_date, type (new|update|delete) -> purpose
(original|replace|cancel), orderType -> order_type, requestedDeliveryDate,
Total/Money -> total_amount + currency, ShipTo/BillTo/Contact -> parties, PaymentTerm ->
terms, Comments -> notes, Shipping/Tax amounts -> ``extensions`` (``shipping_amount``,
``tax_amount``), orderVersion and the DocumentReference of a change order ->
``extensions`` (``order_version``, ``document_reference``). ``carrier`` and
``requested_ship_date`` have no OrderRequest element and travel as Extrinsics
``carrier`` / ``requestedShipDate``.
ItemOut: lineNumber, quantity, requestedDeliveryDate, ItemID/ItemDetail (see items.py),
UnitPrice/Money, UnitOfMeasure, line Comments -> ``extensions["notes"]``,
Distribution/Accounting -> ``extensions["distribution"]``. Other children of the header,
ItemOut and ItemDetail are kept as XML in ``extensions`` (``unmapped``, ``unmapped_detail``).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..canonical import Order, OrderLine
from .codes import OPERATION, ORDER_TYPE
from .comments import read_comments, write_comments
from .items import read_item, write_description, write_item_extras, write_item_id
from .parties import assign, read_contact, read_party, slotted, write_address, write_contact
from .terms import read_terms, write_terms
from .values import (
    CxmlDataError,
    fmt_decimal,
    index,
    keep_unmapped,
    pop_extrinsic,
    read_date,
    read_extrinsics,
    read_money,
    sub,
    text,
    to_date,
    to_decimal,
    write_date,
    write_extrinsics,
    write_money,
    write_unmapped,
)

__all__ = ["read_order", "write_order"]

Element = etree._Element
#: Party.role -> Order field; ShipTo and BillTo elements read as ST and BT
_SLOTS = {"ST": "ship_to", "BT": "bill_to", "BY": "buyer", "SU": "seller"}
_ADDRESS_TAGS = {"ST": "ShipTo", "BT": "BillTo"}
_HEADER_AMOUNTS = (("Shipping", "shipping_amount"), ("Tax", "tax_amount"))
_CARRIER, _SHIP_DATE = "carrier", "requestedShipDate"
#: children read by this mapping; any other child is kept in ``extensions["unmapped"]``
_HEADER_KNOWN = frozenset(
    {
        "Total",
        "ShipTo",
        "BillTo",
        "Shipping",
        "Tax",
        "PaymentTerm",
        "Contact",
        "Comments",
        "DocumentReference",
        "Extrinsic",
    }
)
_ITEM_KNOWN = frozenset({"ItemID", "ItemDetail", "Distribution", "Comments"})
_DETAIL_KNOWN = frozenset(
    {
        "UnitPrice",
        "Description",
        "UnitOfMeasure",
        "Classification",
        "ManufacturerPartID",
        "ManufacturerName",
        "ItemDetailIndustry",
        "Extrinsic",
    }
)


def read_order(request: Element) -> Order:
    header = next(request.iterchildren("OrderRequestHeader"), None)
    if header is None:
        raise CxmlDataError("OrderRequest has no OrderRequestHeader", request)
    po_number = (header.get("orderID") or "").strip()
    if not po_number:
        raise CxmlDataError("OrderRequestHeader@orderID is missing", header)
    ext: dict[str, Any] = {}
    kids = index(header)
    total, currency = read_money(kids.get("Total"))
    parties = [
        read_party(a, role)
        for role, tag in _ADDRESS_TAGS.items()
        if tag in kids and (a := next(kids[tag].iterchildren("Address"), None)) is not None
    ]
    if "Contact" in kids:
        parties += [read_contact(c) for c in header.iterchildren("Contact")]
    placed, rest = assign(parties, _SLOTS)
    for tag, key in _HEADER_AMOUNTS:
        amount, _ = read_money(kids.get(tag))
        if amount is not None:
            ext[key] = amount
    notes = read_comments(header, ext) if "Comments" in kids else []
    if version := header.get("orderVersion"):
        ext["order_version"] = version
    reference = kids.get("DocumentReference")
    if reference is not None and reference.get("payloadID"):
        ext["document_reference"] = reference.get("payloadID")
    if "Extrinsic" in kids:
        read_extrinsics(header, ext)
    keep_unmapped(header, _HEADER_KNOWN, ext, kids)
    ship_date = pop_extrinsic(ext, _SHIP_DATE)
    lines = [_read_line(item) for item in request.iterchildren("ItemOut")]
    if currency is None:
        currency = next(
            (c for item in request.iterfind("ItemOut/ItemDetail/UnitPrice") if (c := read_money(item)[1])), None
        )
    return Order(
        po_number=po_number,
        po_date=read_date(header, "orderDate", ext, "po_date"),
        purpose=OPERATION.read(header.get("type") or "new"),  # the DTD default
        order_type=ORDER_TYPE.read(header.get("orderType")),
        currency=currency,
        requested_delivery_date=read_date(header, "requestedDeliveryDate", ext, "requested_delivery_date"),
        requested_ship_date=to_date(ship_date, header, f"Extrinsic {_SHIP_DATE}"),
        carrier=pop_extrinsic(ext, _CARRIER),
        terms=read_terms(header, ext),
        notes=notes,
        lines=lines,
        total_amount=total,
        parties=rest,
        extensions=ext,
        **placed,
    )


def _read_line(item: Element) -> OrderLine:
    ext: dict[str, Any] = {}
    kids = index(item)
    detail_el = kids.get("ItemDetail")
    detail = index(detail_el) if detail_el is not None else {}
    price, _ = read_money(detail.get("UnitPrice"))
    if "Extrinsic" in detail:
        read_extrinsics(detail_el, ext)
    if detail_el is not None:
        keep_unmapped(detail_el, _DETAIL_KNOWN, ext, detail, key="unmapped_detail")
    keep_unmapped(item, _ITEM_KNOWN, ext, kids)
    product = read_item(kids.get("ItemID"), detail_el, ext, detail)
    if "Distribution" in kids:
        ext["distribution"] = [_read_distribution(d) for d in item.iterchildren("Distribution")]
    if "Comments" in kids and (notes := read_comments(item, ext)):
        ext["notes"] = notes
    return OrderLine(
        line_number=item.get("lineNumber") or None,
        quantity=to_decimal(item.get("quantity"), item, "@quantity"),
        uom=text(detail.get("UnitOfMeasure")),
        unit_price=price,
        item=product,
        requested_delivery_date=read_date(item, "requestedDeliveryDate", ext, "requested_delivery_date"),
        extensions=ext,
    )


def _read_distribution(el: Element) -> dict[str, Any]:
    accounting = el.find("Accounting")
    out: dict[str, Any] = {}
    if accounting is not None:
        out["accounting"] = accounting.get("name") or ""
        out["segments"] = [
            {k: v for k in ("type", "id", "description") if (v := seg.get(k))} for seg in accounting.iterfind("Segment")
        ]
    amount, _ = read_money(el.find("Charge"))
    if amount is not None:
        out["charge"] = amount
    return out


# -- writing -------------------------------------------------------------------------


def write_order(parent: Element, order: Order) -> None:
    ext = order.extensions
    request = sub(parent, "OrderRequest")
    header = sub(
        request,
        "OrderRequestHeader",
        orderID=order.po_number,
        orderDate=write_date(order.po_date, ext, "po_date"),
        type=OPERATION.write(order.purpose) or "new",
        orderType=ORDER_TYPE.write(order.order_type),
        orderVersion=ext.get("order_version"),
        requestedDeliveryDate=write_date(order.requested_delivery_date, ext, "requested_delivery_date"),
    )
    if order.total_amount is not None or order.currency:  # Total is required; it is also where the currency lives
        sub(sub(header, "Total"), "Money", fmt_decimal(order.total_amount), currency=order.currency or "")
    contacts = []
    for party in slotted(order, _SLOTS):
        tag = _ADDRESS_TAGS.get(party.role or "")
        if tag and header.find(tag) is None:
            write_address(header, tag, party)
        else:
            contacts.append(party)
    for tag, key in _HEADER_AMOUNTS:
        write_money(header, tag, ext.get(key), order.currency)
    free_terms = write_terms(header, order.terms)
    for party in contacts:
        write_contact(header, party)
    write_comments(header, order.notes, ext)
    if ext.get("document_reference"):
        sub(header, "DocumentReference", payloadID=str(ext["document_reference"]))
    write_unmapped(header, ext)
    ship_date = order.requested_ship_date.isoformat() if order.requested_ship_date else None
    write_extrinsics(header, ext, paymentTerms=free_terms, carrier=order.carrier, requestedShipDate=ship_date)
    for line in order.lines:
        _write_line(request, line, order.currency)


def _write_line(request: Element, line: OrderLine, currency: str | None) -> None:
    ext = line.extensions
    item = sub(
        request,
        "ItemOut",
        quantity=fmt_decimal(line.quantity),
        lineNumber=line.line_number,
        requestedDeliveryDate=write_date(line.requested_delivery_date, ext, "requested_delivery_date"),
    )
    write_item_id(item, line.item, ext)
    detail = sub(item, "ItemDetail")
    write_money(detail, "UnitPrice", line.unit_price, currency)
    write_description(detail, line.item)
    sub(detail, "UnitOfMeasure", line.uom or "")
    write_item_extras(detail, line.item, ext)
    write_unmapped(detail, ext, key="unmapped_detail")
    write_extrinsics(detail, ext)
    for dist in ext.get("distribution") or []:
        holder = sub(item, "Distribution")
        if "accounting" in dist:
            accounting = sub(holder, "Accounting", name=str(dist["accounting"]))
            for seg in dist.get("segments") or []:
                sub(accounting, "Segment", **{k: str(v) for k, v in seg.items()})
        write_money(holder, "Charge", dist.get("charge"), currency)
    write_unmapped(item, ext)
    write_comments(item, ext.get("notes") or [], ext)
