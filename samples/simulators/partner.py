"""The trading partner (BigBox): sends 850s to the gateway and receives our 855/856/810/997.

Client side (:func:`send_as2`, :func:`make_850`, :func:`drop_sftp`) lives in
:mod:`~samples.simulators.as2_peer` and :mod:`~samples.simulators.x12gen` and is
re-exported here. Server side, :func:`create_app`: ``POST /as2`` unwraps a message with
the partner's key and the gateway's certificate, answers with a signed MDN (sync, or
async when asked), notes each interchange's sets and control numbers, and for business
documents (855, 856, 810) sends a real 997 back to the gateway over AS2 after
``ack_delay`` seconds, built by ``edi.x12`` from the received interchange exactly as
the gateway builds its own. A repeated Message-ID is answered with the first MDN.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import Field

from edi.as2 import AS2Error, Envelope, InboundMessage, build_mdn, parse_message, read_envelope
from edi.x12.ack import AckWriter, iter_validated
from edi.x12.control import InMemoryAllocator
from edi.x12.errors import X12Error
from edi.x12.parse import parse
from samples.simulators.as2_peer import As2Peer, As2SendError, send_as2, send_as2_async
from samples.simulators.base import SESSION, STATE, SimulatorConfig, SimulatorState, create_base_app
from samples.simulators.callbacks import RetryPolicy, with_retries
from samples.simulators.x12gen import drop_sftp, make_850
from tasks.sinks.http import classify_status

__all__ = ["PartnerConfig", "PartnerBook", "PARTNER", "create_app", "send_as2", "make_850", "drop_sftp"]

log = logging.getLogger("edigw.simulators.partner")

#: business documents the partner acknowledges with a 997 (never acks: no ack loops)
ACKNOWLEDGED_SETS = frozenset({"855", "856", "810"})


class PartnerConfig(SimulatorConfig):
    name: str = "partner"
    idempotency_header: str = "Message-ID"  # AS2 retries keep their Message-ID
    #: keys under <home>/keys (EDIGW_HOME of the gateway in the demo)
    home: Path
    partner_as2_id: str = "BIGBOX-AS2"
    gateway_as2_id: str = "EDIGW-AS2"
    #: where 997s go (gateway base URL); None: receive only
    gateway_url: str | None = None
    ack_delay: float = Field(0.5, ge=0)
    retry: RetryPolicy = Field(default_factory=RetryPolicy)
    #: first ISA13/GS06/ST02 of our 997s; None: from the clock, so a restart does not reuse numbers
    first_control_number: int | None = Field(None, ge=1, le=999_999_999)


@dataclass
class PartnerBook:
    """What the partner received and which 997s it sent; keys are loaded on first use."""

    config: PartnerConfig
    received: deque[dict[str, Any]] = field(init=False)  # the last max_documents of each
    acks_sent: deque[dict[str, Any]] = field(init=False)
    allocator: InMemoryAllocator = field(init=False)

    def __post_init__(self) -> None:
        self.received = deque(maxlen=self.config.max_documents)
        self.acks_sent = deque(maxlen=self.config.max_documents)
        start = self.config.first_control_number or int(time.time()) % 900_000_000 + 1
        self.allocator = InMemoryAllocator(start)

    @cached_property
    def peer(self) -> As2Peer:
        return As2Peer.from_home(self.config.home, self.config.partner_as2_id, self.config.gateway_as2_id)

    def clear(self) -> None:
        self.received.clear()
        self.acks_sent.clear()

    def stats(self) -> dict[str, Any]:
        return {"interchanges": list(self.received), "acks_sent": list(self.acks_sent)}


PARTNER = web.AppKey("partner_book", PartnerBook)
routes = web.RouteTableDef()


def describe(payload: bytes) -> list[dict[str, Any]]:
    """Interchange, group and set control numbers of an X12 payload (raises X12Error if unreadable)."""
    out = []
    for ic in parse(payload):
        sets = [
            {"set": ts.id, "control": ts.control_number, "group": group.control_number}
            for group in ic.groups
            for ts in group.sets
        ]
        out.append({"interchange_control": ic.control_number, "sender": ic.sender_id, "sets": sets})
    return out


def acks_for(payload: bytes, allocator: InMemoryAllocator) -> list[tuple[bytes, str, str]]:
    """(ack bytes, its ISA13, ISA13 acknowledged): a 997 per interchange, or a TA1 when rejected."""
    writer = AckWriter(allocator)
    return [
        (ack.to_bytes(), ack.control_number, ack.acknowledges)
        for result, envelope in iter_validated(payload)
        for ack in writer.write(result, envelope, kind="997")
    ]


@routes.post("/as2")
async def receive(request: web.Request) -> web.Response:
    body = await request.read()
    headers = dict(request.headers.items())
    try:
        envelope = read_envelope(headers)
    except AS2Error as exc:
        raise web.HTTPBadRequest(text=f"not an AS2 message: {exc}\n") from exc
    book = request.app[PARTNER]
    try:
        peer = book.peer
    except OSError as exc:  # 503: the sender retries once `edigw serve` has generated the keys
        log.error("partner keys missing under %s: %s", book.config.home / "keys", exc)
        raise web.HTTPServiceUnavailable(text=f"partner keys not available: {exc}\n") from exc
    try:
        inbound = parse_message(headers, body, peer.find_our_key, peer.find_partner)
    except AS2Error as exc:
        log.warning("partner refused AS2 message %s: %s", envelope.message_id, exc)
        request.app[STATE].record("refused", {"message_id": envelope.message_id, "error": exc.modifier}, request)
        return _answer(request, envelope, None, exc)
    _note(request, inbound)
    return _answer(request, envelope, inbound, None)


def _note(request: web.Request, inbound: InboundMessage) -> None:
    """Record what arrived and schedule the 997 for business documents."""
    app, book, state = request.app, request.app[PARTNER], request.app[STATE]
    entry: dict[str, Any] = {"message_id": inbound.envelope.message_id, "filename": inbound.filename}
    try:
        entry["interchanges"] = describe(inbound.payload)
    except X12Error as exc:
        entry["error"] = f"not readable X12: {exc}"
    entry["at"] = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    book.received.append(entry)
    set_ids = [s["set"] for ic in entry.get("interchanges", []) for s in ic["sets"]]
    for set_id in set_ids or ["unreadable"]:
        state.record(set_id, entry, request)
    if book.config.gateway_url and ACKNOWLEDGED_SETS.intersection(set_ids):
        payload = inbound.payload
        state.later(book.config.ack_delay, lambda: _send_acks(app, payload))


async def _send_acks(app: web.Application, payload: bytes) -> None:
    book = app[PARTNER]
    for ack, control, acknowledges in acks_for(payload, book.allocator):
        book.acks_sent.append(await _send_ack(app, ack, control, acknowledges))


async def _send_ack(app: web.Application, ack: bytes, control: str, acknowledges: str) -> dict[str, Any]:
    """One ack over AS2 with retries (twice, same Message-ID, under ``duplicate_callbacks``)."""
    book, state, url = app[PARTNER], app[STATE], app[PARTNER].config.gateway_url
    assert url is not None
    sent = book.peer.package(ack, filename=f"997-{control}.edi")
    record: dict[str, Any] = {"control_number": control, "acknowledges": acknowledges, "message_id": sent.message_id}

    async def attempt() -> tuple[str, float | None, str]:
        try:
            mdn = await send_as2_async(app[SESSION], url, book.peer, sent, book.config.retry.timeout_seconds)
        except As2SendError as exc:
            return (classify_status(exc.status) if exc.status else "retry"), None, str(exc)
        except AS2Error as exc:
            return "permanent", None, f"MDN not trusted: {exc}"
        record["mdn"] = mdn.status.value
        return ("ok" if mdn.status.value == "delivered" else "permanent"), None, f"MDN {mdn.status.value}"

    copies = 2 if state.faults.duplicate_callbacks else 1
    for _ in range(copies):
        record["ok"] = await with_retries(state, f"997 {control} for {acknowledges}", attempt, book.config.retry)
    return record


def _answer(
    request: web.Request, envelope: Envelope, inbound: InboundMessage | None, error: AS2Error | None
) -> web.Response:
    """The MDN: in the response (sync), POSTed to the Receipt-Delivery-Option URL (async), or none."""
    if envelope.mdn is None:
        return web.Response(status=200 if error is None else 400, text="received\n" if error is None else "refused\n")
    book = request.app[PARTNER]
    mdn = build_mdn(
        envelope, mic=inbound.mic if inbound else None, error=error, signer=book.peer.us, message_id_host="partner"
    )
    if envelope.mdn.is_async and envelope.mdn.async_url:
        url, state, session = envelope.mdn.async_url, request.app[STATE], request.app[SESSION]

        async def deliver() -> None:
            async with session.post(url, data=mdn.body, headers=mdn.headers) as resp:
                log.info("partner async MDN to %s: HTTP %s", url, resp.status)

        state.later(0, deliver)
        return web.Response(status=200, text="received; MDN follows asynchronously\n")
    response = web.Response(status=200, body=mdn.body)
    for name, value in mdn.headers.items():
        response.headers[name] = value
    return response


def create_app(config: PartnerConfig) -> web.Application:
    app = create_base_app(config, routes)
    book = app[PARTNER] = PartnerBook(config)
    state: SimulatorState = app[STATE]
    state.resets.append(book.clear)
    state.extra_stats = book.stats
    return app
