"""Every way an inbound AS2 message can be refused maps to one exact MDN disposition modifier."""

from __future__ import annotations

import base64

import pytest

from edi.as2 import (
    AS2Error,
    AuthenticationFailed,
    DecompressionFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    MalformedMessage,
    UnknownTradingPartner,
    build_mdn,
    read_envelope,
)
from edi.as2.mime import render_entity
from edi.as2.smime import signed_entity
from tests.support.as2_exchange import Exchange
from tests.support.as2_keys import make_identity

PAYLOAD = b"ST*850*0001~BEG*00*SA*4711**20260101~SE*3*0001~\r\n" * 50


def _headers_for(exchange: Exchange, content_type: str, **extra: str) -> dict[str, str]:
    return {
        "AS2-Version": "1.2",
        "AS2-From": f'"{exchange.sender.as2_id}"',
        "AS2-To": exchange.receiver.as2_id,
        "Message-ID": "<crafted-1@test>",
        "Content-Type": content_type,
        **extra,
    }


def test_tampered_payload_is_integrity_check_failed() -> None:
    exchange = Exchange.default(require_encryption=False)
    sent = exchange.send(PAYLOAD, encrypt=False)
    body = sent.body.replace(b"4711", b"4712", 1)
    with pytest.raises(IntegrityCheckFailed) as err:
        exchange.receive(sent.headers, body)
    assert err.value.modifier == "integrity-check-failed"
    assert err.value.disposition == ("automatic-action/MDN-sent-automatically; processed/error: integrity-check-failed")


def test_wrong_decryption_key_is_decryption_failed() -> None:
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    impostor = make_identity("edigw-old-key")  # our AS2 id, but a key the sender did not encrypt to
    with pytest.raises(DecryptionFailed) as err:
        exchange.__class__(exchange.sender, impostor).receive({**sent.headers, "AS2-To": "edigw-old-key"}, sent.body)
    assert err.value.modifier == "decryption-failed"


@pytest.mark.parametrize("cipher", ["aes128-cbc", "aes256-cbc", "3des-cbc"])
def test_corrupt_ciphertext_is_decryption_failed(cipher: str) -> None:
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD, cipher=cipher)
    body = sent.body[:-40] + bytes(b ^ 0x55 for b in sent.body[-40:])
    with pytest.raises(DecryptionFailed):
        exchange.receive(sent.headers, body)


def test_signature_by_someone_else_is_authentication_failed() -> None:
    exchange = Exchange.default()
    forger = Exchange(make_identity("forger"), exchange.receiver)
    sent = forger.send(PAYLOAD)
    with pytest.raises(AuthenticationFailed) as err:
        exchange.receive({**sent.headers, "AS2-From": '"ACME Supply"'}, sent.body)
    assert err.value.modifier == "authentication-failed"


@pytest.mark.parametrize(("sign", "encrypt"), [(False, True), (True, False), (False, False)])
def test_less_security_than_policy_is_insufficient(sign: bool, encrypt: bool) -> None:
    exchange = Exchange.default(require_signature=True, require_encryption=True)
    sent = exchange.send(PAYLOAD, sign=sign, encrypt=encrypt)
    with pytest.raises(InsufficientMessageSecurity) as err:
        exchange.receive(sent.headers, sent.body)
    assert err.value.modifier == "insufficient-message-security"


def test_unknown_partner_and_unknown_receiver() -> None:
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    with pytest.raises(UnknownTradingPartner) as err:
        exchange.receive({**sent.headers, "AS2-From": "stranger"}, sent.body)
    assert err.value.modifier == "unknown-trading-partner"
    with pytest.raises(UnknownTradingPartner):
        exchange.receive({**sent.headers, "AS2-To": "not-us"}, sent.body)


@pytest.mark.parametrize("missing", ["AS2-From", "AS2-To", "Message-ID", "Content-Type"])
def test_missing_headers_are_malformed(missing: str) -> None:
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    headers = {k: v for k, v in sent.headers.items() if k != missing}
    with pytest.raises(MalformedMessage) as err:
        exchange.receive(headers, sent.body)
    assert err.value.modifier == "unexpected-processing-error"


@pytest.mark.parametrize(
    ("header", "value"), [("AS2-From", "caf\u00e9"), ("AS2-To", "x" * 129), ("Message-ID", "<a\x07b@c>")]
)
def test_identity_headers_echoed_into_the_mdn_must_be_printable(header: str, value: str) -> None:
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    with pytest.raises(MalformedMessage):
        read_envelope({**sent.headers, header: value})


def test_corrupt_compressed_data_is_decompression_failed() -> None:
    exchange = Exchange.default(require_signature=False, require_encryption=False)
    sent = exchange.send(PAYLOAD, sign=False, encrypt=False, compression="before-signing")
    with pytest.raises(DecompressionFailed) as err:
        exchange.receive(sent.headers, sent.body[:-30] + b"\x00" * 30)
    assert err.value.modifier == "decompression-failed"


def test_garbage_body_never_escapes_as_a_non_as2_error() -> None:
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    for body in (b"", b"\x00" * 64, b"not der at all", sent.body[:100]):
        with pytest.raises(AS2Error):
            exchange.receive(sent.headers, body)
    with pytest.raises(AS2Error):
        exchange.receive(
            {**sent.headers, "Content-Type": 'multipart/signed; boundary="x"'}, b"--x\r\njunk\r\n--x--\r\n"
        )


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename="C:\\\\Windows\\\\system32\\\\evil.dll"', "evil.dll"),
        ('attachment; filename=".."', None),
        ('attachment; filename="/"', None),
        ('attachment; filename=".bashrc"', "bashrc"),
        ("attachment; filename*=utf-8''..%2F..%2Fpo%0A.edi", "po.edi"),
    ],
)
def test_filename_is_sanitized_data_never_a_path(disposition: str, expected: str | None) -> None:
    exchange = Exchange.default(require_signature=False, require_encryption=False)
    headers = _headers_for(exchange, "application/edi-x12", **{"Content-Disposition": disposition})
    inbound = exchange.receive(headers, PAYLOAD)
    assert inbound.filename == expected
    assert inbound.payload == PAYLOAD


def test_signature_survives_crlf_to_lf_conversion() -> None:
    """A relay that rewrote CRLF to LF after signing: verify the canonical (CRLF) form instead."""
    exchange = Exchange.default(require_encryption=False)
    sent = exchange.send(PAYLOAD, encrypt=False, content_type="text/plain")
    inbound = exchange.receive(sent.headers, sent.body.replace(b"\r\n", b"\n"))
    assert inbound.payload == PAYLOAD
    assert inbound.mic == sent.mic


def test_base64_transfer_encoded_http_body_is_decoded() -> None:
    """Some products send the enveloped data base64-encoded, saying so in an HTTP header."""
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    headers = {**sent.headers, "Content-Transfer-Encoding": "base64"}
    assert exchange.receive(headers, base64.encodebytes(sent.body)).payload == PAYLOAD


def test_base64_transfer_encoded_payload_is_verified_raw_and_decoded() -> None:
    exchange = Exchange.default(require_encryption=False)
    encoded = base64.encodebytes(PAYLOAD).replace(b"\n", b"\r\n")
    entity = render_entity(
        [
            ("Content-Type", "application/edi-x12"),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Disposition", 'attachment; filename="po.edi"'),
        ],
        encoded,
    )
    headers, body = signed_entity(entity, exchange.sender, "sha-256")
    inbound = exchange.receive(_headers_for(exchange, dict(headers)["Content-Type"]), body)
    assert inbound.payload == PAYLOAD and inbound.filename == "po.edi" and inbound.signed


def test_error_mdn_carries_the_exception_modifier() -> None:
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    with pytest.raises(AS2Error) as err:
        exchange.receive(sent.headers, sent.body[:-16] + b"\x01" * 16)

    mdn = build_mdn(read_envelope(sent.headers), mic=None, error=err.value, signer=exchange.receiver)
    assert b"Disposition: automatic-action/MDN-sent-automatically; processed/error: decryption-failed" in mdn.body
    assert b"Received-Content-MIC" not in mdn.body
