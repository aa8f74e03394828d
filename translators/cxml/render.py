"""Canonical documents -> cXML bytes: the ``render_cxml`` entry point."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from ..canonical import DOCUMENT_TYPES, Invoice, Order, PoAck, ShipNotice
from .confirmation import write_confirmation
from .envelope import DTD_FOR, CxmlOptions, build_envelope, to_bytes
from .invoice import write_invoice
from .order import write_order
from .ship_notice import write_ship_notice
from .status import CxmlStatus, render_status

__all__ = ["render_cxml", "WRITERS"]

#: canonical type -> (cXML payload element, model, writer)
WRITERS: dict[str, tuple[str, type, Callable[[etree._Element, Any], None]]] = {
    "order": ("OrderRequest", Order, write_order),
    "po_ack": ("ConfirmationRequest", PoAck, write_confirmation),
    "ship_notice": ("ShipNoticeRequest", ShipNotice, write_ship_notice),
    "invoice": ("InvoiceDetailRequest", Invoice, write_invoice),
}
_ALIASES = {payload: doc_type for doc_type, (payload, _, _) in WRITERS.items()}


def render_cxml(doc_type: str, document: Any, *, options: CxmlOptions) -> bytes:
    """cXML for one canonical document.

    ``doc_type`` is a canonical type (order, po_ack, ship_notice, invoice; the cXML names
    OrderRequest, ... are accepted too) or "status" / "Response" with a ``CxmlStatus``.
    ``document`` may be the model or its JSON dict.
    """
    if doc_type in ("status", "Response"):
        if not isinstance(document, CxmlStatus):
            raise TypeError("render_cxml('status', ...) takes a CxmlStatus")
        return render_status(document.code, document.text, document.message, options=options)
    doc_type = _ALIASES.get(doc_type, doc_type)
    if doc_type not in WRITERS:
        raise ValueError(f"cannot render {doc_type!r} as cXML; known: {', '.join(WRITERS)}, status")
    payload, model, writer = WRITERS[doc_type]
    if isinstance(document, dict):
        document = DOCUMENT_TYPES[doc_type].model_validate(document)
    if not isinstance(document, model):
        raise TypeError(f"render_cxml({doc_type!r}) takes a {model.__name__}, not {type(document).__name__}")
    root, request = build_envelope(options, "Request")
    writer(request, document)
    return to_bytes(root, options, DTD_FOR[payload])
