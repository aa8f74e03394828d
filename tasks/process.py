"""``edigw.process_inbound``: one stored inbound message through the whole pipeline.

The pure work (validate, acknowledge, translate, rules, routing) is
:func:`translators.pipeline.process_inbound`; this task persists its outcome in ONE
transaction: documents (deduplicated by interchange, group, set and business key),
the acks to send back, the deliveries to make and the outbox rows that trigger them,
and the events that make the message's history. Running it twice for the same message
changes nothing (status check + dedupe keys); a crash before the commit leaves the
message as received, and the broker redelivers the task (acks_late).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from functools import partial
from typing import Any

from celery import Task
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from edi.x12.ack import Ack, AckWriter
from edi.x12.ack_read import AckStatus
from edi.x12.errors import InterchangeResult
from gateway.runtime import Runtime
from gateway.store import (
    Direction,
    SessionAllocator,
    State,
    add_event,
    claim_keys,
    current_status,
    enqueue,
    ensure_delivery,
    group_key,
    interchange_key,
    load_message,
    record_ack,
    record_document,
    resolve_expected,
    set_key,
    transaction,
)
from gateway.store.engine import json_value
from gateway.store.types import utcnow
from gateway.task_names import DELIVER_TASK, PROCESS_INBOUND_TASK, SEND_OUTBOUND_TASK
from partners.profile import Profile
from tasks.celery_app import celery_app
from tasks.context import runtime
from tasks.outbound import record_outbound
from tasks.parking import parked_on_failure
from translators.canonical import to_json
from translators.pipeline import InboundOutcome, Routed, write_acks
from translators.pipeline import process_inbound as run_pipeline

__all__ = ["process_inbound", "persist_outcome"]

log = logging.getLogger("edigw.process")
_NUMBER_FIELD = {"order": "po_number", "po_ack": "po_number", "ship_notice": "shipment_id", "invoice": "invoice_number"}
_ACK_STATUS = {"A": "accepted", "E": "accepted", "P": "partial", "R": "rejected"}


@celery_app.task(
    name=PROCESS_INBOUND_TASK,
    bind=True,
    acks_late=True,
    autoretry_for=(OperationalError,),  # database busy/unreachable: transient
    retry_backoff=True,
    retry_jitter=True,
    max_retries=8,
)
def process_inbound(
    self: Task, message_id: str, correlation_id: str | None = None, replay: bool = False, **_: Any
) -> str:
    rt = runtime()
    mid = uuid.UUID(message_id)
    loaded = load_message(rt.sessions, mid)
    if loaded is None:
        return "unknown message"
    message, status = loaded
    partner_id, raw, received_at = message.partner_id, message.raw, message.received_at
    if status not in ("received", "replayed"):
        return f"already {status}"
    if partner_id not in rt.registry:
        with transaction(rt.sessions) as session:
            add_event(session, mid, State.REJECTED, {"reason": f"no partner profile {partner_id!r}"})
        return "rejected"
    profile = rt.registry.get(partner_id)
    work = partial(_process, rt, mid, profile, raw, correlation_id, received_at)
    return parked_on_failure(rt, mid, "processing", work)


def _process(
    rt: Runtime,
    mid: uuid.UUID,
    profile: Profile,
    raw: bytes,
    correlation_id: str | None,
    received_at: dt.datetime | None,
) -> str:
    outcome = run_pipeline(raw, profile, rt.registry, xref=rt.registry.xref(profile.id))
    persist_outcome(rt, mid, profile, outcome, correlation_id, received_at)
    log.info(
        "message %s from %s: %s, %d documents, %d errors, %d acks",
        mid,
        profile.id,
        outcome.validation,
        len(outcome.documents),
        len(outcome.errors),
        len(outcome.acks),
    )
    return "rejected" if outcome.rejected else "processed"


def persist_outcome(
    rt: Runtime,
    message_id: uuid.UUID,
    profile: Profile,
    outcome: InboundOutcome,
    correlation_id: str | None,
    received_at: dt.datetime | None = None,
) -> None:
    partner_id = profile.id
    with transaction(rt.sessions) as session:
        if current_status(session, message_id) not in ("received", "replayed"):
            return  # another worker got here first
        # the acks' control numbers commit (or roll back) with the acks themselves
        allocator = SessionAllocator(session, start=profile.control_numbers.start)
        outcome.acks = write_acks(outcome, AckWriter(allocator), profile)
        add_event(session, message_id, State.PROCESSING, {"standard": outcome.standard})
        if outcome.partner_seen and outcome.partner_seen != partner_id:
            add_event(session, message_id, "warning", {"identity": f"envelope names {outcome.partner_seen}"})
        for ack in outcome.acks:
            _queue_ack(session, message_id, partner_id, ack, outcome.interchanges, correlation_id)
        for status in outcome.acks_received:
            _apply_received_ack(session, message_id, partner_id, status)
        fresh = _claim_envelopes(session, message_id, outcome.interchanges)
        routed = delivered = 0
        for doc in outcome.documents:
            routed += 1
            delivered += _route(session, message_id, partner_id, doc, outcome.interchanges, fresh, correlation_id)
        for error in outcome.errors:
            add_event(session, message_id, "document_rejected", error.as_dict())
        summary = {
            "validation": outcome.validation,
            "documents": routed,
            "deliveries": delivered,
            "errors": len(outcome.errors),
            "acks": [a.kind for a in outcome.acks],
        }
        if received_at is not None:  # receipt to processed: /metrics reports its quantiles
            summary["seconds"] = round((utcnow() - received_at).total_seconds(), 3)
        if outcome.unreadable:
            add_event(session, message_id, State.REJECTED, {**summary, "reason": outcome.unreadable})
        elif outcome.rejected:
            add_event(session, message_id, State.REJECTED, summary)
        else:
            add_event(session, message_id, State.PROCESSED, summary)


def _result_for(interchanges: list[InterchangeResult], control: str) -> InterchangeResult | None:
    return next((r for r in interchanges if r.control_number == control), None)


def _pair(result: InterchangeResult) -> tuple[str, str]:
    return f"{result.sender_qualifier}:{result.sender_id}", f"{result.receiver_qualifier}:{result.receiver_id}"


def _claim_envelopes(session: Session, message_id: uuid.UUID, interchanges: list[InterchangeResult]) -> set[str]:
    """Claim ISA13 and GS06 keys; returns the interchange control numbers seen for the first time."""
    fresh: set[str] = set()
    for result in interchanges:
        sender, receiver = _pair(result)
        keys = [interchange_key(sender, receiver, result.control_number)]
        keys += [
            group_key(sender, receiver, g.functional_id, g.control_number) for g in result.groups if g.control_number
        ]
        duplicate = claim_keys(session, keys, message_id)
        if duplicate is None or duplicate.message_id == message_id:  # a replay holds its own keys
            fresh.add(result.control_number)
        else:
            add_event(
                session,
                message_id,
                State.DUPLICATE,
                {
                    "interchange": result.control_number,
                    "duplicate_of": str(duplicate.message_id),
                    "layer": duplicate.layer.value,
                },
            )
    return fresh


def _route(
    session: Session,
    message_id: uuid.UUID,
    partner_id: str,
    routed: Routed,
    interchanges: list[InterchangeResult],
    fresh: set[str],
    correlation_id: str | None,
) -> int:
    item, source = routed.item, routed.item.source
    canonical = json_value(to_json(item.document, indent=None))  # exact Decimals, plain JSON types
    number = canonical.get(_NUMBER_FIELD.get(item.type, ""))
    keys = []
    result = _result_for(interchanges, source.interchange_control) if source.standard == "x12" else None
    if result is not None:
        if source.interchange_control not in fresh:
            return 0  # the whole interchange is a duplicate: recorded above, never routed
        keys.append(set_key(*_pair(result), source.group_control, source.set_control))
    document, duplicate = record_document(
        session,
        message_id,
        partner_id=partner_id,
        doc_type=item.type,
        number=str(number) if number else None,
        purpose=canonical.get("purpose"),
        transaction=source.transaction,
        interchange_control=source.interchange_control or None,
        group_control=source.group_control or None,
        set_control=source.set_control or None,
        canonical=canonical,
        keys=keys,
    )
    if duplicate is not None:
        return 0
    detail = {"type": item.type, "number": number, "sinks": list(routed.sinks)}
    add_event(session, message_id, State.TRANSLATED, detail, document_id=document.id)
    for sink in routed.sinks:
        delivery = ensure_delivery(session, document.id, sink)
        enqueue(session, DELIVER_TASK, {"delivery_id": str(delivery.id), "correlation_id": correlation_id})
    return len(routed.sinks)


def _queue_ack(
    session: Session,
    message_id: uuid.UUID,
    partner_id: str,
    ack: Ack,
    interchanges: list[InterchangeResult],
    correlation_id: str | None,
) -> None:
    result = _result_for(interchanges, ack.acknowledges)
    status = _ACK_STATUS.get(result.status if result is not None else "A", "accepted")
    if ack.kind != "ta1" and result is not None and result.groups:
        status = _ACK_STATUS.get(result.groups[0].status, status)
    payload = ack.to_bytes()
    name = f"{ack.kind}-{ack.control_number}.x12"
    out_id = record_outbound(session, partner_id, payload, name, "application/edi-x12", "x12", correlation_id)
    record_ack(
        session,
        direction=Direction.OUT,
        kind=ack.kind.upper(),
        partner_id=partner_id,
        status=status,
        message_id=out_id,
        related_message_id=message_id,
        interchange_control=ack.acknowledges,
        raw=payload,
    )
    add_event(session, out_id, State.BUILT, {"ack": ack.kind, "acknowledges": str(message_id)})
    enqueue(session, SEND_OUTBOUND_TASK, {"message_id": str(out_id), "correlation_id": correlation_id})


def _apply_received_ack(session: Session, message_id: uuid.UUID, partner_id: str, status: AckStatus) -> None:
    """A 997/999/TA1 from the partner: close the expectations of what we sent."""
    for group in status.groups:
        verdict = {"A": "accepted", "E": "accepted", "P": "partial", "R": "rejected"}.get(group.status, "unknown")
        for expected in resolve_expected(
            session, partner_id=partner_id, status=verdict, group_control=group.control_number, message_id=message_id
        ):
            state = State.ACKNOWLEDGED if verdict in ("accepted", "partial") else "rejected_by_partner"
            detail = {"ack": group.kind, "status": group.status, "codes": group.codes, "ack_message": str(message_id)}
            add_event(session, expected.related_message_id, state, detail, document_id=expected.related_document_id)
    for ta1 in status.ta1:
        if ta1.status != "R":
            continue  # a TA1 accepting our envelope says nothing about the documents: the 997 will
        # a rejected interchange: its documents will never be acknowledged, so close them as rejected
        resolved = resolve_expected(
            session,
            partner_id=partner_id,
            status="rejected",
            interchange_control=ta1.control_number,
            message_id=message_id,
        )
        for expected in resolved:
            add_event(session, expected.related_message_id, "rejected_by_partner", {"ta1": ta1.note_code})
