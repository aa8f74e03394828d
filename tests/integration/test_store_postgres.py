"""The store's concurrency guarantees on a real PostgreSQL (a fresh database; skipped when absent)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from gateway.store import (
    OutboxEntry,
    Pending,
    enqueue,
    init_db,
    make_engine,
    make_sessionmaker,
    relay,
    transaction,
)
from gateway.store.testing import clear, migrate_in_processes, postgres_unavailable, temporary_postgres_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def postgres() -> None:
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def pg_url(postgres: None) -> Iterator[str]:
    with temporary_postgres_database() as url:
        yield url


@pytest.fixture(scope="module")
def engine(pg_url: str) -> Iterator[Engine]:
    eng = make_engine(pg_url, pool_size=10)
    init_db(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    clear(engine)
    return make_sessionmaker(engine)


def test_relays_in_parallel_publish_each_row_exactly_once_without_crashes(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        for i in range(200):
            enqueue(session, "edigw.test", {"n": i})
    published: list[int] = []
    lock = threading.Lock()

    def publish(row: Pending) -> None:
        with lock:
            published.append(row.args["n"])

    def drain(_: int) -> None:
        while relay(factory, publish, batch=10):
            pass

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(drain, range(4)))
    assert sorted(published) == list(range(200))
    assert max(Counter(published).values()) == 1


def test_relay_skips_rows_another_relay_has_locked(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        for i in range(10):
            enqueue(session, "edigw.test", {"n": i})
    published: list[int] = []
    with factory() as holder:  # another relay, mid-claim, holding the first five rows
        locked = holder.scalars(select(OutboxEntry.id).order_by(OutboxEntry.id).limit(5).with_for_update()).all()
        assert relay(factory, lambda row: published.append(row.id)) == 5  # returns at once, no waiting
        holder.rollback()
    assert not set(published) & set(locked)
    assert relay(factory, lambda row: published.append(row.id)) == 5


def test_processes_migrating_at_once_all_succeed(postgres: None) -> None:
    with temporary_postgres_database() as url:
        outcomes = migrate_in_processes(url, workers=3)
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes
