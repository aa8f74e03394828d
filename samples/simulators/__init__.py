"""Simulated ERP, WMS, e-commerce shop and trading partner for the end-to-end story (issue #7).

Each simulator is an aiohttp app (``create_app(config)`` in :mod:`.erp`, :mod:`.wms`,
:mod:`.shop`, :mod:`.partner`) with the same control surface: ``POST /_faults`` to make
it misbehave on purpose (:mod:`.faults`), ``POST /_reset``, ``GET /_stats`` and
``GET /_documents``. Run one with ``python -m samples.simulators erp --port 9101`` or all
of them in one event loop with :func:`run_all`.
"""

from samples.simulators.as2_peer import As2SendError, send_as2
from samples.simulators.callbacks import GatewayConfig
from samples.simulators.faults import Faults
from samples.simulators.runner import Simulators, run_all
from samples.simulators.x12gen import drop_sftp, make_850

__all__ = ["As2SendError", "Faults", "GatewayConfig", "Simulators", "drop_sftp", "make_850", "run_all", "send_as2"]
