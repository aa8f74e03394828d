"""A real ``edigw`` gateway on a free loopback port, in a background thread, for tests."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from gateway.http.app import create_app
from gateway.runtime import Runtime
from gateway.settings import Settings

__all__ = ["RunningGateway", "running_gateway", "free_port"]

BUNDLED_PARTNERS = Path(__file__).resolve().parents[2] / "samples" / "partners"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningGateway:
    runtime: Runtime
    url: str

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        token: str | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.url + path, data=body, headers=all_headers, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, dict(resp.headers.items()), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers.items()), exc.read()

    def json(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        status, _, body = self.request(method, path, **kw)
        return status, json.loads(body) if body else None


@contextmanager
def running_gateway(
    home: Path, database_url: str | None = None, partners: Path | None = None
) -> Iterator[RunningGateway]:
    env = {"EDIGW_HOME": str(home), "EDIGW_PARTNERS": str(partners or BUNDLED_PARTNERS)}
    if database_url:
        env["EDIGW_DATABASE_URL"] = database_url
    runtime = Runtime.open(Settings.from_env(env))
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_app(runtime), shutdown_timeout=5)
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    if not started.wait(30):
        raise RuntimeError("gateway did not start")
    try:
        yield RunningGateway(runtime, f"http://127.0.0.1:{port}")
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        runtime.close()
