"""Self-signed test keys and certificates for AS2 identities.

On a fresh ``EDIGW_HOME`` the gateway generates a key pair and certificate for its own
AS2 identity and for each sample partner, so a partner simulator or a real AS2 client
can talk to it at once. Production replaces these files with real ones; existing files
are never overwritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

__all__ = ["KeyPair", "key_file_stem", "ensure_identity", "ensure_identities", "generate_self_signed"]

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass(frozen=True, slots=True)
class KeyPair:
    as2_id: str
    key_path: Path
    cert_path: Path
    created: bool


def key_file_stem(as2_id: str) -> str:
    """File name stem for an AS2 id: the id itself when safe, else a digest (ids never become paths)."""
    if _SAFE.match(as2_id) and as2_id not in (".", ".."):
        return as2_id
    return "as2-" + hashlib.sha256(as2_id.encode()).hexdigest()[:32]


def generate_self_signed(common_name: str, days: int = 730, key_size: int = 2048) -> tuple[bytes, bytes]:
    """(PEM private key, PEM certificate) for ``common_name``; usable for signing and encryption."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "edigw")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def ensure_identity(keys_dir: Path, as2_id: str) -> KeyPair:
    """Create ``<keys_dir>/<id>.key|.crt`` (0600) unless both exist already."""
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = key_file_stem(as2_id)
    key_path, cert_path = keys_dir / f"{stem}.key", keys_dir / f"{stem}.crt"
    if key_path.exists() and cert_path.exists():
        return KeyPair(as2_id, key_path, cert_path, created=False)
    key_pem, cert_pem = generate_self_signed(as2_id)
    for path in (key_path, cert_path):
        path.unlink(missing_ok=True)
    _write_private(key_path, key_pem)
    _write_private(cert_path, cert_pem)
    return KeyPair(as2_id, key_path, cert_path, created=True)


def ensure_identities(keys_dir: Path, as2_ids: Iterable[str]) -> list[KeyPair]:
    return [ensure_identity(keys_dir, as2_id) for as2_id in dict.fromkeys(as2_ids)]
