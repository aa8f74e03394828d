"""The aiohttp application factory (``create_app(runtime)``): AS2, REST API, health."""

from __future__ import annotations

from aiohttp import web

from gateway.http import api, as2, health
from gateway.http.keys import RUNTIME
from gateway.runtime import Runtime

__all__ = ["create_app"]


def create_app(runtime: Runtime) -> web.Application:
    # Bodies above the configured limit are refused by aiohttp with 413 before we read them.
    app = web.Application(client_max_size=runtime.settings.max_body_bytes)
    app[RUNTIME] = runtime
    app.add_routes(health.routes)
    app.add_routes(as2.routes)
    api.setup(app)
    return app
