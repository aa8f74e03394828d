"""The trading partner's AS2 side: its keys, packaging messages, sending them, reading MDNs.

Keys come from ``<home>/keys/<as2-id>.key|.crt``, the files ``edigw serve`` generates
for our identity and each sample partner (``gateway.keys``), so the partner simulator
and the gateway trust each other without any setup. Messages are signed, encrypted and
compressed (before signing) and ask for a signed synchronous MDN, as BigBox's profile
says; the MDN must be signed by the other side and carry the MIC we computed.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from edi.as2 import (
    Compression,
    LocalIdentity,
    MdnMode,
    MdnResult,
    OutboundMessage,
    Partner,
    SendOptions,
    build_message,
    load_certificate_pem,
    load_private_key_pem,
    parse_mdn,
)
from gateway.keys import key_file_stem

__all__ = ["As2Peer", "As2SendError", "load_identity", "as2_endpoint", "send_as2", "send_as2_async"]


class As2SendError(Exception):
    """The other side answered without an MDN (HTTP error) or could not be reached."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def load_identity(keys_dir: Path, as2_id: str) -> LocalIdentity:
    stem = key_file_stem(as2_id)
    return LocalIdentity(
        as2_id,
        load_private_key_pem((keys_dir / f"{stem}.key").read_bytes()),
        load_certificate_pem((keys_dir / f"{stem}.crt").read_bytes()),
    )


def as2_endpoint(url: str) -> str:
    """``http://host:port`` -> ``http://host:port/as2``; a URL already naming a path is kept."""
    url = url.rstrip("/")
    return url if url.count("/") > 2 else url + "/as2"


@dataclass(frozen=True)
class As2Peer:
    """``us`` talking to ``them``: package outbound messages, read their MDNs, find keys inbound."""

    us: LocalIdentity
    them: Partner

    @classmethod
    def from_home(cls, home: Path, our_id: str, their_id: str) -> As2Peer:
        keys = home / "keys"
        ours = load_identity(keys, our_id)
        their_cert = load_certificate_pem((keys / f"{key_file_stem(their_id)}.crt").read_bytes())
        return cls(ours, Partner(their_id, verify_certificates=(their_cert,), encryption_certificate=their_cert))

    def package(self, payload: bytes, filename: str | None = None) -> OutboundMessage:
        options = SendOptions(
            filename=filename,
            subject=f"EDI from {self.us.as2_id}",
            compression=Compression.BEFORE_SIGNING,
            mdn=MdnMode.SYNC,
            mdn_signed=True,
            message_id_host="partner.simulator",
        )
        return build_message(payload, self.us, self.them, options)

    def read_mdn(self, status: int, headers: dict[str, str], body: bytes, sent: OutboundMessage) -> MdnResult:
        if status != 200:
            raise As2SendError(f"HTTP {status} instead of an MDN: {body[:200]!r}", status)
        return parse_mdn(headers, body, self.find_partner, expected_mic=sent.mic, require_signature=True)

    def find_our_key(self, as2_to: str) -> LocalIdentity | None:
        return self.us if as2_to == self.us.as2_id else None

    def find_partner(self, as2_from: str) -> Partner | None:
        return self.them if as2_from == self.them.as2_id else None


def send_as2(
    gateway_url: str,
    payload: bytes,
    home: Path,
    partner_as2_id: str = "BIGBOX-AS2",
    gateway_as2_id: str = "EDIGW-AS2",
    *,
    filename: str | None = None,
    timeout: float = 30.0,
) -> MdnResult:
    """Sign, encrypt and compress ``payload`` as the partner, POST it, verify the signed MDN.

    Raises :class:`As2SendError` for HTTP errors and unreachable gateways, and an
    ``edi.as2`` error when the MDN is unsigned or its signature is wrong; a negative
    MDN or a MIC mismatch is a result (``MdnResult.status``), not an exception.
    """
    peer = As2Peer.from_home(Path(home), partner_as2_id, gateway_as2_id)
    sent = peer.package(payload, filename)
    request = urllib.request.Request(as2_endpoint(gateway_url), data=sent.body, headers=sent.headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - the caller's gateway URL
            status, headers, body = resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as exc:
        status, headers, body = exc.code, dict(exc.headers.items()), exc.read()
    except (urllib.error.URLError, OSError) as exc:
        raise As2SendError(f"cannot reach {gateway_url}: {exc}") from exc
    return peer.read_mdn(status, headers, body, sent)


async def send_as2_async(
    session: aiohttp.ClientSession, url: str, peer: As2Peer, sent: OutboundMessage, timeout: float = 30.0
) -> MdnResult:
    """POST an already packaged message (so a resend keeps its Message-ID) and read the MDN."""
    try:
        async with session.post(
            as2_endpoint(url), data=sent.body, headers=sent.headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as resp:
            status, headers, body = resp.status, dict(resp.headers.items()), await resp.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise As2SendError(f"cannot reach {url}: {type(exc).__name__}: {exc}") from exc
    return peer.read_mdn(status, headers, body, sent)
