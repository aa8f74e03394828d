"""AS2 into a running gateway: MDN only after commit, duplicates, every refusal kept and answered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from edi.as2 import LocalIdentity, MdnMode, Partner, SendOptions, build_message, parse_mdn
from edi.as2.build import Compression
from gateway.store import Message, current_status, history
from samples.simulators.as2_peer import load_identity
from tests.support.as2_keys import make_identity
from tests.support.gateway_server import RunningGateway, running_gateway

pytestmark = pytest.mark.integration

PO = (
    b"ISA*00*          *00*          *ZZ*BIGBOXSTORES   *ZZ*EDIGW          *240101*1200*U*00401*000000101*0*P*>~\n"
    b"GS*PO*BIGBOXSTORES*EDIGW*20240101*1200*101*X*004010~\nST*850*0001~\nBEG*00*SA*PO-AS2-1**20240101~\n"
    b"PO1*1*10*EA*9.5**BP*ABC~\nCTT*1~\nSE*5*0001~\nGE*1*101~\nIEA*1*000000101~\n"
)


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    with running_gateway(tmp_path_factory.mktemp("home")) as gw:
        yield gw


def identity(home: Path, as2_id: str) -> LocalIdentity:
    return load_identity(home / "keys", as2_id)


def send(
    gw: RunningGateway,
    payload: bytes = PO,
    *,
    sender: LocalIdentity | None = None,
    to: LocalIdentity | None = None,
    sign: bool = True,
    encrypt: bool = True,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], bytes, str, object]:
    home = gw.runtime.settings.home
    sender = sender or identity(home, "BIGBOX-AS2")
    ours = to or identity(home, "EDIGW-AS2")
    options = SendOptions(
        sign=sign,
        encrypt=encrypt,
        compression=Compression.BEFORE_SIGNING,
        mdn=MdnMode.SYNC,
        mdn_signed=True,
        filename="../../etc/po.edi",
    )
    partner = Partner(ours.as2_id, verify_certificates=(ours.certificate,), encryption_certificate=ours.certificate)
    msg = build_message(payload, sender, partner, options, {"AS2-From": "BIGBOX-AS2", **(headers or {})})
    status, resp_headers, body = gw.request("POST", "/as2", body=msg.body, headers=msg.headers)
    return status, resp_headers, body, msg.message_id, msg.mic


def read_mdn(gw: RunningGateway, headers: dict[str, str], body: bytes, mic: object = None):  # type: ignore[no-untyped-def]
    ours = identity(gw.runtime.settings.home, "EDIGW-AS2")
    return parse_mdn(
        headers,
        body,
        lambda _frm: Partner("EDIGW-AS2", verify_certificates=(ours.certificate,)),
        expected_mic=mic,  # type: ignore[arg-type]
        require_signature=True,
    )


def stored(gw: RunningGateway, as2_message_id: str) -> list[Message]:
    bare = as2_message_id.strip("<>")
    with gw.runtime.sessions() as session:
        return list(session.scalars(select(Message).where(Message.as2_message_id.in_([bare, f"<{bare}>"]))))


def test_signed_encrypted_compressed_850_gets_signed_mdn_after_commit(gateway: RunningGateway) -> None:
    status, headers, body, message_id, mic = send(gateway)
    assert status == 200
    mdn = read_mdn(gateway, headers, body, mic)
    assert mdn.status.value == "delivered" and mdn.signed
    assert mdn.original_message_id.strip("<>") == message_id.strip("<>")
    [message] = stored(gateway, message_id)
    with gateway.runtime.sessions() as session:
        raw = session.get(Message, message.id).raw
        assert raw == PO  # the decrypted, decompressed, verified payload
        assert current_status(session, message.id) == "received"
    assert message.partner_id == "bigbox" and message.transport == "as2"
    assert message.file_name == "po.edi" or "/" not in (message.file_name or "")


def test_duplicate_message_id_gets_the_same_mdn_and_is_not_processed_again(gateway: RunningGateway) -> None:
    payload = PO.replace(b"PO-AS2-1", b"PO-AS2-DUP")
    first = send(gateway, payload, headers={"Message-ID": "<dup-1@bigbox>"})
    second = send(gateway, payload, headers={"Message-ID": "<dup-1@bigbox>"})
    assert first[0] == second[0] == 200
    assert first[2] == second[2]  # byte-identical MDN
    messages = stored(gateway, "dup-1@bigbox")
    assert len(messages) == 2
    original, duplicate = sorted(messages, key=lambda m: m.received_at)
    assert duplicate.duplicate_of == original.id
    with gateway.runtime.sessions() as session:
        assert [e.state for e in history(session, duplicate.id)] == ["duplicate"]


@pytest.mark.parametrize(
    ("case", "modifier"),
    [
        ("unsigned", "insufficient-message-security"),
        ("unencrypted", "insufficient-message-security"),
        ("wrong-signer", "authentication-failed"),
        ("wrong-recipient", "decryption-failed"),
    ],
)
def test_refusals_are_kept_and_answered_with_precise_dispositions(
    gateway: RunningGateway, case: str, modifier: str
) -> None:
    kw: dict[str, object] = {}
    if case == "unsigned":
        kw["sign"] = False
    elif case == "unencrypted":
        kw["encrypt"] = False
    elif case == "wrong-signer":
        kw["sender"] = make_identity("BIGBOX-AS2")  # right name, someone else's key
    else:
        kw["to"] = make_identity("EDIGW-AS2")  # encrypted to a certificate that is not ours
    status, headers, body, message_id, _ = send(gateway, **kw)  # type: ignore[arg-type]
    assert status == 200
    mdn = read_mdn(gateway, headers, body)
    assert mdn.status.value == "failed"
    assert modifier in (mdn.reason or "") or modifier in str(mdn.disposition)
    [message] = stored(gateway, message_id)
    with gateway.runtime.sessions() as session:
        events = history(session, message.id)
    assert [e.state for e in events][-1] == "rejected"
    assert events[-1].detail["reason"] == modifier


def test_unknown_partner_is_refused_and_kept(gateway: RunningGateway) -> None:
    stranger = make_identity("STRANGER-AS2")
    status, headers, body, message_id, _ = send(gateway, sender=stranger, headers={"AS2-From": "STRANGER-AS2"})
    assert status == 200
    assert b"processed/error" in body
    [message] = stored(gateway, message_id)
    assert message.partner_id == "-unknown-"


def test_not_as2_at_all_is_400_and_kept(gateway: RunningGateway) -> None:
    status, _, body = gateway.request("POST", "/as2", body=b"hello", headers={"Content-Type": "text/plain"})
    assert status == 400
    with gateway.runtime.sessions() as session:
        assert session.scalars(select(Message).where(Message.sha256.is_not(None))).first() is not None
