"""REST API under ``/api/v1`` (bearer tokens; partner-scoped tokens see only their partner).

Everything a person can do from the dashboard is here too: upload a file for a partner,
search messages, read one message's raw bytes, parsed segments, canonical documents,
acknowledgements and event timeline, and replay it. The OpenAPI description is served at
``/api/v1/openapi.json`` (no token needed, it holds no data).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from edi.text import json_text
from gateway.http.auth import PRINCIPAL, allowed, lookup_token, scope
from gateway.http.keys import RUNTIME
from gateway.http.openapi import OPENAPI
from gateway.inbound import Stored, store_inbound
from gateway.reconcile import summarize
from gateway.reconcile_query import reconcile_store, registry_tolerances
from gateway.replay import replay_message
from gateway.runtime import Runtime
from gateway.store import (
    Acknowledgement,
    Document,
    Message,
    current_status,
    history,
    search_messages,
    transaction,
)
from gateway.task_names import BUILD_OUTBOUND_TASK

__all__ = ["setup"]

PREFIX = "/api/v1"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
routes = web.RouteTableDef()
#: API answers: amounts as exact JSON numbers (edi.text.json_text), never floats
_json = partial(web.json_response, dumps=json_text)


def setup(app: web.Application) -> None:
    app.middlewares.append(auth_middleware)
    app.add_routes(routes)


# -- authentication ---------------------------------------------------------------------
@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(PREFIX) or request.path == f"{PREFIX}/openapi.json":
        return await handler(request)
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _error(web.HTTPUnauthorized, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    record = await lookup_token(request.app[RUNTIME], token)
    if record is None:
        raise _error(web.HTTPUnauthorized, "invalid or revoked token", headers={"WWW-Authenticate": "Bearer"})
    request[PRINCIPAL] = record
    return await handler(request)


def _error(kind: type[web.HTTPException], message: str, **kw: Any) -> web.HTTPException:
    return kind(text=_json({"error": message}).text, content_type="application/json", **kw)


async def _db(request: web.Request, fn: Callable[[Session], Any], write: bool = False) -> Any:
    runtime: Runtime = request.app[RUNTIME]

    def run() -> Any:
        if write:
            with transaction(runtime.sessions) as session:
                return fn(session)
        with runtime.sessions() as session:
            return fn(session)

    return await asyncio.to_thread(run)


# -- representation ---------------------------------------------------------------------
def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def message_json(session: Session, message: Message, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(message.id),
        "direction": message.direction,
        "partner": message.partner_id,
        "transport": message.transport,
        "status": current_status(session, message.id),
        "received_at": _iso(message.received_at),
        "correlation_id": str(message.correlation_id),
        "as2_message_id": message.as2_message_id,
        "file_name": message.file_name,
        "sha256": message.sha256,
        "size": message.size,
        "content_type": message.content_type,
        "standard": message.standard,
        "duplicate_of": str(message.duplicate_of) if message.duplicate_of else None,
    }
    if detail:
        docs = session.scalars(select(Document).where(Document.message_id == message.id)).all()
        out["documents"] = [document_json(d) for d in docs]
    return out


def document_json(doc: Document, *, canonical: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": str(doc.id),
        "type": doc.doc_type,
        "transaction": doc.transaction,
        "number": doc.number,
        "purpose": doc.purpose,
        "interchange_control": doc.interchange_control,
        "group_control": doc.group_control,
        "set_control": doc.set_control,
    }
    if canonical:
        out["document"] = doc.canonical
        out["findings"] = doc.findings
    return out


def ack_json(ack: Acknowledgement) -> dict[str, Any]:
    return {
        "id": str(ack.id),
        "direction": ack.direction,
        "kind": ack.kind,
        "status": ack.status,
        "interchange_control": ack.interchange_control,
        "group_control": ack.group_control,
        "set_control": ack.set_control,
        "due_at": _iso(ack.due_at),
        "created_at": _iso(ack.created_at),
        "acknowledged_at": _iso(ack.acknowledged_at),
        "message_id": str(ack.message_id) if ack.message_id else None,
    }


# -- helpers ----------------------------------------------------------------------------
def _uuid(value: str, what: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise _error(web.HTTPBadRequest, f"{what} must be a UUID") from exc


def _date(value: str | None, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise _error(web.HTTPBadRequest, f"{name} must be an ISO 8601 date or time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _message_or_404(session: Session, request: web.Request) -> Message:
    message = session.get(Message, _uuid(request.match_info["message_id"]))
    if message is None or not allowed(request, message.partner_id):
        raise _error(web.HTTPNotFound, "no such message")
    return message


# -- endpoints --------------------------------------------------------------------------
@routes.get(f"{PREFIX}/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return _json(OPENAPI)


@routes.post(f"{PREFIX}/partners/{{partner_id}}/messages")
async def upload(request: web.Request) -> web.Response:
    runtime: Runtime = request.app[RUNTIME]
    partner_id = request.match_info["partner_id"]
    if not allowed(request, partner_id) or partner_id not in runtime.registry:
        raise _error(web.HTTPNotFound, "no such partner")
    body = await request.read()
    if not body:
        raise _error(web.HTTPBadRequest, "empty body")
    # The file name is metadata only; it never becomes a path.
    name = request.query.get("filename") or None
    stored = await asyncio.to_thread(
        store_inbound,
        runtime.sessions,
        partner_id=partner_id,
        transport="rest",
        raw=body,
        file_name=name[:255] if name else None,
        content_type=request.headers.get("Content-Type"),
    )
    return _accepted(runtime, stored)


@routes.post(f"{PREFIX}/partners/{{partner_id}}/outbound/{{doc_type}}")
async def business_event(request: web.Request) -> web.Response:
    """A confirmation, shipment or invoice from the ERP/WMS for a partner: becomes an 855/856/810.

    The canonical document is checked, then stored durably with the intent to build and
    send it (202); the build task renders it with the partner's envelope and control
    numbers. A repeated event (same document number and purpose) is recorded, not sent twice.
    """
    from translators.canonical import DOCUMENT_TYPES

    runtime: Runtime = request.app[RUNTIME]
    partner_id, doc_type = request.match_info["partner_id"], request.match_info["doc_type"]
    if not allowed(request, partner_id) or partner_id not in runtime.registry:
        raise _error(web.HTTPNotFound, "no such partner")
    model = DOCUMENT_TYPES.get(doc_type)
    if model is None:
        raise _error(web.HTTPNotFound, f"document type must be one of {', '.join(DOCUMENT_TYPES)}")
    body = await request.read()
    try:
        document = model.model_validate_json(body)
    except ValueError as exc:
        raise _error(web.HTTPUnprocessableEntity, f"not a canonical {doc_type}: {str(exc)[:1000]}") from exc
    if "\\u0000" in json_text(document.model_dump(mode="json")):  # no partner format carries one
        raise _error(web.HTTPUnprocessableEntity, f"not a canonical {doc_type}: a text holds a NUL character")
    stored = await asyncio.to_thread(
        store_inbound,
        runtime.sessions,
        partner_id=partner_id,
        transport="rest",
        raw=body,
        content_type="application/json",
        standard="canonical",
        correlation_id=_correlation(request),
        task=BUILD_OUTBOUND_TASK,
        task_args={"doc_type": doc_type},
    )
    return _accepted(runtime, stored)


def _accepted(runtime: Runtime, stored: Stored) -> web.Response:
    """202 once the message is durable: its id, correlation id and what it duplicates, if anything."""
    runtime.wake_relay()
    payload = {
        "message_id": str(stored.message_id),
        "correlation_id": str(stored.correlation_id),
        "duplicate_of": str(stored.duplicate_of) if stored.duplicate_of else None,
    }
    return _json(payload, status=202)


def _correlation(request: web.Request) -> uuid.UUID | None:
    value = request.headers.get("X-Correlation-ID", "")
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@routes.get(f"{PREFIX}/messages")
async def list_messages(request: web.Request) -> web.Response:
    q = request.query
    limit_to = scope(request)
    partner = q.get("partner")
    if limit_to is not None:
        if partner not in (None, limit_to):
            return _json({"messages": []})
        partner = limit_to
    correlation = _uuid(q["correlation_id"], "correlation_id") if q.get("correlation_id") else None
    try:
        limit = max(1, min(int(q.get("limit", "100")), 1000))
        offset = max(0, int(q.get("offset", "0")))
    except ValueError as exc:
        raise _error(web.HTTPBadRequest, "limit and offset must be integers") from exc

    def run(session: Session) -> list[dict[str, Any]]:
        found = search_messages(
            session,
            partner=partner,
            doc_type=q.get("type"),
            status=q.get("status"),
            number=q.get("number"),
            control_number=q.get("control_number"),
            correlation_id=correlation,
            direction=q.get("direction"),
            since=_date(q.get("since"), "since"),
            until=_date(q.get("until"), "until"),
            limit=limit,
            offset=offset,
        )
        return [message_json(session, m) for m in found]

    return _json({"messages": await _db(request, run)})


@routes.get(f"{PREFIX}/messages/{{message_id}}")
async def show_message(request: web.Request) -> web.Response:
    return _json(await _db(request, lambda s: message_json(s, _message_or_404(s, request), detail=True)))


@routes.get(f"{PREFIX}/messages/{{message_id}}/raw")
async def raw_message(request: web.Request) -> web.Response:
    def run(session: Session) -> tuple[bytes, str | None]:
        message = _message_or_404(session, request)
        return message.raw, message.content_type

    raw, content_type = await _db(request, run)
    return web.Response(
        body=raw, content_type="application/octet-stream", headers={"X-Content-Type": content_type or ""}
    )


@routes.get(f"{PREFIX}/messages/{{message_id}}/parsed")
async def parsed_message(request: web.Request) -> web.Response:
    from gateway.views import parsed_view

    raw = await _db(request, lambda s: _message_or_404(s, request).raw)
    return _json(await asyncio.to_thread(parsed_view, raw))


@routes.get(f"{PREFIX}/messages/{{message_id}}/documents")
async def message_documents(request: web.Request) -> web.Response:
    def run(session: Session) -> list[dict[str, Any]]:
        message = _message_or_404(session, request)
        docs = session.scalars(select(Document).where(Document.message_id == message.id)).all()
        return [document_json(d, canonical=True) for d in docs]

    return _json({"documents": await _db(request, run)})


@routes.get(f"{PREFIX}/messages/{{message_id}}/acks")
async def message_acks(request: web.Request) -> web.Response:
    def run(session: Session) -> list[dict[str, Any]]:
        message = _message_or_404(session, request)
        acks = session.scalars(
            select(Acknowledgement)
            .where((Acknowledgement.related_message_id == message.id) | (Acknowledgement.message_id == message.id))
            .order_by(Acknowledgement.created_at)
        ).all()
        return [ack_json(a) for a in acks]

    return _json({"acks": await _db(request, run)})


@routes.get(f"{PREFIX}/messages/{{message_id}}/events")
async def message_events(request: web.Request) -> web.Response:
    def run(session: Session) -> list[dict[str, Any]]:
        message = _message_or_404(session, request)
        return [
            {
                "state": e.state,
                "at": _iso(e.at),
                "detail": e.detail,
                "document_id": str(e.document_id) if e.document_id else None,
            }
            for e in history(session, message.id)
        ]

    return _json({"events": await _db(request, run)})


@routes.get(f"{PREFIX}/reconciliation")
async def reconciliation(request: web.Request) -> web.Response:
    """PO lines with their three-way match status; a partner token sees its own POs only."""
    runtime: Runtime = request.app[RUNTIME]
    partner = request.query.get("partner") or None
    limit_to = scope(request)
    if limit_to is not None and partner not in (None, limit_to):
        return _json({"lines": [], "summary": summarize([])})
    since = _date(request.query.get("since"), "since")
    tolerances = registry_tolerances(runtime.registry)
    lines = await _db(
        request, lambda s: reconcile_store(s, partner=limit_to or partner, since=since, tolerance_for=tolerances)
    )
    return _json({"lines": [line.as_dict() for line in lines], "summary": summarize(lines)})


@routes.post(f"{PREFIX}/messages/{{message_id}}/replay")
async def replay(request: web.Request) -> web.Response:
    runtime: Runtime = request.app[RUNTIME]
    await _db(request, lambda s: _message_or_404(s, request))
    message_id = _uuid(request.match_info["message_id"])
    done = await asyncio.to_thread(replay_message, runtime.sessions, message_id, request[PRINCIPAL].name)
    runtime.wake_relay()
    return _json({"message_id": request.match_info["message_id"], "status": done}, status=202)
