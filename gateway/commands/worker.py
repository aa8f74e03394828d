"""``edigw worker``: Celery workers for the tasks (and, with ``--beat``, the periodic ones).

The gateway layer does not import ``tasks``; the worker is started as Celery's own
command line on ``tasks.celery_app``, with the same environment, so it reads the same
settings (``EDIGW_BROKER_URL``, ``EDIGW_DATABASE_URL``...).
"""

from __future__ import annotations

import os
import subprocess
import sys

from gateway.settings import Settings

__all__ = ["worker_argv", "run", "spawn"]


def worker_argv(*, beat: bool, concurrency: int | None, pool: str | None, loglevel: str = "INFO") -> list[str]:
    settings = Settings.from_env()
    argv = [sys.executable, "-m", "celery", "-A", "tasks.celery_app:celery_app", "worker", "-Q", "edigw"]
    argv += ["--loglevel", loglevel, "--hostname", f"edigw@{os.uname().nodename}-{os.getpid()}"]
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
    argv = worker_argv(beat=beat, concurrency=concurrency, pool=pool)
    os.execv(argv[0], argv)  # replaces this process: signals go straight to Celery
    return 0  # pragma: no cover


def spawn(beat: bool = True, loglevel: str = "INFO") -> subprocess.Popen[bytes]:
    """Start a worker as a child process (the embedded default of ``edigw serve`` and the demo)."""
    argv = worker_argv(beat=beat, concurrency=None, pool=None, loglevel=loglevel)
    return subprocess.Popen(argv, env=os.environ.copy())
