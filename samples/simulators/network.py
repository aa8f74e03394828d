"""A cXML procurement network with one supplier behind it (Acme), for the demo and tests.

``POST /cxml/post`` takes what the gateway sends: it checks the ``Header/Sender``
shared secret (401 otherwise, as a network does), answers with a cXML ``Response``,
and for an ``OrderRequest`` has the supplier confirm it: after ``confirm_delay``
seconds it posts a ``ConfirmationRequest`` for that order to the gateway's
``POST /cxml``, with the same shared secret, built from the supplier's sample
confirmation (``samples/partners/acme-supply/samples``) with the order's id and date.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web

from edi.xml import XmlError, parse_xml
from translators.cxml.envelope import CxmlOptions, read_envelope, with_shared_secret
from translators.cxml.status import parse_status, render_status
from translators.cxml.values import CxmlDataError

__all__ = ["Network", "create_app", "CONFIRMATION"]

log = logging.getLogger("edigw.simulators.network")

CONFIRMATION = (
    Path(__file__).resolve().parents[1] / "partners" / "acme-supply" / "samples" / "confirmation-4500098765.xml"
)
_ANSWER = CxmlOptions.simple("AN01000999001", "EDIGW")


@dataclass
class Network:
    secret: str
    gateway_url: str  # where the supplier's documents go (the gateway's base URL)
    confirm_delay: float = 1.0
    orders: list[str] = field(default_factory=list)  # orderIDs received
    confirmations: list[tuple[str, int]] = field(default_factory=list)  # (orderID, the gateway's cXML status)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            envelope = read_envelope(parse_xml(body))
        except (XmlError, CxmlDataError) as exc:
            return _answer(400, str(exc))
        if envelope.shared_secret != self.secret:
            return _answer(401, "shared secret not accepted")
        if envelope.payload is not None and envelope.payload.tag == "OrderRequest":
            header = envelope.payload.find("OrderRequestHeader")
            order_id = header.get("orderID", "") if header is not None else ""
            order_date = header.get("orderDate", "") if header is not None else ""
            self.orders.append(order_id)
            task = asyncio.get_running_loop().create_task(self._confirm(order_id, order_date))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return _answer(200)

    async def _confirm(self, order_id: str, order_date: str) -> None:
        await asyncio.sleep(self.confirm_delay)
        sample = CONFIRMATION.read_bytes().replace(b'orderID="4500098765"', f'orderID="{order_id}"'.encode())
        if order_date:
            sample = sample.replace(b'orderDate="2026-11-19T09:12:00-05:00"', f'orderDate="{order_date}"'.encode())
        body = with_shared_secret(sample, self.secret)
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.gateway_url}/cxml", data=body, headers={"Content-Type": "text/xml"}) as response,
        ):
            status = parse_status(await response.read())
        self.confirmations.append((order_id, status.code))
        log.info("network: confirmation of %s posted, gateway answered %s", order_id, status.code)


def create_app(network: Network) -> web.Application:
    app = web.Application()
    app.router.add_post("/cxml/post", network.receive)
    return app


def _answer(code: int, message: str = "") -> web.Response:
    return web.Response(body=render_status(code, message=message, options=_ANSWER), content_type="text/xml")
