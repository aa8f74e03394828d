"""Feeding ``gateway.reconcile`` from the store: orders, their ASNs and invoices, ERP posting.

Documents recorded as duplicates are left out (they were never routed). When a PO was
sent more than once (original, then replace), the latest order document counts. An
invoice counts as posted when its delivery to an ERP sink is ``delivered``; an invoice
with no ERP delivery (one the ERP itself sent us to pass on) is not judged.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from gateway.reconcile import InvoiceDoc, LineResult, Tolerance, reconcile_po
from gateway.store import Delivery, DeliveryState, Document, Event, State
from partners.registry import Registry

__all__ = ["reconcile_store", "is_erp_sink", "registry_tolerances"]

TYPES = ("order", "ship_notice", "invoice")


def is_erp_sink(sink: str) -> bool:
    """Sinks named ``erp`` or ``erp-...`` (the bundled sinks.yaml's naming) post invoices."""
    return sink == "erp" or sink.startswith(("erp-", "erp_"))


def _documents(session: Session, partner: str | None) -> list[Document]:
    duplicate = exists().where(Event.document_id == Document.id, Event.state == State.DUPLICATE)
    query = select(Document).where(Document.doc_type.in_(TYPES), ~duplicate)
    if partner is not None:
        query = query.where(Document.partner_id == partner)
    return list(session.scalars(query.order_by(Document.created_at, Document.id)))


def registry_tolerances(registry: Registry) -> Callable[[str], Tolerance]:
    """Each partner's profile tolerances; defaults for a partner no longer configured."""

    def tolerance_for(partner_id: str) -> Tolerance:
        if partner_id not in registry:
            return Tolerance()
        config = registry.get(partner_id).reconciliation
        return Tolerance(config.quantity_pct, config.price_abs, config.price_pct)

    return tolerance_for


def _posted(session: Session, invoice_ids: list[uuid.UUID]) -> dict[uuid.UUID, bool]:
    """document id -> True/False for invoices with an ERP delivery."""
    out: dict[uuid.UUID, bool] = {}
    if not invoice_ids:
        return out
    rows = session.execute(
        select(Delivery.document_id, Delivery.sink, Delivery.state).where(Delivery.document_id.in_(invoice_ids))
    )
    for document_id, sink, state in rows:
        if is_erp_sink(sink):
            out[document_id] = out.get(document_id, True) and state == DeliveryState.DELIVERED
    return out


def reconcile_store(
    session: Session,
    *,
    partner: str | None = None,
    since: dt.datetime | None = None,
    tolerance_for: Callable[[str], Tolerance] = lambda _partner: Tolerance(),
) -> list[LineResult]:
    """Every PO line of the orders recorded since ``since`` (all when None), newest PO first."""
    orders: dict[tuple[str, str], Document] = {}
    asns: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    invoices: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for doc in _documents(session, partner):
        canonical = doc.canonical or {}
        if doc.doc_type == "order" and doc.number:
            orders[(doc.partner_id, doc.number)] = doc  # later documents replace earlier ones
        elif doc.doc_type == "ship_notice":
            for po in {str(o.get("po_number")) for o in canonical.get("orders") or [] if o.get("po_number")}:
                asns[(doc.partner_id, po)].append(canonical)
        elif doc.doc_type == "invoice" and canonical.get("po_number"):
            invoices[(doc.partner_id, str(canonical["po_number"]))].append(doc)
    selected = [
        (key, doc)
        for key, doc in orders.items()
        if (since is None or doc.created_at >= since) and (doc.canonical or {}).get("purpose") != "cancel"
    ]
    selected.sort(key=lambda pair: pair[1].created_at, reverse=True)
    posted = _posted(session, [d.id for key, _ in selected for d in invoices.get(key, [])])
    results: list[LineResult] = []
    for (partner_id, _po), doc in selected:
        key = (partner_id, _po)
        invoice_docs = [InvoiceDoc(d.canonical or {}, posted.get(d.id)) for d in invoices.get(key, [])]
        results.extend(
            reconcile_po(
                doc.canonical or {}, asns.get(key, []), invoice_docs, tolerance_for(partner_id), partner=partner_id
            )
        )
    return results
