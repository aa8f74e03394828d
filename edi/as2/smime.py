"""S/MIME multipart/signed entities (RFC 5751 §3.5.3), shared by messages and MDNs.

Signing wraps the exact bytes of an entity; verifying returns the exact bytes that
verified, which are also what the MIC is computed over.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

from cryptography import x509

from edi.as2 import cms
from edi.as2.algorithms import normalize_digest
from edi.as2.errors import IntegrityCheckFailed, MalformedMessage
from edi.as2.keys import LocalIdentity
from edi.as2.mime import (
    Entity,
    build_multipart,
    canonicalize,
    header_value,
    make_boundary,
    parse_entity,
    render_entity,
    split_multipart,
)

__all__ = ["Headers", "SIGNATURE_TYPES", "signed_entity", "verify_signed_entity"]

Headers = list[tuple[str, str]]
SIGNATURE_TYPES = {"application/pkcs7-signature", "application/x-pkcs7-signature"}


def signed_entity(entity: bytes, identity: LocalIdentity, digest: str) -> tuple[Headers, bytes]:
    """multipart/signed around the exact ``entity`` bytes: (headers of the new entity, its body)."""
    signature = cms.sign(entity, identity.private_key, identity.certificate, digest)
    signature_part = render_entity(
        [
            ("Content-Type", header_value("application/pkcs7-signature", {"name": "smime.p7s"})),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", header_value("attachment", {"filename": "smime.p7s"})),
        ],
        _base64_lines(signature),
    )
    boundary = make_boundary()
    params = {"protocol": "application/pkcs7-signature", "micalg": normalize_digest(digest), "boundary": boundary}
    body = build_multipart([entity, signature_part], boundary)
    return [("Content-Type", header_value("multipart/signed", params))], body


def _base64_lines(data: bytes) -> bytes:
    encoded = base64.b64encode(data)
    return b"\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76)) + b"\r\n"


def verify_signed_entity(entity: Entity, certificates: Sequence[x509.Certificate]) -> tuple[Entity, str, bytes]:
    """Verify a multipart/signed entity; returns (signed entity, digest name, exact signed bytes).

    Verification is tried on the bytes as received first, then on their CRLF-canonical
    form, because some transports turn CRLF into LF in text parts after signing.
    """
    parts = split_multipart(entity.body, entity.param("boundary") or "")
    if len(parts) != 2:
        raise MalformedMessage(f"multipart/signed must have 2 parts, found {len(parts)}")
    signature_entity = parse_entity(parts[1])
    if signature_entity.content_type not in SIGNATURE_TYPES:
        raise MalformedMessage(f"unexpected signature part type {signature_entity.content_type}")
    signature = signature_entity.decoded_body()
    content = parts[0]
    try:
        digest = cms.verify(signature, content, certificates)
    except IntegrityCheckFailed:
        canonical = canonicalize(content)
        if canonical == content:
            raise
        digest = cms.verify(signature, canonical, certificates)
        content = canonical
    return parse_entity(content), digest, content
