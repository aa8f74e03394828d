"""ERP, WMS and shop simulators over real loopback HTTP: auth, idempotency, faults, callbacks.

Documents are delivered with the gateway's own sink connector (``tasks.sinks.http``),
so these tests also show that the simulators accept exactly what the gateway sends.
Business events go to a tiny fake gateway that records every call.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from gateway.store import create_token, transaction
from samples.simulators import erp, shop, wms
from samples.simulators.auth import AuthConfig, hmac_signature
from samples.simulators.base import STATE
from samples.simulators.callbacks import GatewayConfig
from samples.simulators.gs1 import valid_sscc
from samples.simulators.runner import start_app
from tasks.sinks import DeliveryOutcome, HttpJsonSink, PermanentSinkError, SinkConfig, TransientSinkError
from tests.conftest import SAMPLES
from tests.support.gateway_server import running_gateway
from translators.canonical import Invoice, Order, PoAck, ShipNotice

pytestmark = pytest.mark.integration

TOKEN, SECRET, PASSWORD = "erp-t0ken", "wms-s3cret", "shop-pa55"
SINK_PATHS = {
    "erp": {"order": "/orders", "invoice": "/invoices", "po_ack": "/po-acks", "ship_notice": "/ship-notices"},
    "wms": {"order": "/fulfilment-orders", "ship_notice": "/inbound-shipments"},
    "shop": {"order": "/order-status", "ship_notice": "/shipments", "po_ack": "/order-status"},
}
SINK_AUTH = {
    "erp": {"type": "bearer", "token": {"env": "SIM_ERP_TOKEN"}},
    "wms": {"type": "hmac", "secret": {"env": "SIM_WMS_SECRET"}},
    "shop": {"type": "basic", "username": "edigw", "password": {"env": "SIM_SHOP_PASSWORD"}},
}


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIM_ERP_TOKEN", TOKEN)
    monkeypatch.setenv("SIM_WMS_SECRET", SECRET)
    monkeypatch.setenv("SIM_SHOP_PASSWORD", PASSWORD)


def order_doc(po_number: str = "4500012345") -> dict[str, Any]:
    [entry] = json.loads((SAMPLES / "x12/850/bigbox_4010_standalone.canonical.json").read_text())
    return {**entry["document"], "po_number": po_number}


def connector(kind: str, url: str, timeout: float = 5.0) -> HttpJsonSink:
    """The gateway's sink connector, configured as in ``samples/sinks.yaml``."""
    extra: dict[str, Any] = {"fields": {"po_number": "order_reference"}, "envelope": "data"} if kind == "shop" else {}
    config = SinkConfig.model_validate(
        {"name": kind, "kind": kind, "base_url": url, "paths": SINK_PATHS[kind], "auth": SINK_AUTH[kind]}
        | {"timeout_seconds": timeout}
        | extra
    )
    return HttpJsonSink(config)


async def deliver(
    sink: HttpJsonSink, doc_type: str, doc: dict[str, Any], key: str, partner: str = "bigbox"
) -> DeliveryOutcome:
    return await asyncio.to_thread(
        sink.deliver, doc_type, doc, partner_id=partner, idempotency_key=key, correlation_id=f"corr-{key}"
    )


@dataclass
class FakeGateway:
    """Records business events; answers 202, or the statuses queued in ``fail_with`` first."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    fail_with: list[int] = field(default_factory=list)
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/api/v1/partners/{partner}/outbound/{type}", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail_with:
            return web.json_response({"error": "try later"}, status=self.fail_with.pop(0))
        self.calls.append(
            {
                "partner": request.match_info["partner"],
                "type": request.match_info["type"],
                "headers": dict(request.headers),
                "body": json.loads(await request.read(), parse_float=Decimal),
            }
        )
        return web.json_response({"status": "queued"}, status=202)

    def config(self) -> GatewayConfig:
        return GatewayConfig(url=self.url, token="gw-token", partner_id="bigbox", backoff_seconds=0.01)


def make_app(kind: str, gateway: GatewayConfig | None = None, **options: Any) -> web.Application:
    if kind == "erp":
        auth = AuthConfig(type="bearer", token=TOKEN)
        return erp.create_app(erp.ErpConfig(auth=auth, gateway=gateway, **options))
    if kind == "wms":
        return wms.create_app(wms.WmsConfig(auth=AuthConfig(type="hmac", secret=SECRET), gateway=gateway, **options))
    return shop.create_app(shop.ShopConfig(auth=AuthConfig(type="basic", password=PASSWORD), **options))


@asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    async with start_app(app) as url, aiohttp.ClientSession() as session:
        yield url, session


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


async def get_json(session: aiohttp.ClientSession, url: str, status: int = 200, **kw: Any) -> Any:
    async with session.get(url, **kw) as resp:
        assert resp.status == status, await resp.text()
        return await resp.json(content_type=None)


async def post_json(session: aiohttp.ClientSession, url: str, data: Any) -> tuple[int, Any]:
    async with session.post(url, json=data) as resp:
        return resp.status, await resp.json(content_type=None)


# -- auth ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["erp", "wms", "shop"])
def test_each_simulator_accepts_the_gateway_and_refuses_wrong_credentials(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def scenario() -> None:
        app = make_app(kind)
        async with serving(app) as (url, session):
            outcome = await deliver(connector(kind, url), "order", order_doc(), "k-good")
            assert outcome.status == 201 and not outcome.duplicate
            for name in ("SIM_ERP_TOKEN", "SIM_WMS_SECRET", "SIM_SHOP_PASSWORD"):
                monkeypatch.setenv(name, "wrong")
            with pytest.raises(PermanentSinkError, match="HTTP 401"):
                await deliver(connector(kind, url), "order", order_doc(), "k-bad")
            async with session.post(url + SINK_PATHS[kind]["order"], json=order_doc()) as resp:
                assert resp.status == 401 and resp.headers["WWW-Authenticate"]
            stats = await get_json(session, url + "/_stats")
            assert stats["received"] == {"order_status:order" if kind == "shop" else "order": 1}

    run(scenario)


def test_wms_refuses_a_replayed_signature_with_an_old_timestamp() -> None:
    async def scenario() -> None:
        async with serving(make_app("wms")) as (url, session):
            body = json.dumps(order_doc()).encode()
            stamp = str(int(time.time()) - 3600)
            headers = {"X-Edigw-Timestamp": stamp, "X-Edigw-Signature": hmac_signature(SECRET, stamp, body)}
            async with session.post(url + "/fulfilment-orders", data=body, headers=headers) as resp:
                assert resp.status == 401

    run(scenario)


# -- idempotency -------------------------------------------------------------------------


def test_same_idempotency_key_twice_is_one_record_and_a_replayed_answer() -> None:
    async def scenario() -> None:
        app = make_app("erp")
        async with serving(app) as (url, session):
            sink = connector("erp", url)
            first = await deliver(sink, "order", order_doc(), "key-1")
            second = await deliver(sink, "order", order_doc(), "key-1")
            assert (first.status, first.duplicate) == (201, False)
            assert (second.status, second.duplicate) == (201, True) and second.body == first.body
            stats = await get_json(session, url + "/_stats")
            assert stats["received"] == {"order": 1}
            assert (stats["unique_keys"], stats["duplicates"]) == (1, 1)
            docs = await get_json(session, url + "/_documents?kind=order")
            assert [d["key"] for d in docs] == ["key-1"] and docs[0]["correlation_id"] == "corr-key-1"
            assert docs[0]["document"]["lines"][0]["unit_price"] == 12.5  # numbers stay numbers

    run(scenario)


def test_concurrent_repeats_of_one_key_run_the_handler_once() -> None:
    async def scenario() -> None:
        app = make_app("erp", faults={"latency": 0.2})
        async with serving(app) as (url, _):
            sink = connector("erp", url)
            outcomes = await asyncio.gather(*(deliver(sink, "order", order_doc(), "same") for _ in range(3)))
            assert sorted(o.duplicate for o in outcomes) == [False, True, True]
            assert app[STATE].received["order"] == 1

    run(scenario)


def test_a_failed_request_is_not_remembered_so_its_retry_is_processed() -> None:
    async def scenario() -> None:
        app = make_app("erp")
        async with serving(app) as (url, session):
            status, _ = await post_json(session, url + "/_faults", {"fail_next": 1})
            assert status == 200
            with pytest.raises(TransientSinkError):
                await deliver(connector("erp", url), "order", order_doc(), "k")
            outcome = await deliver(connector("erp", url), "order", order_doc(), "k")
            assert outcome.status == 201 and not outcome.duplicate

    run(scenario)


# -- faults -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_fail_next_n_then_success(status: int) -> None:
    async def scenario() -> None:
        app = make_app("wms")
        async with serving(app) as (url, session):
            await post_json(session, url + "/_faults", {"fail_next": 2, "fail_status": status})
            sink = connector("wms", url)
            for _ in range(2):
                with pytest.raises(TransientSinkError, match=f"HTTP {status}"):
                    await deliver(sink, "order", order_doc(), "k")
            assert (await deliver(sink, "order", order_doc(), "k")).status == 201
            stats = await get_json(session, url + "/_stats")
            assert stats["faults_served"] == {"fail": 2} and stats["received"] == {"order": 1}

    run(scenario)


def test_throttle_answers_429_with_retry_after() -> None:
    async def scenario() -> None:
        async with serving(make_app("erp", faults={"throttle_next": 1, "retry_after": 7})) as (url, _):
            with pytest.raises(TransientSinkError, match="HTTP 429") as caught:
                await deliver(connector("erp", url), "order", order_doc(), "k")
            assert caught.value.retry_after == 7

    run(scenario)


def test_timeout_then_the_slow_work_still_happens_and_the_retry_is_a_replay() -> None:
    async def scenario() -> None:
        app = make_app("erp", faults={"timeout_next": 1, "timeout_seconds": 0.8})
        async with serving(app) as (url, _):
            with pytest.raises(TransientSinkError, match="cannot reach"):
                await deliver(connector("erp", url, timeout=0.2), "order", order_doc(), "slow")
            while not app[STATE].received["order"]:  # the held request finishes on the server
                await asyncio.sleep(0.05)
            retry = await deliver(connector("erp", url), "order", order_doc(), "slow")
            assert retry.duplicate and app[STATE].faults_served["timeout"] == 1

    run(scenario)


def test_dropped_connection_gives_no_answer_at_all() -> None:
    async def scenario() -> None:
        app = make_app("shop", faults={"drop_next": 2})
        async with serving(app) as (url, session):
            with pytest.raises(TransientSinkError, match="cannot reach"):
                await deliver(connector("shop", url), "order", order_doc(), "k")
            with pytest.raises(aiohttp.ServerDisconnectedError):
                async with session.post(url + "/order-status", json={}) as resp:
                    await resp.read()
            assert (await deliver(connector("shop", url), "order", order_doc(), "k")).status == 201
            assert app[STATE].faults_served["drop"] == 2

    run(scenario)


def test_latency_delays_every_answer() -> None:
    async def scenario() -> None:
        async with serving(make_app("erp", faults={"latency": 0.3})) as (url, _):
            started = time.monotonic()
            await deliver(connector("erp", url), "order", order_doc(), "k")
            assert time.monotonic() - started >= 0.3

    run(scenario)


def test_control_endpoints_validate_reset_and_are_never_faulted() -> None:
    async def scenario() -> None:
        app = make_app("erp", faults={"fail_next": 5})
        async with serving(app) as (url, session):
            status, body = await post_json(session, url + "/_faults", {"nonsense": 1})
            assert status == 422
            stats = await get_json(session, url + "/_stats")  # not consumed by the faults
            assert stats["faults"]["fail_next"] == 5
            await post_json(session, url + "/_faults", {"fail_next": 0})
            await deliver(connector("erp", url), "order", order_doc(), "k")
            status, _ = await post_json(session, url + "/_reset", {})
            stats = await get_json(session, url + "/_stats")
            assert status == 200 and stats["received"] == {} and stats["unique_keys"] == 0
            assert stats["faults"]["fail_next"] == 5  # back to the configured plan
            assert stats["orders"] == 0

    run(scenario)


def test_invalid_canonical_document_is_a_permanent_422() -> None:
    async def scenario() -> None:
        async with serving(make_app("erp")) as (url, _):
            with pytest.raises(PermanentSinkError, match="HTTP 422"):
                await deliver(connector("erp", url), "order", {"lines": "no"}, "k")

    run(scenario)


# -- business events back to the gateway ------------------------------------------------


@asynccontextmanager
async def with_gateway(fake: FakeGateway) -> AsyncIterator[GatewayConfig]:
    async with start_app(fake.app()) as url:
        fake.url = url
        yield fake.config()


def test_erp_confirms_and_bills_each_new_order_once() -> None:
    async def scenario() -> None:
        fake = FakeGateway()
        async with with_gateway(fake) as gateway:
            app = make_app("erp", gateway, ack_delay=0.05, invoice_delay=0.1)
            async with serving(app) as (url, session):
                sink = connector("erp", url)
                await deliver(sink, "order", order_doc(), "order-key")
                await deliver(sink, "order", order_doc(), "order-key")  # replay: no new events
                await deliver(sink, "order", order_doc(), "another-key")  # same PO again: not booked twice
                await app[STATE].idle()
                stats = await get_json(session, url + "/_stats")
        assert [c["type"] for c in fake.calls] == ["po_ack", "invoice"]
        order = Order.model_validate(order_doc())
        ack_call, invoice_call = fake.calls
        for call in fake.calls:
            assert call["partner"] == "bigbox"
            assert call["headers"]["Authorization"] == "Bearer gw-token"
            assert call["headers"]["Content-Type"] == "application/json"
            assert call["headers"]["X-Correlation-ID"] == "corr-order-key"  # the order's correlation id
        assert ack_call["headers"]["Idempotency-Key"] == f"erp-po_ack-{order.po_number}"
        ack = PoAck.model_validate(ack_call["body"])
        assert ack.po_number == order.po_number and ack.ack_type == "accepted" and ack.ack_date is not None
        assert [(x.quantity, x.unit_price, x.item) for x in ack.lines] == [
            (x.quantity, x.unit_price, x.item) for x in order.lines
        ]
        invoice = Invoice.model_validate(invoice_call["body"])
        assert invoice.invoice_number == f"INV-{order.po_number}" and invoice.po_number == order.po_number
        assert invoice.total_amount == Decimal(1849) == sum(x.quantity * x.unit_price for x in invoice.lines)  # type: ignore[operator]
        assert stats["callbacks"]["sent"] == 2 and stats["callbacks"]["failed"] == 0

    run(scenario)


def test_events_answer_the_partner_the_gateway_named_else_the_configured_one() -> None:
    async def scenario() -> None:
        fake = FakeGateway()
        async with with_gateway(fake) as gateway:
            app = make_app("wms", gateway, ship_delay=0)
            async with serving(app) as (url, session):
                await deliver(connector("wms", url), "order", order_doc("PO-N"), "n", partner="northwind-dist")
                body = json.dumps(order_doc("PO-X")).encode()
                stamp = str(int(time.time()))
                headers = {"X-Edigw-Timestamp": stamp, "X-Edigw-Signature": hmac_signature(SECRET, stamp, body)}
                async with session.post(url + "/fulfilment-orders", data=body, headers=headers) as resp:
                    assert resp.status == 201
                await app[STATE].idle()
        by_po = {c["body"]["orders"][0]["po_number"]: c for c in fake.calls}
        assert by_po["PO-N"]["partner"] == "northwind-dist" and by_po["PO-X"]["partner"] == "bigbox"
        assert by_po["PO-N"]["headers"]["X-Correlation-ID"] == "corr-n"

    run(scenario)


def test_cancelled_order_is_booked_without_events() -> None:
    async def scenario() -> None:
        fake = FakeGateway()
        async with with_gateway(fake) as gateway:
            app = make_app("erp", gateway, ack_delay=0, invoice_delay=0)
            async with serving(app) as (url, _):
                await deliver(connector("erp", url), "order", {**order_doc(), "purpose": "cancel"}, "k")
                await app[STATE].idle()
        assert fake.calls == []

    run(scenario)


def test_callbacks_retry_transient_gateway_failures() -> None:
    async def scenario() -> None:
        fake = FakeGateway(fail_with=[503, 429])
        async with with_gateway(fake) as gateway:
            app = make_app("erp", gateway, ack_delay=0, invoice_delay=5)
            async with serving(app) as (url, _):
                await deliver(connector("erp", url), "order", order_doc(), "k")
                while not fake.calls:
                    await asyncio.sleep(0.02)
                counts = dict(app[STATE].callbacks)
        assert [c["type"] for c in fake.calls] == ["po_ack"]
        assert counts == {"retried": 2, "sent": 1}

    run(scenario)


def test_callbacks_give_up_on_a_permanent_refusal() -> None:
    async def scenario() -> None:
        fake = FakeGateway(fail_with=[422])
        async with with_gateway(fake) as gateway:
            app = make_app("wms", gateway, ship_delay=0)
            async with serving(app) as (url, session):
                await deliver(connector("wms", url), "order", order_doc(), "k")
                await app[STATE].idle()
                stats = await get_json(session, url + "/_stats")
        assert fake.calls == [] and stats["callbacks"] == {"sent": 0, "failed": 1}

    run(scenario)


def test_duplicate_callback_fault_sends_each_event_twice_with_one_key() -> None:
    async def scenario() -> None:
        fake = FakeGateway()
        async with with_gateway(fake) as gateway:
            app = make_app("erp", gateway, ack_delay=0, invoice_delay=0.05, faults={"duplicate_callbacks": True})
            async with serving(app) as (url, _):
                await deliver(connector("erp", url), "order", order_doc(), "k")
                await app[STATE].idle()
        keys = [(c["type"], c["headers"]["Idempotency-Key"]) for c in fake.calls]
        assert sorted(keys) == sorted(
            [("po_ack", "erp-po_ack-4500012345")] * 2 + [("invoice", "erp-invoice-INV-4500012345")] * 2
        )
        assert fake.calls[0]["body"] == fake.calls[1]["body"]

    run(scenario)


def test_wms_ships_each_new_order_with_a_valid_sscc() -> None:
    async def scenario() -> None:
        fake = FakeGateway()
        async with with_gateway(fake) as gateway:
            app = make_app("wms", gateway, ship_delay=0.05)
            async with serving(app) as (url, session):
                sink = connector("wms", url)
                await deliver(sink, "order", order_doc("PO-A"), "a")
                await deliver(sink, "order", order_doc("PO-B"), "b")
                await deliver(sink, "order", order_doc("PO-A"), "a")
                await app[STATE].idle()
                stats = await get_json(session, url + "/_stats")
        assert [c["type"] for c in fake.calls] == ["ship_notice", "ship_notice"]
        notices = [ShipNotice.model_validate(c["body"]) for c in fake.calls]
        order = Order.model_validate(order_doc())
        by_po = sorted(notices, key=lambda n: n.orders[0].po_number or "")
        for notice, po in zip(by_po, ["PO-A", "PO-B"], strict=True):
            [shipped] = notice.orders
            [pack] = shipped.packs
            assert shipped.po_number == po and pack.sscc and valid_sscc(pack.sscc)
            assert [(i.item, i.quantity_shipped) for i in pack.items] == [(x.item, x.quantity) for x in order.lines]
            assert notice.ship_date and notice.carrier_scac and notice.tracking_number and notice.bill_of_lading
        assert len({n.shipment_id for n in notices}) == 2 and len({n.orders[0].packs[0].sscc for n in notices}) == 2
        assert stats["shipped"] == 2 and stats["duplicates"] == 1

    run(scenario)


# -- what each system keeps -------------------------------------------------------------------


def test_erp_reports_invoice_posting_status() -> None:
    async def scenario() -> None:
        [entry] = json.loads((SAMPLES / "x12/810/acme_4010_tax_and_handling.canonical.json").read_text())[:1]
        invoice = entry["document"]
        async with serving(make_app("erp")) as (url, session):
            sink = connector("erp", url)
            await deliver(sink, "invoice", invoice, "inv-1")
            await deliver(sink, "invoice", {**invoice, "invoice_number": "BAD-1", "total_amount": 1}, "inv-2")
            auth = {"headers": {"Authorization": f"Bearer {TOKEN}"}}
            good = await get_json(session, f"{url}/invoices/{invoice['invoice_number']}", **auth)
            bad = await get_json(session, f"{url}/invoices/BAD-1", **auth)
            await get_json(session, f"{url}/invoices/NOPE", 404, **auth)
            await get_json(session, f"{url}/invoices/BAD-1", 401)
        assert good["status"] == "posted", good
        assert bad["status"] == "exception" and "total" in bad["reason"]

    run(scenario)


def test_shop_keeps_status_and_tracking_per_order_reference() -> None:
    async def scenario() -> None:
        notice = ShipNotice(shipment_id="SHP1", tracking_number="1Z1", orders=[{"po_number": "4500012345"}])  # type: ignore[list-item]
        async with serving(make_app("shop")) as (url, session):
            sink = connector("shop", url)
            await deliver(sink, "order", order_doc(), "o")
            await deliver(sink, "po_ack", {"po_number": "4500012345", "ack_type": "accepted"}, "a")
            await deliver(sink, "ship_notice", notice.dump(), "s")
            auth = {"Authorization": "Basic " + base64.b64encode(f"edigw:{PASSWORD}".encode()).decode()}
            history = await get_json(session, url + "/order-status/4500012345", headers=auth)
            stats = await get_json(session, url + "/_stats")
            with pytest.raises(PermanentSinkError, match="HTTP 422"):
                await deliver(sink, "order", {"po_number": "1", "lines": 5}, "bad")
        assert [u["type"] for u in history["updates"]] == ["order", "po_ack"]
        assert stats["shipments"] == 1 and stats["received"]["shipment"] == 1

    run(scenario)


def test_erp_and_wms_events_are_accepted_by_the_real_gateway(tmp_path: Path) -> None:
    with running_gateway(tmp_path) as gw:
        with transaction(gw.runtime.sessions) as session:
            token = create_token(session, "simulators", "bigbox").token

        async def scenario() -> None:
            gateway = GatewayConfig(url=gw.url, token=token, partner_id="bigbox", attempts=2)
            erp_app = make_app("erp", gateway, ack_delay=0, invoice_delay=0)
            wms_app = make_app("wms", gateway, ship_delay=0)
            async with serving(erp_app) as (erp_url, _), serving(wms_app) as (wms_url, _):
                await deliver(connector("erp", erp_url), "order", order_doc("PO-REAL-GW"), "k1")
                await deliver(connector("wms", wms_url), "order", order_doc("PO-REAL-GW"), "k1")
                await erp_app[STATE].idle()
                await wms_app[STATE].idle()
            assert dict(erp_app[STATE].callbacks) == {"sent": 2}
            assert dict(wms_app[STATE].callbacks) == {"sent": 1}

        run(scenario)
