"""Build -> parse -> MDN -> MDN parse for every packaging combination AS2 partners use."""

from __future__ import annotations

import re

import pytest

from edi.as2 import Compression, MdnMode, MdnStatus, SendOptions, build_message, parse_message
from tests.support.as2_exchange import Exchange
from tests.support.as2_keys import make_identity, partner_view

PAYLOAD = (
    b"ISA*00*          *00*          *ZZ*ACME           *ZZ*EDIGW          *260101*1200*U*00401*000000001*0*P*>~\r\n"
    * 40
)


def _combinations() -> list:
    params = []
    for signed in (True, False):
        for compression in Compression:
            for digest in ("sha-256", "sha-1"):
                for cipher in ("aes128-cbc", "aes256-cbc", "3des-cbc", None):
                    name = f"{'signed' if signed else 'unsigned'}-{compression.value}-{digest}-{cipher or 'plain'}"
                    params.append(pytest.param(signed, compression, digest, cipher, id=name))
    return params


@pytest.mark.parametrize(("signed", "compression", "digest", "cipher"), _combinations())
def test_round_trip(signed: bool, compression: Compression, digest: str, cipher: str | None) -> None:
    exchange = Exchange.default(require_signature=signed, require_encryption=cipher is not None)
    sent = exchange.send(
        PAYLOAD,
        filename="po-1.edi",
        sign=signed,
        digest=digest,
        encrypt=cipher is not None,
        cipher=cipher or "aes256-cbc",
        compression=compression,
    )

    inbound = exchange.receive(sent.headers, sent.body)

    assert inbound.payload == PAYLOAD
    assert inbound.content_type == "application/edi-x12"
    assert inbound.filename == "po-1.edi"
    assert (inbound.signed, inbound.encrypted, inbound.compressed) == (
        signed,
        cipher is not None,
        compression is not Compression.NONE,
    )
    assert inbound.cipher == cipher
    assert inbound.signature_digest == (digest if signed else None)
    assert inbound.envelope.message_id == sent.message_id
    assert inbound.mic == sent.mic

    result = exchange.read_mdn(exchange.answer(inbound), sent)
    assert result.status is MdnStatus.DELIVERED
    assert result.original_message_id == sent.message_id
    assert result.signed
    assert result.mic == sent.mic


def test_mic_is_over_the_signed_entity_not_the_bare_payload() -> None:
    exchange = Exchange.default()
    signed = exchange.send(PAYLOAD, sign=True, encrypt=True)
    plain = Exchange.default(require_signature=False, require_encryption=False).send(PAYLOAD, sign=False, encrypt=False)
    assert plain.mic.digest != signed.mic.digest  # unsigned+unencrypted: payload only; signed: headers + payload
    assert exchange.receive(signed.headers, signed.body).mic == signed.mic


def test_outbound_headers() -> None:
    exchange = Exchange.default()
    sent = exchange.send(
        PAYLOAD, subject="PO 4711", digest="sha256", mdn=MdnMode.ASYNC, async_mdn_url="https://gw/as2/mdn"
    )
    h = sent.headers
    assert h["AS2-Version"] == "1.2"
    assert h["AS2-From"] == '"ACME Supply"'  # quoted because of the space
    assert h["AS2-To"] == "edigw"
    assert re.fullmatch(r"<[0-9a-f-]{36}@[A-Za-z0-9.-]+>", h["Message-ID"])
    assert h["Subject"] == "PO 4711"
    assert h["Disposition-Notification-To"]
    assert h["Disposition-Notification-Options"] == (
        "signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=optional, sha-256"
    )
    assert h["Receipt-Delivery-Option"] == "https://gw/as2/mdn"
    assert h["Content-Type"] == "application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m"
    inbound = exchange.receive(h, sent.body)
    assert inbound.envelope.mdn is not None and inbound.envelope.mdn.async_url == "https://gw/as2/mdn"


def test_signed_only_is_multipart_signed_with_micalg() -> None:
    sent = Exchange.default().send(PAYLOAD, encrypt=False, digest="sha1", mdn=MdnMode.NONE)
    assert sent.headers["Content-Type"].startswith(
        'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-1'
    )
    assert "Disposition-Notification-To" not in sent.headers
    assert sent.mdn_request is None


def test_header_names_are_case_insensitive() -> None:
    exchange = Exchange.default()
    sent = exchange.send(PAYLOAD)
    lowered = {k.lower(): v for k, v in sent.headers.items()}
    assert exchange.receive(lowered, sent.body).payload == PAYLOAD


@pytest.mark.parametrize(
    ("content_type", "payload"),
    [
        ("application/xml", b'<?xml version="1.0"?>\n<cXML payloadID="1"/>\n'),
        ("application/octet-stream", bytes(range(256)) * 8),
        ("application/edifact", "UNB+UNOC:3+ÄCME+EDIGW'".encode()),
    ],
)
def test_content_types_and_binary_payloads(content_type: str, payload: bytes) -> None:
    exchange = Exchange.default()
    inbound = exchange.receive(*_pair(exchange.send(payload, content_type=content_type, compression="after-signing")))
    assert (inbound.content_type, inbound.payload) == (content_type, payload)


def test_ec_signature_round_trip() -> None:
    sender, receiver = make_identity("ec-partner", "ec"), make_identity("edigw")
    sent = build_message(PAYLOAD, sender, partner_view(receiver), SendOptions(encrypt=False, digest="sha-384"))
    inbound = parse_message(
        sent.headers,
        sent.body,
        lambda _to: receiver,
        lambda _from: partner_view(sender, require_encryption=False),
    )
    assert inbound.payload == PAYLOAD and inbound.signature_digest == "sha-384"


def test_non_ascii_filename_is_encoded_and_read_back() -> None:
    exchange = Exchange.default()
    inbound = exchange.receive(*_pair(exchange.send(PAYLOAD, filename="Bestellung-Ä.edi")))
    assert inbound.filename == "Bestellung-Ä.edi"


def test_send_options_are_validated() -> None:
    with pytest.raises(ValueError):
        SendOptions(digest="md5")
    with pytest.raises(ValueError):
        SendOptions(cipher="rc2")
    with pytest.raises(ValueError):
        SendOptions(mdn=MdnMode.ASYNC)
    with pytest.raises(ValueError):
        SendOptions(subject="x\r\nBcc: evil")
    assert SendOptions(cipher="tripledes_192_cbc", digest="SHA256").cipher == "3des-cbc"


def _pair(sent):  # type: ignore[no-untyped-def]
    return sent.headers, sent.body
