"""The worker process's runtime (database, partners, keys), opened on first use.

Celery tasks run in worker processes that outlive any one task; each process opens
its own database engine once (after fork, so no connection is shared between
processes) and closes it at shutdown.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from celery.signals import setup_logging, task_postrun, task_prerun, worker_process_shutdown

from gateway.logging_setup import bind_correlation, configure_logging, unbind_correlation
from gateway.runtime import Runtime
from gateway.settings import Settings
from partners.watch import FolderWatcher

log = logging.getLogger("edigw.worker")

__all__ = ["runtime", "reset"]

#: Partner profiles are re-read when their folder changed, checked at most this often.
RELOAD_CHECK_SECONDS = 2.0

_lock = threading.Lock()
_state: dict[str, Any] = {}


def runtime() -> Runtime:
    """This process's runtime; partner profiles follow edits (a broken edit keeps the old ones)."""
    with _lock:
        if "rt" not in _state:
            rt = Runtime.open(Settings.from_env(), generate_keys=False)
            _state.update(rt=rt, watcher=FolderWatcher(rt.registry), checked=time.monotonic())
        elif time.monotonic() - _state["checked"] > RELOAD_CHECK_SECONDS:
            _state["checked"] = time.monotonic()
            problems = _state["watcher"].poll()
            if problems:
                log.error("partner profiles not reloaded: %s", "; ".join(map(str, problems)))
        return _state["rt"]


def reset() -> None:
    with _lock:
        rt = _state.pop("rt", None)
        _state.clear()
    if rt is not None:
        rt.close()


@worker_process_shutdown.connect
def _close(**_: object) -> None:
    reset()


@setup_logging.connect
def _logging(**_: object) -> None:
    """JSON lines like the gateway's (EDIGW_LOG_FORMAT=text for readable ones)."""
    configure_logging(json=os.environ.get("EDIGW_LOG_FORMAT", "json") == "json")


@task_prerun.connect
def _bind(kwargs: dict[str, Any] | None = None, **_: object) -> None:
    """Every task is keyed by a message or delivery and carries the message's correlation id."""
    bind_correlation((kwargs or {}).get("correlation_id"))


@task_postrun.connect
def _unbind(**_: object) -> None:
    unbind_correlation()
