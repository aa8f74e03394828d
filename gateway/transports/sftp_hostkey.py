"""Host key pinning: the only server key we accept is the one the partner profile names.

Fingerprints are OpenSSH's ``SHA256:<unpadded base64 of sha256(key blob)>``, the form
``ssh-keygen -lf`` prints, so a partner manager can paste what the partner sends.
There is no trust-on-first-use: an unpinned or different key refuses the connection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import paramiko

from .errors import HostKeyRefused

__all__ = ["fingerprint", "normalize_fingerprint", "PinnedHostKeyPolicy"]

_FINGERPRINT = re.compile(r"^SHA256:([A-Za-z0-9+/]{43})=?$")


def fingerprint(key: paramiko.PKey) -> str:
    """OpenSSH SHA256 fingerprint of a public key."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def normalize_fingerprint(value: str) -> str:
    """Validate ``SHA256:...`` and drop the optional base64 padding so equal keys compare equal."""
    match = _FINGERPRINT.match(value.strip())
    if not match:
        raise ValueError(f"host key fingerprint must look like 'SHA256:<43 base64 chars>', got {value!r}")
    return "SHA256:" + match.group(1)


class PinnedHostKeyPolicy(paramiko.MissingHostKeyPolicy):
    """Accept exactly the pinned key; raise :class:`HostKeyRefused` otherwise.

    Used with an empty ``HostKeys`` store, so paramiko consults it on every connection.
    """

    def __init__(self, pinned: str | None) -> None:
        self._pinned = normalize_fingerprint(pinned) if pinned is not None else None

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        offered = fingerprint(key)
        if self._pinned is None or not hmac.compare_digest(offered, self._pinned):
            raise HostKeyRefused(hostname, offered, self._pinned)
