"""Fault injection as data, for every simulator: what a flaky ERP, WMS or partner does.

The faults are set with ``POST /_faults`` (partial JSON: only the fields given change)
and apply to business paths only, never to the ``/_`` control endpoints. Counted faults
("the next N requests") are consumed in this order: drop, timeout, throttle, fail; the
latency applies to every request on top.

A timed-out request is held for ``timeout_seconds`` and then *processed normally*: a
slow system usually does the work even after the caller gave up, which is what makes
the caller's retry a duplicate that the idempotency registry must recognise.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Faults", "FAULT_KINDS", "apply_faults"]

#: counted fault kinds in the order they are taken, with the field that counts each
FAULT_KINDS: tuple[tuple[str, str], ...] = (
    ("drop", "drop_next"),
    ("timeout", "timeout_next"),
    ("throttle", "throttle_next"),
    ("fail", "fail_next"),
)


class Faults(BaseModel):
    """The current fault plan of one simulator (the JSON of ``POST /_faults``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    latency: float = Field(0.0, ge=0, le=600, description="seconds added before every answer")
    fail_next: int = Field(0, ge=0, description="answer the next N requests with fail_status")
    fail_status: int = Field(500, ge=400, le=599)
    throttle_next: int = Field(0, ge=0, description="answer the next N requests 429 with Retry-After")
    retry_after: int = Field(1, ge=0, le=3600)
    timeout_next: int = Field(0, ge=0, description="hold the next N requests timeout_seconds, then process")
    timeout_seconds: float = Field(30.0, ge=0, le=3600)
    drop_next: int = Field(0, ge=0, description="close the connection of the next N requests without an answer")
    duplicate_callbacks: bool = Field(False, description="send every callback twice with the same Idempotency-Key")

    def merged(self, changes: dict[str, object]) -> Faults:
        """A new plan with ``changes`` applied and validated (unknown keys refused)."""
        return Faults.model_validate({**self.model_dump(), **changes})

    def take(self) -> str | None:
        """Consume and return the next counted fault kind, or None when none is pending."""
        for kind, attr in FAULT_KINDS:
            left = getattr(self, attr)
            if left > 0:
                setattr(self, attr, left - 1)
                return kind
        return None


async def apply_faults(request: web.Request, faults: Faults, served: Counter[str]) -> web.StreamResponse | None:
    """Play the plan on one request: a response to send instead, or None to go on handling it."""
    if faults.latency:
        await asyncio.sleep(faults.latency)
    kind = faults.take()
    if kind is None:
        return None
    served[kind] += 1
    if kind == "drop":
        if request.transport is not None:
            request.transport.close()  # the client sees the connection end without a status line
        return web.Response(status=500)  # never written: the transport is gone
    if kind == "timeout":
        await asyncio.sleep(faults.timeout_seconds)
        return None
    if kind == "throttle":
        return web.json_response(
            {"error": "rate limited"}, status=429, headers={"Retry-After": str(faults.retry_after)}
        )
    return web.json_response({"error": f"injected failure {faults.fail_status}"}, status=faults.fail_status)
