"""Delivery bookkeeping: one row per (document, sink) with the key the sink deduplicates on.

The idempotency key is a pure function of (document id, sink), so every retry and
every replay of the same document to the same sink sends the same ``Idempotency-Key``.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .engine import upsert_insert
from .models import Delivery
from .types import utcnow

__all__ = ["idempotency_key", "ensure_delivery", "record_attempt", "due_deliveries", "DeliveryState"]


class DeliveryState:
    PENDING = "pending"
    RETRYING = "retrying"
    DELIVERED = "delivered"
    DEAD_LETTER = "dead_letter"


def idempotency_key(document_id: uuid.UUID, sink: str) -> str:
    return hashlib.sha256(f"{document_id}:{sink}".encode()).hexdigest()


def ensure_delivery(session: Session, document_id: uuid.UUID, sink: str) -> Delivery:
    """The delivery row for (document, sink), created once even when two workers race."""
    insert = upsert_insert(session)
    now = utcnow()
    session.execute(
        insert(Delivery)
        .values(
            id=uuid.uuid4(),
            document_id=document_id,
            sink=sink,
            idempotency_key=idempotency_key(document_id, sink),
            attempts=0,
            state=DeliveryState.PENDING,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing()
    )
    return session.scalars(select(Delivery).where(Delivery.document_id == document_id, Delivery.sink == sink)).one()


def record_attempt(
    session: Session,
    delivery: Delivery,
    *,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
    dead: bool = False,
) -> Delivery:
    """Count an attempt: success without ``error``; a retry when ``next_attempt_at`` is set; else dead letter."""
    delivery.attempts += 1
    delivery.last_error = error
    delivery.next_attempt_at = next_attempt_at if error and not dead else None
    if error is None:
        delivery.state = DeliveryState.DELIVERED
    elif dead or next_attempt_at is None:
        delivery.state = DeliveryState.DEAD_LETTER
    else:
        delivery.state = DeliveryState.RETRYING
    session.flush()
    return delivery


def due_deliveries(session: Session, now: datetime | None = None, limit: int = 100) -> list[Delivery]:
    """Retries whose back-off has run out, oldest first."""
    return list(
        session.scalars(
            select(Delivery)
            .where(Delivery.state == DeliveryState.RETRYING, Delivery.next_attempt_at <= (now or utcnow()))
            .order_by(Delivery.next_attempt_at)
            .limit(limit)
        )
    )
