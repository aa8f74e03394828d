"""Who is asking: API tokens resolved to a principal, and what a principal may see.

Shared by the REST API (bearer header) and the dashboard (session cookie naming the
token's id), so partner scoping is decided in one place: a token with a partner sees
only that partner's data, everywhere.
"""

from __future__ import annotations

import asyncio
import uuid

from aiohttp import web

from gateway.runtime import Runtime
from gateway.store import ApiToken, verify_token

__all__ = ["PRINCIPAL", "lookup_token", "lookup_token_id", "scope", "allowed"]

#: The authenticated token record of the request (detached from its session).
PRINCIPAL = web.RequestKey("principal", ApiToken)


async def lookup_token(runtime: Runtime, token: str) -> ApiToken | None:
    """The live record for a presented token, or None."""

    def check() -> ApiToken | None:
        with runtime.sessions() as session:
            record = verify_token(session, token.strip())
            if record is not None:
                session.expunge(record)
            return record

    return await asyncio.to_thread(check)


async def lookup_token_id(runtime: Runtime, token_id: uuid.UUID) -> ApiToken | None:
    """The live (not revoked) record with this id: a dashboard session stays valid only while its token does."""

    def check() -> ApiToken | None:
        with runtime.sessions() as session:
            record = session.get(ApiToken, token_id)
            if record is None or record.revoked_at is not None:
                return None
            session.expunge(record)
            return record

    return await asyncio.to_thread(check)


def scope(request: web.Request) -> str | None:
    """The partner the request's token is limited to, or None for an operator token."""
    return request[PRINCIPAL].partner_id


def allowed(request: web.Request, partner_id: str) -> bool:
    limit = scope(request)
    return limit is None or limit == partner_id
