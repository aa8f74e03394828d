"""Serve an aiohttp application on a free loopback port from a background thread."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiohttp import web

from samples.simulators.runner import LoopThread

__all__ = ["serve_app", "LoopThread"]  # LoopThread re-exported for tests


@contextmanager
def serve_app(app: web.Application, port: int = 0) -> Iterator[str]:
    """Yields the app's base URL (``http://127.0.0.1:<port>``) while it serves."""
    loop = LoopThread()
    runner = web.AppRunner(app, shutdown_timeout=5)

    async def start() -> str:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        host, bound = runner.addresses[0][:2]
        return f"http://{host}:{bound}"

    url = loop.run(start())
    try:
        yield url
    finally:
        loop.run(runner.cleanup())
        loop.close()
