"""``edigw worker``: Celery workers for the tasks (and, with ``--beat``, the periodic ones).

The gateway layer does not import ``tasks``; the worker is started as Celery's own
command line on ``tasks.celery_app``, with the same environment, so it reads the same
settings (``EDIGW_BROKER_URL``, ``EDIGW_DATABASE_URL``...).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

from gateway.settings import Settings

__all__ = ["worker_argv", "run", "spawn"]


def worker_argv(
    settings: Settings, *, beat: bool, concurrency: int | None = None, pool: str | None = None, loglevel: str = "INFO"
) -> list[str]:
    """The Celery worker command line for ``settings`` (the child reads the same environment)."""
    argv = [sys.executable, "-m", "celery", "-A", "tasks.celery_app:celery_app", "worker", "-Q", "edigw"]
    argv += ["--loglevel", loglevel, "--without-gossip", "--without-mingle"]
    argv += ["--hostname", f"edigw-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"]
    if settings.embedded and pool is None:
        pool, concurrency = "threads", concurrency or 4  # SQLite: one process, WAL handles the writers
    if pool:
        argv += ["--pool", pool]
    if concurrency:
        argv += ["--concurrency", str(concurrency)]
    if beat:
        argv += ["--beat", "--schedule", str(settings.home / "celerybeat-schedule")]
    return argv


def run(beat: bool, concurrency: int | None, pool: str | None) -> int:
    settings = Settings.from_env()
    settings.home.mkdir(parents=True, exist_ok=True)
    argv = worker_argv(settings, beat=beat, concurrency=concurrency, pool=pool)
    os.execv(argv[0], argv)  # replaces this process: signals go straight to Celery
    return 0  # pragma: no cover


def spawn(beat: bool = True, loglevel: str = "INFO") -> subprocess.Popen[bytes]:
    """Start a worker as a child process (the embedded default of ``edigw serve`` and the demo)."""
    argv = worker_argv(Settings.from_env(), beat=beat, loglevel=loglevel)
    return subprocess.Popen(argv, env=os.environ.copy())
