"""Message Disposition Notifications (RFC 3798 as profiled by RFC 4130 §7).

:func:`build_mdn` answers an inbound message (sync in the HTTP response, or async by
POST to the Receipt-Delivery-Option URL, same bytes either way). :func:`parse_mdn`
reads a partner's MDN and compares its MIC with the one recorded when we sent, giving
a :class:`MdnResult` whose ``status`` the gateway records without further interpretation.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from enum import StrEnum

from edi.as2.envelope import AS2_VERSION, EDIINT_FEATURES, Envelope, new_message_id, read_envelope
from edi.as2.errors import (
    MDN_ACTION_MODE,
    AS2Error,
    InsufficientMessageSecurity,
    MalformedMessage,
    UnknownTradingPartner,
)
from edi.as2.keys import LocalIdentity
from edi.as2.mic import Mic
from edi.as2.mime import (
    Entity,
    build_multipart,
    entity_from_http,
    header_value,
    make_boundary,
    parse_entity,
    quote_as2_name,
    render_entity,
    split_multipart,
)
from edi.as2.parse import FindPartner
from edi.as2.smime import signed_entity, verify_signed_entity

__all__ = ["MdnMessage", "MdnStatus", "MdnResult", "Disposition", "build_mdn", "parse_mdn"]

REPORTING_UA = "edigw AS2"
_TEXT_OK = "The AS2 message has been received and processed. This receipt confirms delivery, not content acceptance."
_TEXT_ERROR = "The AS2 message could not be processed: {detail}"


@dataclass(frozen=True)
class MdnMessage:
    message_id: str
    headers: dict[str, str]
    body: bytes = field(repr=False)


def build_mdn(
    envelope: Envelope,
    *,
    mic: Mic | None,
    error: AS2Error | None = None,
    signer: LocalIdentity | None = None,
    message_id_host: str = "edigw",
    text: str | None = None,
) -> MdnMessage:
    """The MDN for ``envelope``: ``processed`` or ``processed/error: <error.modifier>``.

    It is signed when the sender asked for a signed receipt and ``signer`` is given
    (the gateway passes None when our own identity is unknown); the signature digest
    is the sender's preferred micalg.
    """
    disposition = error.disposition if error else f"{MDN_ACTION_MODE}; processed"
    fields = [
        ("Reporting-UA", REPORTING_UA),
        ("Original-Recipient", f"rfc822; {envelope.as2_to}"),
        ("Final-Recipient", f"rfc822; {envelope.as2_to}"),
        ("Original-Message-ID", f"<{envelope.message_id}>"),
    ]
    if mic is not None:
        fields.append(("Received-Content-MIC", str(mic)))
    fields.append(("Disposition", disposition))
    human = text or (_TEXT_ERROR.format(detail=error.modifier) if error else _TEXT_OK)
    boundary = make_boundary()
    report_parts = [
        render_entity(
            [("Content-Type", "text/plain; charset=us-ascii"), ("Content-Transfer-Encoding", "7bit")],
            human.encode("ascii", "replace") + b"\r\n",
        ),
        render_entity(
            [("Content-Type", "message/disposition-notification"), ("Content-Transfer-Encoding", "7bit")],
            render_entity(fields, b""),
        ),
    ]
    headers = [
        (
            "Content-Type",
            header_value("multipart/report", {"report-type": "disposition-notification", "boundary": boundary}),
        )
    ]
    body = build_multipart(report_parts, boundary)
    request = envelope.mdn
    if signer is not None and request is not None and request.signed:
        headers, body = signed_entity(render_entity(headers, body), signer, request.micalg or "sha-256")

    message_id = new_message_id(message_id_host)
    http = {
        "AS2-Version": AS2_VERSION,
        "EDIINT-Features": EDIINT_FEATURES,
        "AS2-From": quote_as2_name(envelope.as2_to),
        "AS2-To": quote_as2_name(envelope.as2_from),
        "Message-ID": message_id,
        "Subject": f"Message Disposition Notification for {envelope.message_id}"[:200],
        "Date": email.utils.formatdate(usegmt=True),
        "MIME-Version": "1.0",
        **dict(headers),
    }
    return MdnMessage(message_id.strip("<>"), http, body)


class MdnStatus(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    MIC_MISMATCH = "mic-mismatch"


@dataclass(frozen=True)
class Disposition:
    """``automatic-action/MDN-sent-automatically; processed/error: decryption-failed`` split up."""

    mode: str
    type: str
    modifier_kind: str | None = None
    modifier: str | None = None

    @classmethod
    def parse(cls, value: str) -> Disposition:
        mode, sep, rest = value.partition(";")
        if not sep:
            raise MalformedMessage(f"unreadable Disposition {value!r}")
        kind, _, modifier = rest.partition("/")
        modifier_kind, _, description = modifier.partition(":")
        return cls(
            mode=mode.strip(),
            type=kind.strip().lower(),
            modifier_kind=modifier_kind.strip().lower() or None,
            modifier=description.strip() or None,
        )

    @property
    def ok(self) -> bool:
        """Processed, possibly with a warning; anything else is a failure."""
        return self.type == "processed" and self.modifier_kind in (None, "warning")


@dataclass(frozen=True)
class MdnResult:
    """What a partner's MDN says about one of our messages."""

    original_message_id: str
    status: MdnStatus
    disposition: Disposition
    reason: str | None
    mic: Mic | None
    signed: bool
    envelope: Envelope
    text: str = ""


def _report_fields(report: Entity) -> tuple[Message, str]:
    """(disposition-notification fields, human-readable text) from a multipart/report entity."""
    if report.content_type != "multipart/report":
        raise MalformedMessage(f"MDN is {report.content_type}, expected multipart/report")
    fields: Message | None = None
    text = ""
    for raw in split_multipart(report.body, report.param("boundary") or ""):
        part = parse_entity(raw)
        if part.content_type == "message/disposition-notification":
            fields = BytesHeaderParser(policy=compat32).parsebytes(part.decoded_body())
        elif part.content_type == "text/plain" and not text:
            text = part.decoded_body().decode("utf-8", "replace").strip()
    if fields is None or not fields.get("Disposition"):
        raise MalformedMessage("MDN has no disposition-notification part with a Disposition")
    return fields, text


def parse_mdn(
    headers: Mapping[str, str],
    body: bytes,
    find_partner: FindPartner,
    *,
    expected_mic: Mic | None = None,
    require_signature: bool = False,
) -> MdnResult:
    """Verify and read an MDN; ``expected_mic`` is the MIC recorded by :func:`build_message`.

    A signature that fails raises (the MDN cannot be trusted at all); a failed
    disposition or a different MIC is a result, not an exception.
    """
    envelope = read_envelope(headers)
    entity = entity_from_http(headers, body)
    signed = entity.content_type == "multipart/signed"
    if signed:
        partner = find_partner(envelope.as2_from)
        if partner is None:
            raise UnknownTradingPartner(f"MDN from unknown partner {envelope.as2_from!r}")
        entity, _, _ = verify_signed_entity(entity, partner.verify_certificates)
    elif require_signature:
        raise InsufficientMessageSecurity("a signed MDN was requested but the MDN is not signed")

    fields, text = _report_fields(entity)
    disposition = Disposition.parse(str(fields["Disposition"]))
    raw_mic = fields.get("Received-Content-MIC")
    try:
        mic = Mic.parse(str(raw_mic)) if raw_mic else None
    except ValueError:
        mic = None
    original = str(fields.get("Original-Message-ID", "")).strip().removeprefix("<").removesuffix(">")

    if not disposition.ok:
        status = MdnStatus.FAILED
        reason = disposition.modifier or disposition.type
    elif expected_mic is not None and (mic is None or not mic.matches(expected_mic)):
        status, reason = MdnStatus.MIC_MISMATCH, f"expected MIC {expected_mic}, MDN returned {raw_mic or 'none'}"
    else:
        status, reason = MdnStatus.DELIVERED, disposition.modifier
    return MdnResult(original, status, disposition, reason, mic, signed, envelope, text)
