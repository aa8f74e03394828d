"""Build an outbound AS2 message: payload -> [compress] -> [sign] -> [compress] -> [encrypt].

The result carries the HTTP headers, the body and the MIC recorded for matching the
MDN later (RFC 4130 §7.3.1): over the signed entity (headers and content) when signed;
over the entity that was encrypted when only encrypted; over the payload content alone
when neither. :func:`edi.as2.parse.parse_message` applies the same rule.
"""

from __future__ import annotations

import email.utils
import platform
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from edi.as2 import cms
from edi.as2.algorithms import normalize_cipher, normalize_digest
from edi.as2.envelope import AS2_VERSION, EDIINT_FEATURES, MdnRequest, new_message_id
from edi.as2.keys import LocalIdentity, Partner
from edi.as2.mic import Mic
from edi.as2.mime import header_value, quote_as2_name, render_entity, safe_filename
from edi.as2.smime import Headers, signed_entity

__all__ = ["Compression", "MdnMode", "SendOptions", "OutboundMessage", "build_message"]


class Compression(StrEnum):
    """Where compression sits (RFC 5402 allows both; before signing is the usual choice)."""

    NONE = "none"
    BEFORE_SIGNING = "before-signing"
    AFTER_SIGNING = "after-signing"


class MdnMode(StrEnum):
    NONE = "none"
    SYNC = "sync"
    ASYNC = "async"


@dataclass(frozen=True)
class SendOptions:
    """How to package one message for one partner; validated on creation."""

    content_type: str = "application/edi-x12"
    filename: str | None = None
    subject: str = "AS2 message"
    sign: bool = True
    digest: str = "sha-256"
    encrypt: bool = True
    cipher: str = "aes256-cbc"
    compression: Compression = Compression.NONE
    mdn: MdnMode = MdnMode.SYNC
    mdn_signed: bool = True
    mdn_to: str = "edigw@localhost"
    async_mdn_url: str | None = None
    message_id_host: str = field(default_factory=lambda: platform.node() or "edigw")

    def __post_init__(self) -> None:
        object.__setattr__(self, "digest", normalize_digest(self.digest))
        object.__setattr__(self, "cipher", normalize_cipher(self.cipher))
        object.__setattr__(self, "compression", Compression(self.compression))
        object.__setattr__(self, "mdn", MdnMode(self.mdn))
        if self.mdn is MdnMode.ASYNC and not self.async_mdn_url:
            raise ValueError("an async MDN needs async_mdn_url")
        if "/" not in self.content_type:
            raise ValueError(f"invalid content type {self.content_type!r}")
        for name in ("content_type", "filename", "subject", "mdn_to", "async_mdn_url"):
            value = getattr(self, name)
            if value is not None and any(c in value for c in "\r\n\0"):
                raise ValueError(f"{name} must not contain line breaks")


@dataclass(frozen=True)
class OutboundMessage:
    """Ready to POST: ``headers`` and ``body``; ``mic`` and ``message_id`` are kept to match the MDN."""

    message_id: str
    headers: dict[str, str]
    body: bytes = field(repr=False)
    mic: Mic
    mdn_request: MdnRequest | None


def _payload_headers(options: SendOptions) -> Headers:
    headers = [("Content-Type", options.content_type), ("Content-Transfer-Encoding", "binary")]
    filename = safe_filename(options.filename)
    if filename:
        if filename.isascii():
            disposition = header_value("attachment", {"filename": filename})
        else:
            disposition = f"attachment; filename*={email.utils.encode_rfc2231(filename, 'utf-8')}"
        headers.append(("Content-Disposition", disposition))
    return headers


def _smime_headers(smime_type: str, name: str) -> Headers:
    return [
        ("Content-Type", header_value("application/pkcs7-mime", {"smime-type": smime_type, "name": name})),
        ("Content-Transfer-Encoding", "binary"),
        ("Content-Disposition", header_value("attachment", {"filename": name})),
    ]


def _compressed(entity: bytes) -> tuple[Headers, bytes]:
    return _smime_headers("compressed-data", "smime.p7z"), cms.compress(entity)


def build_message(
    payload: bytes,
    sender: LocalIdentity,
    partner: Partner,
    options: SendOptions,
    extra_headers: Mapping[str, str] | None = None,
) -> OutboundMessage:
    """Package ``payload`` for ``partner``; raises ValueError when options and keys do not fit."""
    if options.encrypt and partner.encryption_certificate is None:
        raise ValueError(f"partner {partner.as2_id!r} has no encryption certificate")
    headers, body = _payload_headers(options), payload
    mic = Mic.compute(payload, options.digest)
    if options.compression is Compression.BEFORE_SIGNING:
        headers, body = _compressed(render_entity(headers, body))
    if options.sign:
        entity = render_entity(headers, body)
        mic = Mic.compute(entity, options.digest)
        headers, body = signed_entity(entity, sender, options.digest)
    if options.compression is Compression.AFTER_SIGNING:
        headers, body = _compressed(render_entity(headers, body))
    if options.encrypt:
        assert partner.encryption_certificate is not None
        entity = render_entity(headers, body)
        if not options.sign:
            mic = Mic.compute(entity, options.digest)
        headers = _smime_headers("enveloped-data", "smime.p7m")
        body = cms.encrypt(entity, partner.encryption_certificate, options.cipher)

    message_id = new_message_id(options.message_id_host)
    http = {
        "AS2-Version": AS2_VERSION,
        "EDIINT-Features": EDIINT_FEATURES,
        "AS2-From": quote_as2_name(sender.as2_id),
        "AS2-To": quote_as2_name(partner.as2_id),
        "Message-ID": message_id,
        "Subject": options.subject,
        "Date": email.utils.formatdate(usegmt=True),
        "MIME-Version": "1.0",
    }
    mdn_request = None
    if options.mdn is not MdnMode.NONE:
        mdn_request = MdnRequest(signed=options.mdn_signed, micalgs=(options.digest,), async_url=options.async_mdn_url)
        http["Disposition-Notification-To"] = options.mdn_to
        if options.mdn_signed:
            http["Disposition-Notification-Options"] = mdn_request.options_header()
        if mdn_request.async_url:
            http["Receipt-Delivery-Option"] = mdn_request.async_url
    http.update(dict(headers))
    http.update(extra_headers or {})
    return OutboundMessage(message_id.strip("<>"), http, body, mic, mdn_request)
