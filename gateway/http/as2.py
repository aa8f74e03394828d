"""``POST /as2``: receive AS2 messages; ``POST /as2/mdn``: receive asynchronous MDNs.

Order of work (DESIGN.md lifecycle): unwrap (decrypt, verify, decompress) → commit the
payload, its identity and the processing intent → only then build, store and return
the MDN. A resent Message-ID is stored as a duplicate and answered with the MDN that
was sent the first time. Anything refused is kept with the reason and answered with
an error MDN whose disposition modifier comes from the exception (never guessed).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from urllib.parse import urlsplit

from aiohttp import web

from edi.as2 import AS2Error, Envelope, MalformedMessage, build_mdn, parse_message, read_envelope
from edi.as2.mdn import MdnMessage
from edi.as2.mic import Mic
from gateway.http.keys import RUNTIME
from gateway.inbound import (
    UNKNOWN_PARTNER,
    find_receipt,
    http_blob,
    split_http_blob,
    store_inbound,
    store_rejected,
    store_sent_receipt,
)
from gateway.outbound_as2 import record_mdn
from gateway.runtime import Runtime
from gateway.store import enqueue, transaction
from gateway.task_names import SEND_ASYNC_MDN_TASK

__all__ = ["routes", "serialize_mdn", "mdn_response"]

log = logging.getLogger("edigw.as2")
routes = web.RouteTableDef()


def serialize_mdn(mdn: MdnMessage) -> bytes:
    """Headers and body of an MDN as one blob, so the very same MDN can be returned again."""
    return http_blob(mdn.headers, mdn.body)


def mdn_response(blob: bytes) -> web.Response:
    headers, body = split_http_blob(blob)
    response = web.Response(body=body, status=200)
    for name, value in headers.items():
        if name.lower() not in ("content-length", "transfer-encoding", "connection"):
            response.headers[name] = value
    return response


def _status(mdn_error: AS2Error | None) -> str:
    return "processed" if mdn_error is None else f"error:{mdn_error.modifier}"


@routes.post("/as2")
async def receive(request: web.Request) -> web.StreamResponse:
    runtime = request.app[RUNTIME]
    body = await request.read()
    headers = {k: v for k, v in request.headers.items()}
    try:
        envelope = read_envelope(headers)
    except AS2Error as exc:  # no AS2 identity at all: nothing to address an MDN to
        await asyncio.to_thread(
            store_rejected, runtime.sessions, partner_id=None, transport="as2", raw=body, reason=str(exc)
        )
        raise web.HTTPBadRequest(text=f"not an AS2 message: {exc}\n") from exc
    return await asyncio.to_thread(_receive_sync, runtime, envelope, headers, body)


def _receive_sync(runtime: Runtime, envelope: Envelope, headers: dict[str, str], body: bytes) -> web.Response:
    directory = runtime.as2
    partner_id: str | None = None
    try:
        profile = directory.profile_for(envelope.as2_from, envelope.as2_to)
        partner_id = profile.id
        inbound = parse_message(
            headers,
            body,
            directory.find_our_key,
            lambda as2_from: directory.find_partner(as2_from, envelope.as2_to),
            max_size=runtime.settings.max_body_bytes,
        )
    except AS2Error as exc:
        stored = store_rejected(
            runtime.sessions,
            partner_id=partner_id,
            transport="as2",
            raw=body,
            reason=exc.modifier,
            detail={"error": str(exc)},
            as2_message_id=envelope.message_id,
            content_type=headers.get("Content-Type"),
        )
        log.warning("AS2 message %s refused: %s (%s)", envelope.message_id, exc.modifier, exc)
        return _answer(runtime, envelope, stored.message_id, partner_id, mic=None, error=exc)

    stored = store_inbound(
        runtime.sessions,
        partner_id=profile.id,
        transport="as2",
        raw=inbound.payload,
        as2_message_id=envelope.message_id,
        file_name=inbound.filename,
        content_type=inbound.content_type,
    )
    runtime.wake_relay()
    if stored.duplicate_of is not None:
        previous = find_receipt(runtime.sessions, stored.duplicate_of, "MDN")
        if previous is not None and envelope.mdn is not None and not envelope.mdn.is_async:
            log.info("AS2 message %s is a duplicate of %s: same MDN", envelope.message_id, stored.duplicate_of)
            return mdn_response(previous)
    return _answer(runtime, envelope, stored.message_id, profile.id, mic=inbound.mic, error=None)


def _answer(
    runtime: Runtime,
    envelope: Envelope,
    message_id: uuid.UUID,
    partner_id: str | None,
    *,
    mic: Mic | None,
    error: AS2Error | None,
) -> web.Response:
    """Build, remember and return the MDN (sync), or queue it (async), or plain 200/4xx."""
    if envelope.mdn is None:
        if error is not None:
            raise web.HTTPBadRequest(text=f"refused: {error.modifier}\n")
        return web.Response(status=200, text="received\n")
    signer = None
    if envelope.mdn.signed:
        try:
            signer = runtime.as2.find_our_key(envelope.as2_to)
        except AS2Error:
            signer = None  # cannot sign as an identity we do not have; say so unsigned
    mdn = build_mdn(envelope, mic=mic, error=error, signer=signer)
    blob = serialize_mdn(mdn)
    store_sent_receipt(
        runtime.sessions,
        partner_id=partner_id or UNKNOWN_PARTNER,
        related_message_id=message_id,
        kind="MDN",
        status=_status(error),
        raw=blob,
    )
    if envelope.mdn.is_async and _async_url_allowed(runtime, partner_id, envelope.mdn.async_url):
        # The async MDN goes out through the outbox (tasks send it); answer the POST now.
        with transaction(runtime.sessions) as session:
            enqueue(session, SEND_ASYNC_MDN_TASK, {"message_id": str(message_id), "url": envelope.mdn.async_url})
        return web.Response(status=200, text="received; MDN follows asynchronously\n")
    return mdn_response(blob)


def _async_url_allowed(runtime: Runtime, partner_id: str | None, url: str | None) -> bool:
    """Send async MDNs only to the partner's own AS2 host (the URL comes from the request: no SSRF).

    Otherwise the MDN is returned synchronously, which every AS2 client can read.
    """
    if not url or partner_id is None or partner_id not in runtime.registry:
        return False
    as2 = runtime.registry.get(partner_id).transports.as2
    return as2 is not None and urlsplit(url).hostname == urlsplit(str(as2.url)).hostname


@routes.post("/as2/mdn")
async def receive_async_mdn(request: web.Request) -> web.Response:
    """Asynchronous MDNs for messages we sent; matched to the sent message by Original-Message-ID."""
    runtime = request.app[RUNTIME]
    body = await request.read()
    headers = {k: v for k, v in request.headers.items()}
    try:
        envelope = read_envelope(headers)
    except MalformedMessage as exc:
        raise web.HTTPBadRequest(text=f"not an AS2 MDN: {exc}\n") from exc
    await asyncio.to_thread(record_mdn, runtime, envelope, headers, body)
    return web.Response(status=200, text="MDN received\n")
