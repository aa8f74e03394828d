"""The AS2 HTTP headers: who sent what to whom, and which MDN they asked for.

:func:`read_envelope` is separate from payload parsing so that the gateway can still
answer with an error MDN (and record the Message-ID) when the body cannot be read.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from edi.as2.algorithms import normalize_digest
from edi.as2.errors import MalformedMessage
from edi.as2.mime import lower_keys, unquote_as2_name

__all__ = ["AS2_VERSION", "EDIINT_FEATURES", "MdnRequest", "Envelope", "read_envelope", "new_message_id"]

AS2_VERSION = "1.2"
EDIINT_FEATURES = "CMS"


@dataclass(frozen=True)
class MdnRequest:
    """What the sender asked for in Disposition-Notification-To/-Options and Receipt-Delivery-Option."""

    signed: bool
    micalgs: tuple[str, ...]
    async_url: str | None = None

    @property
    def is_async(self) -> bool:
        return self.async_url is not None

    @property
    def micalg(self) -> str | None:
        """The sender's preferred MIC algorithm that we support, if any."""
        return self.micalgs[0] if self.micalgs else None

    def options_header(self) -> str:
        """The Disposition-Notification-Options value expressing this request."""
        protocol = "required" if self.signed else "optional"
        algs = ", ".join(self.micalgs) or "sha-256"
        return f"signed-receipt-protocol={protocol}, pkcs7-signature; signed-receipt-micalg=optional, {algs}"

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> MdnRequest | None:
        """None when no MDN was requested (no Disposition-Notification-To)."""
        lowered = lower_keys(headers)
        if not lowered.get("disposition-notification-to"):
            return None
        options = _parse_options(lowered.get("disposition-notification-options", ""))
        protocol = options.get("signed-receipt-protocol", ())
        micalgs = []
        for name in options.get("signed-receipt-micalg", ()):
            try:
                micalgs.append(normalize_digest(name))
            except ValueError:
                continue
        return cls(
            signed="pkcs7-signature" in protocol,
            micalgs=tuple(micalgs),
            async_url=lowered.get("receipt-delivery-option", "").strip() or None,
        )


def _parse_options(value: str) -> dict[str, tuple[str, ...]]:
    """``a=importance, v1, v2; b=...`` -> {a: (v1, v2)}; the importance word is dropped."""
    options: dict[str, tuple[str, ...]] = {}
    for item in value.split(";"):
        name, sep, rest = item.partition("=")
        if not sep:
            continue
        values = [v.strip().lower() for v in rest.split(",") if v.strip()]
        if values and values[0] in ("required", "optional"):
            values = values[1:]
        options[name.strip().lower()] = tuple(values)
    return options


@dataclass(frozen=True)
class Envelope:
    """Identity of one AS2 message (or MDN) as read from its HTTP headers."""

    message_id: str
    as2_from: str
    as2_to: str
    subject: str | None = None
    mdn: MdnRequest | None = None


def _strip_angles(value: str) -> str:
    return value.strip().removeprefix("<").removesuffix(">").strip()


def _printable(value: str, limit: int) -> bool:
    return 0 < len(value) <= limit and all(32 <= ord(ch) < 127 for ch in value)


def read_envelope(headers: Mapping[str, str]) -> Envelope:
    """Read and check the identity headers; they are echoed into the MDN, so junk is refused here."""
    lowered = lower_keys(headers)
    missing = [name for name in ("as2-from", "as2-to", "message-id") if not lowered.get(name, "").strip()]
    if missing:
        raise MalformedMessage(f"missing AS2 header(s): {', '.join(missing)}")
    envelope = Envelope(
        message_id=_strip_angles(lowered["message-id"]),
        as2_from=unquote_as2_name(lowered["as2-from"]),
        as2_to=unquote_as2_name(lowered["as2-to"]),
        subject=lowered.get("subject"),
        mdn=MdnRequest.from_headers(headers),
    )
    if not _printable(envelope.message_id, 998):
        raise MalformedMessage("Message-ID must be 1-998 printable ASCII characters")
    if not (_printable(envelope.as2_from, 128) and _printable(envelope.as2_to, 128)):
        raise MalformedMessage("AS2-From/AS2-To must be 1-128 printable ASCII characters")
    return envelope


_HOST = re.compile(r"^[A-Za-z0-9.-]{1,200}$")


def new_message_id(host: str) -> str:
    """``<uuid4@host>``: globally unique, which duplicate detection at the partner relies on."""
    if not _HOST.match(host):
        raise ValueError(f"invalid Message-ID host {host!r}")
    return f"<{uuid.uuid4()}@{host}>"
