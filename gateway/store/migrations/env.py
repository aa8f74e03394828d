"""Alembic environment for the store.

``gateway.store.init_db`` hands over an open connection (already in a locked
transaction) via ``config.attributes["connection"]``; the ``alembic`` command line gets
its URL from the same settings as the gateway (EDIGW_DATABASE_URL, EDIGW_HOME).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from gateway.settings import Settings
from gateway.store.engine import make_engine
from gateway.store.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def run_migrations_offline() -> None:
    url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    context.configure(
        url=url, target_metadata=target_metadata, literal_binds=True, dialect_opts={"paramstyle": "named"}
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
