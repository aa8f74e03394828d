"""``python -m samples.simulators erp|wms|shop|partner|all [--port N] ...``: run simulators.

Credentials default to the environment the gateway's ``samples/sinks.yaml`` reads
(``EDIGW_ERP_TOKEN``, ``EDIGW_WMS_HMAC_SECRET``, ``EDIGW_SHOP_PASSWORD``); business
events go to ``--gateway-url`` / ``EDIGW_GATEWAY_URL`` with ``--gateway-token`` /
``EDIGW_GATEWAY_TOKEN``. Every received document is logged on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from aiohttp import web

from samples.simulators import erp, partner, shop, wms
from samples.simulators.auth import AuthConfig
from samples.simulators.callbacks import GatewayConfig
from samples.simulators.faults import Faults
from samples.simulators.runner import run_all

DEFAULT_PORTS = {"erp": 9101, "wms": 9102, "shop": 9103, "partner": 9104}
FACTORIES: dict[str, Callable[[Any], web.Application]] = {
    "erp": erp.create_app,
    "wms": wms.create_app,
    "shop": shop.create_app,
    "partner": partner.create_app,
}


def _parser() -> argparse.ArgumentParser:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m samples.simulators", description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=[*DEFAULT_PORTS, "all"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, help="default: erp 9101, wms 9102, shop 9103, partner 9104")
    parser.add_argument("--gateway-url", default=env("EDIGW_GATEWAY_URL"), help="where business events go")
    parser.add_argument("--gateway-token", default=env("EDIGW_GATEWAY_TOKEN", ""))
    parser.add_argument(
        "--partner-id", default="bigbox", help="partner of ERP/WMS events when the gateway names none (X-Edigw-Partner)"
    )
    parser.add_argument("--erp-token", default=env("EDIGW_ERP_TOKEN", "erp-token"))
    parser.add_argument("--wms-secret", default=env("EDIGW_WMS_HMAC_SECRET", "wms-secret"))
    parser.add_argument("--shop-password", default=env("EDIGW_SHOP_PASSWORD", "shop-pw"))
    parser.add_argument("--home", type=Path, default=Path(env("EDIGW_HOME") or "var"), help="partner keys: HOME/keys")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds before the first business event")
    parser.add_argument("--faults", type=json.loads, default={}, help="initial faults, e.g. '{\"fail_next\": 2}'")
    return parser


class Configs(NamedTuple):
    erp: erp.ErpConfig
    wms: wms.WmsConfig
    shop: shop.ShopConfig
    partner: partner.PartnerConfig


def _configs(args: argparse.Namespace) -> Configs:
    gateway = None
    if args.gateway_url:
        gateway = GatewayConfig(url=args.gateway_url, token=args.gateway_token, partner_id=args.partner_id)
    faults = Faults.model_validate(args.faults)
    return Configs(
        erp.ErpConfig(
            auth=AuthConfig(type="bearer", token=args.erp_token),
            gateway=gateway,
            faults=faults,
            ack_delay=args.delay,
            invoice_delay=args.delay * 3,
        ),
        wms.WmsConfig(
            auth=AuthConfig(type="hmac", secret=args.wms_secret),
            gateway=gateway,
            faults=faults,
            ship_delay=args.delay * 2,
        ),
        shop.ShopConfig(auth=AuthConfig(type="basic", username="edigw", password=args.shop_password), faults=faults),
        partner.PartnerConfig(home=args.home, gateway_url=args.gateway_url, faults=faults, ack_delay=args.delay / 2),
    )


async def _serve_all(args: argparse.Namespace, configs: Configs) -> None:
    async with run_all(
        args.home,
        erp_config=configs.erp,
        wms_config=configs.wms,
        shop_config=configs.shop,
        partner_config=configs.partner,
        host=args.host,
    ) as sims:
        for name, url in sims.urls.items():
            print(f"{name:8} {url}", flush=True)
        for key, value in sims.sink_env().items():
            print(f"export {key}={value}", flush=True)
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    configs = _configs(args)
    if args.which == "all":
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve_all(args, configs))
        return 0
    app = FACTORIES[args.which](getattr(configs, args.which))
    port = args.port if args.port is not None else DEFAULT_PORTS[args.which]
    web.run_app(app, host=args.host, port=port, print=lambda text: print(f"{args.which}: {text}", flush=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
