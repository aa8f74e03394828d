"""Business events back to the gateway: ``POST {gateway}/api/v1/partners/{id}/outbound/{type}``.

The body is the canonical document; the gateway answers 202 and turns it into an
855, 856 or 810 for the partner. The Idempotency-Key is derived from the business key
(e.g. ``erp-po_ack-<po>``), so a resend after a crash, a retry, or the
``duplicate_callbacks`` fault all carry the same key and the gateway can recognise them.
The partner is the one the gateway named when it delivered the order (``X-Edigw-Partner``).
Retries follow the sink contract (:func:`tasks.sinks.http.classify_status`): connection
errors, timeouts, 408/409/423/425/429 and 5xx back off exponentially (Retry-After wins);
other 4xx are final. :func:`with_retries` is shared with the partner's AS2 sends.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

import aiohttp
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from samples.simulators.base import SimulatorState
from tasks.sinks.http import classify_status, retry_after_seconds
from translators.canonical import to_json

__all__ = ["RetryPolicy", "GatewayConfig", "Attempt", "send_callback", "callback_url", "Origin", "with_retries"]

log = logging.getLogger("edigw.simulators.callbacks")

#: one try: ("ok" | "retry" | "permanent", Retry-After seconds or None, what happened)
Attempt = Callable[[], Awaitable[tuple[str, float | None, str]]]


class RetryPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    attempts: int = Field(6, ge=1, le=100)
    backoff_seconds: float = Field(0.5, ge=0, le=60)
    timeout_seconds: float = Field(10.0, gt=0, le=300)


class GatewayConfig(RetryPolicy):
    """Where and as whom a simulated system reports business events."""

    url: str = Field(description="gateway base URL, e.g. http://127.0.0.1:8080")
    token: str = Field(description="API token (`edigw tokens create`)")
    #: for documents that arrive without an ``X-Edigw-Partner`` header (older gateways, hand-made requests)
    partner_id: str = "bigbox"


def callback_url(gateway: GatewayConfig, doc_type: str, partner_id: str | None = None) -> str:
    partner = quote(partner_id or gateway.partner_id, safe="")
    return f"{gateway.url.rstrip('/')}/api/v1/partners/{partner}/outbound/{doc_type}"


@dataclass(frozen=True, slots=True)
class Origin:
    """The delivery that caused an event: its partner and correlation id carry over to the answer."""

    partner_id: str | None = None
    correlation_id: str | None = None

    @classmethod
    def of(cls, request: web.Request) -> Origin:
        headers = request.headers
        return cls(headers.get("X-Edigw-Partner") or None, headers.get("X-Correlation-ID") or None)


async def with_retries(state: SimulatorState, what: str, attempt: Attempt, policy: RetryPolicy) -> bool:
    """Run ``attempt`` until it succeeds, fails permanently or runs out of tries; count the outcome."""
    detail = ""
    for number in range(1, policy.attempts + 1):
        outcome, retry_after, detail = await attempt()
        if outcome == "ok":
            state.callbacks["sent"] += 1
            log.info("%s sent %s (attempt %d)", state.name, what, number)
            return True
        if outcome == "permanent" or number == policy.attempts:
            break
        state.callbacks["retried"] += 1
        delay = retry_after if retry_after is not None else policy.backoff_seconds * 2 ** (number - 1)
        log.warning("%s: %s failed (%s); retry in %.1fs", state.name, what, detail, delay)
        await asyncio.sleep(delay)
    state.callbacks["failed"] += 1
    log.error("%s gave up on %s: %s", state.name, what, detail)
    return False


async def send_callback(
    session: aiohttp.ClientSession,
    gateway: GatewayConfig,
    state: SimulatorState,
    doc_type: str,
    document: BaseModel,
    *,
    key: str,
    origin: Origin = Origin(),
) -> bool:
    """Send one business event (twice under the ``duplicate_callbacks`` fault); True when all got 2xx."""
    url = callback_url(gateway, doc_type, origin.partner_id)
    body = to_json(document, indent=None).encode()
    headers = {
        "Authorization": f"Bearer {gateway.token}",
        "Content-Type": "application/json",
        "Idempotency-Key": key,
        "X-Correlation-ID": origin.correlation_id or str(uuid.uuid4()),
    }
    timeout = aiohttp.ClientTimeout(total=gateway.timeout_seconds)

    async def attempt() -> tuple[str, float | None, str]:
        try:
            async with session.post(url, data=body, headers=headers, timeout=timeout) as resp:
                text = await resp.text()
                retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
                return classify_status(resp.status), retry_after, f"HTTP {resp.status}: {text[:200]}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            return "retry", None, f"{type(exc).__name__}: {exc}"

    copies = 2 if state.faults.duplicate_callbacks else 1
    results = [await with_retries(state, f"{doc_type} {key}", attempt, gateway) for _ in range(copies)]
    return all(results)
