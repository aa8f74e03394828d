"""The worker process's runtime (database, partners, keys), opened on first use.

Celery tasks run in worker processes that outlive any one task; each process opens
its own database engine once (after fork, so no connection is shared between
processes) and closes it at shutdown.
"""

from __future__ import annotations

import threading

from celery.signals import worker_process_shutdown

from gateway.runtime import Runtime
from gateway.settings import Settings

__all__ = ["runtime", "reset"]

_lock = threading.Lock()
_state: dict[str, Runtime] = {}


def runtime() -> Runtime:
    with _lock:
        if "rt" not in _state:
            _state["rt"] = Runtime.open(Settings.from_env(), generate_keys=False)
        return _state["rt"]


def reset() -> None:
    with _lock:
        rt = _state.pop("rt", None)
    if rt is not None:
        rt.close()


@worker_process_shutdown.connect
def _close(**_: object) -> None:
    reset()
