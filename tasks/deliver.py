"""``edigw.deliver``: hand one document to one sink, exactly once as far as the sink can tell.

Keyed by the delivery row (document, sink). The request carries the delivery's
Idempotency-Key, so a redelivered task (worker killed after the POST, before the ack)
is recognised by the sink. Transient failures retry with exponential backoff and
jitter (Retry-After wins when the sink sends one); permanent failures and exhausted
retries move the delivery to the dead-letter state with the reason, from where
``edigw messages replay`` or the API resend it.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import uuid
from functools import cache

from celery import Task

from gateway.runtime import Runtime
from gateway.store import Delivery, DeliveryState, Document, State, add_event, record_attempt, transaction
from gateway.task_names import DELIVER_TASK
from tasks.celery_app import celery_app
from tasks.context import runtime
from tasks.sinks import HttpJsonSink, PermanentSinkError, SinkConfig, SinksFile, TransientSinkError, load_sinks

__all__ = ["deliver", "backoff_seconds", "DELIVER_TASK"]

log = logging.getLogger("edigw.deliver")


@cache
def _sinks() -> SinksFile:
    return load_sinks()


def backoff_seconds(config: SinkConfig, attempt: int, rng: random.Random | None = None) -> float:
    """Delay before retry number ``attempt`` (1-based): exponential, capped, jittered."""
    base = min(config.backoff_base_seconds * 2 ** (attempt - 1), config.backoff_max_seconds)
    return base * (rng or random).uniform(0.5, 1.5)


@celery_app.task(name=DELIVER_TASK, bind=True, acks_late=True, max_retries=None)
def deliver(self: Task, delivery_id: str, correlation_id: str | None = None, replay: bool = False) -> str:
    rt = runtime()
    with rt.sessions() as session:
        delivery = session.get(Delivery, uuid.UUID(delivery_id))
        if delivery is None:
            return "unknown delivery"
        document = session.get(Document, delivery.document_id)
        assert document is not None
        if delivery.state == DeliveryState.DELIVERED or (delivery.state == DeliveryState.DEAD_LETTER and not replay):
            return f"already {delivery.state}"
        doc_type, canonical, partner_id = document.doc_type, document.canonical or {}, document.partner_id
        message_id, document_id, sink_name, key = (
            document.message_id,
            document.id,
            delivery.sink,
            delivery.idempotency_key,
        )
        attempts = delivery.attempts
    try:
        config = _sinks().get(sink_name)
    except KeyError as exc:
        _finish(rt, delivery_id, message_id, document_id, error=str(exc), dead=True)
        return "dead letter: unknown sink"
    sink = HttpJsonSink(config, rt.settings.home)
    try:
        outcome = sink.deliver(
            doc_type, canonical, partner_id=partner_id, idempotency_key=key, correlation_id=correlation_id or ""
        )
    except TransientSinkError as exc:
        attempt = attempts + 1
        if attempt >= config.max_attempts:
            _finish(
                rt, delivery_id, message_id, document_id, error=f"gave up after {attempt} attempts: {exc}", dead=True
            )
            return "dead letter: retries exhausted"
        delay = exc.retry_after if exc.retry_after is not None else backoff_seconds(config, attempt)
        _finish(rt, delivery_id, message_id, document_id, error=str(exc), retry_in=delay)
        log.info("delivery %s to %s failed (%s); retry %d in %.1fs", delivery_id, sink_name, exc, attempt, delay)
        raise self.retry(countdown=delay, exc=exc) from exc
    except PermanentSinkError as exc:
        _finish(rt, delivery_id, message_id, document_id, error=str(exc), dead=True)
        return "dead letter: permanent failure"
    except Exception as exc:  # noqa: BLE001 - a bug must not leave the delivery pending forever
        log.exception("delivery %s to %s failed unexpectedly", delivery_id, sink_name)
        error = f"delivery failed: {type(exc).__name__}: {exc}"
        _finish(rt, delivery_id, message_id, document_id, error=error, dead=True)
        return "dead letter: unexpected failure"
    _finish(rt, delivery_id, message_id, document_id, duplicate=outcome.duplicate)
    return "delivered"


def _finish(
    rt: Runtime,
    delivery_id: str,
    message_id: uuid.UUID,
    document_id: uuid.UUID,
    *,
    error: str | None = None,
    dead: bool = False,
    retry_in: float | None = None,
    duplicate: bool = False,
) -> None:
    with transaction(rt.sessions) as session:
        delivery = session.get(Delivery, uuid.UUID(delivery_id), with_for_update=True)
        assert delivery is not None
        next_at = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=retry_in) if retry_in is not None else None
        record_attempt(session, delivery, error=error, next_attempt_at=next_at, dead=dead)
        detail: dict[str, object] = {"sink": delivery.sink, "attempts": delivery.attempts}
        state: str
        if error is None:
            state, detail = State.DELIVERED, {**detail, "sink_saw_duplicate": duplicate}
        elif dead:
            state, detail = State.DEAD_LETTER, {**detail, "reason": error}
        else:
            state, detail = "retrying", {**detail, "error": error, "retry_in": round(retry_in or 0, 2)}
        add_event(session, message_id, state, detail, document_id=document_id)
