"""Failures nobody foresaw: the message is parked as a dead letter, never left in limbo.

A task that raises anything but a database error (which Celery retries) would leave its
message ``received`` forever: no event, no ack, nothing on the dashboard. Instead the
exception is logged with its traceback and the message gets a ``dead_letter`` event with
the reason; the dead-letter alert, the dashboard's queues and ``edigw messages replay
--dead-letters`` all see it. Nothing of the failed attempt was committed, so a replay
after the fix starts from the beginning.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from celery.exceptions import Retry
from sqlalchemy.exc import OperationalError

from gateway.runtime import Runtime
from gateway.store import State, add_event, current_status, transaction

__all__ = ["parked_on_failure"]

log = logging.getLogger("edigw.tasks")


def parked_on_failure(
    rt: Runtime,
    message_id: uuid.UUID,
    step: str,
    work: Callable[[], str],
    open_states: tuple[str, ...] = ("received", "replayed"),
) -> str:
    """``work()``, or on an unexpected exception the message parked as a dead letter
    (unless another worker moved it out of ``open_states`` meanwhile)."""
    try:
        return work()
    except (OperationalError, Retry):
        raise  # the database, or a retry the task asked for: Celery's business
    except Exception as exc:  # noqa: BLE001 - a bug or an input no check foresaw must not leave the message in limbo
        log.exception("message %s: %s failed", message_id, step)
        reason = f"{step} failed: {type(exc).__name__}: {exc}"[:2000]
        with transaction(rt.sessions) as session:
            if current_status(session, message_id) not in open_states:
                return "already handled"
            add_event(session, message_id, State.DEAD_LETTER, {"reason": reason})
        return "dead letter"
