"""The cXML envelope: payloadID, timestamp, version, Header credentials, and the payload element.

The envelope is transport data, not part of a business document: reading it gives an
``Envelope`` (the gateway routes and deduplicates on it; ``payloadID`` becomes the
``interchange_control`` of the translation ``Source``), and writing one takes
``CxmlOptions``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from edi.xml import parse_xml

from .values import CxmlDataError, index, sub, text

__all__ = [
    "Credential",
    "CxmlOptions",
    "Envelope",
    "read_envelope",
    "build_envelope",
    "with_shared_secret",
    "DTD_FOR",
]

Element = etree._Element
_VERSION_IN_URL = re.compile(r"/cXML/(\d+(?:\.\d+)+)/", re.IGNORECASE)
_VERSION = re.compile(r"\d+\.\d+(?:\.\d+)?$")
_DEPLOYMENT_MODES = ("production", "test")

#: payload element -> the DTD file a real cXML 1.2 document of that kind names
DTD_FOR = {
    "OrderRequest": "cXML.dtd",
    "ConfirmationRequest": "Fulfill.dtd",
    "ShipNoticeRequest": "Fulfill.dtd",
    "InvoiceDetailRequest": "InvoiceDetail.dtd",
}


@dataclass(frozen=True, slots=True)
class Credential:
    """One ``<Credential domain=..><Identity>..</Identity>[<SharedSecret>]</Credential>``."""

    domain: str
    identity: str
    shared_secret: str | None = None

    def __post_init__(self) -> None:
        if not self.domain or not self.identity:
            raise ValueError("a cXML Credential needs a domain and an identity")


@dataclass(frozen=True, slots=True)
class CxmlOptions:
    """Envelope settings for outbound cXML (usually built from the partner profile).

    ``payload_id`` and ``timestamp`` are generated when left out; tests pin them.
    """

    from_: tuple[Credential, ...]
    to: tuple[Credential, ...]
    sender: Credential
    user_agent: str = "edigw"
    payload_id: str | None = None
    timestamp: dt.datetime | None = None
    version: str = "1.2.050"
    deployment_mode: str = "production"
    lang: str = "en-US"
    payload_domain: str = "edigw.local"

    def __post_init__(self) -> None:
        if not self.from_ or not self.to:
            raise ValueError("CxmlOptions needs at least one From and one To credential")
        if self.deployment_mode not in _DEPLOYMENT_MODES:
            raise ValueError(f"deployment_mode must be one of {_DEPLOYMENT_MODES}, not {self.deployment_mode!r}")
        if not _VERSION.match(self.version):
            raise ValueError(f"cXML version {self.version!r} is not like 1.2.050")
        if self.timestamp is not None and self.timestamp.tzinfo is None:
            raise ValueError("CxmlOptions.timestamp must be timezone-aware")

    @classmethod
    def simple(
        cls, from_id: str, to_id: str, shared_secret: str | None = None, *, domain: str = "NetworkID", **kw: Any
    ) -> CxmlOptions:
        """Options for the common case: one NetworkID credential each side, the sender being From."""
        return cls(
            from_=(Credential(domain, from_id),),
            to=(Credential(domain, to_id),),
            sender=Credential(domain, from_id, shared_secret),
            **kw,
        )

    def make_payload_id(self) -> str:
        return (
            self.payload_id
            or f"{time.time_ns() // 1_000_000}.{os.getpid()}.{secrets.token_hex(6)}@{self.payload_domain}"
        )

    def make_timestamp(self) -> str:
        stamp = self.timestamp or dt.datetime.now(dt.UTC).replace(microsecond=0)
        return stamp.isoformat()


@dataclass(slots=True)
class Envelope:
    payload_id: str
    timestamp: str
    version: str
    kind: str  # "Request" | "Response" | "Message" | "" (no payload)
    payload: Element | None  # the document element (OrderRequest, Status, PunchOutOrderMessage, ...)
    from_: list[Credential] = field(default_factory=list)
    to: list[Credential] = field(default_factory=list)
    sender: list[Credential] = field(default_factory=list)
    deployment_mode: str = ""

    @property
    def shared_secret(self) -> str | None:
        """The Sender's shared secret, if it gives one."""
        return next((c.shared_secret for c in self.sender if c.shared_secret), None)

    @property
    def name(self) -> str:
        """The payload's element name, or the envelope kind when there is none (a bare Response)."""
        return self.payload.tag if self.payload is not None else self.kind


def _credentials(holder: Element | None) -> list[Credential]:
    out = []
    for cred in holder.iterchildren("Credential") if holder is not None else ():
        parts = index(cred)
        domain, identity = cred.get("domain"), text(parts.get("Identity"))
        if domain and identity:
            out.append(Credential(domain, identity, text(parts.get("SharedSecret"))))
    return out


def read_envelope(root: Element) -> Envelope:
    """Envelope of a parsed ``<cXML>`` root (the caller checked the root tag)."""
    system_url = root.getroottree().docinfo.system_url or ""
    match = _VERSION_IN_URL.search(system_url)
    version = match[1] if match else (root.get("version") or "")
    kind, payload, mode, header = "", None, "", None
    for child in root:
        if child.tag == "Header":
            header = index(child)
        elif child.tag in ("Request", "Response", "Message"):
            kind, mode = child.tag, child.get("deploymentMode") or ""
            if child.tag == "Response":
                payload = next((c for c in child if c.tag != "Status"), None)
            else:
                payload = next(iter(child), None)
            break
    header = header or {}
    return Envelope(
        payload_id=root.get("payloadID") or "",
        timestamp=root.get("timestamp") or "",
        version=version,
        kind=kind,
        payload=payload,
        from_=_credentials(header.get("From")),
        to=_credentials(header.get("To")),
        sender=_credentials(header.get("Sender")),
        deployment_mode=mode,
    )


def _write_credential(parent: Element, cred: Credential, *, secret: bool) -> None:
    el = sub(parent, "Credential", domain=cred.domain)
    sub(el, "Identity", cred.identity)
    if secret and cred.shared_secret:
        sub(el, "SharedSecret", cred.shared_secret)


def build_envelope(options: CxmlOptions, kind: str) -> tuple[Element, Element]:
    """A ``<cXML>`` root with Header (requests only) and an empty ``kind`` element; returns (root, kind element)."""
    root = etree.Element("cXML")
    root.set("payloadID", options.make_payload_id())
    root.set("timestamp", options.make_timestamp())
    root.set("version", options.version)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", options.lang)
    if kind != "Response":
        header = sub(root, "Header")
        for tag, creds in (("From", options.from_), ("To", options.to)):
            holder = sub(header, tag)
            for cred in creds:
                _write_credential(holder, cred, secret=False)
        sender = sub(header, "Sender")
        _write_credential(sender, options.sender, secret=True)
        sub(sender, "UserAgent", options.user_agent)
    body = sub(root, kind)
    if kind == "Request":
        body.set("deploymentMode", options.deployment_mode)
    return root, body


def to_bytes(root: Element, options: CxmlOptions, dtd: str = "cXML.dtd") -> bytes:
    doctype = f'<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/{options.version}/{dtd}">'
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=doctype, pretty_print=True)


def with_shared_secret(data: bytes, secret: str | None) -> bytes:
    """``data`` with ``Header/Sender/Credential/SharedSecret`` set to ``secret``, or removed (None).

    A partner's shared secret travels only on the wire: outbound documents are stored
    without it and get it just before the POST; inbound ones are stored with it removed.
    The document is otherwise kept as it is (DOCTYPE included), whitespace aside.
    """
    root = parse_xml(data)
    credential = root.find("Header/Sender/Credential")
    if credential is None:
        raise CxmlDataError("cXML document has no Header/Sender/Credential")
    for old in credential.findall("SharedSecret"):
        credential.remove(old)
    if secret is not None:
        element = etree.Element("SharedSecret")
        element.text = secret
        credential.insert(1, element)  # right after Identity, as the cXML DTD orders them
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")
