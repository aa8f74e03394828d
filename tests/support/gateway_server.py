"""A real ``edigw`` gateway on a free loopback port, in a background thread, for tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway.http.app import create_app
from gateway.runtime import Runtime
from gateway.settings import Settings
from samples.simulators.runner import free_port
from tests.support.app_thread import serve_app

__all__ = ["RunningGateway", "running_gateway", "free_port"]

BUNDLED_PARTNERS = Path(__file__).resolve().parents[2] / "samples" / "partners"


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
    home: Path, database_url: str | None = None, partners: Path | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[RunningGateway]:
    env = {"EDIGW_HOME": str(home), "EDIGW_PARTNERS": str(partners or BUNDLED_PARTNERS), **(extra_env or {})}
    if database_url:
        env["EDIGW_DATABASE_URL"] = database_url
    runtime = Runtime.open(Settings.from_env(env))
    try:
        with serve_app(create_app(runtime)) as url:
            yield RunningGateway(runtime, url)
    finally:
        runtime.close()
