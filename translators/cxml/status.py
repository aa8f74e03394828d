"""The cXML ``Response``/``Status`` document: what a partner answered to one of our payloads.

Outbound tracking only needs the status: ``code`` (HTTP-like: 2xx success, 4xx the
document was refused, 5xx retry later), ``text`` and the free message the element may
carry. The builder writes our own answer to an inbound request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from lxml import etree

from edi.xml import DEFAULT_LIMITS, XmlLimits, parse_xml

from .envelope import CxmlOptions, build_envelope, read_envelope, to_bytes
from .values import CxmlDataError, sub

__all__ = ["CxmlStatus", "STATUS_TEXT", "parse_status", "read_status", "render_status"]

Element = etree._Element

#: the standard text for the status codes we send
STATUS_TEXT = {
    200: "OK",
    201: "Accepted",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    406: "Not Acceptable",
    409: "Conflict",
    450: "Not Implemented",
    500: "Internal Server Error",
}


@dataclass(frozen=True, slots=True)
class CxmlStatus:
    code: int
    text: str
    message: str = ""
    payload_id: str = ""
    timestamp: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 300

    @property
    def retryable(self) -> bool:
        """5xx means the partner could not process it now; 4xx will fail the same way again."""
        return self.code >= 500

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_status(root: Element) -> CxmlStatus:
    """Status of a parsed ``<cXML><Response><Status>`` document."""
    status = root.find("Response/Status")
    if root.tag != "cXML" or status is None:
        raise CxmlDataError("not a cXML Response with a Status", root)
    raw = (status.get("code") or "").strip()
    if not raw.isdigit():
        raise CxmlDataError(f"Status@code {raw!r} is not a number", status)
    envelope = read_envelope(root)
    return CxmlStatus(
        code=int(raw),
        text=status.get("text") or "",
        message=(status.text or "").strip(),
        payload_id=envelope.payload_id,
        timestamp=envelope.timestamp,
    )


def parse_status(data: bytes, limits: XmlLimits = DEFAULT_LIMITS) -> CxmlStatus:
    """Status of a partner's cXML Response (raises ``edi.xml.XmlError`` or ``CxmlDataError``)."""
    return read_status(parse_xml(data, limits))


def render_status(code: int, text: str | None = None, message: str = "", *, options: CxmlOptions) -> bytes:
    """Our cXML Response to an inbound request: ``code`` 200/400/500..., standard text by default."""
    if not 100 <= code <= 999:
        raise ValueError(f"cXML status code {code} is not a three-digit code")
    root, response = build_envelope(options, "Response")
    sub(response, "Status", message or None, code=str(code), text=text or STATUS_TEXT.get(code, ""))
    return to_bytes(root, options)
