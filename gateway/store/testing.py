"""Helpers for tests that run the store on a real PostgreSQL (or SQLite) database.

Kept in the package so any test suite (gateway, tasks) can get a throwaway, migrated
database the same way. ``EDIGW_TEST_POSTGRES_URL`` points at the server's maintenance
database (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, make_url, text

from .control import StoreAllocator
from .engine import make_engine, make_sessionmaker
from .models import Base

__all__ = [
    "postgres_admin_url",
    "postgres_unavailable",
    "temporary_postgres_database",
    "clear",
    "allocate_in_processes",
]

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_admin_url() -> str:
    return os.environ.get("EDIGW_TEST_POSTGRES_URL", DEFAULT_ADMIN_URL)


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it can."""
    url = postgres_admin_url()
    engine = make_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means "skip", with the reason
        where = make_url(url).render_as_string(hide_password=True)
        first_line = (str(exc).strip().splitlines() or [""])[0][:200]
        return f"PostgreSQL not reachable at {where}: {type(exc).__name__}: {first_line}"
    finally:
        engine.dispose()
    return None


@contextmanager
def temporary_postgres_database(prefix: str = "edigw_test") -> Iterator[str]:
    """Create a uniquely named database (so parallel test runs never meet), yield its URL, drop it."""
    admin_url = make_url(postgres_admin_url())
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(admin_url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield admin_url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def clear(engine: Engine) -> None:
    """Delete every row (children first), keeping the schema; faster than re-migrating per test."""
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def migrate_in_processes(url: str, workers: int = 3) -> list[tuple[int, str]]:
    """Run ``init_db`` from several processes at the same moment; (exit code, stderr) of each."""
    script = "import sys; from gateway.store import init_db, make_engine; init_db(make_engine(sys.argv[1]))"
    procs = [
        subprocess.Popen([sys.executable, "-c", script, url], stderr=subprocess.PIPE, text=True) for _ in range(workers)
    ]
    return [(proc.wait(timeout=120), proc.stderr.read() if proc.stderr else "") for proc in procs]


def allocate_in_processes(url: str, workers: int, count: int, kind: str, sender: str, receiver: str) -> list[list[int]]:
    """Each of ``workers`` fresh processes takes ``count`` numbers, all starting together; their sequences."""
    ctx = multiprocessing.get_context("spawn")  # no connection inherited from the parent
    barrier = ctx.Barrier(workers)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_allocate_worker, args=(url, count, kind, sender, receiver, barrier, results))
        for _ in range(workers)
    ]
    for proc in procs:
        proc.start()
    try:
        sequences = [_next_result(results, procs) for _ in procs]
    finally:
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
    failures = [s for s in sequences if isinstance(s, str)]
    if failures:
        raise RuntimeError(f"allocation worker failed: {failures[0]}")
    return sequences


def _next_result(results: Any, procs: list[Any], timeout: float = 120) -> Any:
    """The next worker result; fails fast when the workers died instead of waiting out the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            return results.get(timeout=0.5)
        except queue.Empty:
            if not any(proc.is_alive() for proc in procs) and results.empty():
                raise RuntimeError("allocation workers exited without reporting") from None
    raise TimeoutError(f"allocation workers gave no result within {timeout}s")


def _allocate_worker(url: str, count: int, kind: str, sender: str, receiver: str, barrier: Any, results: Any) -> None:
    engine = make_engine(url)
    try:
        allocator = StoreAllocator(make_sessionmaker(engine))
        with engine.connect() as conn:  # connect before the start line, so workers really overlap
            conn.execute(text("SELECT 1"))
        barrier.wait(timeout=60)
        results.put([allocator.next(kind, sender, receiver) for _ in range(count)])
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which raises
        results.put(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()
