"""Transactional outbox: task hand-off that survives a crash between commit and publish.

``enqueue`` writes the intent in the caller's transaction, next to the data it is about.
``relay`` publishes it later, in three steps so no database lock is held while talking
to the broker (on SQLite the embedded broker may even live in the same file):

1. claim a batch in a short write transaction: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL
   (concurrent relays take disjoint rows), ``BEGIN IMMEDIATE`` on SQLite; each claimed
   row gets a lease (``claimed_until``);
2. call ``publish`` for each row outside any transaction;
3. mark the published rows in a second short transaction.

A relay that dies after step 1 or 2 leaves rows whose lease expires and that the next
relay publishes again: delivery is at least once, so tasks must be idempotent (they are
keyed by message/document id; publishing with ``task_id=f"outbox-{row.id}"`` also lets
the broker side drop repeats).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from .engine import transaction
from .models import OutboxEntry
from .types import utcnow

__all__ = ["Pending", "enqueue", "relay", "pending_count"]

DEFAULT_LEASE = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Pending:
    """What ``publish`` receives: plain values, no session attached."""

    id: int
    task: str
    args: dict[str, Any]


def enqueue(session: Session, task: str, args: dict[str, Any]) -> OutboxEntry:
    """Add a task to publish once the caller's transaction commits (``args`` must be JSON)."""
    entry = OutboxEntry(task=task, args=args, created_at=utcnow())
    session.add(entry)
    session.flush()
    return entry


def relay(
    factory: sessionmaker[Session],
    publish: Callable[[Pending], None],
    *,
    batch: int = 100,
    lease: timedelta = DEFAULT_LEASE,
) -> int:
    """Publish up to ``batch`` due rows; returns how many were published.

    A ``publish`` that raises leaves its row unpublished with ``last_error``; it is
    retried when the lease runs out, which doubles as a back-off.
    """
    claimed = _claim(factory, batch, lease)
    published: list[int] = []
    errors: dict[int, str] = {}
    for row in claimed:
        try:
            publish(row)
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the others
            errors[row.id] = f"{type(exc).__name__}: {exc}"[:2000]
        else:
            published.append(row.id)
    if published or errors:
        with transaction(factory) as session:
            if published:
                session.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.id.in_(published))
                    .values(published_at=utcnow(), claimed_until=None, last_error=None)
                )
            for row_id, error in errors.items():
                session.execute(update(OutboxEntry).where(OutboxEntry.id == row_id).values(last_error=error))
    return len(published)


def _claim(factory: sessionmaker[Session], batch: int, lease: timedelta) -> list[Pending]:
    with transaction(factory) as session:
        now = utcnow()
        rows = session.scalars(
            select(OutboxEntry)
            .where(
                OutboxEntry.published_at.is_(None),
                or_(OutboxEntry.claimed_until.is_(None), OutboxEntry.claimed_until <= now),
            )
            .order_by(OutboxEntry.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            row.claimed_until = now + lease
            row.attempts += 1
        return [Pending(row.id, row.task, dict(row.args)) for row in rows]


def pending_count(session: Session) -> int:
    """Rows not yet published (for /readyz and the dashboard's lag gauge)."""
    return session.scalar(select(func.count()).where(OutboxEntry.published_at.is_(None))) or 0
