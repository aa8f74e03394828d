"""Operational alerts the periodic task raises: dead-letter growth, silent partners.

``evaluate_alerts`` only reads: it returns the alerts not raised yet. ``record_alerts``
writes each as an ``alert`` event on the message it is about (so it shows in that
message's timeline and on the dashboard); that event is also what keeps the next
evaluation from raising it again. The caller (``tasks.maintenance``) then posts each
alert to the webhook. Overdue acknowledgements are alerted by ``check_overdue``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.runtime import Runtime
from gateway.store import Delivery, DeliveryState, Document, Event, Message, add_event, search_messages, transaction
from gateway.store.types import utcnow

__all__ = ["Alert", "evaluate_alerts", "record_alerts", "alert_count", "ALERT"]

ALERT = "alert"


@dataclass(frozen=True)
class Alert:
    kind: str  # dead_letter_growth | partner_silent
    partner: str | None
    summary: str
    #: (message, document or None, key) the alert event goes on; the key marks it as raised.
    #: Events name a document where there is one, so the message's own status is left alone.
    messages: tuple[tuple[uuid.UUID, uuid.UUID | None, str], ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        """JSON body for the webhook."""
        data = asdict(self)
        data["messages"] = [str(mid) for mid, _, _ in self.messages]
        return {"alert": self.kind, **data}


def _alerted_keys(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    key = Event.detail["key"].as_string()
    return set(session.scalars(select(key).where(Event.state == ALERT, key.in_(keys))))


def _dead_letter_growth(session: Session) -> list[Alert]:
    """Dead-lettered deliveries, and messages that could not be processed or sent at all."""
    rows = session.execute(
        select(Delivery.id, Delivery.sink, Delivery.document_id, Document.message_id, Document.partner_id)
        .join(Document, Document.id == Delivery.document_id)
        .where(Delivery.state == DeliveryState.DEAD_LETTER)
    ).all()
    # (alert key, message id, document id, partner, where it is stuck)
    letters = [(f"dead_letter:{r.id}", r.message_id, r.document_id, r.partner_id, r.sink) for r in rows]
    for message in search_messages(session, status="dead_letter", limit=10_000):
        stuck = "processing" if message.direction == "in" else f"partner ({message.transport})"
        letters.append((f"dead_letter:message:{message.id}", message.id, None, message.partner_id, stuck))
    done = _alerted_keys(session, [key for key, *_ in letters])
    new = [letter for letter in letters if letter[0] not in done]
    if not new:
        return []
    partners = sorted({partner for _, _, _, partner, _ in new})
    sinks = sorted({where for *_, where in new})
    return [
        Alert(
            kind="dead_letter_growth",
            partner=partners[0] if len(partners) == 1 else None,
            summary=f"{len(new)} new dead letter(s) ({len(letters)} in the queue) for {', '.join(sinks)}",
            messages=tuple((message_id, document_id, key) for key, message_id, document_id, _, _ in new),
            detail={"new": len(new), "queue": len(letters), "sinks": sinks, "partners": partners},
        )
    ]


def _silent_partners(session: Session, runtime: Runtime, now: dt.datetime) -> list[Alert]:
    alerts: list[Alert] = []
    for profile in runtime.registry:
        hours = profile.documents.silent_alert_hours
        if hours is None or profile.status == "paused":
            continue
        last = session.execute(
            select(Message.id, Message.received_at)
            .where(Message.partner_id == profile.id, Message.direction == "in", Message.transport != "rest")
            .order_by(Message.received_at.desc())
            .limit(1)
        ).first()
        if last is None or now - last.received_at <= dt.timedelta(hours=hours):
            continue  # a partner that never sent anything is not live yet, not silent
        key = f"silent:{profile.id}:{last.id}"
        if _alerted_keys(session, [key]):
            continue
        document_id = session.scalar(select(Document.id).where(Document.message_id == last.id).limit(1))
        silent_for = now - last.received_at
        alerts.append(
            Alert(
                kind="partner_silent",
                partner=profile.id,
                summary=f"nothing from {profile.id} for {silent_for.total_seconds() / 3600:.1f} h (allowed {hours} h)",
                messages=((last.id, document_id, key),),
                detail={"last_received_at": last.received_at.isoformat(), "allowed_hours": hours},
            )
        )
    return alerts


def evaluate_alerts(runtime: Runtime, now: dt.datetime | None = None) -> list[Alert]:
    """Alerts that are due and not yet raised."""
    with runtime.sessions() as session:
        return _dead_letter_growth(session) + _silent_partners(session, runtime, now or utcnow())


def record_alerts(runtime: Runtime, alerts: list[Alert]) -> None:
    """Write each alert as an ``alert`` event on its messages (marking it raised)."""
    if not alerts:
        return
    with transaction(runtime.sessions) as session:
        for alert in alerts:
            for message_id, document_id, key in alert.messages:
                detail = {"alert": alert.kind, "key": key, "partner": alert.partner, "summary": alert.summary}
                add_event(session, message_id, ALERT, detail, document_id=document_id)


def alert_count(session: Session, since: dt.datetime) -> int:
    """Alert events since a time (for the dashboard's header)."""
    return session.scalar(select(func.count()).where(Event.state == ALERT, Event.at >= since)) or 0
