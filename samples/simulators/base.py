"""What every simulator shares: config, state, middleware and the ``/_`` control endpoints.

A simulator is an aiohttp app built by :func:`create_base_app` with its own business
routes. Requests to business paths go through, in order: faults (the network or load
balancer failing), auth (401), the idempotency registry (a repeated key is answered
from memory), then the handler. ``POST /_faults``, ``POST /_reset``, ``GET /_stats``
and ``GET /_documents`` are never faulted, authenticated or deduplicated.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

import aiohttp
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from samples.simulators.auth import AuthConfig, authorized
from samples.simulators.faults import Faults, apply_faults
from samples.simulators.idempotency import IdempotencyRegistry
from translators.canonical import to_json

__all__ = [
    "SimulatorConfig",
    "SimulatorState",
    "Received",
    "STATE",
    "SESSION",
    "create_base_app",
    "read_json",
    "read_model",
]

log = logging.getLogger("edigw.simulators")
M = TypeVar("M", bound=BaseModel)
StatsHook = Callable[[], dict[str, Any]]


class SimulatorConfig(BaseModel):
    """Settings every simulator has; each simulator's config extends it."""

    model_config = ConfigDict(extra="forbid")

    name: str = "simulator"
    auth: AuthConfig = Field(default_factory=AuthConfig)
    faults: Faults = Field(default_factory=Faults)
    #: the request header whose value identifies a retry of the same request
    idempotency_header: str = "Idempotency-Key"
    #: how many received documents ``GET /_documents`` keeps (oldest dropped first)
    max_documents: int = Field(10_000, ge=1)


@dataclass(frozen=True, slots=True)
class Received:
    kind: str
    key: str | None
    correlation_id: str | None
    document: Any
    received_at: str

    def summary(self) -> dict[str, Any]:
        return {"kind": self.kind, "key": self.key, "correlation_id": self.correlation_id, "at": self.received_at}


@dataclass
class SimulatorState:
    """Everything a simulator remembers; ``POST /_reset`` forgets all of it."""

    name: str
    faults: Faults
    max_documents: int = 10_000
    key_header: str = "Idempotency-Key"  # names the retry key of a request, as in the config
    registry: IdempotencyRegistry = field(default_factory=IdempotencyRegistry)
    received: Counter[str] = field(default_factory=Counter)
    faults_served: Counter[str] = field(default_factory=Counter)
    callbacks: Counter[str] = field(default_factory=Counter)  # sent, failed, retried
    documents: deque[Received] = field(init=False)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    resets: list[Callable[[], None]] = field(default_factory=list)  # simulator-specific memory to clear
    extra_stats: StatsHook | None = None  # simulator-specific part of GET /_stats

    def __post_init__(self) -> None:
        self.documents = deque(maxlen=self.max_documents)

    def record(self, kind: str, document: Any, request: web.Request) -> Received:
        """Count and keep one received document; logged so a terminal shows the traffic."""
        received = Received(
            kind,
            request.headers.get(self.key_header),
            request.headers.get("X-Correlation-ID"),
            document,
            dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
        )
        self.received[kind] += 1
        self.documents.append(received)
        log.info("%s received %s (key %s, correlation %s)", self.name, kind, received.key, received.correlation_id)
        return received

    def later(self, delay: float, work: Callable[[], Coroutine[Any, Any, None]]) -> asyncio.Task[None]:
        """Run ``work`` after ``delay`` seconds in the background; cancelled on reset and shutdown."""

        async def run() -> None:
            await asyncio.sleep(delay)
            await work()

        task = asyncio.get_running_loop().create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s background work failed", self.name, exc_info=task.exception())

    async def idle(self, timeout: float = 30.0) -> None:
        """Wait until no background work is pending (tests and the demo use it)."""
        async with asyncio.timeout(timeout):
            while self.tasks:
                await asyncio.gather(*list(self.tasks), return_exceptions=True)

    def cancel_pending(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    def reset(self, faults: Faults) -> None:
        self.cancel_pending()
        self.faults = faults
        self.registry.clear()
        for counter in (self.received, self.faults_served, self.callbacks):
            counter.clear()
        self.documents.clear()
        for forget in self.resets:
            forget()

    def stats(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "received": dict(self.received),
            "unique_keys": len(self.registry),
            "duplicates": self.registry.duplicates,
            "faults_served": dict(self.faults_served),
            "callbacks": {"sent": 0, "failed": 0, **self.callbacks},
            "pending_callbacks": len(self.tasks),
            "faults": self.faults.model_dump(),
            **(self.extra_stats() if self.extra_stats else {}),
        }


STATE = web.AppKey("simulator_state", SimulatorState)
SESSION = web.AppKey("simulator_http_session", aiohttp.ClientSession)
_CONFIG = web.AppKey("simulator_config", SimulatorConfig)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _is_control(request: web.Request) -> bool:
    return request.path.startswith("/_")


@web.middleware
async def _gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _is_control(request):
        return await handler(request)
    state, config = request.app[STATE], request.app[_CONFIG]
    body = await request.read()  # before any fault: a held request has arrived in full, only the answer is late
    faulted = await apply_faults(request, state.faults, state.faults_served)
    if faulted is not None:
        return faulted
    if not authorized(config.auth, request.headers, body):
        log.warning("%s refused %s %s: bad credentials", state.name, request.method, request.path)
        return web.json_response(
            {"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": _challenge(config.auth)}
        )
    key = request.headers.get(config.idempotency_header)
    if not key or request.method != "POST":
        return await handler(request)
    return await state.registry.run(key, lambda: handler(request))


def _challenge(auth: AuthConfig) -> str:
    return {"basic": 'Basic realm="simulator"', "hmac": "HMAC-SHA256"}.get(auth.type, "Bearer")


async def _set_faults(request: web.Request) -> web.Response:
    state = request.app[STATE]
    changes = await read_json(request)
    try:
        state.faults = state.faults.merged(changes)
    except ValidationError as exc:
        raise web.HTTPUnprocessableEntity(text=exc.json(), content_type="application/json") from exc
    log.info("%s faults now %s", state.name, state.faults.model_dump(exclude_defaults=True))
    return web.json_response(state.faults.model_dump())


async def _reset(request: web.Request) -> web.Response:
    state = request.app[STATE]
    state.reset(request.app[_CONFIG].faults.model_copy())
    return web.json_response({"reset": True})


async def _stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE].stats())


async def _documents(request: web.Request) -> web.Response:
    state, kind = request.app[STATE], request.query.get("kind")
    docs = [{**d.summary(), "document": d.document} for d in state.documents if kind in (None, d.kind)]
    return web.json_response(text=to_json(docs, indent=None))


async def _http_session(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[SESSION] = session
        yield
        app[STATE].cancel_pending()


def create_base_app(config: SimulatorConfig, routes: web.RouteTableDef) -> web.Application:
    """An app with the shared middleware, state and control endpoints plus ``routes``."""
    app = web.Application(middlewares=[_gate], client_max_size=64 * 1024 * 1024)
    app[_CONFIG] = config
    app[STATE] = SimulatorState(
        config.name, config.faults.model_copy(), config.max_documents, config.idempotency_header
    )
    app.cleanup_ctx.append(_http_session)
    app.router.add_post("/_faults", _set_faults)
    app.router.add_post("/_reset", _reset)
    app.router.add_get("/_stats", _stats)
    app.router.add_get("/_documents", _documents)
    app.add_routes(routes)
    return app


async def read_json(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object (numbers with decimals as ``Decimal``, exact); 400 otherwise."""
    try:
        data = json.loads(await request.read() or b"{}", parse_float=Decimal)
    except ValueError as exc:
        raise web.HTTPBadRequest(text=f"body is not JSON: {exc}\n") from exc
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="body must be a JSON object\n")
    return data


def read_model(data: dict[str, Any], model: type[M]) -> M:
    """``data`` validated as ``model``; 422 with pydantic's errors when it is not one (a permanent failure)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise web.HTTPUnprocessableEntity(text=exc.json(include_url=False), content_type="application/json") from exc
