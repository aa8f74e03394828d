"""Periodic and auxiliary tasks: outbox relay, overdue-ack alerts, async MDNs.

Alerts are events (state ``alert`` on the message concerned, so they show in its
timeline and on the dashboard) and, when ``EDIGW_ALERT_WEBHOOK`` is set, a JSON POST to
that URL. An overdue ack is alerted once: its row moves from ``expected`` to
``overdue`` (a late ack still resolves it).
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
import uuid
from typing import Any

from gateway.alerts import evaluate_alerts, record_alerts
from gateway.broker import publish_outbox
from gateway.inbound import find_receipt, split_http_blob
from gateway.store import State, add_event, overdue_acks, transaction
from gateway.task_names import CHECK_OVERDUE_TASK, RELAY_OUTBOX_TASK, SEND_ASYNC_MDN_TASK
from tasks.celery_app import celery_app
from tasks.context import runtime

__all__ = ["relay_outbox", "check_overdue", "send_async_mdn", "post_webhook", "OVERDUE"]

log = logging.getLogger("edigw.maintenance")
OVERDUE = "overdue"


@celery_app.task(name=RELAY_OUTBOX_TASK, ignore_result=True)
def relay_outbox() -> int:
    return publish_outbox(runtime().sessions, celery_app)


def post_webhook(payload: dict[str, Any], url: str | None = None, timeout: float = 5.0) -> bool:
    """POST an alert as JSON; False (logged) when it cannot be delivered. Alerts never fail a task."""
    url = url or os.environ.get("EDIGW_ALERT_WEBHOOK")
    if not url:
        return False
    body = json.dumps(payload, default=str).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310 - operator-configured URL
            return True
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        log.warning("alert webhook %s failed: %s", url, exc)
        return False


@celery_app.task(name=CHECK_OVERDUE_TASK, ignore_result=True)
def check_overdue() -> int:
    """Raise an alert for every acknowledgement that is past due."""
    rt = runtime()
    alerts: list[dict[str, Any]] = []
    with transaction(rt.sessions) as session:
        for ack in overdue_acks(session):
            ack.status = OVERDUE
            detail = {
                "alert": "overdue_ack",
                "kind": ack.kind,
                "partner": ack.partner_id,
                "due_at": ack.due_at.isoformat() if ack.due_at else None,
                "interchange_control": ack.interchange_control,
                "group_control": ack.group_control,
            }
            if ack.related_message_id is not None:
                add_event(session, ack.related_message_id, "alert", detail, document_id=ack.related_document_id)
            alerts.append({**detail, "message_id": str(ack.related_message_id)})
    for alert in alerts:
        post_webhook(alert)
    # dead-letter growth and silent partners (each recorded once, as an event)
    found = evaluate_alerts(rt)
    record_alerts(rt, found)
    for other in found:
        post_webhook(other.payload())
    return len(alerts) + len(found)


@celery_app.task(name=SEND_ASYNC_MDN_TASK, bind=True, acks_late=True, max_retries=10)
def send_async_mdn(self: Any, message_id: str, url: str, **_: object) -> str:
    """POST the MDN we stored for ``message_id`` to the partner's Receipt-Delivery-Option URL."""
    rt = runtime()
    blob = find_receipt(rt.sessions, uuid.UUID(message_id), "MDN")
    if blob is None:
        return "no MDN stored"
    headers, body = split_http_blob(blob)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310 - partner-requested URL, profile-checked
            pass
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise self.retry(countdown=min(5 * 2**self.request.retries, 600), exc=exc) from exc
    with transaction(rt.sessions) as session:
        add_event(session, uuid.UUID(message_id), State.SENT, {"async_mdn": url})
    return "sent"
