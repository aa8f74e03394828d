"""Parse an inbound AS2 message: decrypt, decompress, verify, and hand back the payload.

Layers are peeled outside-in in whatever order the sender used (compression may sit
inside or outside the signature). Policy is enforced after peeling, so an unsigned
message from a partner that must sign fails as ``insufficient-message-security``
rather than as whatever the first missing layer would suggest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from edi.as2 import cms
from edi.as2.envelope import Envelope, read_envelope
from edi.as2.errors import (
    AS2Error,
    DecompressionFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    MalformedMessage,
    UnknownTradingPartner,
)
from edi.as2.keys import LocalIdentity, Partner
from edi.as2.mic import Mic
from edi.as2.mime import Entity, entity_from_http, parse_entity, safe_filename
from edi.as2.smime import verify_signed_entity

__all__ = ["InboundMessage", "FindOurKey", "FindPartner", "parse_message"]

FindOurKey = Callable[[str], LocalIdentity | None]
FindPartner = Callable[[str], Partner | None]

_SMIME_TYPES = {"application/pkcs7-mime", "application/x-pkcs7-mime"}
_MAX_LAYERS = 4
DEFAULT_MAX_SIZE = 100 * 1024 * 1024


@dataclass(frozen=True)
class InboundMessage:
    """A verified inbound message. ``filename`` is sanitized data; never use it as a path."""

    envelope: Envelope
    payload: bytes = field(repr=False)
    content_type: str
    filename: str | None
    mic: Mic
    signed: bool
    encrypted: bool
    compressed: bool
    cipher: str | None = None
    signature_digest: str | None = None


def _mic_algorithm(envelope: Envelope, signature_digest: str | None) -> str:
    """The signature's digest, else the sender's preferred micalg, else SHA-256.

    Senders record the MIC of a signed message with the digest they signed with (pyas2lib
    and ours do, even when their signed-receipt-micalg names another), so that one wins.
    """
    return signature_digest or (envelope.mdn and envelope.mdn.micalg) or "sha-256"


def parse_message(
    headers: Mapping[str, str],
    body: bytes,
    find_our_key: FindOurKey,
    find_partner: FindPartner,
    max_size: int = DEFAULT_MAX_SIZE,
) -> InboundMessage:
    """Unwrap one AS2 message; raises an :class:`~edi.as2.errors.AS2Error` carrying its MDN modifier."""
    envelope = read_envelope(headers)
    identity = find_our_key(envelope.as2_to)
    if identity is None:
        raise UnknownTradingPartner(f"AS2-To {envelope.as2_to!r} is not one of our identities")
    partner = find_partner(envelope.as2_from)
    if partner is None:
        raise UnknownTradingPartner(f"AS2-From {envelope.as2_from!r} is not a known trading partner")
    try:
        return _unwrap(envelope, entity_from_http(headers, body), identity, partner, max_size)
    except AS2Error:
        raise
    except Exception as exc:  # a bug or an input our checks missed must still produce an MDN
        raise AS2Error(f"unexpected error while parsing: {type(exc).__name__}: {exc}") from exc


def _unwrap(
    envelope: Envelope, entity: Entity, identity: LocalIdentity, partner: Partner, max_size: int
) -> InboundMessage:
    encrypted_entity: bytes | None = None
    signed_bytes: bytes | None = None
    cipher = digest = None
    compressed = False
    for _ in range(_MAX_LAYERS):
        content_type = entity.content_type
        if content_type in _SMIME_TYPES:
            der = entity.decoded_body()
            kind = (entity.param("smime-type") or "").lower() or cms.content_kind(der)
            if kind == "enveloped-data" and encrypted_entity is None and signed_bytes is None:
                decrypted, cipher = cms.decrypt(der, identity.private_key, identity.certificate)
                encrypted_entity = decrypted
                entity = _inner_entity(decrypted, DecryptionFailed)
            elif kind == "compressed-data" and not compressed:
                compressed = True
                entity = _inner_entity(cms.decompress(der, max_size), DecompressionFailed)
            else:
                raise MalformedMessage(f"unsupported or repeated S/MIME layer {kind!r}")
        elif content_type == "multipart/signed" and signed_bytes is None:
            entity, digest, signed_bytes = verify_signed_entity(entity, partner.verify_certificates)
        else:
            break
    else:
        raise MalformedMessage("too many nested S/MIME layers")

    if partner.require_encryption and encrypted_entity is None:
        raise InsufficientMessageSecurity(f"messages from {partner.as2_id!r} must be encrypted")
    if partner.require_signature and signed_bytes is None:
        raise InsufficientMessageSecurity(f"messages from {partner.as2_id!r} must be signed")
    if entity.content_type.startswith("multipart/") or entity.content_type in _SMIME_TYPES:
        raise MalformedMessage(f"unexpected {entity.content_type} where the payload should be")

    payload = entity.decoded_body()
    mic_source = signed_bytes if signed_bytes is not None else encrypted_entity
    algorithm = _mic_algorithm(envelope, digest)
    filename = entity.headers.get_filename()
    return InboundMessage(
        envelope=envelope,
        payload=payload,
        content_type=entity.content_type,
        filename=safe_filename(str(filename) if filename is not None else None),
        mic=Mic.compute(mic_source if mic_source is not None else payload, algorithm),
        signed=signed_bytes is not None,
        encrypted=encrypted_entity is not None,
        compressed=compressed,
        cipher=cipher,
        signature_digest=digest,
    )


def _inner_entity(data: bytes, error: type[AS2Error]) -> Entity:
    """The MIME entity inside a decrypted/decompressed layer; garbage means that layer failed."""
    try:
        entity = parse_entity(data)
    except MalformedMessage as exc:
        raise error("decrypted/decompressed content is not a MIME entity") from exc
    if "content-type" not in entity.headers:
        raise error("decrypted/decompressed content has no Content-Type")
    return entity
