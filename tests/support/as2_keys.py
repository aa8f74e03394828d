"""Throwaway self-signed AS2 keys and certificates, generated at test time (never committed)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from edi.as2.keys import LocalIdentity, Partner, PrivateKey

__all__ = ["make_identity", "partner_view"]


def _self_signed(name: str, key: PrivateKey) -> x509.Certificate:
    subject = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, name), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "edigw tests")]
    )
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


@cache
def make_identity(as2_id: str, kind: str = "rsa") -> LocalIdentity:
    """A cached identity per (name, kind) so a test session generates each key once."""
    key: PrivateKey = ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, 2048)
    return LocalIdentity(as2_id, key, _self_signed(as2_id, key))


def partner_view(
    identity: LocalIdentity, *, require_signature: bool = True, require_encryption: bool = True
) -> Partner:
    """How the other side sees ``identity``: its certificate for verifying and encrypting."""
    return Partner(
        as2_id=identity.as2_id,
        verify_certificates=(identity.certificate,),
        encryption_certificate=identity.certificate,
        require_signature=require_signature,
        require_encryption=require_encryption,
    )
