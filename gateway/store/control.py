"""Durable control numbers (ISA13, GS06, ST02) for outbound documents.

One counter row per (kind, sender, receiver), advanced by a single upsert that
returns the new value: on PostgreSQL the row lock makes concurrent workers queue on
that pair only; on SQLite the statement runs in a ``BEGIN IMMEDIATE`` transaction.
``StoreAllocator`` takes each number in its own short transaction, like a database
sequence: a number is never handed out twice, and one taken by a build that later
failed is simply skipped (gaps are harmless in X12, repeats are not). After
999,999,999 the counter wraps to 1, the only choice the 9-digit fields leave.
"""

from __future__ import annotations

from sqlalchemy import case
from sqlalchemy.orm import Session, sessionmaker

from edi.x12.control import MAX_CONTROL, ControlNumberAllocator

from .engine import begin_write, transaction, upsert_insert
from .models import PARTY_LENGTH, ControlCounter, stored_text
from .types import utcnow

__all__ = ["allocate_control_number", "StoreAllocator"]

KINDS = frozenset({"interchange", "group", "set"})


def allocate_control_number(session: Session, kind: str, sender: str, receiver: str, *, start: int = 1) -> int:
    """Next number for ``kind`` between the pair, inside the caller's transaction.

    The pair's counter stays locked until that transaction ends; prefer
    ``StoreAllocator`` unless the number must roll back with the caller's work.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown control number kind {kind!r}; expected one of {sorted(KINDS)}")
    # a partner's ISA id, storable whatever it holds (a malformed one was refused with its TA1 code)
    sender, receiver = stored_text(sender, PARTY_LENGTH), stored_text(receiver, PARTY_LENGTH)
    begin_write(session)
    insert = upsert_insert(session)
    now = utcnow()
    counter = ControlCounter.__table__.c
    stmt = insert(ControlCounter).values(kind=kind, sender=sender, receiver=receiver, value=start, updated_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[counter.kind, counter.sender, counter.receiver],
        set_={"value": case((counter.value >= MAX_CONTROL, 1), else_=counter.value + 1), "updated_at": now},
    ).returning(counter.value)
    return int(session.execute(stmt).scalar_one())


class StoreAllocator(ControlNumberAllocator):
    """``edi.x12.control.ControlNumberAllocator`` backed by the store; safe across threads and processes."""

    def __init__(self, factory: sessionmaker[Session], *, start: int = 1) -> None:
        self._factory = factory
        self._start = start

    def next(self, kind: str, sender: str, receiver: str) -> int:
        with transaction(self._factory) as session:
            return allocate_control_number(session, kind, sender, receiver, start=self._start)


class SessionAllocator(ControlNumberAllocator):
    """Allocates inside the caller's open transaction: the numbers commit (or roll back)
    together with what carries them, e.g. the acknowledgements a task records."""

    def __init__(self, session: Session, *, start: int = 1) -> None:
        self._session = session
        self._start = start

    def next(self, kind: str, sender: str, receiver: str) -> int:
        return allocate_control_number(self._session, kind, sender, receiver, start=self._start)
