"""The HTTP JSON sink connector and the retryable-vs-permanent classification.

Retryable (the delivery task backs off and tries again): timeouts, connection errors,
408, 409, 423, 425, 429 (honouring Retry-After) and 5xx. Everything else 4xx is
permanent: the document goes to the dead-letter state with the sink's answer, because
sending the same body again will not change it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from edi.text import json_text
from gateway.sending import RETRYABLE_STATUS
from tasks.sinks.config import SinkConfig

__all__ = [
    "RETRYABLE_STATUS",
    "DeliveryOutcome",
    "HttpJsonSink",
    "PermanentSinkError",
    "TransientSinkError",
    "classify_status",
    "retry_after_seconds",
]


class TransientSinkError(Exception):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentSinkError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    status: int
    body: dict[str, Any] | None
    duplicate: bool  # the sink said it had seen this Idempotency-Key already


def classify_status(status: int) -> str:
    """``ok``, ``retry`` or ``permanent`` for an HTTP status code."""
    if 200 <= status < 300:
        return "ok"
    if status >= 500 or status in RETRYABLE_STATUS:
        return "retry"
    return "permanent"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class HttpJsonSink:
    def __init__(self, config: SinkConfig, home: Path | None = None) -> None:
        self.config = config
        self._home = home

    def body_for(self, doc_type: str, document: dict[str, Any], partner_id: str) -> bytes:
        mapped = {self.config.fields.get(k, k): v for k, v in document.items()}
        payload: dict[str, Any] = mapped
        if self.config.envelope:
            payload = {"partner": partner_id, "type": doc_type, self.config.envelope: mapped}
        return json_text(payload).encode("utf-8")  # amounts as exact numbers

    def headers_for(
        self, body: bytes, idempotency_key: str, correlation_id: str, partner_id: str = ""
    ) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": idempotency_key,
            "X-Correlation-ID": correlation_id,
            # which trading partner the document belongs to, so a system's answer can name it
            "X-Edigw-Partner": partner_id,
            "User-Agent": "edigw",
        }
        auth = self.config.auth
        if auth.type == "bearer" and auth.token is not None:
            headers["Authorization"] = "Bearer " + auth.token.read(self._home).decode().strip()
        elif auth.type == "basic" and auth.password is not None:
            pair = f"{auth.username}:{auth.password.read(self._home).decode().strip()}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        elif auth.type == "hmac" and auth.secret is not None:
            stamp = str(int(time.time()))
            mac = hmac.new(auth.secret.read(self._home).strip(), stamp.encode() + b"." + body, hashlib.sha256)
            headers["X-Edigw-Timestamp"] = stamp
            headers["X-Edigw-Signature"] = "sha256=" + mac.hexdigest()
        return headers

    def deliver(
        self, doc_type: str, document: dict[str, Any], *, partner_id: str, idempotency_key: str, correlation_id: str
    ) -> DeliveryOutcome:
        """POST the document; raise Transient/PermanentSinkError on failure."""
        try:
            url = self.config.url_for(doc_type)
        except KeyError as exc:
            raise PermanentSinkError(str(exc)) from exc
        body = self.body_for(doc_type, document, partner_id)
        try:
            headers = self.headers_for(body, idempotency_key, correlation_id, partner_id)
        except (KeyError, OSError) as exc:
            raise PermanentSinkError(f"sink {self.config.name!r}: credentials unavailable: {exc}") from exc
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout_seconds) as resp:  # noqa: S310
                raw = resp.read()
                status = resp.status
                replayed = resp.headers.get("Idempotent-Replayed", "").lower() == "true"
        except urllib.error.HTTPError as exc:
            text = exc.read()[:500].decode("utf-8", "replace")
            message = f"{self.config.name}: HTTP {exc.code} from {url}: {text}"
            if classify_status(exc.code) == "retry":
                raise TransientSinkError(message, retry_after_seconds(exc.headers.get("Retry-After"))) from exc
            raise PermanentSinkError(message) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            raise TransientSinkError(f"{self.config.name}: cannot reach {url}: {exc}") from exc
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = None
        return DeliveryOutcome(status, parsed if isinstance(parsed, dict) else None, replayed)
