"""AS2 interop with pyas2lib, an independent implementation, against the running gateway.

* pyas2lib as the partner's client: signed + encrypted + compressed 850 to our
  ``POST /as2``; pyas2lib verifies our signed MDN.
* Our outbound sender to a pyas2lib-based receiving server: it parses our message and
  answers its signed MDN, which the gateway verifies and matches (MIC included).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from gateway.outbound_as2 import send_as2
from gateway.store import Acknowledgement, Direction, Message, current_status, transaction
from tests.support import oscrypto_compat
from tests.support.as2_exchange import http_bytes
from tests.support.gateway_server import RunningGateway, free_port, running_gateway
from tests.support.partner_folder import copy_partners

pytestmark = pytest.mark.integration

try:
    as2: ModuleType = oscrypto_compat.import_pyas2lib()
except ImportError as exc:  # pragma: no cover - pyas2lib is in the test extra
    pytest.skip(f"pyas2lib not importable: {exc}", allow_module_level=True)

PO = (
    b"ISA*00*          *00*          *ZZ*BIGBOXSTORES   *ZZ*EDIGW          *240101*1200*U*00401*000000501*0*P*>~\n"
    b"GS*PO*BIGBOXSTORES*EDIGW*20240101*1200*501*X*004010~\nST*850*0001~\nBEG*00*SA*PO-INTEROP**20240101~\n"
    b"PO1*1*10*EA*9.5**BP*ABC~\nCTT*1~\nSE*5*0001~\nGE*1*501~\nIEA*1*000000501~\n"
)


def pem(home: Path, as2_id: str, key: bool) -> bytes:
    cert = (home / "keys" / f"{as2_id}.crt").read_bytes()
    return (home / "keys" / f"{as2_id}.key").read_bytes() + cert if key else cert


class Pyas2libReceiver:
    """A minimal AS2 server built on pyas2lib, standing in for the partner's product."""

    def __init__(self, home: Path) -> None:
        self.org = as2.Organization(
            as2_name="BIGBOX-AS2", sign_key=pem(home, "BIGBOX-AS2", True), decrypt_key=pem(home, "BIGBOX-AS2", True)
        )
        self.partner = as2.Partner(
            as2_name="EDIGW-AS2",
            verify_cert=pem(home, "EDIGW-AS2", False),
            encrypt_cert=pem(home, "EDIGW-AS2", False),
            sign=True,
            encrypt=True,
            mdn_mode="SYNC",
            mdn_digest_alg="sha256",
        )
        self.received: list[bytes] = []
        self.port = free_port()

    async def handle(self, request: web.Request) -> web.Response:
        raw = http_bytes(dict(request.headers), await request.read())
        message = as2.Message()
        status, (error, trace), mdn = message.parse(
            raw, find_org_cb=lambda _n: self.org, find_partner_cb=lambda _n: self.partner
        )
        assert status == "processed", trace
        self.received.append(message.content)
        return web.Response(body=mdn.content, headers=dict(mdn.headers))

    def serve(self) -> Iterator[str]:
        loop = asyncio.new_event_loop()
        app = web.Application()
        app.router.add_post("/as2", self.handle)
        runner = web.AppRunner(app)
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", self.port).start())
            ready.set()
            loop.run_forever()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        ready.wait(10)
        try:
            yield f"http://127.0.0.1:{self.port}/as2"
        finally:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningGateway, Pyas2libReceiver]]:
    base = tmp_path_factory.mktemp("interop")
    home = base / "home"
    # first start generates the keys; the receiver needs them before the profile can point at it
    with running_gateway(home):
        pass
    receiver = Pyas2libReceiver(home)
    serving = receiver.serve()
    url = next(serving)
    partners = copy_partners(base / "partners", {"bigbox": {"transports": {"as2": {"url": url}}}})
    with running_gateway(home, partners=partners) as gw:
        yield gw, receiver
    serving.close()


def test_pyas2lib_partner_sends_850_and_verifies_our_signed_mdn(
    setup: tuple[RunningGateway, Pyas2libReceiver],
) -> None:
    gw, _ = setup
    home = gw.runtime.settings.home
    org = as2.Organization(
        as2_name="BIGBOX-AS2", sign_key=pem(home, "BIGBOX-AS2", True), decrypt_key=pem(home, "BIGBOX-AS2", True)
    )
    partner = as2.Partner(
        as2_name="EDIGW-AS2",
        verify_cert=pem(home, "EDIGW-AS2", False),
        encrypt_cert=pem(home, "EDIGW-AS2", False),
        sign=True,
        encrypt=True,
        compress=True,
        digest_alg="sha256",
        enc_alg="aes_256_cbc",
        mdn_mode="SYNC",
        mdn_digest_alg="sha256",
    )
    message = as2.Message(sender=org, receiver=partner)
    message.build(PO, filename="po.edi", content_type="application/edi-x12")
    status, headers, body = gw.request("POST", "/as2", body=message.content, headers=dict(message.headers))
    assert status == 200
    mdn_status, detail = as2.Mdn().parse(http_bytes(headers, body), lambda _id, _rcpt: message)
    assert mdn_status == "processed", detail
    with gw.runtime.sessions() as session:
        stored = session.scalars(select(Message).where(Message.as2_message_id == message.message_id)).one()
        # pyas2lib canonicalises line ends to CRLF before signing; the X12 content is the same
        assert stored.raw.replace(b"\r\n", b"\n") == PO and stored.partner_id == "bigbox"


def test_our_sender_delivers_to_pyas2lib_and_matches_its_mdn(
    setup: tuple[RunningGateway, Pyas2libReceiver],
) -> None:
    gw, receiver = setup
    payload = PO.replace(b"PO-INTEROP", b"855-OUT")
    with transaction(gw.runtime.sessions) as session:
        out = Message(
            id=uuid.uuid4(),
            direction=Direction.OUT.value,
            partner_id="bigbox",
            transport="as2",
            file_name="855.x12",
            sha256="0" * 64,
            size=len(payload),
            raw=payload,
            correlation_id=uuid.uuid4(),
            content_type="application/edi-x12",
        )
        session.add(out)
    result = send_as2(gw.runtime, gw.runtime.registry.get("bigbox"), out.id)
    assert result.mdn_status == "delivered"
    assert receiver.received[-1] == payload
    with gw.runtime.sessions() as session:
        assert current_status(session, out.id) == "acknowledged"
        ack: Any = session.scalars(
            select(Acknowledgement).where(Acknowledgement.related_message_id == out.id, Acknowledgement.kind == "MDN")
        ).one()
        assert ack.status == "delivered" and ack.raw
