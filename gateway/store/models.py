"""Tables of the durable store (DESIGN.md "Message lifecycle").

Facts are written once: a message, its raw bytes and its transport ids never change after
the receiving transaction; its status is the latest ``events`` row, never a column updated
in place. The rows that are work queues by nature (deliveries, outbox, control counters,
expected acks, token revocation) are the only ones updated.

Partner ids, sinks and document types are plain strings so this package depends on no
partner or translator code.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any, overload

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from edi.text import as_text

from .types import BigId, JSONValue, UTCDateTime, utcnow

__all__ = [
    "Base",
    "Direction",
    "Transport",
    "State",
    "Message",
    "Event",
    "Document",
    "Delivery",
    "Acknowledgement",
    "ControlCounter",
    "DedupeKey",
    "OutboxEntry",
    "ApiToken",
    "PartnerLease",
]

#: Stable constraint names, so migrations can address them on every dialect.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Width of the group and set control number columns (GS06 and ST02 are at most 9 characters).
CONTROL_LENGTH = 16
#: Width of the interchange control column: an ISA13 (9 digits) or a cXML payloadID
#: (``1732131000.4711@acme-supply.example``), which has no fixed length.
INTERCHANGE_ID_LENGTH = 255
#: Width of a message's AS2 Message-ID and file name, and of its Content-Type.
TEXT_LENGTH = 1000
CONTENT_TYPE_LENGTH = 255
#: Width of a control number pair's sender and receiver ("ZZ:" and an ISA id).
PARTY_LENGTH = 64
#: Width of a dedupe key's text (longer keys are kept as their SHA-256).
KEY_LENGTH = 1024


@overload
def stored_text(value: str, length: int = ...) -> str: ...
@overload
def stored_text(value: None, length: int = ...) -> None: ...
@overload
def stored_text(value: str | None, length: int = ...) -> str | None: ...
def stored_text(value: str | None, length: int = CONTROL_LENGTH) -> str | None:
    """Text a partner chose (a control number, a header, a file name) as a column keeps it:
    valid text (:func:`edi.text.as_text`) of at most ``length`` characters. A malformed
    value, already refused with its code where it matters, may be longer than any real one
    or hold anything; PostgreSQL would refuse it and fail the whole transaction."""
    return None if value is None else as_text(value)[:length]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONValue, uuid.UUID: Uuid()}


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class Transport(StrEnum):
    AS2 = "as2"
    SFTP = "sftp"
    REST = "rest"
    CXML = "cxml"  # POST /cxml from a procurement network


class State(StrEnum):
    """Event states the gateway and tasks write; the column takes any string so new stages need no migration."""

    RECEIVED = "received"
    DUPLICATE = "duplicate"
    PROCESSING = "processing"
    PROCESSED = "processed"
    REJECTED = "rejected"
    FAILED = "failed"
    DEAD_LETTER = "dead_letter"
    TRANSLATED = "translated"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    BUILT = "built"
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    REPLAYED = "replayed"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Message(Base):
    """One file or HTTP body exactly as received (or sent), with its transport identity."""

    __tablename__ = "messages"
    __table_args__ = (
        CheckConstraint(_in("direction", Direction), name="direction"),
        CheckConstraint(_in("transport", Transport), name="transport"),
        Index("ix_messages_partner_received", "partner_id", "received_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    direction: Mapped[str] = mapped_column(String(3))
    partner_id: Mapped[str] = mapped_column(String(128))
    transport: Mapped[str] = mapped_column(String(8))
    as2_message_id: Mapped[str | None] = mapped_column(String(TEXT_LENGTH), index=True)
    file_name: Mapped[str | None] = mapped_column(String(TEXT_LENGTH))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    #: Deferred: listing and searching never drags the bytes along; ``message.raw`` loads them.
    raw: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    correlation_id: Mapped[uuid.UUID] = mapped_column(index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    content_type: Mapped[str | None] = mapped_column(String(CONTENT_TYPE_LENGTH))
    standard: Mapped[str | None] = mapped_column(String(16))
    #: Set once, at receipt, when a dedupe key matched an earlier message (answer with its MDN).
    duplicate_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))


class Event(Base):
    """Append-only history; the latest row for a message (or document) is its status."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_message_id_id", "message_id", "id"),
        Index("ix_events_document_id_id", "document_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"))
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    state: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict[str, Any] | None]


class Document(Base):
    """One business document (transaction set / cXML request) split out of a message."""

    __tablename__ = "documents"
    __table_args__ = (
        Index("ix_documents_business_key", "partner_id", "doc_type", "number"),
        Index("ix_documents_interchange_control", "interchange_control"),
        Index("ix_documents_group_control", "group_control"),
        Index("ix_documents_set_control", "set_control"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), index=True)
    partner_id: Mapped[str] = mapped_column(String(128))
    doc_type: Mapped[str] = mapped_column(String(32))  # order | ship_notice | invoice | po_ack | 997 ...
    transaction: Mapped[str | None] = mapped_column(String(64))  # 850, OrderRequest, ...
    number: Mapped[str | None] = mapped_column(String(128))  # PO / ASN / invoice number
    purpose: Mapped[str | None] = mapped_column(String(32))
    interchange_control: Mapped[str | None] = mapped_column(String(INTERCHANGE_ID_LENGTH))
    group_control: Mapped[str | None] = mapped_column(String(CONTROL_LENGTH))
    set_control: Mapped[str | None] = mapped_column(String(CONTROL_LENGTH))
    canonical: Mapped[dict[str, Any] | None]
    findings: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """Hand-off of one document to one sink; the idempotency key is what the sink sees."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("document_id", "sink"),
        Index("ix_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("documents.id"))
    sink: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Acknowledgement(Base):
    """A 997/999/TA1/MDN we sent or received, or one we expect (``status="expected"``, ``due_at``)."""

    __tablename__ = "acknowledgements"
    __table_args__ = (
        CheckConstraint(_in("direction", Direction), name="direction"),
        Index("ix_acknowledgements_status_due_at", "status", "due_at"),
        Index("ix_acknowledgements_match", "partner_id", "kind", "interchange_control", "group_control"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    direction: Mapped[str] = mapped_column(String(3))  # in = from the partner, out = to the partner
    kind: Mapped[str] = mapped_column(String(8))  # 997 | 999 | TA1 | MDN
    partner_id: Mapped[str] = mapped_column(String(128))
    #: The message carrying this ack (once sent/received).
    message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"))
    #: What it acknowledges.
    related_message_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("messages.id"), index=True)
    related_document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    interchange_control: Mapped[str | None] = mapped_column(String(INTERCHANGE_ID_LENGTH))
    group_control: Mapped[str | None] = mapped_column(String(CONTROL_LENGTH))
    set_control: Mapped[str | None] = mapped_column(String(CONTROL_LENGTH))
    status: Mapped[str] = mapped_column(String(16))  # expected | accepted | partial | rejected | ...
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]


class ControlCounter(Base):
    """Last control number handed out per (kind, sender, receiver); only ever incremented."""

    __tablename__ = "control_numbers"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    sender: Mapped[str] = mapped_column(String(PARTY_LENGTH), primary_key=True)
    receiver: Mapped[str] = mapped_column(String(PARTY_LENGTH), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DedupeKey(Base):
    """First holder of a key at one layer; a later message with the same key is its duplicate."""

    __tablename__ = "dedupe_keys"

    layer: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    message_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("messages.id"), index=True)
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxEntry(Base):
    """A task to enqueue, written in the same transaction as the data it is about."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "published_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task: Mapped[str] = mapped_column(String(200))
    args: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    #: Lease taken by a relay before publishing; an expired lease means that relay died.
    claimed_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)


class ApiToken(Base):
    """Bearer token; only its SHA-256 is stored. ``partner_id`` None means an admin token."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    partner_id: Mapped[str | None] = mapped_column(String(128), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class PartnerLease(Base):
    """Which gateway instance polls a partner's remote folder (``gateway.transports.sftp_lease``); expiring."""

    __tablename__ = "partner_leases"

    partner_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    expires_at: Mapped[datetime]
