"""API bearer tokens, hashed at rest.

A token reads ``edigw_<token id hex>_<secret>``. Verification loads the row by id and
compares SHA-256 digests with ``hmac.compare_digest``, so neither a database lookup on
the secret nor a short-circuiting compare leaks how close a guess was. Only the hash is
stored; the token itself is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from .models import ApiToken
from .types import utcnow

__all__ = ["IssuedToken", "create_token", "verify_token", "revoke_token", "hash_token"]

PREFIX = "edigw"


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str  # the only time the clear text exists
    record: ApiToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, partner_id: str | None = None) -> IssuedToken:
    """New token for a partner (its own data only) or, with no partner, an admin."""
    token_id = uuid.uuid4()
    token = f"{PREFIX}_{token_id.hex}_{secrets.token_urlsafe(32)}"
    record = ApiToken(id=token_id, name=name, partner_id=partner_id, token_hash=hash_token(token), created_at=utcnow())
    session.add(record)
    session.flush()
    return IssuedToken(token, record)


def verify_token(session: Session, token: str) -> ApiToken | None:
    """The live token record for a presented bearer token, else None (unknown, malformed or revoked)."""
    prefix, _, rest = token.strip().partition("_")
    id_hex, _, secret = rest.partition("_")
    if prefix != PREFIX or not secret:
        return None
    try:
        token_id = uuid.UUID(hex=id_hex)
    except ValueError:
        return None
    record = session.get(ApiToken, token_id)
    if record is None:
        return None
    if not hmac.compare_digest(hash_token(token.strip()), record.token_hash) or record.revoked_at is not None:
        return None
    return record


def revoke_token(session: Session, token_id: uuid.UUID) -> bool:
    """Revoke a token; False when there is no such live token."""
    result = session.execute(
        update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
