"""Names of the digest and content-encryption algorithms AS2 peers use, mapped to ``cryptography``.

Peers spell the same algorithm several ways (``sha-256`` in micalg per RFC 5751,
``sha256`` from pyas2lib and many Java products, ``SHA256`` from others), so every
name entering the layer goes through :func:`normalize_digest` / :func:`normalize_cipher`.
MD5 is deliberately absent: it is refused as insufficient security.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import BlockCipherAlgorithm, algorithms

__all__ = [
    "DIGESTS",
    "CIPHERS",
    "CipherSpec",
    "normalize_digest",
    "hash_algorithm",
    "normalize_cipher",
    "cipher_for_oid_name",
]

# RFC 5751 micalg name -> hash class.
DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha-1": hashes.SHA1,
    "sha-224": hashes.SHA224,
    "sha-256": hashes.SHA256,
    "sha-384": hashes.SHA384,
    "sha-512": hashes.SHA512,
}


@dataclass(frozen=True)
class CipherSpec:
    """One CBC content-encryption algorithm: our name, asn1crypto's OID name, key size, primitive."""

    name: str
    oid_name: str
    key_size: int
    algorithm: type[BlockCipherAlgorithm]


CIPHERS: dict[str, CipherSpec] = {
    spec.name: spec
    for spec in (
        CipherSpec("aes128-cbc", "aes128_cbc", 16, algorithms.AES),
        CipherSpec("aes192-cbc", "aes192_cbc", 24, algorithms.AES),
        CipherSpec("aes256-cbc", "aes256_cbc", 32, algorithms.AES),
        CipherSpec("3des-cbc", "tripledes_3key", 24, TripleDES),
    )
}

_CIPHER_ALIASES = {
    "aes128": "aes128-cbc",
    "aes-128-cbc": "aes128-cbc",
    "aes-128": "aes128-cbc",
    "aes192": "aes192-cbc",
    "aes-192-cbc": "aes192-cbc",
    "aes256": "aes256-cbc",
    "aes-256-cbc": "aes256-cbc",
    "aes-256": "aes256-cbc",
    "3des": "3des-cbc",
    "des-ede3-cbc": "3des-cbc",
    "tripledes": "3des-cbc",
    "tripledes-192-cbc": "3des-cbc",
}


def normalize_digest(name: str) -> str:
    """``"SHA256"``, ``"sha-256"``, ``"sha_256"`` -> ``"sha-256"``; ValueError for anything unsupported."""
    key = name.strip().lower().replace("_", "-")
    if key.startswith("sha") and not key.startswith("sha-"):
        key = "sha-" + key[3:]
    if key not in DIGESTS:
        raise ValueError(f"unsupported digest algorithm {name!r}")
    return key


def hash_algorithm(name: str) -> hashes.HashAlgorithm:
    """A fresh ``cryptography`` hash object for a digest name in any accepted spelling."""
    return DIGESTS[normalize_digest(name)]()


def normalize_cipher(name: str) -> str:
    """``"aes_256_cbc"``, ``"AES256"``, ``"tripledes_192_cbc"`` -> canonical names of :data:`CIPHERS`."""
    key = name.strip().lower().replace("_", "-")
    key = _CIPHER_ALIASES.get(key, key)
    if key not in CIPHERS:
        raise ValueError(f"unsupported content encryption algorithm {name!r}")
    return key


def cipher_for_oid_name(oid_name: str) -> CipherSpec | None:
    """The spec whose asn1crypto algorithm name is ``oid_name`` (as read from EnvelopedData), if supported."""
    return next((spec for spec in CIPHERS.values() if spec.oid_name == oid_name), None)
