"""Interop with pyas2lib, an independent AS2 implementation, in both directions.

pyas2lib cannot be imported as installed on machines with OpenSSL 3.0.x, x >= 10
(oscrypto 1.3.0 version detection); ``tests.support.oscrypto_compat`` applies
oscrypto master's fix in memory at import time, without editing site-packages. See
that module and ``edi.as2``'s docstring for why this is test-only.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from cryptography.hazmat.primitives import serialization

from edi.as2 import (
    AuthenticationFailed,
    LocalIdentity,
    MdnStatus,
    build_mdn,
    parse_mdn,
    read_envelope,
)
from tests.support import oscrypto_compat
from tests.support.as2_exchange import Exchange, http_bytes
from tests.support.as2_keys import make_identity, partner_view

try:
    as2: ModuleType = oscrypto_compat.import_pyas2lib()
except ImportError as exc:  # pragma: no cover - pyas2lib is in the test extra
    pytest.skip(f"pyas2lib not importable: {exc}", allow_module_level=True)

PAYLOAD = b"ISA*00*          *00*          *ZZ*PYAS2*ZZ*EDIGW~GS*PO*PYAS2*EDIGW~ST*850*0001~\r\n" * 300


def _key_pem(identity: LocalIdentity) -> bytes:
    key = identity.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key + _cert_pem(identity)


def _cert_pem(identity: LocalIdentity) -> bytes:
    return identity.certificate.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def parties() -> tuple[LocalIdentity, LocalIdentity]:
    """(edigw, pyas2lib's organization); the latter's name needs AS2 quoting."""
    return make_identity("edigw"), make_identity("py as2")


def _pyas2lib_org(identity: LocalIdentity) -> object:
    return as2.Organization(as2_name=identity.as2_id, sign_key=_key_pem(identity), decrypt_key=_key_pem(identity))


def _pyas2lib_partner(identity: LocalIdentity, **settings: object) -> object:
    cert = _cert_pem(identity)
    return as2.Partner(as2_name=identity.as2_id, verify_cert=cert, encrypt_cert=cert, **settings)


def test_oscrypto_fix_is_applied_in_memory_only() -> None:
    """Patched exactly when the installed file has the bug, and the installed file is left as it was."""
    # imported here: it must be loaded through the shim, which import_pyas2lib() installed above
    import oscrypto._openssl._libcrypto_cffi as libcrypto

    assert libcrypto.version_info >= (1, 1)
    loader = libcrypto.__spec__.loader
    assert isinstance(loader, oscrypto_compat._FixedSourceLoader)
    installed = Path(loader.origin).read_text(encoding="utf-8")
    assert loader.patched == any(old in installed for old, _ in oscrypto_compat.REPLACEMENTS)


OUR_SIDE = [
    pytest.param(
        dict(sign=True, encrypt=True, compression="before-signing", digest="sha-256", cipher="aes256-cbc"),
        id="sign-enc-zip-aes256",
    ),
    pytest.param(dict(sign=True, encrypt=True, digest="sha-1", cipher="3des-cbc"), id="sign-enc-sha1-3des"),
    pytest.param(
        dict(sign=True, encrypt=True, compression="after-signing", cipher="aes128-cbc"), id="sign-zip-after-enc-aes128"
    ),
    pytest.param(dict(sign=True, encrypt=False), id="sign-only"),
    pytest.param(dict(sign=False, encrypt=True, cipher="aes128-cbc"), id="enc-only"),
    pytest.param(dict(sign=False, encrypt=False), id="plain"),
]


@pytest.mark.parametrize("options", OUR_SIDE)
def test_our_message_parsed_by_pyas2lib_and_its_mdn_parsed_by_us(
    parties: tuple[LocalIdentity, LocalIdentity], options: dict[str, object]
) -> None:
    ours, theirs = parties
    exchange = Exchange(ours, theirs)
    sent = exchange.send(PAYLOAD, filename="po.edi", **options)

    message = as2.Message()
    status, (error, trace), mdn = message.parse(
        http_bytes(sent.headers, sent.body),
        find_org_cb=lambda name: _pyas2lib_org(theirs) if name == theirs.as2_id else None,
        find_partner_cb=lambda name: (
            _pyas2lib_partner(ours, sign=options["sign"], encrypt=options["encrypt"]) if name == ours.as2_id else None
        ),
    )
    assert status == "processed", trace
    assert message.payload.get_payload(decode=True) == PAYLOAD
    if options["sign"]:
        assert message.mic.decode() == sent.mic.encoded

    result = parse_mdn(
        mdn.headers,
        mdn.content,
        lambda name: partner_view(theirs) if name == theirs.as2_id else None,
        expected_mic=sent.mic if options["sign"] else None,
        require_signature=True,
    )
    assert result.status is MdnStatus.DELIVERED, result.reason
    assert result.original_message_id == sent.message_id
    assert result.signed


THEIR_SIDE = [
    pytest.param(
        dict(sign=True, encrypt=True, compress=True, digest_alg="sha256", enc_alg="aes_256_cbc"),
        id="sign-enc-zip-aes256",
    ),
    pytest.param(
        dict(sign=True, encrypt=True, digest_alg="sha1", enc_alg="tripledes_192_cbc"), id="sign-enc-sha1-3des"
    ),
    pytest.param(
        dict(sign=True, encrypt=True, digest_alg="sha512", enc_alg="aes_192_cbc"), id="sign-enc-sha512-aes192"
    ),
    pytest.param(dict(sign=True, encrypt=False, digest_alg="sha256"), id="sign-only"),
    pytest.param(dict(sign=False, encrypt=True, enc_alg="aes_128_cbc"), id="enc-only"),
]


@pytest.mark.parametrize("settings", THEIR_SIDE)
def test_pyas2lib_message_parsed_by_us_and_our_mdn_verified_by_pyas2lib(
    parties: tuple[LocalIdentity, LocalIdentity], settings: dict[str, object]
) -> None:
    ours, theirs = parties
    peer = _pyas2lib_partner(ours, mdn_mode="SYNC", mdn_digest_alg="sha256", **settings)
    message = as2.Message(sender=_pyas2lib_org(theirs), receiver=peer)
    message.build(PAYLOAD, filename="../in/po.edi", content_type="application/edi-x12")

    exchange = Exchange(
        theirs, ours, require_signature=bool(settings["sign"]), require_encryption=bool(settings["encrypt"])
    )
    inbound = exchange.receive(message.headers, message.content)
    assert inbound.payload == PAYLOAD
    assert inbound.filename == "po.edi"
    assert inbound.envelope.as2_from == "py as2"
    if settings["sign"]:
        assert inbound.mic.encoded == message.mic.decode()

    mdn = build_mdn(inbound.envelope, mic=inbound.mic, signer=ours)
    status, detail = as2.Mdn().parse(http_bytes(mdn.headers, mdn.body), lambda _id, _rcpt: message)
    assert (status, detail) == ("processed", None)


def test_pyas2lib_message_from_untrusted_key_gets_authentication_failed_mdn(
    parties: tuple[LocalIdentity, LocalIdentity],
) -> None:
    ours, theirs = parties
    impostor = make_identity("py as2 impostor")
    peer = _pyas2lib_partner(ours, sign=True, encrypt=True, mdn_mode="SYNC", mdn_digest_alg="sha256")
    org = as2.Organization(as2_name="py as2", sign_key=_key_pem(impostor), decrypt_key=_key_pem(impostor))
    message = as2.Message(sender=org, receiver=peer)
    message.build(PAYLOAD)

    with pytest.raises(AuthenticationFailed) as err:
        Exchange(theirs, ours).receive(message.headers, message.content)

    mdn = build_mdn(read_envelope(message.headers), mic=None, error=err.value, signer=ours)
    status, detail = as2.Mdn().parse(http_bytes(mdn.headers, mdn.body), lambda _id, _rcpt: message)
    assert (status, detail) == ("processed/error", "authentication-failed")
