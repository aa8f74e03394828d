"""Two AS2 parties wired together for tests: build on one side, parse on the other."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from edi.as2 import (
    InboundMessage,
    LocalIdentity,
    MdnMessage,
    MdnResult,
    OutboundMessage,
    Partner,
    SendOptions,
    build_mdn,
    build_message,
    parse_mdn,
    parse_message,
)
from tests.support.as2_keys import make_identity, partner_view

__all__ = ["Exchange", "http_bytes"]


def http_bytes(headers: Mapping[str, str], body: bytes) -> bytes:
    """Headers + blank line + body: what a peer library such as pyas2lib parses as one message."""
    return b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n" + body


@dataclass
class Exchange:
    """``sender`` sends to ``receiver``; the receiver's policy for the sender is set here."""

    sender: LocalIdentity
    receiver: LocalIdentity
    require_signature: bool = True
    require_encryption: bool = True

    @classmethod
    def default(cls, **policy: bool) -> Exchange:
        return cls(make_identity("ACME Supply"), make_identity("edigw"), **policy)

    @property
    def receiver_as_partner(self) -> Partner:
        return partner_view(self.receiver)

    def find_our_key(self, as2_to: str) -> LocalIdentity | None:
        return self.receiver if as2_to == self.receiver.as2_id else None

    def find_partner(self, as2_from: str) -> Partner | None:
        if as2_from != self.sender.as2_id:
            return None
        return partner_view(
            self.sender, require_signature=self.require_signature, require_encryption=self.require_encryption
        )

    def send(self, payload: bytes, **options: object) -> OutboundMessage:
        return build_message(payload, self.sender, self.receiver_as_partner, SendOptions(**options))  # type: ignore[arg-type]

    def receive(self, headers: Mapping[str, str], body: bytes) -> InboundMessage:
        return parse_message(headers, body, self.find_our_key, self.find_partner)

    def answer(self, inbound: InboundMessage) -> MdnMessage:
        return build_mdn(inbound.envelope, mic=inbound.mic, signer=self.receiver)

    def read_mdn(self, mdn: MdnMessage, sent: OutboundMessage, *, require_signature: bool = True) -> MdnResult:
        return parse_mdn(
            mdn.headers,
            mdn.body,
            lambda as2_from: self.receiver_as_partner if as2_from == self.receiver.as2_id else None,
            expected_mic=sent.mic,
            require_signature=require_signature,
        )
