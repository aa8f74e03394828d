"""cXML ``ItemID`` + item detail elements <-> canonical ``Item``.

``SupplierPartID`` -> vendor_part, ``BuyerPartID`` -> buyer_part,
``SupplierPartAuxiliaryID`` -> line ``extensions["supplier_part_auxiliary_id"]``,
``Description`` -> description, ``Classification domain=D`` -> ``other_ids["classification:D"]``,
``ManufacturerPartID`` -> ``other_ids["MG"]`` (the X12 qualifier, so both standards agree),
``ManufacturerName`` -> line ``extensions["manufacturer_name"]``,
``ItemDetailIndustry/ItemDetailRetail/EANID`` -> gtin, ``ItemID/IdReference`` with domain
UPC or SKU -> upc / sku and any other domain D -> ``other_ids[D]`` (so X12 product id
qualifiers survive a trip through cXML). The detail element may be
``ItemDetail``, ``ShipNoticeItemDetail`` or ``InvoiceDetailItemReference``: they share
these children.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ..canonical import Item
from .parties import LANG
from .values import index, sub, text

__all__ = ["read_item", "has_item_id", "write_item_id", "write_description", "write_item_extras", "MANUFACTURER_PART"]

Element = etree._Element
MANUFACTURER_PART = "MG"
_CLASSIFICATION = "classification:"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: ItemID/IdReference domain -> Item field
_ID_FIELDS = {"UPC": "upc", "SKU": "sku"}


def read_item(
    id_el: Element | None, detail_el: Element | None, ext: dict[str, Any], detail: dict[str, Element] | None = None
) -> Item:
    """``detail`` is ``index(detail_el)`` when the caller already has it (the hot path of big orders)."""
    fields: dict[str, Any] = {}
    other: dict[str, str] = {}
    if id_el is not None:
        ids = index(id_el)
        fields["vendor_part"] = text(ids.get("SupplierPartID"))
        fields["buyer_part"] = text(ids.get("BuyerPartID"))
        if aux := text(ids.get("SupplierPartAuxiliaryID")):
            ext["supplier_part_auxiliary_id"] = aux
        if "IdReference" in ids:
            for ref in id_el.iterchildren("IdReference"):
                domain, identifier = ref.get("domain") or "", (ref.get("identifier") or "").strip()
                if domain and identifier:
                    field = _ID_FIELDS.get(domain)
                    if field is not None:
                        fields[field] = identifier
                    else:
                        other[domain] = identifier
    if detail_el is not None:
        kids = detail if detail is not None else index(detail_el)
        fields["description"] = text(kids.get("Description"))
        if "Classification" in kids:
            for cls in detail_el.iterchildren("Classification"):
                if value := text(cls):
                    other[_CLASSIFICATION + (cls.get("domain") or "")] = value
        if mpn := text(kids.get("ManufacturerPartID")):
            other[MANUFACTURER_PART] = mpn
        if name := text(kids.get("ManufacturerName")):
            ext["manufacturer_name"] = name
        if (industry := kids.get("ItemDetailIndustry")) is not None:
            fields["gtin"] = text(industry.find("ItemDetailRetail/EANID"))
    if other:
        fields["other_ids"] = other
    return Item(**fields)


def has_item_id(item: Item, ext: dict[str, Any]) -> bool:
    """Whether ``write_item_id`` has anything to say (ItemID is optional in some places)."""
    return bool(
        item.vendor_part
        or item.buyer_part
        or item.upc
        or item.sku
        or ext.get("supplier_part_auxiliary_id")
        or any(k != MANUFACTURER_PART and not k.startswith(_CLASSIFICATION) for k in item.other_ids)
    )


def write_item_id(parent: Element, item: Item, ext: dict[str, Any]) -> None:
    item_id = sub(parent, "ItemID")
    sub(item_id, "SupplierPartID", item.vendor_part or "")
    if aux := ext.get("supplier_part_auxiliary_id"):
        sub(item_id, "SupplierPartAuxiliaryID", str(aux))
    if item.buyer_part:
        sub(item_id, "BuyerPartID", item.buyer_part)
    for domain, field in _ID_FIELDS.items():
        if value := getattr(item, field):
            sub(item_id, "IdReference", identifier=value, domain=domain)
    for key, value in item.other_ids.items():
        if key != MANUFACTURER_PART and not key.startswith(_CLASSIFICATION):
            sub(item_id, "IdReference", identifier=value, domain=key)


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
