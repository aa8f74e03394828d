"""Storing what partners send: the one path every transport takes into the store.

AS2, SFTP and REST uploads all end here, so the lifecycle rules hold everywhere: the
raw bytes, metadata, dedupe keys, first event and processing intent are committed in
one transaction (``gateway.store.receive_message``) before the transport acknowledges
anything. Rejected input (bad signature, unknown partner...) is kept too, with a
``rejected`` event saying why. All functions are synchronous (SQLAlchemy); async
callers run them in a thread.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gateway.logging_setup import bind_correlation
from gateway.store import (
    Acknowledgement,
    Direction,
    Received,
    State,
    add_event,
    receive_message,
    record_ack,
    transaction,
)

__all__ = [
    "Stored",
    "store_inbound",
    "store_rejected",
    "store_sent_receipt",
    "find_receipt",
    "http_blob",
    "split_http_blob",
    "UNKNOWN_PARTNER",
]

log = logging.getLogger("edigw.inbound")

#: partner_id of messages whose partner could not be identified (kept as evidence).
UNKNOWN_PARTNER = "-unknown-"


@dataclass(frozen=True, slots=True)
class Stored:
    message_id: uuid.UUID
    correlation_id: uuid.UUID
    duplicate_of: uuid.UUID | None


def store_inbound(
    sessions: sessionmaker[Session],
    *,
    partner_id: str,
    transport: str,
    raw: bytes,
    **ids: Any,
) -> Stored:
    """Durably store an inbound message and its processing intent; commits before returning."""
    with sessions() as session:
        received: Received = receive_message(session, partner_id=partner_id, transport=transport, raw=raw, **ids)
        message = received.message
        duplicate = received.duplicate_of.message_id if received.duplicate_of else None
        bind_correlation(message.correlation_id)  # every later line of this request carries it
        note = f", duplicate of {duplicate}" if duplicate else ""
        log.info("stored %s message %s from %s (%d bytes)%s", transport, message.id, partner_id, len(raw), note)
        return Stored(message.id, message.correlation_id, duplicate)


def store_rejected(
    sessions: sessionmaker[Session],
    *,
    partner_id: str | None,
    transport: str,
    raw: bytes,
    reason: str,
    detail: dict[str, Any] | None = None,
    **ids: Any,
) -> Stored:
    """Keep input we refused (no processing task) with a ``rejected`` event naming the reason."""
    with sessions() as session:
        received = receive_message(
            session, partner_id=partner_id or UNKNOWN_PARTNER, transport=transport, raw=raw, task=None, **ids
        )
        message = received.message
    with transaction(sessions) as session:
        add_event(session, message.id, State.REJECTED, {"reason": reason, **(detail or {})})
    duplicate = received.duplicate_of.message_id if received.duplicate_of else None
    return Stored(message.id, message.correlation_id, duplicate)


def http_blob(headers: Mapping[str, str], body: bytes) -> bytes:
    """HTTP headers and body as one stored blob (receipts are kept exactly as sent or received)."""
    return "".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode("utf-8") + b"\r\n" + body


def split_http_blob(blob: bytes) -> tuple[dict[str, str], bytes]:
    """The headers and body of a blob made by :func:`http_blob`."""
    head, _, body = blob.partition(b"\r\n\r\n")
    return dict(BytesHeaderParser().parsebytes(head + b"\r\n\r\n").items()), body


def store_sent_receipt(
    sessions: sessionmaker[Session],
    *,
    partner_id: str,
    related_message_id: uuid.UUID,
    kind: str,
    status: str,
    raw: bytes,
) -> None:
    """Remember a receipt (MDN) we returned, so a resent duplicate gets the very same one."""
    with transaction(sessions) as session:
        record_ack(
            session,
            direction=Direction.OUT,
            kind=kind,
            partner_id=partner_id,
            status=status,
            related_message_id=related_message_id,
            raw=raw,
        )


def find_receipt(sessions: sessionmaker[Session], related_message_id: uuid.UUID, kind: str) -> bytes | None:
    """The receipt of ``kind`` we sent for a message, if any."""
    with sessions() as session:
        stmt = (
            select(Acknowledgement)
            .where(
                Acknowledgement.related_message_id == related_message_id,
                Acknowledgement.kind == kind,
                Acknowledgement.direction == Direction.OUT.value,
            )
            .order_by(Acknowledgement.created_at)
            .limit(1)
        )
        ack = session.scalars(stmt).first()
        return ack.raw if ack is not None else None
