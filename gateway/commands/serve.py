"""``edigw serve``: the gateway on the embedded default or on real services."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from gateway.http.app import create_app
from gateway.runtime import Runtime
from gateway.settings import Settings

__all__ = ["run"]


def run(port: int | None = None, host: str = "127.0.0.1") -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env()
    runtime = Runtime.open(settings)
    print(f"edigw: home {settings.home}; database {_safe_url(settings.database_url)}", file=sys.stderr)
    print(f"edigw: {len(runtime.registry)} partner profiles from {settings.partners_dir}", file=sys.stderr)
    for pair in runtime.generated_keys:
        state = "generated" if pair.created else "using"
        print(f"edigw: AS2 identity {pair.as2_id}: {state} {pair.key_path} / {pair.cert_path}", file=sys.stderr)
    app = create_app(runtime)
    app.on_cleanup.append(_close(runtime))
    # run_app handles SIGINT/SIGTERM: it stops accepting, lets in-flight requests finish
    # (up to shutdown_timeout), then runs cleanup (database disposed last).
    web.run_app(app, host=host, port=port or settings.port, shutdown_timeout=30, print=_printer)
    return 0


def _close(runtime: Runtime):  # type: ignore[no-untyped-def]
    async def close(_app: web.Application) -> None:
        runtime.close()

    return close


def _printer(text: str) -> None:
    print(text, file=sys.stderr)


def _safe_url(url: str) -> str:
    """The database URL without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
