"""Acknowledgements sent, received and awaited (DESIGN.md lifecycle step 6).

When we send an outbound interchange we record the 997/999 (or MDN) we expect with a
``due_at``; the inbound ack resolves it; ``overdue_acks`` is what the alert reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import INTERCHANGE_ID_LENGTH, Acknowledgement, Direction, stored_text
from .types import utcnow

__all__ = ["record_ack", "expect_ack", "resolve_expected", "overdue_acks", "EXPECTED"]

EXPECTED = "expected"


def record_ack(
    session: Session,
    *,
    direction: Direction | str,
    kind: str,
    partner_id: str,
    status: str,
    message_id: uuid.UUID | None = None,
    related_message_id: uuid.UUID | None = None,
    related_document_id: uuid.UUID | None = None,
    interchange_control: str | None = None,
    group_control: str | None = None,
    set_control: str | None = None,
    raw: bytes | None = None,
    due_at: datetime | None = None,
) -> Acknowledgement:
    """An acknowledgement we sent (``out``) or received (``in``)."""
    ack = Acknowledgement(
        id=uuid.uuid4(),
        direction=Direction(direction).value,
        kind=kind,
        partner_id=partner_id,
        status=status,
        message_id=message_id,
        related_message_id=related_message_id,
        related_document_id=related_document_id,
        interchange_control=stored_text(interchange_control, INTERCHANGE_ID_LENGTH),
        group_control=stored_text(group_control),
        set_control=stored_text(set_control),
        raw=raw,
        due_at=due_at,
        created_at=utcnow(),
        acknowledged_at=utcnow() if status != EXPECTED else None,
    )
    session.add(ack)
    session.flush()
    return ack


def expect_ack(
    session: Session,
    *,
    kind: str,
    partner_id: str,
    related_message_id: uuid.UUID,
    due_at: datetime,
    interchange_control: str | None = None,
    group_control: str | None = None,
    related_document_id: uuid.UUID | None = None,
) -> Acknowledgement:
    """Note that the partner owes us ``kind`` for what we sent, by ``due_at``."""
    return record_ack(
        session,
        direction=Direction.IN,
        kind=kind,
        partner_id=partner_id,
        status=EXPECTED,
        related_message_id=related_message_id,
        related_document_id=related_document_id,
        interchange_control=interchange_control,
        group_control=group_control,
        due_at=due_at,
    )


def resolve_expected(
    session: Session,
    *,
    partner_id: str,
    status: str,
    kinds: Iterable[str] = ("997", "999"),
    interchange_control: str | None = None,
    group_control: str | None = None,
    message_id: uuid.UUID | None = None,
    raw: bytes | None = None,
) -> list[Acknowledgement]:
    """Mark the expected acks an arriving ack answers (matched on the control numbers given)."""
    if interchange_control is None and group_control is None:
        raise ValueError("an ack is matched on its interchange and/or group control number; none given")
    query = select(Acknowledgement).where(
        Acknowledgement.partner_id == partner_id,
        Acknowledgement.status == EXPECTED,
        Acknowledgement.kind.in_(list(kinds)),
    )
    # the partner's numbers as they were stored (record_ack): a malformed one matches nothing
    if interchange_control is not None:
        query = query.where(
            Acknowledgement.interchange_control == stored_text(interchange_control, INTERCHANGE_ID_LENGTH)
        )
    if group_control is not None:
        query = query.where(Acknowledgement.group_control == stored_text(group_control))
    acks = list(session.scalars(query.with_for_update()))
    for ack in acks:
        ack.status, ack.message_id, ack.acknowledged_at = status, message_id, utcnow()
        if raw is not None:
            ack.raw = raw
    session.flush()
    return acks


def overdue_acks(session: Session, now: datetime | None = None) -> list[Acknowledgement]:
    return list(
        session.scalars(
            select(Acknowledgement)
            .where(Acknowledgement.status == EXPECTED, Acknowledgement.due_at < (now or utcnow()))
            .order_by(Acknowledgement.due_at)
        )
    )
