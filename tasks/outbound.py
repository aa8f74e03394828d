"""Outbound documents: build (canonical -> X12/cXML) and send over the partner's transport.

``edigw.build_outbound`` turns a business event (an ERP confirmation, a WMS shipment,
an ERP invoice, stored by the API as a message) into the partner's 855/856/810:
control numbers from the store, the envelope from the profile. In ONE transaction it
records the document (the business key makes a repeated event a recorded duplicate,
never a second send), the outbound message, the 997 we expect back and the intent to
send. ``edigw.send_outbound`` sends any outbound message (documents and our 997/999/TA1)
and is retried with backoff on transient failures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from decimal import Decimal
from functools import partial
from pathlib import Path

from celery import Task
from sqlalchemy.orm import Session

from edi.text import json_text
from edi.x12.parse import parse
from gateway.outbound_as2 import send_as2
from gateway.outbound_cxml import send_cxml
from gateway.runtime import Runtime
from gateway.sending import PermanentSendError, TransientSendError
from gateway.sftp_service import push_to_partner
from gateway.store import (
    Direction,
    Message,
    State,
    StoreAllocator,
    add_event,
    enqueue,
    expect_ack,
    load_message,
    record_document,
    transaction,
)
from gateway.store.engine import json_value
from gateway.task_names import BUILD_OUTBOUND_TASK, SEND_OUTBOUND_TASK
from gateway.transports.errors import ConnectionLost, SftpConnectError, SftpError
from partners.profile import Profile
from tasks.celery_app import celery_app
from tasks.context import runtime
from tasks.parking import parked_on_failure
from translators.outbound import prepare, render_for_partner

__all__ = ["build_outbound", "send_outbound", "record_outbound", "OUTBOX_DIR"]

log = logging.getLogger("edigw.outbound")

#: Where outbound files go for partners whose transport is "file" (tests, demo, manual exchange).
OUTBOX_DIR = "outbox"
_NUMBER = {"po_ack": "po_number", "ship_notice": "shipment_id", "invoice": "invoice_number", "order": "po_number"}


@celery_app.task(name=BUILD_OUTBOUND_TASK, bind=True, acks_late=True, max_retries=5)
def build_outbound(self: Task, message_id: str, doc_type: str, correlation_id: str | None = None, **_: object) -> str:
    rt = runtime()
    event_id = uuid.UUID(message_id)
    loaded = load_message(rt.sessions, event_id)
    if loaded is None:
        return "unknown message"
    event, status = loaded
    if status not in ("received", "replayed"):
        return "already built"
    build = partial(_build, rt, event_id, event.partner_id, event.raw, doc_type, correlation_id)
    return parked_on_failure(rt, event_id, "building the outbound document", build)


def _build(
    rt: Runtime, event_id: uuid.UUID, partner_id: str, body: bytes, doc_type: str, correlation_id: str | None
) -> str:
    profile = rt.registry.get(partner_id)
    document = prepare(doc_type, json.loads(body, parse_float=Decimal))
    number = str(document.get(_NUMBER[doc_type], "")) or None
    try:
        rendered = render_for_partner(profile, doc_type, [document], allocator=StoreAllocator(rt.sessions))
        problems = rendered.findings
    except (ValueError, KeyError) as exc:
        problems = [f"cannot render {doc_type}: {exc}"]
    if problems:  # never send a partner X12 our own validator rejects
        with transaction(rt.sessions) as session:
            add_event(session, event_id, State.REJECTED, {"reason": "outbound document invalid", "findings": problems})
        return "rejected"
    payload, content_type, standard = rendered.payload, rendered.content_type, rendered.standard
    controls = _controls(payload) if standard == "x12" else ("", "", "")
    with transaction(rt.sessions) as session:
        doc, duplicate = record_document(
            session,
            event_id,
            partner_id=partner_id,
            doc_type=doc_type,
            number=number,
            purpose=document.get("purpose"),
            transaction=rendered.transaction,
            interchange_control=controls[0] or None,
            group_control=controls[1] or None,
            set_control=controls[2] or None,
            canonical=json_value(json_text(document)),
        )
        if duplicate is not None:
            add_event(session, event_id, State.PROCESSED, {"duplicate_of": str(duplicate.message_id), "sent": False})
            return "duplicate"
        name = f"{doc_type}-{number or doc.id}.{'xml' if standard == 'cxml' else 'x12'}"
        out_id = record_outbound(session, partner_id, payload, name, content_type, standard, correlation_id)
        if standard == "x12" and profile.documents.ack != "none":
            minutes = profile.documents.expect_ack_within_minutes or 24 * 60
            expect_ack(
                session,
                kind=profile.documents.ack,
                partner_id=partner_id,
                related_message_id=out_id,
                related_document_id=doc.id,
                due_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes),
                interchange_control=controls[0],
                group_control=controls[1],
            )
        built = {"outbound_message": str(out_id), "document": str(doc.id)}
        add_event(session, event_id, State.BUILT, built, document_id=doc.id)
        add_event(session, event_id, State.PROCESSED, built)  # the event's own status: done, never built twice
        add_event(session, out_id, State.BUILT, {"document": str(doc.id), "from_event": str(event_id)})
        enqueue(session, SEND_OUTBOUND_TASK, {"message_id": str(out_id), "correlation_id": correlation_id})
    return "built"


def _controls(payload: bytes) -> tuple[str, str, str]:
    ic = parse(payload)[0]
    group = ic.groups[0]
    return ic.control_number, group.control_number, group.sets[0].control_number if group.sets else ""


def record_outbound(
    session: Session,
    partner_id: str,
    payload: bytes,
    name: str,
    content_type: str,
    standard: str,
    correlation_id: str | None,
) -> uuid.UUID:
    """An outbound message row inside the caller's transaction (the caller enqueues its sending).

    Outbound files are not deduplicated by content: two 997s may be byte-identical.
    """
    message = Message(
        id=uuid.uuid4(),
        direction=Direction.OUT.value,
        partner_id=partner_id,
        transport="rest",
        file_name=name,
        sha256=hashlib.sha256(payload).hexdigest(),
        size=len(payload),
        raw=payload,
        correlation_id=uuid.UUID(correlation_id) if correlation_id else uuid.uuid4(),
        content_type=content_type,
        standard=standard,
    )
    session.add(message)
    session.flush()
    return message.id


@celery_app.task(name=SEND_OUTBOUND_TASK, bind=True, acks_late=True, max_retries=12)
def send_outbound(self: Task, message_id: str, correlation_id: str | None = None, **_: object) -> str:
    rt = runtime()
    out_id = uuid.UUID(message_id)
    loaded = load_message(rt.sessions, out_id)
    if loaded is None:
        return "unknown message"
    message, status = loaded
    if status in ("sent", "acknowledged", "dead_letter"):
        return f"already {status}"
    send = partial(
        _send_or_retry, self, rt, out_id, message.partner_id, message.file_name, message.raw, message.standard
    )
    return parked_on_failure(rt, out_id, "sending", send, open_states=_SENDABLE)


#: an outbound message's states from which a send may still be tried
_SENDABLE = (State.BUILT.value, "retrying", State.REPLAYED.value, State.RECEIVED.value)


def _send_or_retry(
    task: Task, rt: Runtime, out_id: uuid.UUID, partner_id: str, file_name: str | None, raw: bytes, standard: str | None
) -> str:
    name, standard = file_name or f"{out_id}.edi", standard or "x12"
    profile = rt.registry.get(partner_id)
    try:
        transport = _send(rt, profile, out_id, name, raw, standard)
    except TransientSendError as exc:
        if task.request.retries >= task.max_retries:
            _dead(rt, out_id, f"gave up after {task.request.retries + 1} attempts: {exc}")
            return "dead letter"
        delay = min(2.0 * 2**task.request.retries, 600.0)
        with transaction(rt.sessions) as session:
            add_event(session, out_id, "retrying", {"error": str(exc)[:500], "retry_in": delay})
        raise task.retry(countdown=delay, exc=exc) from exc
    except PermanentSendError as exc:
        _dead(rt, out_id, str(exc))
        return "dead letter"
    return f"sent via {transport}"


def _dead(rt: Runtime, message_id: uuid.UUID, reason: str) -> None:
    with transaction(rt.sessions) as session:
        add_event(session, message_id, State.DEAD_LETTER, {"reason": reason[:2000]})


def _send(rt: Runtime, profile: Profile, message_id: uuid.UUID, name: str, raw: bytes, standard: str) -> str:
    """Send over the profile's transport; 'file' mode drops into $EDIGW_HOME/outbox/<partner>/.

    cXML goes to the partner's cXML endpoint; X12 over AS2, else SFTP. A partner with no
    transport for the message is a dead letter, never a silent local file.
    """
    transports = profile.transports
    if rt.settings.outbound_mode == "file":
        path = _drop(rt.settings.home / OUTBOX_DIR / profile.id, name, raw)
        with transaction(rt.sessions) as session:
            add_event(session, message_id, State.SENT, {"transport": "file", "file": path.name})
        return "file"
    if standard == "cxml" and transports.cxml is not None:
        send_cxml(rt, profile, message_id)
        return "cxml"
    if transports.as2 is not None:
        send_as2(rt, profile, message_id, public_url=rt.settings.public_url)
        return "as2"
    if transports.sftp is None:
        raise PermanentSendError(f"partner {profile.id!r} has no transport for {standard} messages")
    try:
        remote = push_to_partner(rt, profile, name, raw)
    except (ConnectionLost, SftpConnectError) as exc:
        raise TransientSendError(f"SFTP push to {profile.id!r}: {exc}") from exc
    except SftpError as exc:
        raise PermanentSendError(f"SFTP push to {profile.id!r}: {exc}") from exc
    with transaction(rt.sessions) as session:
        add_event(session, message_id, State.SENT, {"transport": "sftp", "remote": remote})
    return "sftp"


def _drop(folder: Path, name: str, raw: bytes) -> Path:
    """Write-then-rename into ``folder``; ``name`` is ours (never a partner's), still sanitised."""
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).lstrip(".") or "document"
    final = folder / safe
    tmp = folder / f".{safe}.{uuid.uuid4().hex}.part"
    tmp.write_bytes(raw)
    tmp.replace(final)
    return final
