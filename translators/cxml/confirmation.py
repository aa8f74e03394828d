"""cXML ``ConfirmationRequest`` <-> canonical ``PoAck``.

Header: type -> ack_type (accept -> accepted, reject -> rejected, detail, except ->
accepted_with_changes, ...), noticeDate -> ack_date, operation -> purpose, confirmID ->
seller_order_number, Contacts -> parties, Comments -> ``extensions["notes"]``.
OrderReference orderID/orderDate -> po_number/po_date (its DocumentReference payloadID
in ``extensions["order_payload_id"]``).

A ConfirmationItem can carry several ConfirmationStatus elements (5 accepted, 5
backordered), so every status becomes its own ``PoAckLine`` with the item's line_number;
the item's ordered quantity is kept in ``extensions["ordered_quantity"]`` of its first
line when it differs from the sum of its statuses. Status type -> status, quantity,
UnitOfMeasure, UnitPrice, deliveryDate -> scheduled_date, shipmentDate ->
``extensions["ship_date"]``, ItemIn (changed item) -> item. Prices have no canonical
currency field on an ack: the currency is ``extensions["currency"]``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from itertools import groupby
from typing import Any

from lxml import etree

from ..canonical import Item, PoAck, PoAckLine
from .codes import CONFIRMATION_TYPE, LINE_STATUS, OPERATION
from .comments import read_comments, write_comments
from .items import read_item, write_description, write_item_extras, write_item_id
from .parties import assign, read_contact, slotted, write_contact
from .values import (
    CxmlDataError,
    fmt_decimal,
    keep_unmapped,
    read_date,
    read_extrinsics,
    read_money,
    sub,
    text,
    to_decimal,
    write_date,
    write_extrinsics,
    write_money,
    write_unmapped,
)

__all__ = ["read_confirmation", "write_confirmation"]

Element = etree._Element
_SLOTS = {"BY": "buyer", "SU": "seller", "ST": "ship_to"}
#: children read by this mapping; others are kept in ``extensions["unmapped"]``
_HEADER_KNOWN = frozenset({"Contact", "Comments", "Extrinsic"})
_STATUS_KNOWN = frozenset({"UnitOfMeasure", "ItemIn", "UnitPrice", "Comments", "Extrinsic"})


def read_confirmation(request: Element) -> PoAck:
    header = request.find("ConfirmationHeader")
    reference = request.find("OrderReference")
    if header is None or reference is None:
        raise CxmlDataError("ConfirmationRequest needs a ConfirmationHeader and an OrderReference", request)
    po_number = (reference.get("orderID") or "").strip()
    if not po_number:
        raise CxmlDataError("OrderReference@orderID is missing", reference)
    if not (header.get("type") or "").strip():
        raise CxmlDataError("ConfirmationHeader@type is missing (accept, reject, detail, ...)", header)
    ext: dict[str, Any] = {}
    doc_ref = reference.find("DocumentReference")
    if doc_ref is not None and doc_ref.get("payloadID"):
        ext["order_payload_id"] = doc_ref.get("payloadID")
    placed, rest = assign((read_contact(c) for c in header.iterfind("Contact")), _SLOTS)
    if notes := read_comments(header, ext):
        ext["notes"] = notes
    read_extrinsics(header, ext)
    keep_unmapped(header, _HEADER_KNOWN, ext)
    lines: list[PoAckLine] = []
    for item in request.iterfind("ConfirmationItem"):
        lines.extend(_read_item_lines(item, ext))
    return PoAck(
        po_number=po_number,
        ack_type=CONFIRMATION_TYPE.read(header.get("type")),
        ack_date=read_date(header, "noticeDate", ext, "ack_date"),
        po_date=read_date(reference, "orderDate", ext, "po_date"),
        purpose=OPERATION.read(header.get("operation")),
        seller_order_number=(header.get("confirmID") or "").strip() or None,
        lines=lines,
        parties=rest,
        extensions=ext,
        **placed,
    )


def _read_item_lines(item: Element, doc_ext: dict[str, Any]) -> list[PoAckLine]:
    line_number = item.get("lineNumber") or None
    item_uom = text(item.find("UnitOfMeasure"))
    lines = []
    for status in item.iterfind("ConfirmationStatus"):
        ext: dict[str, Any] = {}
        price, currency = read_money(status.find("UnitPrice"))
        if price is not None and currency and "currency" not in doc_ext:
            doc_ext["currency"] = currency
        item_in = status.find("ItemIn")
        id_el = item_in.find("ItemID") if item_in is not None else None
        product = read_item(
            id_el if id_el is not None else item.find("ItemID"),
            item_in.find("ItemDetail") if item_in is not None else None,
            ext,
        )
        ship_date = read_date(status, "shipmentDate", ext, "ship_date")
        if ship_date is not None:
            ext["ship_date"] = ship_date.isoformat()
        if notes := read_comments(status, ext):
            ext["notes"] = notes
        read_extrinsics(status, ext)
        keep_unmapped(status, _STATUS_KNOWN, ext)
        lines.append(
            PoAckLine(
                line_number=line_number,
                status=LINE_STATUS.read(status.get("type")),
                quantity=to_decimal(status.get("quantity"), status, "@quantity"),
                uom=text(status.find("UnitOfMeasure")) or item_uom,
                unit_price=price,
                scheduled_date=read_date(status, "deliveryDate", ext, "scheduled_date"),
                item=product,
                extensions=ext,
            )
        )
    ordered = to_decimal(item.get("quantity"), item, "@quantity")
    if ordered is not None and (not lines or ordered != sum(line.quantity or Decimal(0) for line in lines)):
        if not lines:  # an item with no status still says what was ordered
            lines.append(
                PoAckLine(line_number=line_number, uom=item_uom, item=read_item(item.find("ItemID"), None, {}))
            )
        lines[0].extensions["ordered_quantity"] = ordered
    return lines


# -- writing -------------------------------------------------------------------------


def write_confirmation(parent: Element, ack: PoAck) -> None:
    ext = ack.extensions
    currency = ext.get("currency")
    request = sub(parent, "ConfirmationRequest")
    header = sub(
        request,
        "ConfirmationHeader",
        type=CONFIRMATION_TYPE.write(ack.ack_type) or "detail",
        noticeDate=write_date(ack.ack_date, ext, "ack_date"),
        operation=OPERATION.write(ack.purpose),
        confirmID=ack.seller_order_number,
    )
    for party in slotted(ack, _SLOTS):
        write_contact(header, party)
    write_comments(header, ext.get("notes") or [], ext)
    write_unmapped(header, ext)
    write_extrinsics(header, ext)
    reference = sub(request, "OrderReference", orderID=ack.po_number, orderDate=write_date(ack.po_date, ext, "po_date"))
    sub(reference, "DocumentReference", payloadID=str(ext.get("order_payload_id") or ""))
    for line_number, group in groupby(ack.lines, key=lambda line: line.line_number):
        _write_item(request, line_number, list(group), currency)


def _write_item(request: Element, line_number: str | None, lines: list[PoAckLine], currency: str | None) -> None:
    first = lines[0]
    statuses = [line for line in lines if line.status is not None or line.quantity is not None]
    ordered = first.extensions.get("ordered_quantity")
    if ordered is None:
        ordered = sum((line.quantity or Decimal(0) for line in statuses), Decimal(0))
    item = sub(request, "ConfirmationItem", quantity=fmt_decimal(ordered), lineNumber=line_number)
    if first.item != Item():
        write_item_id(item, first.item, first.extensions)
    sub(item, "UnitOfMeasure", first.uom or "")
    for line in statuses:
        ext = line.extensions
        ship_date = dt.date.fromisoformat(ext["ship_date"]) if ext.get("ship_date") else None
        status = sub(
            item,
            "ConfirmationStatus",
            quantity=fmt_decimal(line.quantity),
            type=LINE_STATUS.write(line.status) or "unknown",
            shipmentDate=write_date(ship_date, ext, "ship_date"),
            deliveryDate=write_date(line.scheduled_date, ext, "scheduled_date"),
        )
        sub(status, "UnitOfMeasure", line.uom or "")
        if _needs_item_in(line.item, first.item):
            item_in = sub(status, "ItemIn", quantity=fmt_decimal(line.quantity), lineNumber=line_number)
            write_item_id(item_in, line.item, ext)
            detail = sub(item_in, "ItemDetail")
            write_description(detail, line.item)
            sub(detail, "UnitOfMeasure", line.uom or "")
            write_item_extras(detail, line.item, ext)
        write_money(status, "UnitPrice", line.unit_price, currency)
        write_unmapped(status, ext)
        write_comments(status, ext.get("notes") or [], ext)
        write_extrinsics(status, ext)


def _needs_item_in(item: Item, shown: Item) -> bool:
    """ItemIn is written when the status line's item says more than the ConfirmationItem's ItemID."""
    ids = ("vendor_part", "buyer_part")
    return any(getattr(item, f) != getattr(shown, f) for f in ids) or bool(
        item.description or item.gtin or item.other_ids or item.upc or item.sku
    )
