"""Canonical document type names and the transactions that carry them.

The partners layer sits below translators, so it cannot import the canonical models;
it needs only the names (``translators.canonical.DOCUMENT_TYPES`` keys; a unit test
keeps the two in step) to check routes and rules at load time.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["DocumentType", "DOCUMENT_TYPES", "TRANSACTION_TYPES", "document_type_of"]

DocumentType = Literal["order", "po_ack", "ship_notice", "invoice"]
DOCUMENT_TYPES: tuple[str, ...] = get_args(DocumentType)

#: X12 transaction set ids and cXML request names -> canonical document type.
TRANSACTION_TYPES: dict[str, str] = {
    "850": "order",
    "855": "po_ack",
    "856": "ship_notice",
    "810": "invoice",
    "OrderRequest": "order",
    "ConfirmationRequest": "po_ack",
    "ShipNoticeRequest": "ship_notice",
    "InvoiceDetailRequest": "invoice",
}


def document_type_of(name: str) -> str | None:
    """Canonical type for a canonical name, X12 set id or cXML request name (None if neither)."""
    if name in DOCUMENT_TYPES:
        return name
    return TRANSACTION_TYPES.get(name)
