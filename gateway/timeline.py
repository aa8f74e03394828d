"""The story of one purchase order across every message that touched it.

850 in (and our 997), delivery to the ERP/WMS, the 855/856/810 built from their
answers, each one sent and acknowledged by the partner: one list of events in time
order, for ``edigw demo``, the dashboard and operations.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.store import Acknowledgement, Direction, Document, Event, Message

__all__ = ["Entry", "po_timeline", "related_to_po", "format_timeline"]

_LABEL = {"order": "850", "po_ack": "855", "ship_notice": "856", "invoice": "810"}


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    what: str
    message_id: uuid.UUID


def related_to_po(document: Document, po_number: str) -> bool:
    """Whether a document belongs to ``po_number`` (ASNs name it per order, invoices once)."""
    canonical: dict[str, Any] = document.canonical or {}
    if document.doc_type in ("order", "po_ack"):
        return document.number == po_number or canonical.get("po_number") == po_number
    if document.doc_type == "invoice":
        return canonical.get("po_number") == po_number
    if document.doc_type == "ship_notice":
        return any(o.get("po_number") == po_number for o in canonical.get("orders", []))
    return False


def _describe(event: Event, label: str, message: Message) -> str | None:
    detail = event.detail or {}
    state = event.state
    inbound = message.direction == Direction.IN.value
    if state == "received":
        if message.standard == "canonical":
            return f"{label} requested by the ERP/WMS ({message.transport})"
        return f"{label} received from the partner over {message.transport.upper()}"
    if state == "processed" and inbound:
        if message.standard == "canonical":
            return None  # a business event: its "built" and "sent" lines say what happened
        if detail.get("validation", "-") == "-":  # XML: nothing like X12 validation or acks
            return f"{label} read and translated"
        acks = ", ".join(detail.get("acks", [])) or "no ack"
        return f"{label} validated ({detail.get('validation', '?')}), {acks} queued"
    if state == "delivered":
        return f"{label} delivered to {detail.get('sink')}" + (
            f" (attempt {detail['attempts']})" if detail.get("attempts", 1) > 1 else ""
        )
    if state == "retrying":
        return (
            f"{label} delivery to {detail.get('sink', 'partner')} failed, retrying: {str(detail.get('error', ''))[:60]}"
        )
    if state == "dead_letter":
        return f"{label} DEAD LETTER: {str(detail.get('reason', ''))[:80]}"
    if state == "sent":
        return f"{label} sent to the partner via {detail.get('transport', '?')}"
    if state == "acknowledged":
        if "mdn" in detail:
            return f"{label} receipt confirmed by the partner's AS2 MDN ({detail['mdn']})"
        return f"{label} acknowledged by the partner ({detail.get('ack', '?')} {detail.get('status', '')})"
    if state == "rejected_by_partner":
        return f"{label} REJECTED by the partner: {detail}"
    if state in ("rejected", "duplicate", "alert", "replayed", "document_rejected"):
        return f"{label} {state}: {str(detail)[:80]}"
    return None


def po_timeline(session: Session, partner_id: str, po_number: str) -> list[Entry]:
    docs = [
        d
        for d in session.scalars(select(Document).where(Document.partner_id == partner_id))
        if related_to_po(d, po_number)
    ]
    entries: list[Entry] = []
    seen: set[tuple[uuid.UUID, str]] = set()

    def add_message(message_id: uuid.UUID, label: str) -> None:
        if (message_id, label) in seen:
            return
        seen.add((message_id, label))
        message = session.get(Message, message_id)
        if message is None:
            return
        for event in session.scalars(select(Event).where(Event.message_id == message_id).order_by(Event.at, Event.id)):
            text = _describe(event, label, message)
            if text:
                entries.append(Entry(event.at, text, message_id))
            built = (event.detail or {}).get("outbound_message")
            if event.state == "built" and built:
                add_message(uuid.UUID(built), label)

    for doc in docs:
        kind = doc.transaction or _LABEL.get(doc.doc_type, doc.doc_type)  # 850, OrderRequest, ...
        label = f"{kind} {doc.number or ''}".strip()
        add_message(doc.message_id, label)
        if doc.doc_type == "order":
            acks = session.scalars(
                select(Acknowledgement).where(
                    Acknowledgement.related_message_id == doc.message_id,
                    Acknowledgement.direction == Direction.OUT.value,
                    Acknowledgement.message_id.is_not(None),
                )
            ).all()
            for ack in acks:
                if ack.message_id is not None:
                    add_message(ack.message_id, f"{ack.kind} for {label}")
    entries.sort(key=lambda e: e.at)
    return entries


def format_timeline(po_number: str, partner_id: str, entries: list[Entry]) -> str:
    if not entries:
        return f"PO {po_number} ({partner_id}): nothing recorded"
    start = entries[0].at
    lines = [f"PO {po_number} ({partner_id})"]
    for entry in entries:
        offset = (entry.at - start).total_seconds()
        lines.append(f"  {entry.at:%H:%M:%S.%f}"[:-3] + f"  +{offset:7.3f}s  {entry.what}")
    return "\n".join(lines)
