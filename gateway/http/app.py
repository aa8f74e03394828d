"""The aiohttp application factory (``create_app(runtime)``): AS2, REST API, dashboard, health, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import REGISTRY

from gateway import web as dashboard
from gateway.http import api, as2, cxml, health
from gateway.http.api import Handler
from gateway.http.keys import RUNTIME
from gateway.metrics import register_store_collector
from gateway.runtime import Runtime

__all__ = ["create_app"]


def create_app(runtime: Runtime) -> web.Application:
    # Bodies above the configured limit are refused by aiohttp with 413 before we read them.
    app = web.Application(client_max_size=runtime.settings.max_body_bytes, middlewares=[_no_nul])
    app[RUNTIME] = runtime
    app.add_routes(health.routes)
    app.add_routes(as2.routes)
    app.add_routes(cxml.routes)
    api.setup(app)
    dashboard.setup(app)
    app.cleanup_ctx.append(_store_metrics)
    return app


@web.middleware
async def _no_nul(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A NUL in the path or the query is a bad request: PostgreSQL text cannot hold one, and
    a search for it would otherwise fail as a 500."""
    if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.query.items()):
        return web.json_response({"error": "NUL characters are not allowed in the path or the query"}, status=400)
    return await handler(request)


async def _store_metrics(app: web.Application) -> AsyncIterator[None]:
    """Counts and queue gauges from this app's store on ``/metrics`` while it runs."""
    collector = register_store_collector(app[RUNTIME].sessions)
    yield
    REGISTRY.unregister(collector)
