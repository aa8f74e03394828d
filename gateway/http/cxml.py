"""``POST /cxml``: cXML documents a partner's procurement network posts to us.

The network posts a request (ConfirmationRequest, ShipNoticeRequest,
InvoiceDetailRequest, ...) and waits for a cXML ``Response``. Order of work, as for
AS2: parse safely (size and depth limits, no DTD or entities) → find the partner by its
From credential → check the Sender's shared secret against the profile's
``transports.cxml.shared_secret`` (constant-time) → commit the document, with the
secret removed, and its processing intent → only then answer ``200 OK``. Processing
is asynchronous, as for every transport.

Refusals are answered with the cXML status that says why and kept (secret removed)
with the reason: 400 unreadable or not a request, 401 unknown sender or wrong secret,
403 partner paused, 450 (not implemented) a request the partner's ``documents.inbound``
does not list. As cXML has it, the HTTP status is 200 whenever a cXML answer is
given: the code that matters is the ``Status`` in the body. (A body over
``EDIGW_MAX_BODY_BYTES`` is refused by the HTTP server with 413 before any of this.)
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re

from aiohttp import web

from edi.xml import XmlError, parse_xml
from gateway.http.keys import RUNTIME
from gateway.inbound import store_inbound, store_rejected
from gateway.runtime import Runtime
from partners.errors import PartnerNotAccepted, PartnerPaused
from partners.profile import Profile
from translators.cxml.envelope import Credential, CxmlOptions, read_envelope, with_shared_secret
from translators.cxml.status import render_status
from translators.cxml.values import CxmlDataError

__all__ = ["routes"]

log = logging.getLogger("edigw.cxml")
routes = web.RouteTableDef()

#: our side of the Response envelope (a Response carries no Header; only ids and time)
_ANSWER = CxmlOptions.simple("EDIGW", "PARTNER")


class _Refused(Exception):
    def __init__(self, code: int, reason: str, partner_id: str | None = None) -> None:
        super().__init__(reason)
        self.code, self.reason, self.partner_id = code, reason, partner_id


@routes.post("/cxml")
async def receive(request: web.Request) -> web.Response:
    runtime: Runtime = request.app[RUNTIME]
    body = await request.read()
    try:
        partner_id, kept = _admit(runtime, body)
    except _Refused as refused:
        await asyncio.to_thread(
            store_rejected,
            runtime.sessions,
            partner_id=refused.partner_id,
            transport="cxml",
            raw=_without_secret(body),
            reason=refused.reason,
            detail={"cxml_status": refused.code},
            standard="cxml",
        )
        log.warning("cXML refused (%s): %s", refused.code, refused.reason)
        return _answer(refused.code, refused.reason)
    await asyncio.to_thread(
        store_inbound,
        runtime.sessions,
        partner_id=partner_id,
        transport="cxml",
        raw=kept,
        content_type=request.headers.get("Content-Type"),
        standard="cxml",
    )
    runtime.wake_relay()
    return _answer(200)


def _admit(runtime: Runtime, body: bytes) -> tuple[str, bytes]:
    """(partner id, the bytes to keep) of an acceptable request, or :class:`_Refused`."""
    if not body:
        raise _Refused(400, "empty body")
    try:
        root = parse_xml(body)
    except XmlError as exc:
        raise _Refused(400, str(exc)) from None
    if root.tag != "cXML":
        raise _Refused(400, f"root element is {root.tag!r}, not cXML")
    envelope = read_envelope(root)
    if envelope.kind != "Request" or envelope.payload is None:
        raise _Refused(400, "not a cXML request")
    profile = _partner(runtime, envelope.from_)
    if not _secret_matches(runtime, profile, envelope.shared_secret):
        raise _Refused(401, "sender credential or shared secret not accepted", profile.id)
    if not profile.documents.accepts_cxml(envelope.name):
        raise _Refused(450, f"{envelope.name} is not agreed with {profile.id} (documents.inbound)", profile.id)
    try:
        return profile.id, with_shared_secret(body, None)
    except (XmlError, CxmlDataError) as exc:
        raise _Refused(400, str(exc), profile.id) from None


def _partner(runtime: Runtime, credentials: list[Credential]) -> Profile:
    paused: PartnerPaused | None = None
    for credential in credentials:
        try:
            return runtime.registry.resolve_cxml(credential.domain, credential.identity)
        except PartnerPaused as exc:
            paused = exc
        except PartnerNotAccepted:
            continue
    if paused is not None:
        raise _Refused(403, str(paused), paused.partner_id)
    shown = ", ".join(f"{c.domain}:{c.identity}" for c in credentials) or "none"
    raise _Refused(401, f"unknown cXML From credential ({shown})")


def _secret_matches(runtime: Runtime, profile: Profile, secret: str | None) -> bool:
    transport = profile.transports.cxml
    if transport is None or secret is None:
        return False
    try:
        expected = transport.secret(runtime.settings.home)
    except (KeyError, OSError, UnicodeDecodeError):
        log.error("cXML shared secret for %s (%s) is unavailable", profile.id, transport.shared_secret)
        return False
    return hmac.compare_digest(secret.encode("utf-8"), expected.encode("utf-8"))


def _without_secret(body: bytes) -> bytes:
    """What is kept of a refused body: never a shared secret, even in XML that does not parse."""
    try:
        return with_shared_secret(body, None)
    except (XmlError, CxmlDataError):
        return _SECRET.sub(b"<SharedSecret>(removed)</SharedSecret>", body)


_SECRET = re.compile(rb"<SharedSecret\b[^>]*>.*?</SharedSecret\s*>", re.DOTALL | re.IGNORECASE)


def _answer(code: int, message: str = "") -> web.Response:
    return web.Response(
        body=render_status(code, message=message[:500], options=_ANSWER),
        status=200,
        content_type="text/xml",
        charset="utf-8",
    )
