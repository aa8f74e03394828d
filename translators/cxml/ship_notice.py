"""cXML ``ShipNoticeRequest`` <-> canonical ``ShipNotice``.

Header: shipmentID -> shipment_id, shipmentDate -> ship_date, deliveryDate ->
estimated_delivery, noticeDate -> ``extensions["notice_date"]``, operation -> purpose,
Contacts (shipFrom, shipTo, ...) -> parties, Comments -> ``extensions["notes"]``,
Packaging/Dimension[@type=grossWeight] -> weight + weight_uom, Packaging/PackagingCode
-> packaging_code; lading_quantity travels as Extrinsic ``ladingQuantity``.
ShipControl: CarrierIdentifier[@domain=SCAC] -> carrier_scac (companyName ->
``extensions["carrier_name"]``), ShipmentIdentifier -> tracking_number (domain
billOfLading -> bill_of_lading).
Each ShipNoticePortion is one ``ShipOrder`` (OrderReference orderID/orderDate). A
ShipNoticeItem whose Packaging carries a ShippingContainerSerialCode (SSCC) goes in the
``Pack`` of that SSCC, the others in the order's ``items``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lxml import etree

from ..canonical import Pack, ShipItem, ShipNotice, ShipOrder
from .codes import OPERATION
from .comments import read_comments, write_comments
from .items import read_item, write_description, write_item_extras, write_item_id
from .parties import assign, read_contact, slotted, write_contact
from .values import (
    CxmlDataError,
    fmt_decimal,
    keep_unmapped,
    pop_extrinsic,
    read_date,
    read_extrinsics,
    sub,
    text,
    to_decimal,
    write_date,
    write_extrinsics,
    write_unmapped,
)

__all__ = ["read_ship_notice", "write_ship_notice"]

Element = etree._Element
_SLOTS = {"SF": "ship_from", "ST": "ship_to"}
#: children read by this mapping; others are kept in ``extensions["unmapped"]``
_HEADER_KNOWN = frozenset({"Contact", "Comments", "Packaging", "Extrinsic"})
_PORTION_KNOWN = frozenset({"OrderReference", "ShipNoticeItem", "Extrinsic"})
_ITEM_KNOWN = frozenset({"ItemID", "ShipNoticeItemDetail", "UnitOfMeasure", "Packaging", "Extrinsic"})
_WEIGHT = "grossWeight"
_LADING = "ladingQuantity"
_BOL = "billOfLading"


def read_ship_notice(request: Element) -> ShipNotice:
    header = request.find("ShipNoticeHeader")
    if header is None:
        raise CxmlDataError("ShipNoticeRequest has no ShipNoticeHeader", request)
    shipment_id = (header.get("shipmentID") or "").strip()
    if not shipment_id:
        raise CxmlDataError("ShipNoticeHeader@shipmentID is missing", header)
    ext: dict[str, Any] = {}
    notice = read_date(header, "noticeDate", ext, "notice_date")
    if notice is not None:
        ext["notice_date"] = notice.isoformat()
    placed, rest = assign((read_contact(c) for c in header.iterfind("Contact")), _SLOTS)
    if notes := read_comments(header, ext):
        ext["notes"] = notes
    read_extrinsics(header, ext)
    keep_unmapped(header, _HEADER_KNOWN, ext)
    lading = pop_extrinsic(ext, _LADING)
    fields: dict[str, Any] = {}
    packaging = header.find("Packaging")
    if packaging is not None:
        fields["packaging_code"] = text(packaging.find("PackagingCode"))
        weight = packaging.find(f"Dimension[@type='{_WEIGHT}']")
        if weight is not None:
            fields["weight"] = to_decimal(weight.get("quantity"), weight, "@quantity")
            fields["weight_uom"] = text(weight.find("UnitOfMeasure"))
    control = request.find("ShipControl")
    if control is not None:
        for carrier in control.iterfind("CarrierIdentifier"):
            domain = (carrier.get("domain") or "").lower()
            if domain == "scac":
                fields.setdefault("carrier_scac", text(carrier))
            elif domain == "companyname" and (name := text(carrier)):
                ext.setdefault("carrier_name", name)
        for ident in control.iterfind("ShipmentIdentifier"):
            key = "bill_of_lading" if ident.get("domain") == _BOL else "tracking_number"
            if fields.get(key) is None:
                fields[key] = text(ident)
    return ShipNotice(
        shipment_id=shipment_id,
        ship_date=read_date(header, "shipmentDate", ext, "ship_date"),
        estimated_delivery=read_date(header, "deliveryDate", ext, "estimated_delivery"),
        purpose=OPERATION.read(header.get("operation")),
        lading_quantity=to_decimal(lading, header, f"Extrinsic {_LADING}"),
        orders=[_read_portion(p) for p in request.iterfind("ShipNoticePortion")],
        parties=rest,
        extensions=ext,
        **placed,
        **fields,
    )


def _read_portion(portion: Element) -> ShipOrder:
    ext: dict[str, Any] = {}
    reference = portion.find("OrderReference")
    po_number = po_date = None
    if reference is not None:
        po_number = (reference.get("orderID") or "").strip() or None
        po_date = read_date(reference, "orderDate", ext, "po_date")
        doc_ref = reference.find("DocumentReference")
        if doc_ref is not None and doc_ref.get("payloadID"):
            ext["order_payload_id"] = doc_ref.get("payloadID")
    packs: dict[str, Pack] = {}
    loose: list[ShipItem] = []
    for el in portion.iterfind("ShipNoticeItem"):
        item, sscc = _read_item(el)
        if sscc is None:
            loose.append(item)
        else:
            packs.setdefault(sscc, Pack(sscc=sscc)).items.append(item)
    read_extrinsics(portion, ext)
    keep_unmapped(portion, _PORTION_KNOWN, ext)
    return ShipOrder(po_number=po_number, po_date=po_date, packs=list(packs.values()), items=loose, extensions=ext)


def _read_item(el: Element) -> tuple[ShipItem, str | None]:
    ext: dict[str, Any] = {}
    product = read_item(el.find("ItemID"), el.find("ShipNoticeItemDetail"), ext)
    sscc = None
    for packaging in el.iterfind("Packaging"):
        sscc = text(packaging.find("ShippingContainerSerialCode")) or text(
            packaging.find("ShippingContainerSerialCodeReference")
        )
        if sscc:
            break
    read_extrinsics(el, ext)
    keep_unmapped(el, _ITEM_KNOWN, ext)
    item = ShipItem(
        line_number=el.get("lineNumber") or None,
        item=product,
        quantity_shipped=to_decimal(el.get("quantity"), el, "@quantity"),
        uom=text(el.find("UnitOfMeasure")),
        extensions=ext,
    )
    return item, sscc


# -- writing -------------------------------------------------------------------------


def write_ship_notice(parent: Element, notice: ShipNotice) -> None:
    ext = notice.extensions
    request = sub(parent, "ShipNoticeRequest")
    notice_day = dt.date.fromisoformat(ext["notice_date"]) if ext.get("notice_date") else None
    header = sub(
        request,
        "ShipNoticeHeader",
        shipmentID=notice.shipment_id,
        operation=OPERATION.write(notice.purpose),
        noticeDate=write_date(notice_day, ext, "notice_date"),
        shipmentDate=write_date(notice.ship_date, ext, "ship_date"),
        deliveryDate=write_date(notice.estimated_delivery, ext, "estimated_delivery"),
    )
    for party in slotted(notice, _SLOTS):
        write_contact(header, party)
    write_comments(header, ext.get("notes") or [], ext)
    if notice.packaging_code or notice.weight is not None or notice.weight_uom:
        packaging = sub(header, "Packaging")
        if notice.packaging_code:
            sub(packaging, "PackagingCode", notice.packaging_code)
        if notice.weight is not None or notice.weight_uom:
            weight = sub(packaging, "Dimension", quantity=fmt_decimal(notice.weight), type=_WEIGHT)
            sub(weight, "UnitOfMeasure", notice.weight_uom or "")
    write_unmapped(header, ext)
    write_extrinsics(header, ext, ladingQuantity=fmt_decimal(notice.lading_quantity))
    if notice.carrier_scac or notice.tracking_number or notice.bill_of_lading or ext.get("carrier_name"):
        control = sub(request, "ShipControl")
        if notice.carrier_scac:
            sub(control, "CarrierIdentifier", notice.carrier_scac, domain="SCAC")
        if ext.get("carrier_name"):
            sub(control, "CarrierIdentifier", str(ext["carrier_name"]), domain="companyName")
        if notice.tracking_number:
            sub(control, "ShipmentIdentifier", notice.tracking_number)
        if notice.bill_of_lading:
            sub(control, "ShipmentIdentifier", notice.bill_of_lading, domain=_BOL)
    for order in notice.orders:
        _write_portion(request, order)


def _write_portion(request: Element, order: ShipOrder) -> None:
    ext = order.extensions
    portion = sub(request, "ShipNoticePortion")
    reference = sub(
        portion, "OrderReference", orderID=order.po_number, orderDate=write_date(order.po_date, ext, "po_date")
    )
    sub(reference, "DocumentReference", payloadID=str(ext.get("order_payload_id") or ""))
    write_unmapped(portion, ext)
    write_extrinsics(portion, ext)
    for item in order.items:
        _write_item(portion, item, None)
    for pack in order.packs:
        for item in pack.items:
            _write_item(portion, item, pack.sscc)


def _write_item(portion: Element, item: ShipItem, sscc: str | None) -> None:
    ext = item.extensions
    el = sub(portion, "ShipNoticeItem", quantity=fmt_decimal(item.quantity_shipped), lineNumber=item.line_number)
    write_item_id(el, item.item, ext)
    if item.item.description or item.item.other_ids or item.item.gtin or ext.get("manufacturer_name"):
        detail = sub(el, "ShipNoticeItemDetail")
        write_description(detail, item.item, required=False)
        write_item_extras(detail, item.item, ext)
    sub(el, "UnitOfMeasure", item.uom or "")
    if sscc:
        sub(sub(el, "Packaging"), "ShippingContainerSerialCode", sscc)
    write_unmapped(el, ext)
    write_extrinsics(el, ext)
