"""``/healthz`` (the process answers), ``/readyz`` (database reachable, partners loaded), ``/metrics``."""

from __future__ import annotations

import asyncio

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from gateway.http.keys import RUNTIME

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    runtime = request.app[RUNTIME]

    def check() -> None:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    try:
        await asyncio.to_thread(check)
    except Exception as exc:  # noqa: BLE001 - any database failure means "not ready"
        return web.json_response({"status": "unavailable", "database": str(exc)[:200]}, status=503)
    return web.json_response({"status": "ready", "partners": len(runtime.registry)})


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    # The store collector (gateway.metrics) queries the database: keep that off the event loop.
    response = web.Response(body=await asyncio.to_thread(generate_latest))
    response.content_type = CONTENT_TYPE_LATEST.split(";")[0]
    return response
