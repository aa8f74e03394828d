"""Engines, sessions and transactions for SQLite (embedded) and PostgreSQL (production).

SQLite needs care to be a safe multi-process store: WAL so readers never block the
writer, ``synchronous=FULL`` so a committed receipt survives power loss (we acknowledge
on commit), a busy timeout, and ``BEGIN IMMEDIATE`` for transactions that will write. A
plain deferred transaction that reads and then writes can fail at once with
SQLITE_BUSY when another process wrote in between (no busy wait applies to that case),
so write units of work take the write lock up front. pysqlite's own transaction
handling is switched off so SQLAlchemy's BEGIN is the one that runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from edi.text import as_text_json, json_text

__all__ = ["make_engine", "make_sessionmaker", "transaction", "begin_write", "init_db", "upsert_insert", "MIGRATIONS"]

#: Alembic scripts, shipped inside the package so an installed wheel can migrate too.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: Connection execution option naming the SQLite BEGIN mode ("DEFERRED" | "IMMEDIATE").
SQLITE_BEGIN = "edigw_sqlite_begin"
_WRITE_OPTIONS = {SQLITE_BEGIN: "IMMEDIATE"}
#: PostgreSQL advisory lock key serializing migrations; arbitrary but fixed (ASCII "edig").
_MIGRATION_LOCK = 0x65646967


def upsert_insert(session: Session) -> Callable[..., postgresql.Insert | sqlite.Insert]:
    """The dialect's ``insert`` construct, which (unlike the generic one) has ``on_conflict_do_*``."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def json_column(data: Any) -> str:
    """JSON for a column: :func:`edi.text.json_text`, with any NUL shown as ``\\x00``
    (PostgreSQL's jsonb refuses ``\\u0000`` in a string)."""
    text = json_text(data)
    return json_text(as_text_json(data)) if "\\u0000" in text else text


def json_value(text: str) -> Any:
    """JSON columns read back with non-integer numbers as Decimal: canonical amounts stay
    exact (a float would turn a unit price of 12345.123456789012 into ...011)."""
    return json.loads(text, parse_float=Decimal)


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = 30_000, **kwargs: Any) -> Engine:
    """Engine for ``sqlite:///path`` or ``postgresql+psycopg://...`` with the settings the store relies on."""
    # JSON columns: exact Decimals, partner text made valid (edi.text.json_text) and read back exact
    kwargs.setdefault("json_serializer", json_column)
    kwargs.setdefault("json_deserializer", json_value)
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, echo=echo, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = {"check_same_thread": False, "timeout": busy_timeout_ms / 1000, **kwargs.pop("connect_args", {})}
    engine = create_engine(parsed, echo=echo, connect_args=connect_args, **kwargs)
    _configure_sqlite(engine, busy_timeout_ms)
    return engine


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy issues BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", f"busy_timeout={busy_timeout_ms}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded attributes after commit, so returned rows stay usable."""
    return sessionmaker(engine, expire_on_commit=False)


def begin_write(session: Session) -> None:
    """Start the session's transaction as a write transaction (``BEGIN IMMEDIATE`` on SQLite).

    Call first in a unit of work that writes. When the session already holds a
    connection the transaction has begun and this is a no-op.
    """
    trans = session.get_transaction()
    if trans is not None and _held_connections(trans):
        return
    session.connection(execution_options=_WRITE_OPTIONS)


def _held_connections(trans: SessionTransaction) -> frozenset[Connection]:
    # ``connections`` is public from SQLAlchemy 2.1.7; older 2.x keep the same data privately.
    held = getattr(trans, "connections", None)
    return held if held is not None else frozenset(conn for conn, *_ in trans._connections.values())


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = True) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with factory() as session:
        if write:
            begin_write(session)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def init_db(engine: Engine) -> None:
    """Run alembic migrations to head, serialized across processes that start together.

    The whole upgrade runs in one transaction holding a lock (advisory lock on
    PostgreSQL, the write lock on SQLite); a second process then finds the schema at
    head and does nothing.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.connect() as conn:
        conn = conn.execution_options(**_WRITE_OPTIONS)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
