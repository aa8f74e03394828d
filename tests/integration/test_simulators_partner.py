"""The partner simulator over real loopback HTTP: AS2 both ways, signed MDNs, 997s back.

A tiny AS2 receiver built on ``edi.as2`` stands in for the gateway, with keys made by
``gateway.keys.ensure_identity`` in a temporary EDIGW_HOME, exactly where ``edigw
serve`` puts them; one test sends to the real gateway.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from edi.as2 import InboundMessage, build_mdn, build_message, parse_mdn, parse_message
from edi.as2.build import Compression, MdnMode, SendOptions
from edi.x12.parse import parse
from gateway.keys import ensure_identities
from samples.simulators import As2SendError, make_850, partner, run_all, send_as2
from samples.simulators.as2_peer import As2Peer
from samples.simulators.base import STATE
from samples.simulators.callbacks import GatewayConfig, RetryPolicy
from samples.simulators.runner import start_app
from tests.conftest import SAMPLES
from tests.support.as2_keys import make_identity
from tests.support.gateway_server import running_gateway

pytestmark = pytest.mark.integration

PARTNER_ID, GATEWAY_ID = "BIGBOX-AS2", "EDIGW-AS2"
AN_855 = (SAMPLES / "x12/855/acme_4010_accepted.edi").read_bytes()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    ensure_identities(home / "keys", [PARTNER_ID, GATEWAY_ID])
    return home


@dataclass
class FakeAs2Gateway:
    """Receives AS2 as the gateway would: unwrap with our key, answer with a signed MDN."""

    peer: As2Peer  # the gateway's side: us = EDIGW-AS2, them = BIGBOX-AS2
    received: list[InboundMessage] = field(default_factory=list)
    fail_with: list[int] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/as2", self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        if self.fail_with:
            return web.Response(status=self.fail_with.pop(0), text="not now")
        headers, body = dict(request.headers.items()), await request.read()
        inbound = parse_message(headers, body, self.peer.find_our_key, self.peer.find_partner)
        self.received.append(inbound)
        mdn = build_mdn(inbound.envelope, mic=inbound.mic, signer=self.peer.us)
        response = web.Response(body=mdn.body)
        response.headers.update(mdn.headers)
        return response

    def to_partner(self, payload: bytes, **headers: str) -> tuple[dict[str, str], bytes, Any]:
        """An outbound message from the gateway to the partner (what our 855/856/810 look like)."""
        options = SendOptions(compression=Compression.BEFORE_SIGNING, mdn=MdnMode.SYNC, mdn_signed=True)
        sent = build_message(payload, self.peer.us, self.peer.them, options, headers)
        return sent.headers, sent.body, sent


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 60))


@asynccontextmanager
async def partner_with_gateway(
    home: Path, **options: Any
) -> AsyncIterator[tuple[str, web.Application, FakeAs2Gateway, aiohttp.ClientSession]]:
    gateway = FakeAs2Gateway(As2Peer.from_home(home, GATEWAY_ID, PARTNER_ID))
    async with start_app(gateway.app()) as gateway_url:
        config = partner.PartnerConfig(
            home=home,
            gateway_url=gateway_url,
            ack_delay=0.05,
            retry=RetryPolicy(backoff_seconds=0.01),
            first_control_number=500,
            **options,
        )
        app = partner.create_app(config)
        async with start_app(app) as url, aiohttp.ClientSession() as session:
            yield url + "/as2", app, gateway, session


async def post(session: aiohttp.ClientSession, url: str, headers: dict[str, str], body: bytes) -> Any:
    async with session.post(url, data=body, headers=headers) as resp:
        return resp.status, dict(resp.headers.items()), await resp.read()


def gateway_reads_mdn(gateway: FakeAs2Gateway, headers: dict[str, str], body: bytes, sent: Any) -> Any:
    return parse_mdn(headers, body, gateway.peer.find_partner, expected_mic=sent.mic, require_signature=True)


def test_send_as2_signs_encrypts_and_verifies_the_signed_mdn(home: Path) -> None:
    async def scenario() -> None:
        gateway = FakeAs2Gateway(As2Peer.from_home(home, GATEWAY_ID, PARTNER_ID))
        payload = make_850("PO-AS2-SIM", 3)
        async with start_app(gateway.app()) as url:
            mdn = await asyncio.to_thread(send_as2, url, payload, home, filename="po.edi")
        [inbound] = gateway.received
        assert inbound.payload == payload and inbound.signed and inbound.encrypted and inbound.compressed
        assert inbound.filename == "po.edi" and inbound.envelope.as2_from == PARTNER_ID
        assert mdn.status.value == "delivered" and mdn.signed
        assert mdn.original_message_id == inbound.envelope.message_id

    run(scenario)


def test_send_as2_reports_http_errors_and_unreachable_gateways(home: Path) -> None:
    async def scenario() -> None:
        gateway = FakeAs2Gateway(As2Peer.from_home(home, GATEWAY_ID, PARTNER_ID), fail_with=[503])
        async with start_app(gateway.app()) as url:
            with pytest.raises(As2SendError) as caught:
                await asyncio.to_thread(send_as2, url, b"x", home)
        assert caught.value.status == 503
        with pytest.raises(As2SendError, match="cannot reach"):
            await asyncio.to_thread(send_as2, url, b"x", home, timeout=2)  # the server is gone now

    run(scenario)


def test_partner_answers_our_855_with_a_signed_mdn_and_sends_a_997_back(home: Path) -> None:
    async def scenario() -> None:
        async with partner_with_gateway(home) as (url, app, gateway, session):
            headers, body, sent = gateway.to_partner(AN_855)
            status, mdn_headers, mdn_body = await post(session, url, headers, body)
            await app[STATE].idle()
            async with session.get(url.removesuffix("/as2") + "/_stats") as resp:
                stats = await resp.json()
        assert status == 200
        mdn = gateway_reads_mdn(gateway, mdn_headers, mdn_body, sent)
        assert mdn.status.value == "delivered" and mdn.signed and mdn.original_message_id == sent.message_id

        [ack] = gateway.received
        assert ack.envelope.as2_from == PARTNER_ID and ack.signed and ack.encrypted
        [received] = parse(AN_855)
        [ic] = parse(ack.payload)
        [group] = ic.groups
        [ts] = group.sets
        assert (group.functional_id, ts.id, ic.control_number) == ("FA", "997", "000000500")
        segments = {seg[0]: seg for seg in ts.segments}
        assert segments["AK1"][1:3] == ["PR", received.groups[0].control_number]
        assert segments["AK2"][1:3] == ["855", received.groups[0].sets[0].control_number]
        assert segments["AK5"][1] == "A" and segments["AK9"][1] == "A"

        assert stats["received"] == {"855": 1}
        [entry] = stats["interchanges"]
        assert entry["interchanges"][0]["sets"][0]["set"] == "855"
        assert entry["interchanges"][0]["interchange_control"] == received.control_number
        [sent_ack] = stats["acks_sent"]
        assert sent_ack["mdn"] == "delivered" and sent_ack["ok"] is True
        assert sent_ack["acknowledges"] == received.control_number and sent_ack["control_number"] == "000000500"
        assert stats["callbacks"]["sent"] == 1

    run(scenario)


def test_resent_message_id_gets_the_same_mdn_and_one_997(home: Path) -> None:
    async def scenario() -> None:
        async with partner_with_gateway(home) as (url, app, gateway, session):
            headers, body, _ = gateway.to_partner(AN_855)
            first = await post(session, url, headers, body)
            second = await post(session, url, headers, body)
            await app[STATE].idle()
        assert first[0] == second[0] == 200 and first[2] == second[2]
        assert second[1].get("Idempotent-Replayed") == "true"
        assert len(gateway.received) == 1
        assert app[STATE].registry.duplicates == 1

    run(scenario)


def test_message_from_a_stranger_gets_a_failed_signed_mdn_and_no_997(home: Path) -> None:
    async def scenario() -> None:
        async with partner_with_gateway(home) as (url, app, gateway, session):
            impostor = FakeAs2Gateway(As2Peer(make_identity(GATEWAY_ID), gateway.peer.them))
            headers, body, sent = impostor.to_partner(AN_855)
            status, mdn_headers, mdn_body = await post(session, url, headers, body)
            await app[STATE].idle()
        assert status == 200
        mdn = gateway_reads_mdn(gateway, mdn_headers, mdn_body, sent)
        assert mdn.status.value == "failed" and mdn.reason == "authentication-failed"
        assert gateway.received == [] and dict(app[STATE].received) == {"refused": 1}

    run(scenario)


def test_a_997_from_the_gateway_is_recorded_and_not_acknowledged(home: Path) -> None:
    async def scenario() -> None:
        async with partner_with_gateway(home) as (url, app, gateway, session):
            headers, body, _ = gateway.to_partner((SAMPLES / "x12/ack/accepted_850.997.edi").read_bytes())
            status, _, _ = await post(session, url, headers, body)
            await app[STATE].idle()
        assert status == 200 and dict(app[STATE].received) == {"997": 1} and gateway.received == []

    run(scenario)


def test_997_delivery_retries_and_the_duplicate_fault_reuses_the_message_id(home: Path) -> None:
    async def scenario() -> None:
        async with partner_with_gateway(home, faults={"duplicate_callbacks": True}) as (url, app, gateway, session):
            gateway.fail_with = [503]
            headers, body, _ = gateway.to_partner(AN_855)
            await post(session, url, headers, body)
            await app[STATE].idle()
        first, second = gateway.received
        assert first.envelope.message_id == second.envelope.message_id and first.payload == second.payload
        assert dict(app[STATE].callbacks) == {"retried": 1, "sent": 2}

    run(scenario)


def test_run_all_starts_every_simulator_on_free_ports(tmp_path: Path) -> None:
    async def scenario() -> None:
        gateway = GatewayConfig(url="http://127.0.0.1:9", token="t")
        async with run_all(tmp_path, gateway) as sims, aiohttp.ClientSession() as session:
            assert set(sims.urls) == {"erp", "wms", "shop", "partner"}
            assert len({url.rsplit(":", 1)[1] for url in sims.urls.values()}) == 4
            for name, url in sims.urls.items():
                async with session.get(url.removesuffix("/as2") + "/_stats") as resp:
                    assert resp.status == 200 and (await resp.json())["name"] == name
            env = sims.sink_env()
            assert env["EDIGW_ERP_URL"] == sims.urls["erp"] and env["EDIGW_WMS_HMAC_SECRET"]
        assert (tmp_path / "keys" / f"{PARTNER_ID}.key").exists()

    run(scenario)


def test_send_as2_to_the_real_gateway(tmp_path: Path) -> None:
    with running_gateway(tmp_path) as gw:
        mdn = send_as2(gw.url, make_850("PO-SIM-E2E", 2), tmp_path, filename="po-sim.edi")
    assert mdn.status.value == "delivered" and mdn.signed


def test_partner_without_keys_answers_503_so_the_sender_retries(home: Path, tmp_path: Path) -> None:
    async def scenario() -> None:
        gateway = FakeAs2Gateway(As2Peer.from_home(home, GATEWAY_ID, PARTNER_ID))
        headers, body, _ = gateway.to_partner(AN_855)
        app = partner.create_app(partner.PartnerConfig(home=tmp_path))  # no keys there
        async with start_app(app) as url, aiohttp.ClientSession() as session:
            status, _, text = await post(session, url + "/as2", headers, body)
        assert status == 503 and b"keys" in text

    run(scenario)
