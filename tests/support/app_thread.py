"""Serve an aiohttp application on a free loopback port from a background thread."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import web

__all__ = ["serve_app", "LoopThread"]


class LoopThread:
    """An event loop running in a daemon thread; ``run(coro)`` executes a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


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
