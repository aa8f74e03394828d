"""``POST /cxml``: what a procurement network posts, answered with cXML only once it is durable."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from gateway.store import Message, current_status, history
from tests.support.gateway_server import BUNDLED_PARTNERS, RunningGateway, running_gateway
from translators.cxml import translate_cxml
from translators.cxml.envelope import with_shared_secret
from translators.cxml.status import parse_status

pytestmark = pytest.mark.integration

SECRET = "network-secret-0042"
CONFIRMATION = BUNDLED_PARTNERS / "acme-supply" / "samples" / "confirmation-4500098765.xml"


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    root = tmp_path_factory.mktemp("cxml")
    partners = root / "partners"
    shutil.copytree(BUNDLED_PARTNERS, partners)
    paused = partners / "paused-supply.yaml"  # a second cXML partner, paused
    text = (partners / "acme-supply.yaml").read_text().replace("status: testing", "status: paused")
    text = text.replace("id: acme-supply", "id: paused-supply").replace("AN01000123456", "AN0PAUSED")
    paused.write_text(text.replace("987654321", "111111111"))
    shutil.copytree(partners / "acme-supply", partners / "paused-supply")  # its item cross-reference
    mp = pytest.MonkeyPatch()
    mp.setenv("ACME_CXML_SHARED_SECRET", SECRET)
    with running_gateway(root / "home", partners=partners) as gateway:
        yield gateway
    mp.undo()


def post(gw: RunningGateway, body: bytes) -> tuple[int, int, str]:
    """(HTTP status, cXML status code, cXML status text) of posting ``body``."""
    status, _, answer = gw.request("POST", "/cxml", body=body, headers={"Content-Type": "text/xml"})
    parsed = parse_status(answer)
    return status, parsed.code, parsed.message


def stored(gw: RunningGateway) -> Message:
    """The message stored last (detached, its bytes loaded)."""
    with gw.runtime.sessions() as session:
        message = session.scalars(select(Message).order_by(Message.received_at.desc()).limit(1)).one()
        assert message.raw is not None
        session.expunge(message)
        return message


def test_a_request_with_the_right_secret_is_stored_without_it_then_answered_200(gw: RunningGateway) -> None:
    assert post(gw, with_shared_secret(CONFIRMATION.read_bytes(), SECRET))[:2] == (200, 200)
    message = stored(gw)
    assert (message.partner_id, message.transport, message.standard) == ("acme-supply", "cxml", "cxml")
    assert SECRET.encode() not in message.raw
    kept, sent = translate_cxml(message.raw), translate_cxml(CONFIRMATION.read_bytes())
    assert [d.as_dict() for d in kept.documents] == [d.as_dict() for d in sent.documents] != []
    with gw.runtime.sessions() as session:
        assert current_status(session, message.id) == "received"  # processing follows, asynchronously


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (with_shared_secret(CONFIRMATION.read_bytes(), "guess"), 401, "shared secret"),
        (CONFIRMATION.read_bytes(), 401, "shared secret"),  # no secret at all
        (
            with_shared_secret(CONFIRMATION.read_bytes(), SECRET).replace(b"AN01000123456", b"AN0STRANGER"),
            401,
            "unknown cXML From credential",
        ),  # fmt: skip
        (
            with_shared_secret(CONFIRMATION.read_bytes(), SECRET).replace(b"AN01000123456", b"AN0PAUSED"),
            403,
            "paused",
        ),  # fmt: skip
        (
            b"<cXML><Header><Sender><Credential><SharedSecret>" + SECRET.encode() + b"</SharedSecret>",
            400,
            "not well-formed",
        ),  # fmt: skip
        (
            b'<?xml version="1.0"?><!DOCTYPE cXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><cXML>&x;</cXML>',
            400,
            "entit",
        ),  # fmt: skip
        (b"<Order/>", 400, "not cXML"),
        (
            with_shared_secret(CONFIRMATION.read_bytes(), SECRET).replace(b"ConfirmationRequest", b"OrderRequest"),
            450,
            "OrderRequest is not agreed with acme-supply",
        ),  # fmt: skip
    ],
)
def test_refusals_answer_with_the_cxml_code_and_keep_the_body_without_its_secret(
    gw: RunningGateway, body: bytes, code: int, words: str
) -> None:
    http_status, cxml_code, message = post(gw, body)
    assert (http_status, cxml_code) == (200, code) and words in message
    kept = stored(gw)
    assert SECRET.encode() not in kept.raw
    with gw.runtime.sessions() as session:
        assert current_status(session, kept.id) == "rejected"
        reason = history(session, kept.id)[-1].detail
    assert reason is not None and reason["cxml_status"] == code and words in reason["reason"]
