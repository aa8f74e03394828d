"""``edigw messages list|show|replay``: find messages, read one, replay failed ones.

Replays are queued through the outbox (``gateway.replay``); a running ``edigw serve``
or ``edigw worker`` publishes them.
"""

from __future__ import annotations

import sys
import uuid
from typing import Any

import click
from sqlalchemy import select

from edi.text import json_text
from gateway.commands.reconcile import parse_since
from gateway.replay import replay_message
from gateway.runtime import Runtime
from gateway.settings import Settings
from gateway.store import Delivery, DeliveryState, Document, Message, search_messages
from gateway.web.data import message_detail, message_json

__all__ = ["run_list", "run_show", "run_replay"]


def _runtime() -> Runtime:
    return Runtime.open(Settings.from_env(), generate_keys=False)


def _uuid(value: str, what: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        print(f"edigw messages: {what} {value!r} is not a UUID", file=sys.stderr)
        return None


def run_list(filters: dict[str, Any], as_json: bool) -> int:
    try:
        for name in ("since", "until"):
            filters[name] = parse_since(filters.get(name))
    except ValueError:
        print("edigw messages list: --since/--until must be ISO dates such as 2024-05-01", file=sys.stderr)
        return 2
    if filters.get("correlation_id"):
        filters["correlation_id"] = _uuid(filters["correlation_id"], "correlation id")
        if filters["correlation_id"] is None:
            return 2
    runtime = _runtime()
    try:
        with runtime.sessions() as session:
            found = [message_json(session, m, detail=True) for m in search_messages(session, **filters)]
    finally:
        runtime.close()
    if as_json:
        print(json_text({"messages": found}, indent=2))
        return 0
    for m in found:
        docs = " ".join(f"{d['type']}:{d['number'] or '-'}" for d in m["documents"]) or (m["file_name"] or "")
        status = m["status"] or "-"
        print(f"{m['received_at'][:19]}  {m['id']}  {m['partner']:<16} {m['direction']:<3} {status:<12} {docs}")
    print(f"{len(found)} message(s)", file=sys.stderr)
    return 0


def run_show(message_id: str, as_json: bool) -> int:
    mid = _uuid(message_id, "message id")
    if mid is None:
        return 2
    runtime = _runtime()
    try:
        with runtime.sessions() as session:
            message = session.get(Message, mid)
            detail = message_detail(session, message) if message is not None else None
    finally:
        runtime.close()
    if detail is None:
        print(f"edigw messages show: no message {message_id}", file=sys.stderr)
        return 1
    if as_json:
        print(json_text(detail, indent=2, default=str))
        return 0
    for key in ("id", "partner", "direction", "transport", "status", "received_at", "correlation_id", "file_name"):
        print(f"{key + ':':<16}{detail[key] if detail[key] is not None else '-'}")
    print("\nevents:")
    for e in detail["events"]:
        print(f"  {e['at']:%Y-%m-%d %H:%M:%S}  {e['state']:<18} {e['detail']}")
    for d in detail["deliveries"]:
        print(f"delivery: {d['document']} -> {d['sink']}: {d['state']} ({d['attempts']} attempts) {d['error'] or ''}")
    for a in detail["acks"]:
        print(f"ack: {a['direction']} {a['kind']} {a['status']}")
    print("\n" + detail["pretty"])
    return 0


def run_replay(message_ids: tuple[str, ...], dead_letters: bool, partner: str | None, by: str) -> int:
    """Replay the given messages, or with ``dead_letters`` every message with a dead-lettered
    delivery or itself dead-lettered (an outbound that could not be sent, an inbound that
    could not be processed)."""
    if not message_ids and not dead_letters:
        print("edigw messages replay: give message ids or --dead-letters", file=sys.stderr)
        return 2
    ids = [_uuid(v, "message id") for v in message_ids]
    if None in ids:
        return 2
    runtime = _runtime()
    failed = 0
    try:
        if dead_letters:
            with runtime.sessions() as session:
                query = (
                    select(Document.message_id)
                    .join(Delivery, Delivery.document_id == Document.id)
                    .where(Delivery.state == DeliveryState.DEAD_LETTER)
                    .distinct()
                )
                if partner is not None:
                    query = query.where(Document.partner_id == partner)
                ids += list(session.scalars(query))
                # and messages that could not be sent or processed at all
                ids += [m.id for m in search_messages(session, partner=partner, status="dead_letter", limit=10_000)]
        batch = [mid for mid in dict.fromkeys(ids) if mid is not None]
        results: list[tuple[uuid.UUID, str]] = []
        # a progress bar on stderr for batches; the per-message outcome on stdout
        with click.progressbar(batch, label="replaying", file=sys.stderr, hidden=len(batch) < 2) as bar:
            for mid in bar:
                results.append((mid, replay_message(runtime.sessions, mid, by)))
        for mid, done in results:
            print(f"{mid}: {done or 'no such message'}")
            failed += not done
        if len(batch) > 1:
            print(f"{len(batch) - failed} of {len(batch)} messages queued for replay", file=sys.stderr)
    finally:
        runtime.close()
    return 1 if failed else 0
