"""A small, realistic day of traffic written through the store API, for dashboard and browser tests.

Three partners: BigBox (PO-1001 acknowledged, shipped, invoiced with a price variance
on line 2), Northwind (PO-2001 whose ERP delivery is dead-lettered, PO-2002 retrying)
and Acme (PO-3001 short-shipped and its invoice dead-lettered at the ERP: not posted),
plus an overdue 997. Ids of the interesting rows are returned.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from gateway.store import (
    Delivery,
    Direction,
    add_event,
    ensure_delivery,
    expect_ack,
    receive_message,
    record_attempt,
    record_document,
    transaction,
)

__all__ = ["Seeded", "seed", "x12_850"]


def x12_850(po: str, control: int) -> bytes:
    return (
        f"ISA*00*          *00*          *ZZ*BIGBOXSTORES   *ZZ*EDIGW          *240101*1200*U*00401*"
        f"{control:09d}*0*P*>~"
        f"GS*PO*BIGBOXSTORES*EDIGW*20240101*1200*{control}*X*004010~ST*850*0001~BEG*00*SA*{po}**20240101~"
        f"PO1*1*10*EA*2.5**BP*A-100~PO1*2*4*EA*10**BP*B-200~CTT*2~SE*6*0001~GE*1*{control}~IEA*1*{control:09d}~"
    ).encode()


@dataclass
class Seeded:
    bigbox_order: uuid.UUID
    dead_letter: uuid.UUID
    retrying: uuid.UUID
    acme_invoice: uuid.UUID


def _order(po: str, lines: list[tuple[str, str, str, str]]) -> dict[str, Any]:
    return {
        "po_number": po,
        "purpose": "original",
        "lines": [
            {"line_number": n, "quantity": q, "uom": "EA", "unit_price": p, "item": {"buyer_part": part}}
            for n, part, q, p in lines
        ],
    }


def _message(
    sessions: sessionmaker[Session], partner: str, raw: bytes, at: dt.datetime, transport: str = "as2", **kw: Any
) -> uuid.UUID:
    with sessions() as session:
        received = receive_message(
            session, partner_id=partner, transport=transport, raw=raw, received_at=at, task=None, **kw
        )
        return received.message.id


def _document(
    session: Session,
    message_id: uuid.UUID,
    partner: str,
    doc_type: str,
    number: str,
    canonical: dict[str, Any],
    at: dt.datetime,
    control: int | None = None,
) -> uuid.UUID:
    controls = {}
    if control is not None:
        controls = {"interchange_control": f"{control:09d}", "group_control": str(control), "set_control": "0001"}
    document, _ = record_document(
        session, message_id, partner_id=partner, doc_type=doc_type, number=number, canonical=canonical, **controls
    )
    document.created_at = at
    add_event(session, message_id, "translated", {"type": doc_type, "number": number}, document_id=document.id, at=at)
    return document.id


def _deliver(
    session: Session, message_id: uuid.UUID, document_id: uuid.UUID, sink: str, outcome: str, at: dt.datetime
) -> Delivery:
    delivery = ensure_delivery(session, document_id, sink)
    delivery.created_at = at
    if outcome == "delivered":
        record_attempt(session, delivery)
    elif outcome == "retrying":
        record_attempt(session, delivery, error="503 Service Unavailable", next_attempt_at=at + dt.timedelta(hours=1))
    elif outcome == "dead_letter":
        record_attempt(session, delivery, error="422 unknown item B-200", dead=True)
    detail = {"sink": sink, "attempts": delivery.attempts}
    add_event(session, message_id, outcome, detail, document_id=document_id, at=at + dt.timedelta(seconds=5))
    return delivery


def seed(sessions: sessionmaker[Session], now: dt.datetime | None = None) -> Seeded:
    now = now or dt.datetime.now(dt.UTC)
    t = lambda hours: now - dt.timedelta(hours=hours)  # noqa: E731 - terse times read best here

    # BigBox: PO-1001 in over AS2, processed, delivered to the ERP.
    order_msg = _message(sessions, "bigbox", x12_850("PO-1001", 101), t(20))
    with transaction(sessions) as s:
        add_event(s, order_msg, "processing", at=t(20))
        doc = _document(
            s,
            order_msg,
            "bigbox",
            "order",
            "PO-1001",
            _order("PO-1001", [("1", "A-100", "10", "2.5"), ("2", "B-200", "4", "10")]),
            t(20),
            control=101,
        )
        add_event(s, order_msg, "processed", {"documents": 1}, at=t(20))
        _deliver(s, order_msg, doc, "erp", "delivered", t(20))

    # The ERP confirms (855 sent 40 minutes after the order), the WMS ships, the ERP invoices.
    for doc_type, number, hours, canonical in (
        ("po_ack", "PO-1001", 19.33, {"po_number": "PO-1001", "ack_type": "accepted"}),
        (
            "ship_notice",
            "ASN-1001",
            10,
            {
                "shipment_id": "ASN-1001",
                "orders": [
                    {
                        "po_number": "PO-1001",
                        "items": [
                            {"line_number": "1", "item": {"buyer_part": "A-100"}, "quantity_shipped": 10},
                            {"line_number": "2", "item": {"buyer_part": "B-200"}, "quantity_shipped": 4},
                        ],
                    }
                ],
            },
        ),
        (
            "invoice",
            "INV-1001",
            6,
            {
                "invoice_number": "INV-1001",
                "po_number": "PO-1001",
                "lines": [
                    {"line_number": "1", "quantity": 10, "unit_price": 2.5, "item": {"buyer_part": "A-100"}},
                    {"line_number": "2", "quantity": 4, "unit_price": 11.75, "item": {"buyer_part": "B-200"}},
                ],
            },
        ),
    ):
        event_msg = _message(
            sessions, "bigbox", json.dumps(canonical).encode(), t(hours), transport="rest", standard="canonical"
        )
        out = _message(
            sessions, "bigbox", f"{doc_type}-{number}".encode(), t(hours), transport="rest", direction=Direction.OUT
        )
        with transaction(sessions) as s:
            doc = _document(s, event_msg, "bigbox", doc_type, number, canonical, t(hours))
            add_event(
                s,
                event_msg,
                "built",
                {"outbound_message": str(out), "document": str(doc)},
                document_id=doc,
                at=t(hours),
            )
            add_event(s, out, "sent", {"via": "as2"}, at=t(hours) + dt.timedelta(seconds=30))

    # An overdue 997 for the invoice we sent BigBox.
    with transaction(sessions) as s:
        expect_ack(s, kind="997", partner_id="bigbox", related_message_id=out, due_at=t(1), group_control="1001")

    # Northwind: PO-2001 dead-lettered at the ERP, PO-2002 waiting for a retry.
    dead = _message(sessions, "northwind-dist", x12_850("PO-2001", 201), t(5), transport="sftp")
    retrying = _message(sessions, "northwind-dist", x12_850("PO-2002", 202), t(2), transport="sftp")
    with transaction(sessions) as s:
        for mid, po, outcome, hours in ((dead, "PO-2001", "dead_letter", 5), (retrying, "PO-2002", "retrying", 2)):
            add_event(s, mid, "processing", at=t(hours))
            doc = _document(s, mid, "northwind-dist", "order", po, _order(po, [("1", "A-100", "5", "2.5")]), t(hours))
            add_event(s, mid, "processed", {"documents": 1}, at=t(hours))
            _deliver(s, mid, doc, "erp", outcome, t(hours))

    # Acme: our PO-3001, their ASN (short) and invoice (the ERP refused it: not posted).
    acme_order = _message(
        sessions, "acme-supply", b'{"po_number": "PO-3001"}', t(30), transport="rest", standard="canonical"
    )
    acme_asn = _message(sessions, "acme-supply", b"<cXML>ASN-3001</cXML>", t(8), transport="rest", standard="cxml")
    acme_invoice = _message(sessions, "acme-supply", b"<cXML>INV-3001</cXML>", t(3), transport="rest", standard="cxml")
    with transaction(sessions) as s:
        _document(
            s, acme_order, "acme-supply", "order", "PO-3001", _order("PO-3001", [("1", "X-1", "100", "1.00")]), t(30)
        )
        asn = {
            "shipment_id": "ASN-3001",
            "orders": [{"po_number": "PO-3001", "items": [{"line_number": "1", "quantity_shipped": 80}]}],
        }
        asn_doc = _document(s, acme_asn, "acme-supply", "ship_notice", "ASN-3001", asn, t(8))
        _deliver(s, acme_asn, asn_doc, "wms", "delivered", t(8) + dt.timedelta(minutes=2))
        invoice = {
            "invoice_number": "INV-3001",
            "po_number": "PO-3001",
            "lines": [{"line_number": "1", "quantity": 80, "unit_price": 1.0}],
        }
        inv_doc = _document(s, acme_invoice, "acme-supply", "invoice", "INV-3001", invoice, t(3))
        _deliver(s, acme_invoice, inv_doc, "erp", "dead_letter", t(3))
    return Seeded(bigbox_order=order_msg, dead_letter=dead, retrying=retrying, acme_invoice=acme_invoice)
