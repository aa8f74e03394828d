"""Durable message store: the one place the gateway and the tasks persist state.

Lives under ``gateway`` so both ``gateway`` and ``tasks`` can import it; it knows
partners, sinks and document types only as strings. Functions take a SQLAlchemy
``Session`` and work inside the caller's transaction, except where they say they
commit (``receive_message``) or take a ``sessionmaker`` to run their own short ones
(``relay``, ``StoreAllocator``). Start write units of work with ``transaction(factory)``
(or ``begin_write(session)``) so SQLite takes its write lock up front.

Quick start::

    engine = make_engine(settings.database_url)
    init_db(engine)  # alembic upgrade head
    factory = make_sessionmaker(engine)
    with factory() as session:
        message, duplicate_of = receive_message(session, partner_id="acme", transport="as2", raw=body, ...)
"""

from __future__ import annotations

from .acks import expect_ack, overdue_acks, record_ack, resolve_expected
from .control import SessionAllocator, StoreAllocator, allocate_control_number
from .dedupe import (
    Duplicate,
    Key,
    Layer,
    as2_key,
    business_key,
    claim_keys,
    file_key,
    group_key,
    interchange_key,
    set_key,
)
from .deliveries import DeliveryState, due_deliveries, ensure_delivery, idempotency_key, record_attempt
from .engine import begin_write, init_db, make_engine, make_sessionmaker, transaction
from .events import add_event, current_status, document_status, history, load_message
from .messages import PROCESS_INBOUND_TASK, Received, receive_message, record_document
from .models import (
    Acknowledgement,
    ApiToken,
    Base,
    ControlCounter,
    DedupeKey,
    Delivery,
    Direction,
    Document,
    Event,
    Message,
    OutboxEntry,
    PartnerLease,
    State,
    Transport,
)
from .outbox import Pending, enqueue, pending_count, relay
from .search import search_messages
from .tokens import IssuedToken, create_token, revoke_token, verify_token

__all__ = [
    "Acknowledgement",
    "ApiToken",
    "Base",
    "ControlCounter",
    "DedupeKey",
    "Delivery",
    "DeliveryState",
    "Direction",
    "Document",
    "Duplicate",
    "Event",
    "IssuedToken",
    "Key",
    "Layer",
    "Message",
    "OutboxEntry",
    "PartnerLease",
    "PROCESS_INBOUND_TASK",
    "Pending",
    "Received",
    "State",
    "SessionAllocator",
    "StoreAllocator",
    "Transport",
    "add_event",
    "allocate_control_number",
    "as2_key",
    "begin_write",
    "business_key",
    "claim_keys",
    "create_token",
    "current_status",
    "load_message",
    "document_status",
    "due_deliveries",
    "enqueue",
    "ensure_delivery",
    "expect_ack",
    "file_key",
    "group_key",
    "history",
    "idempotency_key",
    "init_db",
    "interchange_key",
    "make_engine",
    "make_sessionmaker",
    "overdue_acks",
    "pending_count",
    "receive_message",
    "record_ack",
    "record_attempt",
    "record_document",
    "relay",
    "resolve_expected",
    "revoke_token",
    "search_messages",
    "set_key",
    "transaction",
    "verify_token",
]
