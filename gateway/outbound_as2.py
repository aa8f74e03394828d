"""Sending AS2 messages to partners and matching the MDNs that come back.

``send_as2`` packages a stored outbound message with the partner's profile (sign,
encrypt, compress), records the MDN it expects (with the MIC to check) before the POST,
sends it, and reads a synchronous MDN at once. Asynchronous MDNs arrive at
``POST /as2/mdn`` and are matched by Original-Message-ID in ``record_mdn``.

Failures are classified for the caller's retry policy (a Celery task) by
:mod:`gateway.sending`; bad configuration is a :class:`PermanentSendError`.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from edi.as2 import AS2Error, Compression, Envelope, MdnMode, SendOptions, build_message, parse_mdn
from edi.as2.mdn import MdnResult
from edi.as2.mic import Mic
from gateway.inbound import http_blob
from gateway.runtime import Runtime
from gateway.sending import RETRYABLE_STATUS, PermanentSendError, TransientSendError, post, stored_outbound
from gateway.store import (
    Direction,
    Event,
    Message,
    State,
    add_event,
    expect_ack,
    record_ack,
    transaction,
)
from gateway.store.acks import EXPECTED
from gateway.store.models import Acknowledgement
from partners.profile import Profile

__all__ = ["SendResult", "TransientSendError", "PermanentSendError", "send_as2", "record_mdn", "RETRYABLE_STATUS"]

log = logging.getLogger("edigw.as2.out")

_CIPHERS = {"aes128": "aes128-cbc", "aes192": "aes192-cbc", "aes256": "aes256-cbc", "3des": "des-ede3-cbc"}


@dataclass(frozen=True, slots=True)
class SendResult:
    message_id: uuid.UUID
    as2_message_id: str
    mdn_status: str | None  # delivered | failed | mic-mismatch | None (async or no MDN)
    detail: str = ""


def options_for(profile: Profile, *, filename: str | None, content_type: str, public_url: str | None) -> SendOptions:
    as2 = profile.transports.as2
    if as2 is None:
        raise PermanentSendError(f"partner {profile.id!r} has no AS2 transport")
    async_mdn = as2.mdn.mode == "async"
    return SendOptions(
        content_type=content_type,
        filename=filename,
        subject=f"EDI from {as2.our_id}",
        sign=True,
        digest=as2.signing,
        encrypt=True,
        cipher=_CIPHERS[as2.encryption],
        compression=Compression.BEFORE_SIGNING if as2.compression else Compression.NONE,
        mdn=MdnMode.ASYNC if async_mdn else MdnMode.SYNC,
        mdn_signed=as2.mdn.require_signed,
        async_mdn_url=(public_url.rstrip("/") + "/as2/mdn") if async_mdn and public_url else None,
    )


def send_as2(
    runtime: Runtime,
    profile: Profile,
    message_id: uuid.UUID,
    *,
    public_url: str | None = None,
    mdn_due: dt.timedelta = dt.timedelta(hours=1),
) -> SendResult:
    """POST the stored outbound message ``message_id`` to the partner and read a sync MDN.

    The message (payload, file name, content type) was recorded when it was built, in
    the same transaction as the intent to send it; this only packages and sends it.
    """
    as2 = profile.transports.as2
    if as2 is None:
        raise PermanentSendError(f"partner {profile.id!r} has no AS2 transport")
    stored = stored_outbound(runtime, message_id)
    payload, filename, content_type = stored.payload, stored.file_name, stored.content_type or "application/edi-x12"
    try:
        sender = runtime.as2.local_identity(profile)
        partner = runtime.as2.find_partner(profile.identities.as2[0], as2.our_id)
        options = options_for(profile, filename=filename, content_type=content_type, public_url=public_url)
        outbound = build_message(payload, sender, partner, options)
    except (AS2Error, ValueError, OSError) as exc:
        raise PermanentSendError(f"cannot package AS2 message for {profile.id!r}: {exc}") from exc

    with transaction(runtime.sessions) as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.as2_message_id = outbound.message_id.strip("<>")
        add_event(session, message_id, State.BUILT, {"as2_message_id": outbound.message_id, "mic": str(outbound.mic)})
        if outbound.mdn_request is not None:
            expect_ack(
                session,
                kind="MDN",
                partner_id=profile.id,
                related_message_id=message_id,
                due_at=dt.datetime.now(dt.UTC) + mdn_due,
            )

    status, headers, body = post(str(as2.url), outbound.headers, outbound.body, as2.timeout_seconds)
    with transaction(runtime.sessions) as session:
        add_event(session, message_id, State.SENT, {"transport": "as2", "http_status": status})
    if outbound.mdn_request is None or outbound.mdn_request.is_async:
        return SendResult(message_id, outbound.message_id, None)
    result = _record_mdn_sync(runtime, profile, message_id, outbound.mic, headers, body)
    return SendResult(message_id, outbound.message_id, result)


def _parse_mdn(
    runtime: Runtime, profile: Profile, headers: Mapping[str, str], body: bytes, mic: Mic | None = None
) -> MdnResult:
    """Verify a partner's MDN with its certificate (signature required when its profile says so)."""
    as2 = profile.transports.as2
    assert as2 is not None
    return parse_mdn(
        headers,
        body,
        lambda as2_from: runtime.as2.find_partner(as2_from, as2.our_id),
        expected_mic=mic,
        require_signature=as2.mdn.require_signed,
    )


def _record_mdn_sync(
    runtime: Runtime, profile: Profile, message_id: uuid.UUID, mic: Mic, headers: Mapping[str, str], body: bytes
) -> str:
    try:
        result = _parse_mdn(runtime, profile, headers, body, mic)
        status, detail = result.status.value, result.reason or ""
    except AS2Error as exc:
        status, detail = "invalid", f"{exc.modifier}: {exc}"
    _store_mdn(runtime, profile.id, message_id, status, detail, headers, body)
    return status


def _store_mdn(
    runtime: Runtime,
    partner_id: str,
    message_id: uuid.UUID,
    status: str,
    detail: str,
    headers: Mapping[str, str],
    body: bytes,
) -> None:
    blob = http_blob(headers, body)
    with transaction(runtime.sessions) as session:
        expected = session.scalars(
            select(Acknowledgement).where(
                Acknowledgement.related_message_id == message_id,
                Acknowledgement.kind == "MDN",
                Acknowledgement.status == EXPECTED,
            )
        ).all()
        for ack in expected:
            ack.status, ack.acknowledged_at, ack.raw = status, dt.datetime.now(dt.UTC), blob
        if not expected:
            record_ack(
                session,
                direction=Direction.IN,
                kind="MDN",
                partner_id=partner_id,
                status=status,
                related_message_id=message_id,
                raw=blob,
            )
        state = State.ACKNOWLEDGED if status == "delivered" else State.FAILED
        add_event(session, message_id, state, {"mdn": status, "detail": detail})


def record_mdn(runtime: Runtime, envelope: Envelope, headers: Mapping[str, str], body: bytes) -> str:
    """Match an asynchronous MDN to the message we sent and record what it says."""
    profile = runtime.as2.profile_for(envelope.as2_from, envelope.as2_to)
    try:
        result = _parse_mdn(runtime, profile, headers, body)
    except AS2Error as exc:
        log.warning("async MDN from %s refused: %s", envelope.as2_from, exc)
        return "invalid"
    original = result.original_message_id.strip("<>")
    with runtime.sessions() as session:
        sent = session.scalars(
            select(Message).where(
                Message.as2_message_id.in_([original, f"<{original}>"]),
                Message.direction == Direction.OUT.value,
                Message.partner_id == profile.id,
            )
        ).first()
        if sent is None:
            log.warning("async MDN for unknown message %s from %s", original, profile.id)
            return "unmatched"
        built = session.scalars(
            select(Event).where(Event.message_id == sent.id, Event.state == State.BUILT.value)
        ).first()
        sent_id = sent.id
    status = result.status.value
    if built is not None and result.mic is not None and status == "delivered":
        expected = Mic.parse(built.detail["mic"])
        if not expected.matches(result.mic):
            status = "mic-mismatch"
    _store_mdn(runtime, profile.id, sent_id, status, result.reason or "", headers, body)
    return status
