"""cXML ``ItemID`` + item detail elements <-> canonical ``Item``.

``SupplierPartID`` -> vendor_part, ``BuyerPartID`` -> buyer_part,
``SupplierPartAuxiliaryID`` -> line ``extensions["supplier_part_auxiliary_id"]``,
``Description`` -> description, ``Classification domain=D`` -> ``other_ids["classification:D"]``,
``ManufacturerPartID`` -> ``other_ids["MG"]`` (the X12 qualifier, so both standards agree),
``ManufacturerName`` -> line ``extensions["manufacturer_name"]``,
``ItemDetailIndustry/ItemDetailRetail/EANID`` -> gtin. The detail element may be
``ItemDetail``, ``ShipNoticeItemDetail`` or ``InvoiceDetailItemReference``: they share
these children.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..canonical import Item
from .parties import LANG
from .values import index, sub, text

__all__ = ["read_item", "write_item_id", "write_description", "write_item_extras", "MANUFACTURER_PART"]

Element = etree._Element
MANUFACTURER_PART = "MG"
_CLASSIFICATION = "classification:"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_item(
    id_el: Element | None, detail_el: Element | None, ext: dict[str, Any], detail: dict[str, Element] | None = None
) -> Item:
    """``detail`` is ``index(detail_el)`` when the caller already has it (the hot path of big orders)."""
    fields: dict[str, Any] = {}
    if id_el is not None:
        ids = index(id_el)
        fields["vendor_part"] = text(ids.get("SupplierPartID"))
        fields["buyer_part"] = text(ids.get("BuyerPartID"))
        if aux := text(ids.get("SupplierPartAuxiliaryID")):
            ext["supplier_part_auxiliary_id"] = aux
    if detail_el is not None:
        kids = detail if detail is not None else index(detail_el)
        fields["description"] = text(kids.get("Description"))
        other: dict[str, str] = {}
        if "Classification" in kids:
            for cls in detail_el.iterchildren("Classification"):
                if value := text(cls):
                    other[_CLASSIFICATION + (cls.get("domain") or "")] = value
        if mpn := text(kids.get("ManufacturerPartID")):
            other[MANUFACTURER_PART] = mpn
        if other:
            fields["other_ids"] = other
        if name := text(kids.get("ManufacturerName")):
            ext["manufacturer_name"] = name
        if (industry := kids.get("ItemDetailIndustry")) is not None:
            fields["gtin"] = text(industry.find("ItemDetailRetail/EANID"))
    return Item(**fields)


def write_item_id(parent: Element, item: Item, ext: dict[str, Any]) -> None:
    item_id = sub(parent, "ItemID")
    sub(item_id, "SupplierPartID", item.vendor_part or "")
    if aux := ext.get("supplier_part_auxiliary_id"):
        sub(item_id, "SupplierPartAuxiliaryID", str(aux))
    if item.buyer_part:
        sub(item_id, "BuyerPartID", item.buyer_part)


def write_description(parent: Element, item: Item, *, required: bool = True) -> None:
    if item.description is not None or required:
        sub(parent, "Description", item.description or "", **{_XML_LANG: LANG})


def write_item_extras(parent: Element, item: Item, ext: dict[str, Any]) -> None:
    """Classification, ManufacturerPartID, ManufacturerName, EANID in their DTD order."""
    for key, value in item.other_ids.items():
        if key.startswith(_CLASSIFICATION):
            sub(parent, "Classification", value, domain=key[len(_CLASSIFICATION) :])
    if mpn := item.other_ids.get(MANUFACTURER_PART):
        sub(parent, "ManufacturerPartID", mpn)
    if name := ext.get("manufacturer_name"):
        sub(parent, "ManufacturerName", str(name), **{_XML_LANG: LANG})
    if item.gtin:
        sub(sub(sub(parent, "ItemDetailIndustry"), "ItemDetailRetail"), "EANID", item.gtin)
