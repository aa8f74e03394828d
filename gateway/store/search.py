"""Finding messages the way operations asks (DESIGN.md "Users": by PO/ASN/invoice
number, control number, correlation id, partner, type, status, time)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from .events import latest_message_states
from .models import Document, Message

__all__ = ["search_messages"]


def search_messages(
    session: Session,
    *,
    partner: str | None = None,
    doc_type: str | None = None,
    status: str | None = None,
    number: str | None = None,
    control_number: str | None = None,
    correlation_id: uuid.UUID | None = None,
    direction: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[Message]:
    """Messages matching every filter given, newest first.

    ``doc_type`` matches a document's type or transaction ("invoice" or "810");
    ``control_number`` any of its ISA13/GS06/ST02 (leading zeros ignored);
    ``status`` the derived message status; ``since`` inclusive, ``until`` exclusive.
    """
    query = select(Message)
    if partner is not None:
        query = query.where(Message.partner_id == partner)
    if direction is not None:
        query = query.where(Message.direction == direction)
    if correlation_id is not None:
        query = query.where(Message.correlation_id == correlation_id)
    if since is not None:
        query = query.where(Message.received_at >= since)
    if until is not None:
        query = query.where(Message.received_at < until)
    document_filters = []
    if doc_type is not None:
        document_filters.append(or_(Document.doc_type == doc_type, Document.transaction == doc_type))
    if number is not None:
        document_filters.append(Document.number == number)
    if control_number is not None:
        variants = _control_variants(control_number)
        document_filters.append(
            or_(
                Document.interchange_control.in_(variants),
                Document.group_control.in_(variants),
                Document.set_control.in_(variants),
            )
        )
    if document_filters:
        query = query.where(exists().where(Document.message_id == Message.id, *document_filters))
    if status is not None:
        latest = latest_message_states().subquery("status")
        query = query.join(latest, latest.c.message_id == Message.id).where(latest.c.state == status)
    query = query.order_by(Message.received_at.desc(), Message.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def _control_variants(value: str) -> list[str]:
    """ "123" also finds the ISA13 "000000123" and the ST02 "0123" as they were sent."""
    value = value.strip()
    if not value.isdigit():
        return [value]
    bare = str(int(value))
    return sorted({value, bare, *(bare.zfill(width) for width in range(len(bare), 10))})
