"""A simulated ERP: takes orders, invoices to post, PO acks and ship notices from the gateway.

For every *new* order (a replayed Idempotency-Key never reaches the handler, and a PO
number already booked is not booked again) it confirms the order back to the gateway
after ``ack_delay`` seconds (``po_ack``, which becomes an 855) and bills it after
``invoice_delay`` (``invoice``, an 810). Cancellations are booked without either.
Invoices posted to ``/invoices`` get a posting status (``GET /invoices/{number}``):
``posted`` when the lines and charges add up to the total, else ``exception``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aiohttp import web
from pydantic import Field

from samples.simulators.auth import AuthConfig
from samples.simulators.base import SESSION, STATE, SimulatorConfig, create_base_app, read_json, read_model
from samples.simulators.callbacks import GatewayConfig, Origin, send_callback
from translators.canonical import Invoice, InvoiceLine, Order, PoAck, PoAckLine, ShipNotice

__all__ = ["ErpConfig", "ErpBook", "BOOK", "create_app", "po_ack_for", "invoice_for", "invoice_number_for"]


class ErpConfig(SimulatorConfig):
    name: str = "erp"
    auth: AuthConfig = Field(default_factory=lambda: AuthConfig(type="bearer", token="erp-token"))
    #: None: receive only, no business events back
    gateway: GatewayConfig | None = None
    ack_delay: float = Field(1.0, ge=0)
    invoice_delay: float = Field(3.0, ge=0)


@dataclass
class ErpBook:
    """The ERP's books: PO numbers booked (enough to refuse a second booking), invoice status by number."""

    orders: set[str] = field(default_factory=set)
    invoices: dict[str, dict[str, Any]] = field(default_factory=dict)

    def clear(self) -> None:
        self.orders.clear()
        self.invoices.clear()


BOOK = web.AppKey("erp_book", ErpBook)
_CONFIG = web.AppKey("erp_config", ErpConfig)
routes = web.RouteTableDef()


def invoice_number_for(po_number: str) -> str:
    return f"INV-{po_number}"


def po_ack_for(order: Order, today: dt.date) -> PoAck:
    """Every line accepted as ordered: the confirmation a well-stocked supplier sends."""
    return PoAck(
        po_number=order.po_number,
        po_date=order.po_date,
        ack_type="accepted",
        ack_date=today,
        seller_order_number=f"SO-{order.po_number}",
        buyer=order.buyer,
        seller=order.seller,
        ship_to=order.ship_to,
        lines=[
            PoAckLine(
                line_number=line.line_number,
                status="accepted",
                quantity=line.quantity,
                uom=line.uom,
                unit_price=line.unit_price,
                scheduled_date=order.requested_ship_date,
                item=line.item,
            )
            for line in order.lines
        ],
    )


def invoice_for(order: Order, today: dt.date) -> Invoice:
    """The bill for the whole order; total = sum(quantity * unit price) over the lines."""
    lines = [
        InvoiceLine(
            line_number=line.line_number,
            quantity=line.quantity,
            uom=line.uom,
            unit_price=line.unit_price,
            item=line.item,
        )
        for line in order.lines
    ]
    return Invoice(
        invoice_number=invoice_number_for(order.po_number),
        invoice_date=today,
        po_number=order.po_number,
        po_date=order.po_date,
        currency=order.currency,
        seller=order.seller,
        buyer=order.buyer,
        ship_to=order.ship_to,
        terms=order.terms,
        lines=lines,
        total_amount=sum((_amount(line) for line in lines), Decimal(0)),
    )


def _amount(line: InvoiceLine) -> Decimal:
    return (line.quantity or Decimal(0)) * (line.unit_price or Decimal(0))


def posting_status(invoice: Invoice) -> dict[str, Any]:
    """How the ERP books an incoming invoice: ``posted`` or ``exception`` with the reason."""
    charges = sum(
        ((c.amount or Decimal(0)) * (-1 if c.type == "allowance" else 1) for c in invoice.charges), Decimal(0)
    )
    expected = sum((_amount(line) for line in invoice.lines), Decimal(0)) + charges
    status: dict[str, Any] = {"invoice_number": invoice.invoice_number, "po_number": invoice.po_number}
    if invoice.total_amount is not None and invoice.total_amount != expected:
        status.update(status="exception", reason=f"total {invoice.total_amount} != lines and charges {expected}")
    else:
        status["status"] = "posted"
    status["posted_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return status


@routes.post("/orders")
async def receive_order(request: web.Request) -> web.Response:
    data = await read_json(request)
    order = read_model(data, Order)
    state, book = request.app[STATE], request.app[BOOK]
    state.record("order", data, request)
    new = order.po_number not in book.orders
    book.orders.add(order.po_number)
    if new and order.purpose != "cancel":
        _schedule_events(request, order)
    return web.json_response({"status": "accepted", "order_id": f"SO-{order.po_number}", "new": new}, status=201)


def _schedule_events(request: web.Request, order: Order) -> None:
    app, config = request.app, request.app[_CONFIG]
    gateway = config.gateway
    if gateway is None:
        return
    state, origin = app[STATE], Origin.of(request)

    async def confirm() -> None:
        ack = po_ack_for(order, dt.date.today())
        key = f"erp-po_ack-{order.po_number}"
        await send_callback(app[SESSION], gateway, state, "po_ack", ack, key=key, origin=origin)

    async def bill() -> None:
        invoice = invoice_for(order, dt.date.today())
        key = f"erp-invoice-{invoice.invoice_number}"
        await send_callback(app[SESSION], gateway, state, "invoice", invoice, key=key, origin=origin)

    state.later(config.ack_delay, confirm)
    state.later(config.invoice_delay, bill)


@routes.post("/invoices")
async def receive_invoice(request: web.Request) -> web.Response:
    data = await read_json(request)
    invoice = read_model(data, Invoice)
    request.app[STATE].record("invoice", data, request)
    status = posting_status(invoice)
    request.app[BOOK].invoices[invoice.invoice_number] = status
    return web.json_response(status, status=201)


@routes.get("/invoices/{number}")
async def invoice_status(request: web.Request) -> web.Response:
    status = request.app[BOOK].invoices.get(request.match_info["number"])
    if status is None:
        return web.json_response({"error": "no such invoice"}, status=404)
    return web.json_response(status)


@routes.post("/po-acks")
async def receive_po_ack(request: web.Request) -> web.Response:
    data = await read_json(request)
    read_model(data, PoAck)
    request.app[STATE].record("po_ack", data, request)
    return web.json_response({"status": "recorded"}, status=201)


@routes.post("/ship-notices")
async def receive_ship_notice(request: web.Request) -> web.Response:
    data = await read_json(request)
    read_model(data, ShipNotice)
    request.app[STATE].record("ship_notice", data, request)
    return web.json_response({"status": "recorded"}, status=201)


def create_app(config: ErpConfig) -> web.Application:
    app = create_base_app(config, routes)
    app[_CONFIG] = config
    book = app[BOOK] = ErpBook()
    state = app[STATE]
    state.resets.append(book.clear)
    state.extra_stats = lambda: {
        "orders": len(book.orders),
        "invoices": dict(Counter(s["status"] for s in book.invoices.values())),
    }
    return app
