"""Key material and trading-partner policy handed to the AS2 layer by its caller.

The layer never looks anything up itself: the gateway passes these objects directly
(outbound) or returns them from the ``find_our_key`` / ``find_partner`` callbacks
(inbound), so ``edi.as2`` stays free of files and databases.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

__all__ = ["PrivateKey", "LocalIdentity", "Partner", "load_private_key_pem", "load_certificate_pem"]

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class LocalIdentity:
    """Our side of an exchange: AS2 name, private key and the certificate partners have for it."""

    as2_id: str
    private_key: PrivateKey = field(repr=False)
    certificate: x509.Certificate = field(repr=False)

    def __post_init__(self) -> None:
        if self.private_key.public_key().public_numbers() != self.certificate.public_key().public_numbers():
            raise ValueError(f"private key of {self.as2_id!r} does not match its certificate")


@dataclass(frozen=True)
class Partner:
    """A trading partner as the AS2 layer needs it.

    ``verify_certificates`` may hold more than one certificate during a key rollover;
    ``encryption_certificate`` is what we encrypt to. The two ``require_*`` flags are
    the inbound policy: a message weaker than this is refused with
    ``insufficient-message-security``.
    """

    as2_id: str
    verify_certificates: tuple[x509.Certificate, ...] = field(default=(), repr=False)
    encryption_certificate: x509.Certificate | None = field(default=None, repr=False)
    require_signature: bool = True
    require_encryption: bool = True

    def __post_init__(self) -> None:
        if self.require_signature and not self.verify_certificates:
            raise ValueError(f"partner {self.as2_id!r} requires signatures but has no certificate to verify them")


def load_private_key_pem(data: bytes, password: bytes | None = None) -> PrivateKey:
    """Load an RSA or EC private key from PEM bytes (the caller reads the file)."""
    key = serialization.load_pem_private_key(data, password=password)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError(f"unsupported private key type {type(key).__name__}")
    return key


def load_certificate_pem(data: bytes) -> x509.Certificate:
    return x509.load_pem_x509_certificate(data)
