"""MDNs: build, sign, parse, verify, and match the returned MIC against the one recorded at send time."""

from __future__ import annotations

import pytest

from edi.as2 import (
    AuthenticationFailed,
    DecryptionFailed,
    Disposition,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    MalformedMessage,
    MdnRequest,
    MdnStatus,
    Mic,
    UnknownTradingPartner,
    build_mdn,
    parse_mdn,
    read_envelope,
)
from edi.as2.mime import split_multipart
from tests.support.as2_exchange import Exchange
from tests.support.as2_keys import make_identity, partner_view

PAYLOAD = b"ISA*00~GS*IN~ST*810*0001~SE*2*0001~GE*1*1~IEA*1*1~" * 100


@pytest.fixture
def exchange() -> Exchange:
    return Exchange.default()


def test_signed_mdn_round_trip(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD)
    inbound = exchange.receive(sent.headers, sent.body)
    mdn = exchange.answer(inbound)

    assert mdn.headers["AS2-From"] == "edigw" and mdn.headers["AS2-To"] == '"ACME Supply"'
    assert mdn.headers["Content-Type"].startswith("multipart/signed;")
    assert b"Content-Type: multipart/report; report-type=disposition-notification" in mdn.body
    assert f"Original-Message-ID: <{sent.message_id}>".encode() in mdn.body
    assert f"Received-Content-MIC: {sent.mic}".encode() in mdn.body
    assert b"Original-Recipient: rfc822; edigw" in mdn.body
    assert b"Final-Recipient: rfc822; edigw" in mdn.body

    result = exchange.read_mdn(mdn, sent)
    assert result.status is MdnStatus.DELIVERED and result.reason is None
    assert result.signed and result.mic == sent.mic
    assert result.original_message_id == sent.message_id
    assert result.disposition.type == "processed" and result.disposition.ok
    assert result.envelope.as2_from == "edigw"
    assert "processed" in result.text


def test_unsigned_mdn_when_not_requested(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD, mdn_signed=False)
    assert "Disposition-Notification-Options" not in sent.headers
    inbound = exchange.receive(sent.headers, sent.body)
    mdn = exchange.answer(inbound)
    assert mdn.headers["Content-Type"].startswith("multipart/report;")
    result = exchange.read_mdn(mdn, sent, require_signature=False)
    assert result.status is MdnStatus.DELIVERED and not result.signed
    with pytest.raises(InsufficientMessageSecurity):
        exchange.read_mdn(mdn, sent, require_signature=True)


def test_error_mdn_is_failed_with_modifier(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD)
    inbound = exchange.receive(sent.headers, sent.body)
    mdn = build_mdn(inbound.envelope, mic=None, error=DecryptionFailed("x"), signer=exchange.receiver)
    result = exchange.read_mdn(mdn, sent)
    assert result.status is MdnStatus.FAILED
    assert result.reason == "decryption-failed"
    assert result.disposition == Disposition(
        "automatic-action/MDN-sent-automatically", "processed", "error", "decryption-failed"
    )


def test_mic_mismatch(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD)
    inbound = exchange.receive(sent.headers, sent.body)
    wrong = Mic.compute(b"something else", "sha-256")
    result = exchange.read_mdn(build_mdn(inbound.envelope, mic=wrong, signer=exchange.receiver), sent)
    assert result.status is MdnStatus.MIC_MISMATCH
    assert str(sent.mic) in (result.reason or "")
    no_mic = exchange.read_mdn(build_mdn(inbound.envelope, mic=None, signer=exchange.receiver), sent)
    assert no_mic.status is MdnStatus.MIC_MISMATCH


def test_mic_of_other_algorithm_does_not_match(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD, digest="sha-256")
    same_digest_other_alg = Mic(sent.mic.digest, "sha-512")
    assert not sent.mic.matches(same_digest_other_alg)
    assert sent.mic.matches(Mic.parse(f"{sent.mic.encoded}, SHA256"))


def test_tampered_mdn_is_integrity_check_failed(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD)
    mdn = exchange.answer(exchange.receive(sent.headers, sent.body))
    forged = mdn.body.replace(b"; processed\r\n", b"; processed/error: authentication-failed\r\n")
    assert forged != mdn.body
    with pytest.raises(IntegrityCheckFailed):
        parse_mdn(mdn.headers, forged, lambda _: exchange.receiver_as_partner, expected_mic=sent.mic)


def test_mdn_signed_by_wrong_certificate(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD)
    inbound = exchange.receive(sent.headers, sent.body)
    mdn = build_mdn(inbound.envelope, mic=inbound.mic, signer=make_identity("forger"))
    with pytest.raises(AuthenticationFailed):
        exchange.read_mdn(mdn, sent)


def test_mdn_with_sha1_signature_when_requested(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD, digest="sha-1")
    inbound = exchange.receive(sent.headers, sent.body)
    assert inbound.envelope.mdn == MdnRequest(signed=True, micalgs=("sha-1",))
    mdn = exchange.answer(inbound)
    assert "micalg=sha-1" in mdn.headers["Content-Type"]
    assert exchange.read_mdn(mdn, sent).status is MdnStatus.DELIVERED


def test_mdn_that_is_not_a_report_is_malformed(exchange: Exchange) -> None:
    headers = {"AS2-From": "edigw", "AS2-To": "x", "Message-ID": "<m@x>", "Content-Type": "text/plain"}
    with pytest.raises(MalformedMessage):
        parse_mdn(headers, b"hello", lambda _: None)


def test_report_parts_are_exact_multipart(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD, mdn_signed=False)
    mdn = exchange.answer(exchange.receive(sent.headers, sent.body))
    boundary = mdn.headers["Content-Type"].split('boundary="')[1].rstrip('"')
    human, report = split_multipart(mdn.body, boundary)
    assert human.startswith(b"Content-Type: text/plain")
    assert report.startswith(b"Content-Type: message/disposition-notification")


@pytest.mark.parametrize(
    ("value", "ok", "modifier"),
    [
        ("automatic-action/MDN-sent-automatically; processed", True, None),
        ("automatic-action/MDN-sent-automatically; processed/warning: duplicate-document", True, "duplicate-document"),
        (
            "automatic-action/MDN-sent-automatically; processed/Error: authentication-failed",
            False,
            "authentication-failed",
        ),
        ("automatic-action/MDN-sent-automatically; failed/Failure: unsupported format", False, "unsupported format"),
    ],
)
def test_disposition_parse(value: str, ok: bool, modifier: str | None) -> None:
    disposition = Disposition.parse(value)
    assert (disposition.ok, disposition.modifier) == (ok, modifier)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            "signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=optional, sha-256",
            MdnRequest(True, ("sha-256",)),
        ),
        (
            "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha256",
            MdnRequest(True, ("sha-256",)),
        ),
        (
            "signed-receipt-protocol=optional,pkcs7-signature;signed-receipt-micalg=optional,md5,sha1",
            MdnRequest(True, ("sha-1",)),
        ),
        ("", MdnRequest(False, ())),
    ],
)
def test_mdn_request_from_headers(options: str, expected: MdnRequest) -> None:
    headers = {"Disposition-Notification-To": "x@y", "Disposition-Notification-Options": options}
    assert MdnRequest.from_headers(headers) == expected
    assert MdnRequest.from_headers({"Disposition-Notification-Options": options}) is None


def test_unsigned_mdn_when_our_identity_is_unknown() -> None:
    """The gateway passes signer=None when AS2-To named no identity of ours: the MDN still goes out."""
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    mdn = build_mdn(read_envelope(sent.headers), mic=None, error=UnknownTradingPartner("?"), signer=None)
    result = parse_mdn(mdn.headers, mdn.body, lambda _: partner_view(exchange.receiver))
    assert result.status is MdnStatus.FAILED and result.reason == "unknown-trading-partner"
