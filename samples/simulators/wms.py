"""A simulated warehouse: takes fulfilment orders and inbound shipments from the gateway.

For every *new* fulfilment order it picks, packs everything into one pallet and, after
``ship_delay`` seconds, reports the shipment back to the gateway (``ship_notice``, an
856): one order with the PO number, one pack with a real SSCC-18, every line shipped in
full. The carrier data (tracking number, bill of lading) is derived from the pack's
serial, so it is unique per shipment and stable across a resend.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from aiohttp import web
from pydantic import Field

from samples.simulators.auth import AuthConfig
from samples.simulators.base import SESSION, STATE, SimulatorConfig, create_base_app, read_json, read_model
from samples.simulators.callbacks import GatewayConfig, Origin, send_callback
from samples.simulators.gs1 import sscc18
from translators.canonical import Order, Pack, Party, ShipItem, ShipNotice, ShipOrder

__all__ = ["WmsConfig", "Warehouse", "WAREHOUSE", "create_app", "ship_notice_for"]


class WmsConfig(SimulatorConfig):
    name: str = "wms"
    auth: AuthConfig = Field(default_factory=lambda: AuthConfig(type="hmac", secret="wms-secret"))
    gateway: GatewayConfig | None = None
    ship_delay: float = Field(2.0, ge=0)
    carrier_scac: str = "UPSN"
    gs1_company_prefix: str = "0614141"
    first_serial: int = Field(1, ge=0)
    ship_from: Party = Field(
        default_factory=lambda: Party(role="SF", name="ACME SUPPLY DC", id="77881-DC", id_qualifier="92")
    )


@dataclass
class Warehouse:
    """PO numbers the warehouse has taken, what it shipped, and the next pallet serial."""

    first_serial: int
    orders: set[str] = field(default_factory=set)
    shipped: dict[str, str] = field(default_factory=dict)  # PO -> shipment id
    serials: itertools.count[int] = field(init=False)

    def __post_init__(self) -> None:
        self.serials = itertools.count(self.first_serial)

    def clear(self) -> None:
        self.orders.clear()
        self.shipped.clear()
        self.serials = itertools.count(self.first_serial)


WAREHOUSE = web.AppKey("wms_warehouse", Warehouse)
_CONFIG = web.AppKey("wms_config", WmsConfig)
routes = web.RouteTableDef()


def ship_notice_for(order: Order, config: WmsConfig, serial: int, today: dt.date) -> ShipNotice:
    """Everything ordered, shipped today on one pallet."""
    sscc = sscc18(config.gs1_company_prefix, serial)
    items = [
        ShipItem(line_number=line.line_number, item=line.item, quantity_shipped=line.quantity, uom=line.uom)
        for line in order.lines
    ]
    return ShipNotice(
        shipment_id=f"SHP{serial:08d}",
        ship_date=today,
        estimated_delivery=today + dt.timedelta(days=3),
        purpose="original",
        carrier_scac=config.carrier_scac,
        bill_of_lading=f"BOL{serial:09d}",
        tracking_number=f"1Z{config.carrier_scac}{serial:010d}",
        ship_from=config.ship_from,
        ship_to=order.ship_to,
        packaging_code="PLT71",
        lading_quantity=1,
        orders=[ShipOrder(po_number=order.po_number, po_date=order.po_date, packs=[Pack(sscc=sscc, items=items)])],
    )


@routes.post("/fulfilment-orders")
async def receive_order(request: web.Request) -> web.Response:
    data = await read_json(request)
    order = read_model(data, Order)
    app = request.app
    state, warehouse, config = app[STATE], app[WAREHOUSE], app[_CONFIG]
    state.record("order", data, request)
    new = order.po_number not in warehouse.orders
    warehouse.orders.add(order.po_number)
    gateway = config.gateway
    if new and order.purpose != "cancel" and gateway is not None:
        serial = next(warehouse.serials)
        origin = Origin.of(request)

        async def ship() -> None:
            notice = ship_notice_for(order, config, serial, dt.date.today())
            warehouse.shipped[order.po_number] = notice.shipment_id
            key = f"wms-ship_notice-{notice.shipment_id}"
            await send_callback(app[SESSION], gateway, state, "ship_notice", notice, key=key, origin=origin)

        state.later(config.ship_delay, ship)
    return web.json_response({"status": "accepted", "new": new}, status=201)


@routes.post("/inbound-shipments")
async def receive_inbound(request: web.Request) -> web.Response:
    data = await read_json(request)
    notice = read_model(data, ShipNotice)
    request.app[STATE].record("ship_notice", data, request)
    return web.json_response({"status": "expected", "shipment_id": notice.shipment_id}, status=201)


def create_app(config: WmsConfig) -> web.Application:
    app = create_base_app(config, routes)
    app[_CONFIG] = config
    warehouse = app[WAREHOUSE] = Warehouse(config.first_serial)
    state = app[STATE]
    state.resets.append(warehouse.clear)
    state.extra_stats = lambda: {"orders": len(warehouse.orders), "shipped": len(warehouse.shipped)}
    return app
