"""Byte-exact MIME entities for AS2.

Signatures cover the exact bytes of a MIME entity, so this module never round-trips
signed content through :mod:`email`'s generator (which refolds headers and rewrites
line endings). Entities are built from header pairs and body bytes, split at byte
offsets, and :mod:`email` is used only to *read* header values and their parameters.
"""

from __future__ import annotations

import base64
import binascii
import email.utils
import quopri
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32

from edi.as2.errors import MalformedMessage

__all__ = [
    "CRLF",
    "Entity",
    "parse_entity",
    "render_entity",
    "entity_from_http",
    "split_multipart",
    "build_multipart",
    "make_boundary",
    "header_value",
    "canonicalize",
    "safe_filename",
    "quote_as2_name",
    "unquote_as2_name",
    "lower_keys",
]

CRLF = b"\r\n"
_TSPECIALS = re.compile(r'[\s()<>@,;:\\"/\[\]?=]')
_BARE_LF = re.compile(rb"(?<!\r)\n")
_HEADER_PARSER = BytesHeaderParser(policy=compat32)
_BODY_ENCODINGS = {"", "7bit", "8bit", "binary"}
_ENTITY_HEADERS = ("content-type", "content-transfer-encoding", "content-disposition")


@dataclass(frozen=True)
class Entity:
    """One MIME entity: its exact bytes, the header block read by :mod:`email`, and the raw body."""

    raw: bytes
    headers: Message = field(repr=False)
    body: bytes = field(repr=False)

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type()

    def param(self, name: str) -> str | None:
        value = self.headers.get_param(name)
        if isinstance(value, tuple):  # RFC 2231 encoded
            value = email.utils.collapse_rfc2231_value(value)
        return None if value is None else str(value)

    def decoded_body(self) -> bytes:
        """The body with its Content-Transfer-Encoding removed."""
        cte = str(self.headers.get("Content-Transfer-Encoding", "")).strip().lower()
        if cte in _BODY_ENCODINGS:
            return self.body
        if cte == "base64":
            try:
                return base64.b64decode(b"".join(self.body.split()), validate=True)
            except binascii.Error as exc:
                raise MalformedMessage(f"invalid base64 body: {exc}") from exc
        if cte == "quoted-printable":
            return quopri.decodestring(self.body)
        raise MalformedMessage(f"unsupported Content-Transfer-Encoding {cte!r}")


def parse_entity(raw: bytes) -> Entity:
    """Split raw entity bytes at the first empty line (CRLF or bare LF) into headers and body."""
    if raw.startswith(CRLF):
        head, body = b"", raw[2:]
    elif raw.startswith(b"\n"):
        head, body = b"", raw[1:]
    else:
        ends = [(i, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (i := raw.find(sep)) >= 0]
        if not ends:
            raise MalformedMessage("MIME entity has no header/body separator")
        i, n = min(ends)
        head, body = raw[:i], raw[i + n :]
    return Entity(raw, _HEADER_PARSER.parsebytes(head + CRLF + CRLF), body)


def render_entity(headers: Iterable[tuple[str, str]], body: bytes) -> bytes:
    """Header lines (one per pair, unfolded) + CRLF + body: the bytes that get signed or encrypted."""
    return b"".join(f"{name}: {value}".encode() + CRLF for name, value in headers) + CRLF + body


def lower_keys(headers: Mapping[str, str]) -> dict[str, str]:
    """HTTP header names are case-insensitive: look them up lower-cased."""
    return {k.lower(): v for k, v in headers.items()}


def entity_from_http(headers: Mapping[str, str], body: bytes) -> Entity:
    """The top-level entity of an AS2 request: its MIME headers travel as HTTP headers."""
    lowered = lower_keys(headers)
    if "content-type" not in lowered:
        raise MalformedMessage("missing Content-Type header")
    keep = [(name, lowered[name]) for name in _ENTITY_HEADERS if name in lowered]
    return parse_entity(render_entity(keep, body))


def make_boundary() -> str:
    return f"----=_edigw_{secrets.token_hex(16)}"


def header_value(main: str, params: Mapping[str, str]) -> str:
    """``main; k=v; k2="v 2"`` with values quoted only when RFC 2045 requires it."""
    parts = [main]
    for key, value in params.items():
        if value == "" or _TSPECIALS.search(value):
            value = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{key}={value}")
    return "; ".join(parts)


def build_multipart(parts: Iterable[bytes], boundary: str) -> bytes:
    """Multipart body: each part's exact bytes between CRLF-delimited boundaries (RFC 2046 §5.1.1)."""
    delimiter = b"--" + boundary.encode("ascii")
    out = b"".join(delimiter + CRLF + part + CRLF for part in parts)
    return out + delimiter + b"--" + CRLF


def _delimiters(body: bytes, boundary: bytes) -> list[tuple[int, int, bool]]:
    """(start, content start after the delimiter line, is closing) of each boundary delimiter line.

    ``start`` includes the line break before ``--boundary``, which belongs to the delimiter.
    """
    delimiter = b"--" + boundary
    found = []
    i = body.find(delimiter)
    while i >= 0:
        end = i + len(delimiter)
        closing = body.startswith(b"--", end)
        eol = body.find(b"\n", end)
        line_end = len(body) if eol < 0 else eol
        if (i == 0 or body[i - 1] == 0x0A) and not body[end + 2 * closing : line_end].strip(b" \t\r"):
            start = i - 2 if body[i - 2 : i] == CRLF else max(i - 1, 0)
            found.append((start, line_end + 1, closing))
        i = body.find(delimiter, end)
    return found


def split_multipart(body: bytes, boundary: str) -> list[bytes]:
    """The exact bytes of each body part; the line break before a delimiter belongs to the delimiter."""
    if not boundary:
        raise MalformedMessage("multipart entity without boundary")
    delimiters = _delimiters(body, boundary.encode("ascii", "replace"))
    parts: list[bytes] = []
    for (_, content_start, closing), (next_start, _, _) in zip(delimiters, delimiters[1:], strict=False):
        if closing:
            break
        parts.append(body[content_start:next_start])
    if not parts:
        raise MalformedMessage("multipart body has no parts for its boundary")
    return parts


def canonicalize(data: bytes) -> bytes:
    """Bare LF -> CRLF: the canonical form S/MIME signs when a peer's transport altered line ends."""
    return _BARE_LF.sub(CRLF, data)


def safe_filename(name: str | None) -> str | None:
    """A partner-supplied file name reduced to data: last path component, no control characters.

    The result is for display and records only; it must never be joined to a path.
    """
    if not name:
        return None
    last = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(ch for ch in last if ch.isprintable()).strip().lstrip(".").strip()
    if not cleaned:
        return None
    while len(cleaned.encode("utf-8")) > 255:
        cleaned = cleaned[:-1]
    return cleaned


def quote_as2_name(name: str) -> str:
    """AS2-From/AS2-To value (RFC 4130 §6.2): printable ASCII, at most 128, quoted when it has specials."""
    if not 1 <= len(name) <= 128 or not all(32 <= ord(ch) < 127 for ch in name):
        raise ValueError(f"invalid AS2 name {name!r}: 1-128 printable ASCII characters")
    if _TSPECIALS.search(name):
        return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return name


def unquote_as2_name(value: str) -> str:
    """Undo :func:`quote_as2_name`, repeatedly: some peers quote an already quoted name."""
    value = value.strip()
    while len(value) >= 2 and value[0] == value[-1] == '"':
        value = re.sub(r"\\(.)", r"\1", value[1:-1]).strip()
    return value
