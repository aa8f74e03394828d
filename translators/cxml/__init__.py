"""cXML <-> canonical documents (OrderRequest, ConfirmationRequest, ShipNoticeRequest,
InvoiceDetailRequest) and the cXML Response status.

Entry points: ``translate_cxml(data) -> TranslationResult``, ``render_cxml(doc_type,
document, options=CxmlOptions(...)) -> bytes``, ``parse_status`` / ``render_status`` for
Response documents, ``read_envelope`` for routing on the Header credentials.
"""

from .envelope import Credential, CxmlOptions, Envelope, read_envelope
from .render import render_cxml
from .status import CxmlStatus, parse_status, render_status
from .translate import translate_cxml
from .values import CxmlDataError

__all__ = [
    "Credential",
    "CxmlDataError",
    "CxmlOptions",
    "CxmlStatus",
    "Envelope",
    "parse_status",
    "read_envelope",
    "render_cxml",
    "render_status",
    "translate_cxml",
]
