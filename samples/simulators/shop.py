"""A simulated e-commerce shop: takes order status updates and shipment tracking.

The gateway wraps each document as ``{"partner", "type", "data"}`` with ``po_number``
renamed ``order_reference`` (``samples/sinks.yaml``); the shop checks that shape,
validates ``data`` as the canonical document of ``type``, and keeps what it got per
order reference (``GET /order-status/{reference}``) and per shipment.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from samples.simulators.auth import AuthConfig
from samples.simulators.base import STATE, SimulatorConfig, create_base_app, read_json, read_model
from translators.canonical import DOCUMENT_TYPES

__all__ = ["ShopConfig", "Storefront", "STOREFRONT", "ShopEnvelope", "create_app"]


class ShopConfig(SimulatorConfig):
    name: str = "shop"
    auth: AuthConfig = Field(default_factory=lambda: AuthConfig(type="basic", username="edigw", password="shop-pw"))


class ShopEnvelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partner: str
    type: str
    data: dict[str, Any]


@dataclass
class Storefront:
    statuses: defaultdict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    shipments: dict[str, dict[str, Any]] = field(default_factory=dict)

    def clear(self) -> None:
        self.statuses.clear()
        self.shipments.clear()


STOREFRONT = web.AppKey("shop_storefront", Storefront)
routes = web.RouteTableDef()


async def _read(request: web.Request) -> ShopEnvelope:
    """The envelope, with ``data`` checked against the canonical model its ``type`` names."""
    envelope = read_model(await read_json(request), ShopEnvelope)
    model = DOCUMENT_TYPES.get(envelope.type)
    if model is None:
        raise web.HTTPUnprocessableEntity(text=f"unknown document type {envelope.type!r}\n")
    canonical = dict(envelope.data)
    if "order_reference" in canonical:
        canonical["po_number"] = canonical.pop("order_reference")
    read_model(canonical, model)
    return envelope


@routes.post("/order-status")
async def receive_status(request: web.Request) -> web.Response:
    envelope = await _read(request)
    reference = str(envelope.data.get("order_reference", ""))
    request.app[STATE].record(f"order_status:{envelope.type}", envelope.model_dump(), request)
    request.app[STOREFRONT].statuses[reference].append({"partner": envelope.partner, "type": envelope.type})
    return web.json_response({"status": "updated", "order_reference": reference}, status=201)


@routes.get("/order-status/{reference}")
async def show_status(request: web.Request) -> web.Response:
    history = request.app[STOREFRONT].statuses.get(request.match_info["reference"])
    if history is None:
        return web.json_response({"error": "no such order"}, status=404)
    return web.json_response({"order_reference": request.match_info["reference"], "updates": history})


@routes.post("/shipments")
async def receive_shipment(request: web.Request) -> web.Response:
    envelope = await _read(request)
    shipment_id = str(envelope.data.get("shipment_id", ""))
    request.app[STATE].record("shipment", envelope.model_dump(), request)
    request.app[STOREFRONT].shipments[shipment_id] = {
        "partner": envelope.partner,
        "tracking_number": envelope.data.get("tracking_number"),
        "carrier_scac": envelope.data.get("carrier_scac"),
        "orders": [o.get("po_number") for o in envelope.data.get("orders", []) if isinstance(o, dict)],
    }
    return web.json_response({"status": "tracking", "shipment_id": shipment_id}, status=201)


def create_app(config: ShopConfig) -> web.Application:
    app = create_base_app(config, routes)
    store = app[STOREFRONT] = Storefront()
    state = app[STATE]
    state.resets.append(store.clear)
    state.extra_stats = lambda: {"orders": len(store.statuses), "shipments": len(store.shipments)}
    return app
