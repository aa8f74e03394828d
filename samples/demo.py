"""``edigw demo``: the whole story on the embedded default, with simulators.

* BigBox (a retailer) sends purchase orders over AS2; Northwind (a distributor) drops
  them on its SFTP server (a real OpenSSH sshd on loopback, when installed).
* The gateway stores each file before answering, validates it, sends the 997/999,
  translates it and delivers it to the ERP, WMS and shop simulators.
* The ERP confirms (855) and invoices (810), the WMS ships (856); the gateway builds
  those documents and sends them to the partner, whose 997/999 closes each one.
* We order from Acme (a supplier) over a cXML procurement network: the ERP's order
  becomes a cXML OrderRequest posted with the network's shared secret; Acme's
  ConfirmationRequest comes back to ``POST /cxml`` and reaches the ERP as a PO ack.
* Then a timeline per purchase order shows what happened, when.

Everything runs on this machine: SQLite and the embedded broker under ``--home``
(default ``./var/demo``, recreated each run), a worker process, loopback HTTP.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from edi.x12.ack import AckWriter, iter_validated
from edi.x12.control import InMemoryAllocator
from gateway.broker import RelayThread, make_producer
from gateway.commands.worker import worker_argv
from gateway.http.app import create_app
from gateway.runtime import Runtime
from gateway.settings import Settings
from gateway.sftp_service import SftpService
from gateway.store import create_token, current_status, search_messages, transaction
from gateway.timeline import format_timeline, po_timeline
from samples.simulators.as2_peer import send_as2
from samples.simulators.callbacks import GatewayConfig
from samples.simulators.network import Network
from samples.simulators.network import create_app as create_network
from samples.simulators.runner import LoopThread, Simulators, free_port, run_all
from samples.simulators.sshd import SshdServer, sshd_unavailable, start_sshd
from samples.simulators.x12gen import drop_sftp, make_850

__all__ = ["main", "run_demo"]

BUNDLED = Path(__file__).resolve().parent / "partners"
NORTHWIND_SAMPLE = BUNDLED / "northwind-dist" / "samples" / "po-NW-55821.edi"


def say(text: str) -> None:
    print(text, flush=True)


ACME = "acme-supply"
#: the environment variable Acme's profile names for the network's shared secret
ACME_SECRET_ENV = "ACME_CXML_SHARED_SECRET"


def _write_profiles(home: Path, sims: Simulators, sshd: SshdServer | None, network_url: str) -> Path:
    """The bundled profiles, pointed at the simulators (and the local sshd)."""
    folder = home / "partners"
    shutil.copytree(BUNDLED, folder, dirs_exist_ok=True)
    acme = yaml.safe_load((folder / "acme-supply.yaml").read_text())
    acme["transports"]["cxml"]["url"] = network_url
    (folder / "acme-supply.yaml").write_text(yaml.safe_dump(acme, sort_keys=False))
    bigbox = yaml.safe_load((folder / "bigbox.yaml").read_text())
    bigbox["transports"]["as2"]["url"] = sims.urls["partner"]
    bigbox["routing"] = {"order": ["erp", "wms", "shop"], "default": ["erp"]}
    (folder / "bigbox.yaml").write_text(yaml.safe_dump(bigbox, sort_keys=False))
    northwind = yaml.safe_load((folder / "northwind-dist.yaml").read_text())
    if sshd is not None:
        area = sshd.root / "northwind"
        for sub in ("to_supplier", "from_supplier", "archive"):
            (area / sub).mkdir(parents=True, exist_ok=True)
        shutil.copy(sshd.client_key_path, home / "keys" / "northwind-dist-sftp.key")
        os.chmod(home / "keys" / "northwind-dist-sftp.key", 0o600)
        northwind["transports"]["sftp"].update(
            host="127.0.0.1",
            port=sshd.port,
            user=sshd.username,
            host_key_fingerprint=sshd.host_key_fingerprint,
            inbound=str(area / "to_supplier"),
            outbound=str(area / "from_supplier"),
            archive=str(area / "archive"),
            poll_interval_seconds=5,
            min_file_age_seconds=0,
        )
    else:
        northwind["status"] = "paused"
    (folder / "northwind-dist.yaml").write_text(yaml.safe_dump(northwind, sort_keys=False))
    return folder


@contextmanager
def _worker(settings: Settings, env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    argv = worker_argv(settings, beat=False, pool="threads", concurrency=4)
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _answer_sftp(sshd: SshdServer, stop: threading.Event) -> None:
    """Northwind's side of SFTP: answer every document we push with a 999 in its inbound folder."""
    area = sshd.root / "northwind"
    seen: set[str] = set()
    writer = AckWriter(InMemoryAllocator(9000))
    while not stop.wait(0.5):
        for path in sorted((area / "from_supplier").glob("*")):
            if path.name.startswith(".") or path.name in seen:
                continue
            seen.add(path.name)
            data = path.read_bytes()
            if b"ST*999*" in data or b"ST*997*" in data:
                continue  # acknowledgements are not acknowledged
            for result, envelope in iter_validated(data):
                for ack in writer.write(result, envelope, kind="999"):
                    drop_sftp(area / "to_supplier", ack.to_bytes(), f"999-{ack.control_number}.x12")


def _done(runtime: Runtime, partner: str, po: str) -> bool:
    entries = [e.what for e in po_timeline_session(runtime, partner, po)]
    if partner == ACME:  # our order acknowledged by the network, Acme's confirmation delivered
        return any("OrderRequest" in e and "acknowledged" in e for e in entries) and any(
            "ConfirmationRequest" in e and "delivered to erp" in e for e in entries
        )
    wanted = ("855", "856", "810")
    return all(any(w in e and "acknowledged" in e for e in entries) for w in wanted)


def po_timeline_session(runtime: Runtime, partner: str, po: str) -> list[Any]:
    with runtime.sessions() as session:
        return po_timeline(session, partner, po)


def run_demo(home: Path, orders: int, timeout: float, database_url: str | None = None) -> int:
    if home.exists():
        shutil.rmtree(home)
    (home / "keys").mkdir(parents=True)
    os.environ.setdefault(ACME_SECRET_ENV, "demo-network-secret")  # the network's shared secret
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDIGW_")}
    env.update(EDIGW_HOME=str(home), EDIGW_PARTNERS=str(home / "partners"))
    if database_url:  # the production store; the broker stays embedded
        env["EDIGW_DATABASE_URL"] = database_url
    shutil.copytree(BUNDLED, home / "partners")
    settings = Settings.from_env(env)
    runtime = Runtime.open(settings)
    with transaction(runtime.sessions) as session:
        token = create_token(session, "demo simulators").token
    store = "PostgreSQL" if database_url else "SQLite"
    say(f"edigw demo: home {home} ({store} + embedded broker), keys under {home / 'keys'}")

    sshd: SshdServer | None = None
    reason = sshd_unavailable()
    if reason is None:
        sshd = start_sshd(home / "sshd")
        say(f"SFTP: OpenSSH sshd on 127.0.0.1:{sshd.port} (Northwind's server)")
    else:
        say(f"SFTP leg skipped: {reason}")

    port = free_port()
    gateway_url = f"http://127.0.0.1:{port}"
    sims_loop, gw_loop = LoopThread(), LoopThread()
    sims_cm = run_all(home, GatewayConfig(url=gateway_url, token=token, partner_id="bigbox"))
    sims: Simulators = sims_loop.run(sims_cm.__aenter__())
    say("simulators: " + ", ".join(f"{k} {v}" for k, v in sims.urls.items()))
    network = Network(secret=os.environ[ACME_SECRET_ENV], gateway_url=gateway_url)
    network_runner = web.AppRunner(create_network(network))
    network_port = free_port()
    sims_loop.run(network_runner.setup())
    sims_loop.run(web.TCPSite(network_runner, "127.0.0.1", network_port).start())
    say(f"cXML procurement network: http://127.0.0.1:{network_port}/cxml/post (Acme behind it)")
    _write_profiles(home, sims, sshd, f"http://127.0.0.1:{network_port}/cxml/post")
    problems = runtime.registry.reload()
    if problems:
        raise SystemExit("demo profiles invalid: " + "; ".join(map(str, problems)))
    env.update(sims.sink_env())  # the worker delivers; this process only receives and relays

    relay = RelayThread(runtime.sessions, make_producer(settings), interval=0.2)
    runtime.wake_relay = relay.poke
    runner = web.AppRunner(create_app(runtime))
    gw_loop.run(runner.setup())
    gw_loop.run(web.TCPSite(runner, "127.0.0.1", port).start())
    relay.start()
    sftp = SftpService(runtime)
    stop_answering = threading.Event()
    say(f"gateway: {gateway_url} (POST /as2, POST /cxml, /api/v1, dashboard at /)")
    exit_code = 1
    with _worker(settings, env, home / "worker.log") as worker:
        say(f"worker: pid {worker.pid} (log {home / 'worker.log'})")
        if sshd is not None:
            sftp.start()
            threading.Thread(target=_answer_sftp, args=(sshd, stop_answering), daemon=True).start()
        try:
            pos = _send_orders(home, gateway_url, orders, sshd, token)
            exit_code = _wait_and_report(runtime, pos, timeout, sims)
        finally:
            stop_answering.set()
            sftp.stop()
            relay.stop()
            gw_loop.run(runner.cleanup())
            sims_loop.run(network_runner.cleanup())
            sims_loop.run(sims_cm.__aexit__(None, None, None))
            gw_loop.close()
            sims_loop.close()
            if sshd is not None:
                sshd.stop()
            runtime.close()
    return exit_code


def _send_orders(
    home: Path, gateway_url: str, orders: int, sshd: SshdServer | None, token: str
) -> list[tuple[str, str]]:
    pos: list[tuple[str, str]] = []
    stamp = int(time.time()) % 100000
    for i in range(orders):
        po = f"45{stamp:05d}{i:03d}"
        payload = make_850(po, lines=3 + i % 2, control_number=stamp * 10 + i, usage="T")
        result = send_as2(gateway_url, payload, home, filename=f"{po}.edi")
        say(f"BigBox -> AS2 850 {po}: MDN {result.status.value}" + (f" ({result.reason})" if result.reason else ""))
        pos.append(("bigbox", po))
    if sshd is not None:
        po = f"NW-{stamp:05d}"
        control = f"{stamp:09d}"
        payload = (
            NORTHWIND_SAMPLE.read_bytes()
            .replace(b"NW-55821", po.encode())
            .replace(b"000001877", control.encode())
            .replace(b"*1877*", f"*{stamp}*".encode())
            .replace(b"GE*1*1877", f"GE*1*{stamp}".encode())
        )
        drop_sftp(sshd.root / "northwind" / "to_supplier", payload, f"{po}.edi")
        say(f"Northwind -> SFTP 850 {po}: file dropped on its server")
        pos.append(("northwind-dist", po))
    po = f"AC-{stamp:05d}"
    status = _order_from_acme(gateway_url, token, po)
    say(f"ERP -> our order {po} for Acme (cXML over its network): HTTP {status}")
    pos.append((ACME, po))
    return pos


def _order_from_acme(gateway_url: str, token: str, po: str) -> int:
    """The ERP orders from Acme, as a business event (items from Acme's cross-reference)."""
    lines = [
        {"line_number": "1", "quantity": 10, "uom": "BX", "unit_price": 42.5, "item": {"buyer_part": "RAW-0042"}},
        {"line_number": "2", "quantity": 20, "uom": "BX", "unit_price": 48, "item": {"buyer_part": "RAW-0043"}},
    ]
    order = {"po_number": po, "po_date": time.strftime("%Y-%m-%d"), "currency": "USD", "lines": lines}
    request = urllib.request.Request(
        f"{gateway_url}/api/v1/partners/{ACME}/outbound/order",
        data=json.dumps(order).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own loopback gateway
        return int(response.status)


def _wait_and_report(runtime: Runtime, pos: list[tuple[str, str]], timeout: float, sims: Simulators) -> int:
    say(f"waiting for 855/856/810 and the partners' acknowledgements (up to {timeout:.0f}s)...")
    deadline = time.monotonic() + timeout
    pending = list(pos)
    while pending and time.monotonic() < deadline:
        pending = [(p, po) for p, po in pending if not _done(runtime, p, po)]
        time.sleep(0.5)
    say("")
    for partner, po in pos:
        say(format_timeline(po, partner, po_timeline_session(runtime, partner, po)))
        say("")
    with runtime.sessions() as session:
        dead = search_messages(session, status="dead_letter", limit=1000)
        inbound = search_messages(session, direction="in", limit=1000)
        statuses = [current_status(session, m.id) for m in inbound]
    for name in ("erp", "wms", "shop"):
        stats = sims.state(name).stats()
        say(f"{name}: received {stats['received']}, duplicates {stats['duplicates']}, callbacks {stats['callbacks']}")
    say(
        f"messages in: {len(inbound)} ({', '.join(sorted(set(s or '?' for s in statuses)))}); dead letters: {len(dead)}"
    )
    if pending:
        say("NOT complete within the time limit: " + ", ".join(po for _, po in pending))
        return 1
    retail = sum(1 for partner, _ in pos if partner != ACME)
    say(
        f"demo complete: {retail} customer purchase orders confirmed, shipped, invoiced and acknowledged; "
        f"our order to Acme sent over cXML and confirmed"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="edigw demo", description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, default=Path("var/demo"), help="working folder (recreated)")
    ap.add_argument("--orders", type=int, default=3, help="BigBox purchase orders to send over AS2")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--database-url", help="run on this (empty, or migrated) PostgreSQL database instead of SQLite")
    args = ap.parse_args(argv)
    return run_demo(args.home.resolve(), args.orders, args.timeout, args.database_url)


if __name__ == "__main__":
    sys.exit(main())
