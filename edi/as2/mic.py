"""The Message Integrity Check (RFC 4130 §7.3.1): what the sender records and the MDN returns."""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes

from edi.as2.algorithms import hash_algorithm, normalize_digest

__all__ = ["Mic"]


@dataclass(frozen=True)
class Mic:
    """A digest and its algorithm; ``str(mic)`` is the ``Received-Content-MIC`` field value."""

    digest: bytes
    algorithm: str

    @classmethod
    def compute(cls, data: bytes, algorithm: str) -> Mic:
        h = hashes.Hash(hash_algorithm(algorithm))
        h.update(data)
        return cls(h.finalize(), normalize_digest(algorithm))

    @classmethod
    def parse(cls, value: str) -> Mic:
        """Read ``"<base64>, <alg>"``; ValueError when unreadable or the algorithm is unknown."""
        encoded, sep, algorithm = value.rpartition(",")
        if not sep:
            raise ValueError(f"MIC without algorithm: {value!r}")
        try:
            digest = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error as exc:
            raise ValueError(f"MIC digest is not base64: {value!r}") from exc
        return cls(digest, normalize_digest(algorithm))

    @property
    def encoded(self) -> str:
        return base64.b64encode(self.digest).decode("ascii")

    def __str__(self) -> str:
        return f"{self.encoded}, {self.algorithm}"

    def matches(self, other: Mic) -> bool:
        """Same algorithm and same digest (constant-time compare)."""
        return self.algorithm == other.algorithm and hmac.compare_digest(self.digest, other.digest)
