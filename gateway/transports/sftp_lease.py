"""A lease per partner, so several gateway instances can run pollers and only one polls.

Two instances listing the same folder would both download a file; dedupe makes that
harmless for the store but it doubles the work and races the archive step. The lease is
one row per partner in the shared database, taken with a single conditional statement,
so it holds on SQLite (writes are serialized) and on PostgreSQL (the UPDATE re-checks
its WHERE on the row it locks; the INSERT loses cleanly on the primary key).

Expiry uses the clock of the instance that writes it; hosts are expected to run NTP and
the TTL should be far above any skew (tens of seconds, not milliseconds).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Column, Connection, Engine, MetaData, String, Table, delete, insert, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from gateway.store.types import UTCDateTime, utcnow

__all__ = ["Lease", "SqlLease", "partner_leases", "lease_metadata", "create_lease_table"]

#: Own metadata until the store's migrations take the table over (same names and types).
lease_metadata = MetaData()

partner_leases = Table(
    "partner_leases",
    lease_metadata,
    Column("partner_id", String(128), primary_key=True),
    Column("holder", String(255), nullable=False),
    Column("expires_at", UTCDateTime(), nullable=False),
)


class Lease(Protocol):
    """Exclusive, expiring right to work on one partner's remote folder."""

    def acquire(self, partner_id: str, holder: str, ttl: float) -> bool:
        """Take the lease (or extend our own) for ``ttl`` seconds; False when another holder has it."""
        ...

    def renew(self, partner_id: str, holder: str, ttl: float) -> bool:
        """Extend a lease we still hold; False when it expired or someone else took it."""
        ...

    def release(self, partner_id: str, holder: str) -> None:
        """Give the lease up at once (no-op when we no longer hold it)."""
        ...


def create_lease_table(engine: Engine) -> None:
    """Create ``partner_leases`` if missing (embedded default and tests, until a migration owns it)."""
    lease_metadata.create_all(engine, tables=[partner_leases])


class SqlLease:
    """:class:`Lease` on the ``partner_leases`` table; each call is its own short transaction."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = utcnow) -> None:
        self._engine = engine
        self._clock = clock

    def acquire(self, partner_id: str, holder: str, ttl: float) -> bool:
        now = self._clock()
        row = {"partner_id": partner_id, "holder": holder, "expires_at": now + timedelta(seconds=ttl)}
        table = partner_leases
        with self._engine.begin() as conn:
            taken = conn.execute(
                update(table)
                .where(table.c.partner_id == partner_id, or_(table.c.holder == holder, table.c.expires_at <= now))
                .values(holder=holder, expires_at=row["expires_at"])
            ).rowcount
            return taken == 1 or _insert_if_absent(conn, row)

    def renew(self, partner_id: str, holder: str, ttl: float) -> bool:
        now = self._clock()
        table = partner_leases
        with self._engine.begin() as conn:
            return (
                conn.execute(
                    update(table)
                    .where(table.c.partner_id == partner_id, table.c.holder == holder, table.c.expires_at > now)
                    .values(expires_at=now + timedelta(seconds=ttl))
                ).rowcount
                == 1
            )

    def release(self, partner_id: str, holder: str) -> None:
        table = partner_leases
        with self._engine.begin() as conn:
            conn.execute(delete(table).where(table.c.partner_id == partner_id, table.c.holder == holder))


def _insert_if_absent(conn: Connection, row: dict[str, Any]) -> bool:
    """Insert the lease row unless one exists; True when ours went in."""
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        dialect_insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = dialect_insert(partner_leases).values(row).on_conflict_do_nothing()
        # rowcount is only reliable for UPDATE/DELETE; RETURNING yields a row only when ours went in.
        return conn.execute(statement.returning(partner_leases.c.partner_id)).first() is not None
    try:
        with conn.begin_nested():
            conn.execute(insert(partner_leases).values(row))
    except IntegrityError:
        return False
    return True
