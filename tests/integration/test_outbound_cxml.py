"""cXML to a partner's procurement network: the POST, its shared secret, and what its answer means."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web

from gateway.outbound_cxml import send_cxml
from gateway.runtime import Runtime
from gateway.sending import PermanentSendError, TransientSendError
from gateway.settings import Settings
from gateway.store import Message, current_status, history, transaction
from tasks.outbound import _send, record_outbound
from tests.support.app_thread import serve_app
from tests.support.gateway_server import BUNDLED_PARTNERS
from translators.cxml import translate_cxml
from translators.cxml.bench import order_with_lines
from translators.cxml.envelope import CxmlOptions
from translators.cxml.status import render_status

pytestmark = pytest.mark.integration

SECRET = "network-secret-0042"


@dataclass
class Network:
    """A procurement network that answers with the next queued cXML status code."""

    answers: list[int] = field(default_factory=list)
    received: list[bytes] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(await request.read())
        code = self.answers.pop(0) if self.answers else 200
        body = render_status(code, options=CxmlOptions.simple("AN01000123456", "EDIGW"))
        return web.Response(body=body, status=200 if code < 500 else code, content_type="text/xml")


@pytest.fixture()
def network() -> Iterator[tuple[Network, str]]:
    net = Network()
    app = web.Application()
    app.router.add_post("/cxml/post", net.handle)
    with serve_app(app) as url:
        yield net, f"{url}/cxml/post"


@pytest.fixture()
def runtime(tmp_path: Path, network: tuple[Network, str], monkeypatch: pytest.MonkeyPatch) -> Runtime:
    partners = tmp_path / "partners"
    shutil.copytree(BUNDLED_PARTNERS, partners)
    profile = partners / "acme-supply.yaml"
    text = profile.read_text().replace("https://service.procurement-network.example/cxml/post", network[1])
    profile.write_text(text)
    monkeypatch.setenv("ACME_CXML_SHARED_SECRET", SECRET)
    env = {"EDIGW_HOME": str(tmp_path / "home"), "EDIGW_PARTNERS": str(partners), "EDIGW_OUTBOUND": "transport"}
    return Runtime.open(Settings.from_env(env), generate_keys=False)


def _stored_order(runtime: Runtime) -> uuid.UUID:
    with transaction(runtime.sessions) as session:
        return record_outbound(session, "acme-supply", order_with_lines(2), "order-PO1.xml", "text/xml", "cxml", None)


def test_order_is_posted_with_the_secret_on_the_wire_only_and_acknowledged(
    runtime: Runtime, network: tuple[Network, str]
) -> None:
    net, _ = network
    out_id = _stored_order(runtime)
    profile = runtime.registry.get("acme-supply")
    assert _send(runtime, profile, out_id, "order-PO1.xml", b"", "cxml") == "cxml"
    (wire,) = net.received
    assert f"<SharedSecret>{SECRET}</SharedSecret>".encode() in wire
    assert translate_cxml(wire).documents[0].data == translate_cxml(order_with_lines(2)).documents[0].data
    with runtime.sessions() as session:
        assert current_status(session, out_id) == "acknowledged"
        states = [(e.state, (e.detail or {}).get("status")) for e in history(session, out_id)]
        stored = session.get(Message, out_id)
        assert stored is not None and SECRET.encode() not in stored.raw  # the store never holds it
    assert ("sent", 200) in states and ("acknowledged", "200 OK") in states


def test_network_answers_decide_retry_or_dead_letter(runtime: Runtime, network: tuple[Network, str]) -> None:
    net, _ = network
    profile = runtime.registry.get("acme-supply")
    net.answers = [500, 401]
    with pytest.raises(TransientSendError, match="500"):
        send_cxml(runtime, profile, _stored_order(runtime))
    with pytest.raises(PermanentSendError, match="401"):
        send_cxml(runtime, profile, _stored_order(runtime))


def test_missing_secret_and_wrong_transport_are_dead_letters(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    profile = runtime.registry.get("acme-supply")
    monkeypatch.delenv("ACME_CXML_SHARED_SECRET")
    with pytest.raises(PermanentSendError, match="shared secret"):
        send_cxml(runtime, profile, _stored_order(runtime))
    with pytest.raises(PermanentSendError, match="no transport for x12"):  # never a silent local file
        _send(runtime, profile, uuid.uuid4(), "997-1.x12", b"ISA", "x12")
