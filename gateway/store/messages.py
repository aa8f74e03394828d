"""Receiving messages and recording the documents split out of them.

``receive_message`` is the durability contract of DESIGN.md lifecycle steps 1-3: the
raw bytes, their metadata, the transport-level dedupe keys, the first event and the
processing task's outbox row are written in ONE transaction, and the function commits
it. The gateway acknowledges (MDN, remote file delete, 202) only after it returns; if
it raises, nothing was stored and the partner's retry is the recovery.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from .dedupe import Duplicate, Key, as2_key, business_key, claim_keys, file_key
from .engine import begin_write
from .events import add_event
from .models import (
    CONTENT_TYPE_LENGTH,
    INTERCHANGE_ID_LENGTH,
    TEXT_LENGTH,
    Direction,
    Document,
    Message,
    State,
    Transport,
    stored_text,
)
from .outbox import enqueue
from .types import utcnow

__all__ = ["Received", "receive_message", "record_document", "PROCESS_INBOUND_TASK"]

#: Celery task name the outbox row for a new inbound message asks for (args: message_id, correlation_id).
PROCESS_INBOUND_TASK = "edigw.process_inbound"


class Received(NamedTuple):
    message: Message
    duplicate_of: Duplicate | None


def receive_message(
    session: Session,
    *,
    partner_id: str,
    transport: Transport | str,
    raw: bytes,
    direction: Direction | str = Direction.IN,
    as2_message_id: str | None = None,
    file_name: str | None = None,
    content_type: str | None = None,
    standard: str | None = None,
    correlation_id: uuid.UUID | None = None,
    received_at: datetime | None = None,
    task: str | None = PROCESS_INBOUND_TASK,
    task_args: dict[str, Any] | None = None,
) -> Received:
    """Store a message durably and commit; returns it and, for a duplicate, what it duplicates.

    Dedupe keys (inbound only; what we send is numbered by us and may be resent on
    purpose): the AS2 Message-ID and the file's SHA-256, both per partner. A
    duplicate is stored too (its bytes are evidence) with a ``duplicate`` event naming
    the original, and no task is enqueued; answer it as the original was answered.
    ``task`` (None for none; give outbound messages their own) is enqueued with
    ``{"message_id", "correlation_id"}`` plus ``task_args``. Pass a fresh session: the
    commit includes anything already pending in it, and on SQLite only a session that
    has not read yet takes the write lock up front.
    """
    begin_write(session)
    try:
        sha256 = hashlib.sha256(raw).hexdigest()
        message = Message(
            id=uuid.uuid4(),
            direction=Direction(direction).value,
            partner_id=partner_id,
            transport=Transport(transport).value,
            as2_message_id=stored_text(as2_message_id, TEXT_LENGTH),
            file_name=stored_text(file_name, TEXT_LENGTH),
            sha256=sha256,
            size=len(raw),
            raw=raw,
            correlation_id=correlation_id or uuid.uuid4(),
            received_at=received_at or utcnow(),
            content_type=stored_text(content_type, CONTENT_TYPE_LENGTH),
            standard=standard,
        )
        session.add(message)
        session.flush()
        duplicate = claim_keys(session, _transport_keys(message), message.id) if message.direction == "in" else None
        if duplicate is not None:
            message.duplicate_of = duplicate.message_id
            add_event(session, message.id, State.DUPLICATE, _duplicate_detail(duplicate))
        else:
            add_event(session, message.id, State.RECEIVED, {"transport": message.transport, "size": message.size})
            if task:
                args = {"message_id": str(message.id), "correlation_id": str(message.correlation_id)}
                enqueue(session, task, {**args, **(task_args or {})})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return Received(message, duplicate)


def record_document(
    session: Session,
    message_id: uuid.UUID,
    *,
    partner_id: str,
    doc_type: str,
    number: str | None = None,
    purpose: str | None = None,
    transaction: str | None = None,
    interchange_control: str | None = None,
    group_control: str | None = None,
    set_control: str | None = None,
    canonical: dict[str, Any] | None = None,
    findings: dict[str, Any] | None = None,
    keys: Sequence[Key] = (),
    business_dedupe: bool = True,
) -> tuple[Document, Duplicate | None]:
    """Add a document of a message (in the caller's transaction) and claim its dedupe keys.

    ``keys`` are the envelope layers the caller knows (``interchange_key``,
    ``group_key``, ``set_key``); the business key (partner, type, number, purpose) is
    added when there is a number. On a duplicate the document is kept, gets a
    ``duplicate`` event and must not be routed.
    """
    begin_write(session)
    document = Document(
        id=uuid.uuid4(),
        message_id=message_id,
        partner_id=partner_id,
        doc_type=doc_type,
        transaction=transaction,
        number=number,
        purpose=purpose,
        interchange_control=stored_text(interchange_control, INTERCHANGE_ID_LENGTH),
        group_control=stored_text(group_control),
        set_control=stored_text(set_control),
        canonical=canonical,
        findings=findings,
        created_at=utcnow(),
    )
    session.add(document)
    session.flush()
    all_keys = list(keys)
    if number and business_dedupe:
        all_keys.append(business_key(partner_id, doc_type, number, purpose or "original"))
    duplicate = claim_keys(session, all_keys, message_id, document.id) if all_keys else None
    if duplicate is not None:
        add_event(session, message_id, State.DUPLICATE, _duplicate_detail(duplicate), document_id=document.id)
    return document, duplicate


def _transport_keys(message: Message) -> list[Key]:
    keys = [file_key(message.partner_id, message.sha256)]
    if message.as2_message_id:
        keys.insert(0, as2_key(message.partner_id, message.as2_message_id))
    return keys


def _duplicate_detail(duplicate: Duplicate) -> dict[str, Any]:
    detail: dict[str, Any] = {"duplicate_of": str(duplicate.message_id), "layer": duplicate.layer.value}
    if duplicate.document_id:
        detail["duplicate_of_document"] = str(duplicate.document_id)
    detail["key"] = duplicate.key
    return detail
