"""Talking to the task broker from the gateway: publish outbox rows, nothing else.

The gateway never imports ``tasks`` (the layer above it); it publishes tasks *by name*
through a producer-only Celery app. The embedded default broker is kombu's SQLAlchemy
transport on a SQLite file under ``EDIGW_HOME``; kombu's virtual transports poll once
a second and the SQLAlchemy transport hands every ``broker_transport_options`` entry to
``create_engine`` (so a ``polling_interval`` option there breaks it), hence a subclass
with a 50 ms class-level interval, registered under its own URL scheme.
"""

from __future__ import annotations

import logging
import threading

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES
from kombu.transport.sqlalchemy import Transport as SqlAlchemyTransport
from sqlalchemy.orm import Session, sessionmaker

from gateway.settings import Settings
from gateway.store import Pending, relay

__all__ = ["Transport", "broker_url_for", "make_producer", "publish_outbox", "RelayThread", "EMBEDDED_SCHEME"]

log = logging.getLogger("edigw.relay")
EMBEDDED_SCHEME = "edigwsqla"


class Transport(SqlAlchemyTransport):
    polling_interval = 0.05


TRANSPORT_ALIASES.setdefault(EMBEDDED_SCHEME, "gateway.broker:Transport")


def broker_url_for(url: str) -> str:
    """``sqla+sqlite:///...`` -> the faster-polling embedded transport; other URLs unchanged."""
    return EMBEDDED_SCHEME + url[len("sqla") :] if url.startswith("sqla+") else url


def make_producer(settings: Settings) -> Celery:
    """A Celery app that only sends tasks by name (no task code imported)."""
    app = Celery("edigw-producer", broker=broker_url_for(settings.broker_url))
    app.conf.update(task_default_queue="edigw", task_serializer="json", broker_connection_retry_on_startup=True)
    return app


def publish_outbox(sessions: sessionmaker[Session], app: Celery, batch: int = 200) -> int:
    """Publish every due outbox row (at least once; the tasks are idempotent)."""

    def publish(row: Pending) -> None:
        app.send_task(row.task, kwargs=row.args)

    total = 0
    while True:
        sent = relay(sessions, publish, batch=batch)
        total += sent
        if sent < batch:
            return total


class RelayThread(threading.Thread):
    """Publishes the outbox continuously: at once when poked, else every ``interval`` seconds."""

    def __init__(self, sessions: sessionmaker[Session], app: Celery, interval: float = 0.5) -> None:
        super().__init__(name="edigw-outbox-relay", daemon=True)
        self._sessions, self._app, self._interval = sessions, app, interval
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                publish_outbox(self._sessions, self._app)
            except Exception:  # noqa: BLE001 - the relay must outlive a broker or database hiccup
                log.exception("outbox relay failed; retrying")
            self._wake.wait(self._interval)
            self._wake.clear()
