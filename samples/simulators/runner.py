"""Run the simulators: all four in one event loop (:func:`run_all`), for the demo and benchmarks.

Ports are free loopback ports chosen by the OS, so several runs never collide; the
URLs and the credentials the gateway needs come back as :class:`Simulators`, whose
:meth:`~Simulators.sink_env` is exactly the environment ``samples/sinks.yaml`` reads.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from gateway.keys import ensure_identities
from samples.simulators import erp, partner, shop, wms
from samples.simulators.base import STATE, SimulatorState
from samples.simulators.callbacks import GatewayConfig

__all__ = ["Simulators", "run_all", "start_app", "LoopThread", "free_port"]


class LoopThread:
    """An asyncio event loop running in a daemon thread; ``run(coro)`` executes a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Any, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Simulators:
    """URLs and apps of the running simulators (``apps[name][STATE]`` holds each one's state)."""

    urls: dict[str, str]  # erp, wms, shop: base URLs; partner: its POST /as2 URL
    apps: dict[str, web.Application]
    erp: erp.ErpConfig
    wms: wms.WmsConfig
    shop: shop.ShopConfig

    def state(self, name: str) -> SimulatorState:
        return self.apps[name][STATE]

    def sink_env(self) -> dict[str, str]:
        """Environment for the gateway's bundled ``samples/sinks.yaml`` to reach these simulators."""
        assert self.erp.auth.token and self.wms.auth.secret and self.shop.auth.password
        return {
            "EDIGW_ERP_URL": self.urls["erp"],
            "EDIGW_ERP_TOKEN": self.erp.auth.token,
            "EDIGW_WMS_URL": self.urls["wms"],
            "EDIGW_WMS_HMAC_SECRET": self.wms.auth.secret,
            "EDIGW_SHOP_URL": self.urls["shop"],
            "EDIGW_SHOP_PASSWORD": self.shop.auth.password,
        }


@asynccontextmanager
async def start_app(app: web.Application, host: str = "127.0.0.1", port: int = 0) -> AsyncIterator[str]:
    """Serve ``app`` in the running loop; yields its base URL (port 0: a free one)."""
    runner = web.AppRunner(app, shutdown_timeout=2)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield f"http://{bound_host}:{bound_port}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def run_all(
    home: Path,
    gateway: GatewayConfig | None = None,
    *,
    erp_config: erp.ErpConfig | None = None,
    wms_config: wms.WmsConfig | None = None,
    shop_config: shop.ShopConfig | None = None,
    partner_config: partner.PartnerConfig | None = None,
    ensure_keys: bool = True,
    host: str = "127.0.0.1",
) -> AsyncIterator[Simulators]:
    """Start ERP, WMS, shop and the partner's AS2 server; stop them on exit.

    ``gateway`` is where business events and 997s go (None: the simulators only
    receive). With ``ensure_keys`` the partner's and the gateway's test keys are
    created under ``home/keys`` when missing, the same files ``edigw serve`` would
    create (it never overwrites existing ones), so the order of start-up does not matter.
    """
    erp_cfg = erp_config or erp.ErpConfig(gateway=gateway)
    wms_cfg = wms_config or wms.WmsConfig(gateway=gateway)
    shop_cfg = shop_config or shop.ShopConfig()
    partner_cfg = partner_config or partner.PartnerConfig(home=home, gateway_url=gateway.url if gateway else None)
    if ensure_keys:
        ensure_identities(partner_cfg.home / "keys", [partner_cfg.partner_as2_id, partner_cfg.gateway_as2_id])
    apps = {
        "erp": erp.create_app(erp_cfg),
        "wms": wms.create_app(wms_cfg),
        "shop": shop.create_app(shop_cfg),
        "partner": partner.create_app(partner_cfg),
    }
    async with AsyncExitStack() as stack:
        urls = {name: await stack.enter_async_context(start_app(app, host)) for name, app in apps.items()}
        urls["partner"] += "/as2"
        yield Simulators(urls, apps, erp_cfg, wms_cfg, shop_cfg)
