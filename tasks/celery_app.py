"""The Celery application (Redis in production, the embedded SQLite broker by default).

Task design follows Celery's own advice: tasks take ids, are idempotent, acknowledge
late (a worker killed mid-task gets its task redelivered), retry with exponential
backoff and jitter on transient errors only, and are published from the transactional
outbox after the database commit, never from inside a transaction.
"""

from __future__ import annotations

from celery import Celery

from gateway.broker import broker_url_for
from gateway.settings import Settings

__all__ = ["make_celery", "celery_app", "TASK_MODULES"]

TASK_MODULES = ["tasks.process", "tasks.deliver", "tasks.outbound", "tasks.maintenance"]


def make_celery(settings: Settings) -> Celery:
    app = Celery("edigw", broker=broker_url_for(settings.broker_url), include=TASK_MODULES)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue="edigw",
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        # Redis redelivers the unacknowledged task of a dead worker after this; longer than any task runs.
        broker_transport_options=_transport_options(settings),
        beat_schedule={
            "relay-outbox": {"task": "edigw.relay_outbox", "schedule": 2.0},
            "overdue-acks": {"task": "edigw.check_overdue", "schedule": 60.0},
        },
        timezone="UTC",
    )
    return app


def _transport_options(settings: Settings) -> dict[str, int]:
    if settings.broker_url.startswith("redis"):
        timeout = settings.broker_visibility_timeout
        # kombu sweeps for abandoned tasks every interval x throttle seconds (100 s by
        # default); keep that well under the visibility timeout when it is short.
        return {
            "visibility_timeout": timeout,
            "unacked_restore_interval": max(1, min(10, timeout // 2)),
            "unacked_restore_throttle": 1 if timeout < 300 else 10,
        }
    return {}  # the SQLAlchemy transport hands every option to create_engine


celery_app = make_celery(Settings.from_env())
