"""The per-partner lease on SQLite and (when reachable) PostgreSQL, including a race to take it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, delete, select

from gateway.store.engine import make_engine
from gateway.store.testing import postgres_unavailable, temporary_postgres_database
from gateway.transports import SqlLease, create_lease_table, partner_leases


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.integration),
    ],
)
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One database per backend for the module (creating a PostgreSQL database costs a second or two)."""
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path_factory.mktemp('lease') / 'leases.db'}")
        create_lease_table(made)
        yield made
        made.dispose()
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with temporary_postgres_database("edigw_test_lease") as url:
        made = make_engine(url)
        create_lease_table(made)
        yield made
        made.dispose()


@pytest.fixture
def engine(database: Engine) -> Engine:
    with database.begin() as conn:
        conn.execute(delete(partner_leases))
    return database


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lease(engine: Engine, clock: Clock) -> SqlLease:
    return SqlLease(engine, clock=clock)


def test_one_holder_at_a_time(lease: SqlLease) -> None:
    assert lease.acquire("acme", "a", ttl=60)
    assert not lease.acquire("acme", "b", ttl=60)
    assert lease.acquire("acme", "a", ttl=60)  # our own lease is extended
    assert lease.acquire("bigbox", "b", ttl=60)  # other partners are independent


def test_renew_and_release_belong_to_the_holder(lease: SqlLease) -> None:
    assert lease.acquire("acme", "a", ttl=60)
    assert lease.renew("acme", "a", ttl=60)
    assert not lease.renew("acme", "b", ttl=60)
    lease.release("acme", "b")  # not b's to give up
    assert not lease.acquire("acme", "b", ttl=60)
    lease.release("acme", "a")
    assert lease.acquire("acme", "b", ttl=60)
    assert not lease.renew("acme", "a", ttl=60)


def test_expired_lease_is_taken_over_and_lost_by_its_old_holder(lease: SqlLease, clock: Clock, engine: Engine) -> None:
    assert lease.acquire("acme", "a", ttl=60)
    clock.now += timedelta(seconds=59)
    assert not lease.acquire("acme", "b", ttl=60)
    clock.now += timedelta(seconds=1)
    assert lease.acquire("acme", "b", ttl=60)
    assert not lease.renew("acme", "a", ttl=60)
    with engine.connect() as conn:
        holder, expires = conn.execute(select(partner_leases.c.holder, partner_leases.c.expires_at)).one()
    assert holder == "b" and expires == clock.now + timedelta(seconds=60)


def test_renew_fails_once_expired_even_if_nobody_took_it(lease: SqlLease, clock: Clock) -> None:
    assert lease.acquire("acme", "a", ttl=10)
    clock.now += timedelta(seconds=10)
    assert not lease.renew("acme", "a", ttl=10)
    assert lease.acquire("acme", "a", ttl=10)  # taking it afresh is fine


@pytest.mark.parametrize("existing", [False, True], ids=["no-row", "expired-row"])
def test_racing_instances_get_exactly_one_lease(engine: Engine, clock: Clock, existing: bool) -> None:
    if existing:
        assert SqlLease(engine, clock=clock).acquire("acme", "old", ttl=1)
        clock.now += timedelta(seconds=2)
    racers = 8
    barrier = threading.Barrier(racers)
    won: list[str] = []

    def race(holder: str) -> None:
        barrier.wait()
        if SqlLease(engine, clock=clock).acquire("acme", holder, ttl=60):
            won.append(holder)

    threads = [threading.Thread(target=race, args=(f"instance-{i}",)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(won) == 1
