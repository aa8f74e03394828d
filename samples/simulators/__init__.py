"""Simulated ERP, WMS, e-commerce shop and trading partner for the end-to-end story (issue #7).

Each simulator is an aiohttp app (``create_app(config)`` in :mod:`.erp`, :mod:`.wms`,
:mod:`.shop`, :mod:`.partner`) with the same control surface: ``POST /_faults`` to make
it misbehave on purpose (:mod:`.faults`), ``POST /_reset``, ``GET /_stats`` and
``GET /_documents``. Run one with ``python -m samples.simulators erp --port 9101`` or all
of them in one event loop with :func:`run_all`.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["As2SendError", "Faults", "GatewayConfig", "Simulators", "drop_sftp", "make_850", "run_all", "send_as2"]

#: Imported on first use, so that a light submodule (``gs1``, used by the benchmark's
#: generator) does not bring in aiohttp, the gateway and Celery with the package.
_EXPORTS = {
    "As2SendError": "as2_peer",
    "send_as2": "as2_peer",
    "GatewayConfig": "callbacks",
    "Faults": "faults",
    "Simulators": "runner",
    "run_all": "runner",
    "drop_sftp": "x12gen",
    "make_850": "x12gen",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
