"""cXML bytes -> canonical documents: the ``translate_cxml`` entry point.

Every outcome is a ``TranslationResult``: one document, or one ``TranslationError`` whose
codes say why (``xml:<reason>`` from the safe parser, and the cXML status code we would
answer with: ``cxml:400`` for a bad document, ``cxml:450`` for a kind we do not translate).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree
from pydantic import ValidationError

from edi.xml import DEFAULT_LIMITS, XmlError, XmlLimits, parse_xml

from ..canonical import Document
from ..result import Source, Translated, TranslationError, TranslationResult
from .confirmation import read_confirmation
from .envelope import read_envelope
from .invoice import read_invoice
from .order import read_order
from .ship_notice import read_ship_notice
from .values import CxmlDataError

__all__ = ["translate_cxml", "READERS"]

#: payload element -> (canonical type, reader)
READERS: dict[str, tuple[str, Callable[[etree._Element], Document]]] = {
    "OrderRequest": ("order", read_order),
    "ConfirmationRequest": ("po_ack", read_confirmation),
    "ShipNoticeRequest": ("ship_notice", read_ship_notice),
    "InvoiceDetailRequest": ("invoice", read_invoice),
}


def _rejected(message: str, source: Source | None, codes: list[str], **detail: Any) -> TranslationResult:
    details = [detail] if detail else []
    return TranslationResult(errors=[TranslationError(message, source=source, codes=codes, details=details)])


def translate_cxml(data: bytes, limits: XmlLimits = DEFAULT_LIMITS) -> TranslationResult:
    """Translate one cXML document (OrderRequest, ConfirmationRequest, ShipNoticeRequest, InvoiceDetailRequest)."""
    try:
        root = parse_xml(data, limits)
    except XmlError as exc:
        position = {"line": exc.line, "column": exc.column} if exc.line else {}
        return _rejected(str(exc), None, [f"xml:{exc.reason}", "cxml:400"], **position)
    if root.tag != "cXML":
        return _rejected(f"not a cXML document: the root element is <{root.tag}>", None, ["cxml:400"])
    envelope = read_envelope(root)
    source = Source("cxml", envelope.name or "cXML", envelope.version, interchange_control=envelope.payload_id)
    entry = READERS.get(envelope.name)
    if entry is None or envelope.payload is None:
        if not envelope.name:
            return _rejected("cXML document has no Request, Response or Message", source, ["cxml:400"])
        message = f"cXML {envelope.name} is not translated"
        status = root.find("Response/Status")
        if status is not None:
            said = " ".join(filter(None, (status.get("code"), status.get("text"))))
            message += f" (a Response with Status {said}: see parse_status)"
        return _rejected(message, source, ["cxml:450"])
    doc_type, reader = entry
    try:
        document = reader(envelope.payload)
    except CxmlDataError as exc:
        return _rejected(f"cXML {envelope.name}: {exc}", source, ["cxml:400"], path=exc.path)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return _rejected(f"cXML {envelope.name}: {problems}", source, ["cxml:400"])
    return TranslationResult(documents=[Translated(doc_type, document, source)])
