"""``edigw serve``: the gateway on the embedded default or on real services.

Runs the HTTP app (AS2, REST API, dashboard, health), the outbox relay, the partner
profile watcher and, on the embedded default (SQLite, no broker server), one worker
child process so the whole pipeline runs from this one command. Shutdown is graceful:
new connections stop, in-flight requests finish, then the relay and the worker stop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys

from aiohttp import web

from gateway.broker import RelayThread, make_producer
from gateway.http.app import create_app
from gateway.logging_setup import configure_logging
from gateway.runtime import Runtime
from gateway.settings import Settings
from gateway.sftp_service import SftpService
from partners.errors import ProfileError
from partners.watch import watch_async

__all__ = ["run"]

log = logging.getLogger("edigw.serve")
WATCHER = web.AppKey("partner_watcher", asyncio.Task)


def run(port: int | None = None, host: str = "127.0.0.1") -> int:
    configure_logging(json=os.environ.get("EDIGW_LOG_FORMAT", "json") == "json")
    settings = Settings.from_env()
    runtime = Runtime.open(settings)
    _say(f"home {settings.home}; database {_safe_url(settings.database_url)}; broker {_safe_url(settings.broker_url)}")
    _say(f"{len(runtime.registry)} partner profiles from {settings.partners_dir}")
    for pair in runtime.generated_keys:
        state = "generated" if pair.created else "using"
        _say(f"AS2 identity {pair.as2_id}: {state} {pair.key_path} / {pair.cert_path}")
    relay = RelayThread(runtime.sessions, make_producer(settings))
    runtime.wake_relay = relay.poke
    worker: subprocess.Popen[bytes] | None = None
    if settings.embedded and os.environ.get("EDIGW_EMBEDDED_WORKER", "1") != "0":
        from gateway.commands.worker import spawn

        worker = spawn()
        _say(f"embedded worker started (pid {worker.pid})")
    app = create_app(runtime)

    sftp = SftpService(runtime)

    async def start_background(app: web.Application) -> None:
        relay.start()
        pollers = sftp.start()
        if pollers:
            _say(f"SFTP pollers started for {pollers} partners")
        app[WATCHER] = asyncio.create_task(watch_async(runtime.registry, on_reload=_reloaded))

    async def stop_background(app: web.Application) -> None:
        app[WATCHER].cancel()
        sftp.stop()
        relay.stop()
        relay.join(10)
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        runtime.close()

    app.on_startup.append(start_background)
    app.on_cleanup.append(stop_background)
    # run_app handles SIGINT/SIGTERM: it stops accepting, lets in-flight requests finish
    # (up to shutdown_timeout), then runs the cleanup above.
    web.run_app(app, host=host, port=port or settings.port, shutdown_timeout=30, print=_say)
    return 0


def _reloaded(problems: list[ProfileError]) -> None:
    if problems:
        log.error("partner profiles NOT reloaded (the working ones stay):\n%s", "\n".join(map(str, problems)))
    else:
        log.info("partner profiles reloaded")


def _say(text: str) -> None:
    print(f"edigw: {text}", file=sys.stderr)


def _safe_url(url: str) -> str:
    """A URL without its password."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
