"""Replaying messages: resend dead letters, reprocess (or rebuild) what never succeeded.

Used by the API, the dashboard and ``edigw messages replay``. Replays go through the
outbox like everything else, and the tasks stay idempotent: a delivered document is
never delivered again, a processed message is only reprocessed when asked for.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gateway.store import (
    Delivery,
    DeliveryState,
    Direction,
    Document,
    Message,
    OutboxEntry,
    State,
    add_event,
    enqueue,
    transaction,
)
from gateway.task_names import BUILD_OUTBOUND_TASK, DELIVER_TASK, PROCESS_INBOUND_TASK, SEND_OUTBOUND_TASK

__all__ = ["replay_message"]


def replay_message(sessions: sessionmaker[Session], message_id: uuid.UUID, by: str = "operator") -> str:
    """Queue the replay of one message; returns what was queued ("" when the message is unknown)."""
    with transaction(sessions) as session:
        message = session.get(Message, message_id)
        if message is None:
            return ""
        dead = session.scalars(
            select(Delivery)
            .join(Document, Document.id == Delivery.document_id)
            .where(Document.message_id == message_id, Delivery.state == DeliveryState.DEAD_LETTER)
        ).all()
        add_event(session, message_id, State.REPLAYED, {"by": by, "deliveries": len(dead)})
        correlation = str(message.correlation_id)
        if dead:
            for delivery in dead:
                args = {"delivery_id": str(delivery.id), "replay": True, "correlation_id": correlation}
                enqueue(session, DELIVER_TASK, args)
            return f"{len(dead)} dead-lettered deliveries queued"
        if message.standard == "canonical":  # a business event from the ERP/WMS: built again, as the first time
            first = session.scalars(
                select(OutboxEntry)
                .where(
                    OutboxEntry.task == BUILD_OUTBOUND_TASK,
                    OutboxEntry.args["message_id"].as_string() == str(message_id),
                )
                .order_by(OutboxEntry.id)
                .limit(1)
            ).first()
            if first is not None:
                enqueue(session, BUILD_OUTBOUND_TASK, {**first.args, "correlation_id": correlation})
                return "building queued"
        if message.direction == Direction.OUT.value:
            enqueue(session, SEND_OUTBOUND_TASK, {"message_id": str(message_id), "correlation_id": correlation})
            return "sending queued"
        enqueue(session, PROCESS_INBOUND_TASK, {"message_id": str(message_id), "correlation_id": correlation})
        return "processing queued"
