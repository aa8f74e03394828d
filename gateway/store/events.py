"""History and derived status (DESIGN.md lifecycle step 7).

Status is never stored: a message's status is the state of its latest message-level
event (``document_id IS NULL``), a document's the latest event naming it. "Latest" is
the highest event id, which unlike timestamps never ties.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, sessionmaker

from .models import Event, Message
from .types import utcnow

__all__ = ["add_event", "current_status", "document_status", "history", "latest_message_states", "load_message"]


def add_event(
    session: Session,
    message_id: uuid.UUID,
    state: str,
    detail: dict[str, Any] | None = None,
    *,
    document_id: uuid.UUID | None = None,
    at: datetime | None = None,
) -> Event:
    event = Event(message_id=message_id, document_id=document_id, state=str(state), detail=detail, at=at or utcnow())
    session.add(event)
    session.flush()
    return event


def current_status(session: Session, message_id: uuid.UUID) -> str | None:
    """State of the message's latest message-level event; None for an unknown message."""
    return session.scalar(
        select(Event.state)
        .where(Event.message_id == message_id, Event.document_id.is_(None))
        .order_by(Event.id.desc())
        .limit(1)
    )


def load_message(sessions: sessionmaker[Session], message_id: uuid.UUID) -> tuple[Message, str | None] | None:
    """A message (detached, its bytes loaded) and its current status; None for an unknown id."""
    with sessions() as session:
        message = session.get(Message, message_id)
        if message is None:
            return None
        _ = message.raw  # deferred column: load it while the session is open
        status = current_status(session, message_id)
        session.expunge(message)
        return message, status


def document_status(session: Session, document_id: uuid.UUID) -> str | None:
    return session.scalar(
        select(Event.state).where(Event.document_id == document_id).order_by(Event.id.desc()).limit(1)
    )


def history(session: Session, message_id: uuid.UUID) -> list[Event]:
    """Every event of the message and its documents, oldest first."""
    return list(session.scalars(select(Event).where(Event.message_id == message_id).order_by(Event.id)))


def latest_message_states() -> Select[tuple[uuid.UUID, str]]:
    """(message_id, state) of every message's latest message-level event, for joins in searches."""
    latest = (
        select(func.max(Event.id).label("id"))
        .where(Event.document_id.is_(None))
        .group_by(Event.message_id)
        .subquery("latest_event")
    )
    return select(Event.message_id, Event.state).join(latest, latest.c.id == Event.id)
