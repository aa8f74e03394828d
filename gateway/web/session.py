"""Dashboard sessions: a signed cookie naming the API token's id, never the token itself.

The cookie holds ``{token id, nonce, expiry}`` and an HMAC-SHA256 over it with a
secret kept in ``$EDIGW_HOME/dashboard.secret`` (0600, created on first use), so every
gateway process on the same home accepts it and a restart does not log people out.
Each request re-reads the token row, so revoking the token ends its sessions. The
CSRF token of a session is an HMAC of its nonce: forms carry it, POSTs check it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SessionSigner", "SessionData", "load_secret", "COOKIE", "LOGIN_COOKIE", "MAX_AGE"]

COOKIE = "edigw_session"
#: Pre-login CSRF cookie (double submit): the login form is protected too.
LOGIN_COOKIE = "edigw_login"
MAX_AGE = 12 * 3600


@dataclass(frozen=True, slots=True)
class SessionData:
    token_id: uuid.UUID
    nonce: str
    expires: int


def load_secret(home: Path) -> bytes:
    """The signing secret for this ``EDIGW_HOME``; written once, atomically, readable by the owner only."""
    path = home / "dashboard.secret"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # first writer wins when two processes start together
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return bytes.fromhex(path.read_text().strip())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _mac(self, purpose: str, data: str) -> str:
        return _b64(hmac.new(self._secret, f"{purpose}|{data}".encode(), hashlib.sha256).digest())

    def issue(self, token_id: uuid.UUID, max_age: int = MAX_AGE) -> str:
        body = _b64(
            json.dumps({"t": token_id.hex, "n": secrets.token_urlsafe(16), "e": int(time.time()) + max_age}).encode()
        )
        return f"{body}.{self._mac('session', body)}"

    def read(self, cookie: str | None) -> SessionData | None:
        """The session in a cookie, or None when absent, forged or expired."""
        if not cookie or "." not in cookie:
            return None
        body, _, mac = cookie.partition(".")
        if not hmac.compare_digest(mac, self._mac("session", body)):
            return None
        try:
            data = json.loads(_unb64(body))
            session = SessionData(uuid.UUID(hex=data["t"]), str(data["n"]), int(data["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > time.time() else None

    def csrf(self, session: SessionData) -> str:
        return self._mac("csrf", session.nonce)

    def check_csrf(self, session: SessionData, presented: str | None) -> bool:
        return bool(presented) and hmac.compare_digest(presented or "", self.csrf(session))
