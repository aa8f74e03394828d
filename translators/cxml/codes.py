"""Code tables between cXML attribute values and canonical values (declarative, two-way).

Unknown values pass through unchanged in both directions so nothing a partner sends is
lost and a canonical value that has no cXML code still reaches the partner verbatim.
"""

from __future__ import annotations

__all__ = [
    "CodeMap",
    "OPERATION",
    "ORDER_TYPE",
    "CONFIRMATION_TYPE",
    "LINE_STATUS",
    "INVOICE_PURPOSE",
    "ROLES",
]


class CodeMap:
    """cXML code <-> canonical code; ``write_aliases`` add extra canonical spellings on output only."""

    __slots__ = ("_read", "_write")

    def __init__(self, pairs: dict[str, str], *, write_aliases: dict[str, str] | None = None) -> None:
        self._read = dict(pairs)
        self._write = {canonical: cxml for cxml, canonical in pairs.items()}
        if len(self._write) != len(self._read):
            raise ValueError("CodeMap pairs must be one-to-one")
        self._write.update(write_aliases or {})

    def read(self, raw: str | None) -> str | None:
        return None if raw is None else self._read.get(raw, raw)

    def write(self, value: str | None) -> str | None:
        return None if value is None else self._write.get(value, value)


#: OrderRequestHeader@type, ConfirmationHeader@operation, ShipNoticeHeader@operation -> purpose
OPERATION = CodeMap({"new": "original", "update": "replace", "delete": "cancel"})

#: OrderRequestHeader@orderType -> order_type (same words as the X12 BEG02 mapping)
ORDER_TYPE = CodeMap({"regular": "stand_alone", "blanket": "blanket", "release": "release"})

#: ConfirmationHeader@type -> ack_type
CONFIRMATION_TYPE = CodeMap(
    {
        "accept": "accepted",
        "reject": "rejected",
        "except": "accepted_with_changes",
        "detail": "detail",
        "allDetail": "all_detail",
        "backordered": "backordered",
    }
)

#: ConfirmationStatus@type -> PoAckLine.status
LINE_STATUS = CodeMap(
    {
        "accept": "accepted",
        "reject": "rejected",
        "backordered": "backordered",
        "detail": "changed",
        "allDetail": "all_detail",
        "unknown": "unknown",
    }
)

#: InvoiceDetailRequestHeader@purpose -> Invoice.purpose
INVOICE_PURPOSE = CodeMap(
    {
        "standard": "standard",
        "creditMemo": "credit_memo",
        "debitMemo": "debit_memo",
        "lineLevelCreditMemo": "line_level_credit_memo",
        "lineLevelDebitMemo": "line_level_debit_memo",
    }
)

#: Contact@role -> Party.role, using the X12 N101 entity codes so parties read the same from both standards
ROLES = CodeMap(
    {
        "shipTo": "ST",
        "billTo": "BT",
        "shipFrom": "SF",
        "remitTo": "RI",
        "soldTo": "SO",
        "buyer": "BY",
        "supplierCorporate": "SU",
        "endUser": "EN",
        "issuerOfInvoice": "II",
        "carrierCorporate": "CA",
    },
    write_aliases={"VN": "supplierCorporate", "SE": "supplierCorporate"},
)
