"""What the dashboard shows, read from the store (no HTML here).

Every function takes the partner a user is limited to (None: all) and applies it to
every query, so a partner-scoped login never sees another partner's numbers.
Definitions operations asked for:

* failed transaction: an inbound message that was rejected, had a set rejected, a
  delivery dead-lettered, or was rejected by the partner's ack;
* sync lag of a sink: age of its oldest delivery still pending or retrying;
* order acknowledgement time: an order's receipt -> the 855 for the same PO sent;
* shipment-confirmation latency: a ship notice's receipt (from the WMS or the partner)
  -> sent to the partner, or delivered to its first sink;
* invoice posting success: invoice deliveries to the ERP, delivered / (delivered + dead);
* orders without manual intervention: orders whose message was never replayed.
"""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from edi.text import json_text
from gateway.http.api import ack_json, message_json
from gateway.reconcile_query import is_erp_sink
from gateway.store import (
    Acknowledgement,
    Delivery,
    DeliveryState,
    Direction,
    Document,
    Event,
    Message,
    history,
    search_messages,
)
from gateway.store.types import utcnow
from gateway.views import parsed_view
from partners.registry import Registry

__all__ = ["Overview", "overview", "message_detail", "message_json", "WINDOWS", "FAILED_STATES"]

WINDOWS = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7), "30d": dt.timedelta(days=30)}
FAILED_STATES = ("rejected", "dead_letter", "document_rejected", "rejected_by_partner")
DONE_STATES = ("sent", "delivered")


@dataclass
class Overview:
    since: dt.datetime
    buckets: list[str] = field(default_factory=list)
    by_partner: dict[str, list[int]] = field(default_factory=dict)
    by_type: dict[str, list[int]] = field(default_factory=dict)
    failure_rate: list[float | None] = field(default_factory=list)
    received: int = 0
    failed: int = 0
    queues: list[dict[str, Any]] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)
    lag: list[dict[str, Any]] = field(default_factory=list)
    kpis: dict[str, Any] = field(default_factory=dict)


def _scoped(query: Select[Any], column: Any, partner: str | None) -> Select[Any]:
    return query if partner is None else query.where(column == partner)


def _bucketing(since: dt.datetime, now: dt.datetime) -> tuple[dt.timedelta, str]:
    hourly = now - since <= dt.timedelta(hours=48)
    return (dt.timedelta(hours=1), "%H:00") if hourly else (dt.timedelta(days=1), "%m-%d")


def _bucket_starts(since: dt.datetime, now: dt.datetime, step: dt.timedelta) -> list[dt.datetime]:
    start = since.replace(minute=0, second=0, microsecond=0)
    if step >= dt.timedelta(days=1):
        start = start.replace(hour=0)
    starts = []
    while start <= now:
        starts.append(start)
        start += step
    return starts


def _index(at: dt.datetime, first: dt.datetime, step: dt.timedelta, size: int) -> int | None:
    i = int((at - first) / step)
    return i if 0 <= i < size else None


def overview(session: Session, registry: Registry, partner: str | None, window: dt.timedelta) -> Overview:
    now = utcnow()
    since = now - window
    out = Overview(since=since)
    step, label = _bucketing(since, now)
    starts = _bucket_starts(since, now, step)
    out.buckets = [s.strftime(label) for s in starts]
    _throughput(session, out, partner, starts, step)
    _failures(session, out, partner, starts, step)
    out.queues = queues(session, partner)
    out.overdue = overdue(session, registry, partner, now)
    out.lag = sync_lag(session, partner, now)
    out.kpis = kpis(session, partner, since)
    return out


def _throughput(session: Session, out: Overview, partner: str | None, starts: list[dt.datetime], step: Any) -> None:
    query = select(Document.created_at, Document.partner_id, Document.doc_type).where(Document.created_at >= starts[0])
    by_partner: dict[str, list[int]] = defaultdict(lambda: [0] * len(starts))
    by_type: dict[str, list[int]] = defaultdict(lambda: [0] * len(starts))
    for at, partner_id, doc_type in session.execute(_scoped(query, Document.partner_id, partner)):
        i = _index(at, starts[0], step, len(starts))
        if i is not None:
            by_partner[partner_id][i] += 1
            by_type[doc_type][i] += 1
    out.by_partner, out.by_type = dict(sorted(by_partner.items())), dict(sorted(by_type.items()))


def _failures(session: Session, out: Overview, partner: str | None, starts: list[dt.datetime], step: Any) -> None:
    query = select(Message.id, Message.received_at).where(
        Message.direction == "in", Message.received_at >= starts[0], Message.duplicate_of.is_(None)
    )
    messages: dict[uuid.UUID, dt.datetime] = {
        mid: at for mid, at in session.execute(_scoped(query, Message.partner_id, partner))
    }
    failed_query = (
        select(Event.message_id)
        .join(Message, Message.id == Event.message_id)
        .where(Event.state.in_(FAILED_STATES), Message.direction == "in", Message.received_at >= starts[0])
        .distinct()
    )
    failed = set(session.scalars(_scoped(failed_query, Message.partner_id, partner))) & set(messages)
    totals, bad = [0] * len(starts), [0] * len(starts)
    for mid, at in messages.items():
        i = _index(at, starts[0], step, len(starts))
        if i is not None:
            totals[i] += 1
            bad[i] += mid in failed
    out.received, out.failed = len(messages), len(failed)
    out.failure_rate = [b / t if t else None for b, t in zip(bad, totals, strict=True)]


def queues(session: Session, partner: str | None, limit: int = 200) -> list[dict[str, Any]]:
    """Deliveries waiting for a retry or dead-lettered, and messages that could not be sent or processed."""
    query = (
        select(Delivery, Document.message_id, Document.partner_id, Document.doc_type, Document.number)
        .join(Document, Document.id == Delivery.document_id)
        .where(Delivery.state.in_([DeliveryState.RETRYING, DeliveryState.DEAD_LETTER]))
        .order_by(Delivery.updated_at.desc())
        .limit(limit)
    )
    rows = [
        {
            "queue": delivery.state,
            "sink": delivery.sink,
            "message_id": str(message_id),
            "partner": partner_id,
            "type": doc_type,
            "number": number,
            "attempts": delivery.attempts,
            "error": delivery.last_error,
            "next_attempt_at": delivery.next_attempt_at,
            "updated_at": delivery.updated_at,
        }
        for delivery, message_id, partner_id, doc_type, number in session.execute(
            _scoped(query, Document.partner_id, partner)
        )
    ]
    for message in search_messages(session, partner=partner, status="dead_letter", limit=limit):
        outbound = message.direction == Direction.OUT.value
        rows.append(
            {
                "queue": DeliveryState.DEAD_LETTER,
                "sink": f"partner ({message.transport})" if outbound else "processing",
                "message_id": str(message.id),
                "partner": message.partner_id,
                "type": message.file_name,
                "number": None,
                "attempts": None,
                "error": None,
                "next_attempt_at": None,
                "updated_at": message.received_at,
            }
        )
    return rows


def overdue(session: Session, registry: Registry, partner: str | None, now: dt.datetime) -> list[dict[str, Any]]:
    """997/999 past due, and 855s a partner owes for orders we sent (``expect_855_within_hours``)."""
    query = select(Acknowledgement).where(
        or_(
            Acknowledgement.status == "overdue",
            and_(Acknowledgement.status == "expected", Acknowledgement.due_at < now),
        )
    )
    rows = [
        {
            "kind": ack.kind,
            "partner": ack.partner_id,
            "reference": ack.group_control or ack.interchange_control,
            "due_at": ack.due_at,
            "message_id": str(ack.related_message_id) if ack.related_message_id else None,
        }
        for ack in session.scalars(_scoped(query, Acknowledgement.partner_id, partner).order_by(Acknowledgement.due_at))
    ]
    for profile in registry:
        hours = profile.documents.expect_855_within_hours
        if hours is None or partner not in (None, profile.id):
            continue
        cutoff = now - dt.timedelta(hours=hours)
        acked = select(Document.number).where(Document.partner_id == profile.id, Document.doc_type == "po_ack")
        late = session.execute(
            select(Document.number, Document.created_at, Document.message_id).where(
                Document.partner_id == profile.id,
                Document.doc_type == "order",
                Document.created_at < cutoff,
                Document.number.not_in(acked),
            )
        )
        for number, created_at, message_id in late:
            rows.append(
                {
                    "kind": "855",
                    "partner": profile.id,
                    "reference": number,
                    "due_at": created_at + dt.timedelta(hours=hours),
                    "message_id": str(message_id),
                }
            )
    return rows


def sync_lag(session: Session, partner: str | None, now: dt.datetime) -> list[dict[str, Any]]:
    query = (
        select(Delivery.sink, Delivery.state, Delivery.created_at)
        .join(Document, Document.id == Delivery.document_id)
        .where(Delivery.state.in_([DeliveryState.PENDING, DeliveryState.RETRYING]))
    )
    waiting: dict[str, list[dt.datetime]] = defaultdict(list)
    for sink, _state, created_at in session.execute(_scoped(query, Document.partner_id, partner)):
        waiting[sink].append(created_at)
    sinks_query = select(Delivery.sink).join(Document, Document.id == Delivery.document_id).distinct()
    sinks = set(session.scalars(_scoped(sinks_query, Document.partner_id, partner))) | set(waiting)
    return [
        {
            "sink": sink,
            "waiting": len(waiting.get(sink, [])),
            "lag_seconds": (now - min(waiting[sink])).total_seconds() if waiting.get(sink) else 0.0,
        }
        for sink in sorted(sinks)
    ]


def _done_at(session: Session, documents: list[Document]) -> dict[uuid.UUID, dt.datetime]:
    """When each document left us: its outbound message was sent, or its first delivery succeeded."""
    ids = [d.id for d in documents]
    if not ids:
        return {}
    out: dict[uuid.UUID, dt.datetime] = {}
    outbound: dict[uuid.UUID, uuid.UUID] = {}
    for event in session.scalars(
        select(Event).where(Event.document_id.in_(ids), Event.state.in_(("built", "delivered"))).order_by(Event.id)
    ):
        document_id = event.document_id
        if document_id is None:
            continue
        if event.state == "delivered":
            out.setdefault(document_id, event.at)
        elif event.detail and event.detail.get("outbound_message"):
            outbound[uuid.UUID(event.detail["outbound_message"])] = document_id
    if outbound:
        for event in session.scalars(
            select(Event).where(Event.message_id.in_(list(outbound)), Event.state == "sent").order_by(Event.id)
        ):
            doc_id = outbound[event.message_id]
            out[doc_id] = min(out.get(doc_id, event.at), event.at)
    return out


def _median_seconds(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def kpis(session: Session, partner: str | None, since: dt.datetime) -> dict[str, Any]:
    docs_query = (
        select(Document, Message.received_at)
        .join(Message, Message.id == Document.message_id)
        .where(Document.created_at >= since, Document.doc_type.in_(("order", "po_ack", "ship_notice", "invoice")))
    )
    rows = session.execute(_scoped(docs_query, Document.partner_id, partner)).all()
    by_type: dict[str, list[tuple[Document, dt.datetime]]] = defaultdict(list)
    for doc, received_at in rows:
        by_type[doc.doc_type].append((doc, received_at))

    orders = by_type["order"]
    acks = [d for d, _ in by_type["po_ack"]]
    ships = by_type["ship_notice"]
    done = _done_at(session, acks + [d for d, _ in ships])
    first_ack: dict[tuple[str, str | None], dt.datetime] = {}
    for ack in acks:
        if ack.id in done:
            key = (ack.partner_id, ack.number)
            first_ack[key] = min(first_ack.get(key, done[ack.id]), done[ack.id])
    ack_times = [
        (first_ack[(o.partner_id, o.number)] - received).total_seconds()
        for o, received in orders
        if (o.partner_id, o.number) in first_ack
    ]
    ship_times = [(done[d.id] - received).total_seconds() for d, received in ships if d.id in done]

    invoice_ids = [d.id for d, _ in by_type["invoice"]]
    outcomes: Counter[str] = Counter()
    if invoice_ids:
        for sink, state in session.execute(
            select(Delivery.sink, Delivery.state).where(Delivery.document_id.in_(invoice_ids))
        ):
            if is_erp_sink(sink) and state in (DeliveryState.DELIVERED, DeliveryState.DEAD_LETTER):
                outcomes[state] += 1
    judged = outcomes[DeliveryState.DELIVERED] + outcomes[DeliveryState.DEAD_LETTER]

    order_messages = {o.message_id for o, _ in orders}
    replayed = (
        set(
            session.scalars(
                select(Event.message_id).where(Event.message_id.in_(order_messages), Event.state == "replayed")
            )
        )
        if order_messages
        else set()
    )
    untouched = sum(1 for o, _ in orders if o.message_id not in replayed)
    return {
        "order_ack_seconds": _median_seconds(ack_times),
        "order_ack_count": len(ack_times),
        "ship_confirm_seconds": _median_seconds(ship_times),
        "ship_confirm_count": len(ship_times),
        "invoice_posting_rate": outcomes[DeliveryState.DELIVERED] / judged if judged else None,
        "invoice_posting_count": judged,
        "touchless_rate": untouched / len(orders) if orders else None,
        "orders": len(orders),
    }


def message_detail(session: Session, message: Message) -> dict[str, Any]:
    """Everything the message page (and ``edigw messages show``) shows about one message."""
    detail = message_json(session, message)
    docs = session.scalars(select(Document).where(Document.message_id == message.id)).all()
    detail["documents"] = [
        {
            "id": str(d.id),
            "type": d.doc_type,
            "transaction": d.transaction,
            "number": d.number,
            "controls": "/".join(c for c in (d.interchange_control, d.group_control, d.set_control) if c),
            "canonical": json_text(d.canonical, indent=2) if d.canonical is not None else None,
            "findings": json_text(d.findings, indent=2) if d.findings else None,
        }
        for d in docs
    ]
    doc_ids = [d.id for d in docs]
    deliveries = session.scalars(select(Delivery).where(Delivery.document_id.in_(doc_ids))).all() if doc_ids else []
    numbers = {d.id: d.number or d.doc_type for d in docs}
    detail["deliveries"] = [
        {
            "document": numbers.get(v.document_id),
            "sink": v.sink,
            "state": v.state,
            "attempts": v.attempts,
            "error": v.last_error,
            "updated_at": v.updated_at,
        }
        for v in deliveries
    ]
    acks = session.scalars(
        select(Acknowledgement)
        .where((Acknowledgement.related_message_id == message.id) | (Acknowledgement.message_id == message.id))
        .order_by(Acknowledgement.created_at)
    ).all()
    detail["acks"] = [ack_json(a) for a in acks]
    detail["events"] = [
        {"state": e.state, "at": e.at, "detail": json_text(e.detail) if e.detail else "", "document": e.document_id}
        for e in history(session, message.id)
    ]
    view = parsed_view(message.raw)
    if view.get("segments") is not None:
        sep = "*"
        detail["pretty"] = "\n".join(sep.join(segment) for segment in view["segments"])
    else:
        detail["pretty"] = view.get("text") or message.raw[:200_000].decode("utf-8", "replace")
    detail["parse_error"] = view.get("error")
    detail["findings"] = [
        e for e in detail["events"] if e["state"] in ("rejected", "document_rejected", "warning", "dead_letter")
    ]
    return detail
