"""How each simulated system checks the gateway's credentials (``samples/sinks.yaml``).

ERP: ``Authorization: Bearer <token>``. WMS: ``X-Edigw-Timestamp`` and
``X-Edigw-Signature: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>``, refused
when the timestamp is further than ``max_skew_seconds`` from now (a captured request
cannot be replayed later). Shop: HTTP basic auth. Every comparison is constant-time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["AuthConfig", "authorized", "hmac_signature"]


class AuthConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["none", "bearer", "hmac", "basic"] = "none"
    token: str | None = None  # bearer
    secret: str | None = None  # hmac
    username: str = "edigw"  # basic
    password: str | None = None  # basic
    max_skew_seconds: int = 300  # hmac

    @model_validator(mode="after")
    def _complete(self) -> AuthConfig:
        needed = {"bearer": "token", "hmac": "secret", "basic": "password"}.get(self.type)
        if needed and not getattr(self, needed):
            raise ValueError(f"auth type {self.type!r} needs {needed}")
        return self


def hmac_signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Edigw-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def authorized(auth: AuthConfig, headers: Mapping[str, str], body: bytes, now: float | None = None) -> bool:
    """Whether a request with ``headers`` and ``body`` carries the credentials ``auth`` wants."""
    if auth.type == "none":
        return True
    if auth.type == "hmac":
        stamp = headers.get("X-Edigw-Timestamp", "")
        if not stamp.isdigit() or abs((now or time.time()) - int(stamp)) > auth.max_skew_seconds:
            return False
        assert auth.secret is not None
        return _same(headers.get("X-Edigw-Signature", ""), hmac_signature(auth.secret, stamp, body))
    scheme, _, credentials = headers.get("Authorization", "").partition(" ")
    if auth.type == "bearer":
        assert auth.token is not None
        return scheme.lower() == "bearer" and _same(credentials.strip(), auth.token)
    try:
        user, _, password = base64.b64decode(credentials.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    assert auth.password is not None
    return scheme.lower() == "basic" and _same(user, auth.username) and _same(password, auth.password)
