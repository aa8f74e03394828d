"""X12 code lists the mappings use, as data: code -> canonical name.

Every table is one-to-one so ``X12 -> canonical -> X12`` gives back the same code.
Codes missing here are kept as the raw code in the canonical field.
"""

from __future__ import annotations

__all__ = [
    "PURPOSE",
    "ORDER_TYPE",
    "ACK_TYPE",
    "LINE_STATUS",
    "CHARGE_TYPE",
    "ITEM_ID_FIELDS",
    "ITEM_ID_QUALIFIERS",
    "CONTACT_NUMBERS",
    "PURPOSE_ALIASES",
    "ACK_TYPE_ALIASES",
    "CHARGE_CODE_ALIASES",
]

#: BEG01 / BAK01 / BSN01 / BIG08 transaction set purpose code (353).
PURPOSE: dict[str, str] = {
    "00": "original",
    "01": "cancel",
    "02": "add",
    "03": "delete",
    "04": "change",
    "05": "replace",
    "06": "confirmation",
    "07": "duplicate",
    "08": "status",
    "13": "request",
    "14": "advance_notification",
    "15": "resubmission",
    "18": "reissue",
    "22": "information_copy",
}

#: BEG02 purchase order type code (92).
ORDER_TYPE: dict[str, str] = {
    "SA": "stand_alone",
    "BK": "blanket",
    "RL": "release",
    "DS": "dropship",
    "CN": "consigned",
    "KN": "purchase_order",
    "NE": "new_order",
    "RE": "reorder",
    "RO": "rush_order",
    "SP": "sample",
    "OS": "special_order",
}

#: BAK02 acknowledgment type (587).
ACK_TYPE: dict[str, str] = {
    "AT": "accepted",
    "AC": "accepted_with_changes",
    "AD": "accepted_no_changes",
    "AE": "accepted_with_exceptions",
    "AK": "accepted_no_detail",
    "AH": "on_hold",
    "AP": "accepted_product_replenishment",
    "NA": "no_acknowledgment_needed",
    "RJ": "rejected",
    "RD": "rejected_with_detail",
    "RF": "rejected_with_exceptions",
    "RO": "rejected_counter_offer",
}

#: ACK01 line item status code (668).
LINE_STATUS: dict[str, str] = {
    "IA": "accepted",
    "IR": "rejected",
    "IB": "backordered",
    "IC": "changed",
    "ID": "deleted",
    "IE": "accepted_price_pending",
    "IF": "on_hold_incomplete_description",
    "IH": "on_hold",
    "IP": "price_changed",
    "IQ": "quantity_changed",
    "IS": "substituted",
    "IW": "on_hold_waiver_required",
    "AR": "accepted_released",
    "DR": "date_rescheduled",
    "SP": "scheduled_partial",
    "R1": "rejected_not_contract_item",
    "R2": "rejected_invalid_item",
}

#: Canonical words other formats use (the cXML mapping) -> X12 code, for writing only.
PURPOSE_ALIASES: dict[str, str] = {"standard": "00", "new": "00", "update": "05", "delete": "01"}
ACK_TYPE_ALIASES: dict[str, str] = {"detail": "AC", "all_detail": "AD", "backordered": "AC", "accept": "AT"}
#: SAC02 (1300) for charge codes written as words by other formats.
CHARGE_CODE_ALIASES: dict[str, str] = {
    "tax": "H850",
    "shipping": "D240",
    "freight": "D240",
    "specialHandling": "H090",
    "special_handling": "H090",
    "discount": "C310",
    "allowance": "C000",
}

#: SAC01 allowance or charge indicator (248); "N" (no allowance or charge) is not a charge.
CHARGE_TYPE: dict[str, str] = {"A": "allowance", "C": "charge"}

#: Product/service id qualifier (235) -> Item field. Several qualifiers feed one field;
#: the first one in a segment wins, later ones go to ``item.other_ids``.
ITEM_ID_FIELDS: dict[str, str] = {
    "BP": "buyer_part",
    "IN": "buyer_part",
    "PI": "buyer_part",
    "VP": "vendor_part",
    "VN": "vendor_part",
    "VC": "vendor_part",
    "VA": "vendor_part",
    "UP": "upc",
    "UA": "upc",
    "UK": "gtin",
    "EN": "gtin",
    "UI": "gtin",
    "SK": "sku",
}

#: Item field -> qualifier written on output (GTIN by length: 14 digits UK, else EN).
ITEM_ID_QUALIFIERS: dict[str, str] = {
    "buyer_part": "BP",
    "vendor_part": "VN",
    "upc": "UP",
    "gtin": "UK",
    "sku": "SK",
}

#: PER03/05/07 communication number qualifier (365) -> contact key.
CONTACT_NUMBERS: dict[str, str] = {"TE": "phone", "EM": "email", "FX": "fax", "UR": "url", "EX": "extension"}
