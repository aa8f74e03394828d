"""POSTing to a partner, with failures classified for the caller's retry policy (a Celery task).

Connection errors, timeouts, 408/409/423/425/429 and 5xx are :class:`TransientSendError`
(retry later); other HTTP errors are :class:`PermanentSendError` (retrying will not help).
Shared by the AS2 and cXML senders.
"""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from gateway.runtime import Runtime
from gateway.store import load_message

__all__ = ["TransientSendError", "PermanentSendError", "RETRYABLE_STATUS", "post", "Stored", "stored_outbound"]

RETRYABLE_STATUS = frozenset({408, 409, 423, 425, 429})


class TransientSendError(Exception):
    """Worth retrying later (network trouble, partner overloaded or down)."""


class PermanentSendError(Exception):
    """Retrying will not help (configuration, partner refuses the request)."""


def post(url: str, headers: Mapping[str, str], body: bytes, timeout: float) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - URL from profile
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        text = exc.read()[:500].decode("utf-8", "replace")
        if exc.code >= 500 or exc.code in RETRYABLE_STATUS:
            raise TransientSendError(f"HTTP {exc.code} from {url}: {text}") from exc
        raise PermanentSendError(f"HTTP {exc.code} from {url}: {text}") from exc
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        raise TransientSendError(f"cannot reach {url}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Stored:
    payload: bytes
    file_name: str | None
    content_type: str | None


def stored_outbound(runtime: Runtime, message_id: uuid.UUID) -> Stored:
    """What a sender sends: the outbound message as it was recorded when built."""
    loaded = load_message(runtime.sessions, message_id)
    if loaded is None:
        raise PermanentSendError(f"no outbound message {message_id}")
    message, _ = loaded
    return Stored(message.raw, message.file_name, message.content_type)
