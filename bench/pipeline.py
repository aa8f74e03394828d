"""Issue #7 benchmark: inbound 850s end to end, from receipt to the ERP simulator.

For each configuration (Redis + PostgreSQL with one worker process of 4 threads, and with
Celery's default prefork pool of 2 processes; the embedded default: SQLite + the SQLite
broker, 4 threads) it uploads N BigBox 850s through the REST API as fast as 4 clients can, and
waits until the ERP simulator has booked every order. Each order goes through the whole
pipeline: durable receipt + outbox, relay, Celery worker process (parse, validate, 997,
translate, partner rules, routing, document + delivery rows), delivery task, HTTP POST
with its Idempotency-Key. Latency is from the message's commit to the ERP's receipt.
The ratio compares with translate-only throughput (same files, in process) measured in
the same run.

    .venv/bin/python bench/pipeline.py [--orders 1000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from gateway.broker import RelayThread, make_producer  # noqa: E402
from gateway.commands.worker import worker_argv  # noqa: E402
from gateway.store import Message, create_token, transaction  # noqa: E402
from gateway.store.testing import postgres_unavailable, temporary_postgres_database  # noqa: E402
from samples.simulators import erp  # noqa: E402
from samples.simulators.base import STATE  # noqa: E402
from samples.simulators.x12gen import make_850  # noqa: E402
from tests.support.app_thread import serve_app  # noqa: E402
from tests.support.gateway_server import running_gateway  # noqa: E402
from translators.translate import translate_bytes  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/12"


def orders(count: int, offset: int) -> list[tuple[str, bytes]]:
    numbers = [f"BENCH{offset + i:07d}" for i in range(count)]
    return [(po, make_850(po, lines=3, control_number=offset + i)) for i, po in enumerate(numbers)]


def translate_only(files: list[tuple[str, bytes]]) -> float:
    start = time.perf_counter()
    for _, data in files:
        assert translate_bytes(data).documents
    return len(files) / (time.perf_counter() - start)


def run(
    label: str,
    files: list[tuple[str, bytes]],
    db_url: str | None,
    broker: str | None,
    pool: tuple[str, int] = ("threads", 4),
) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        extra = {"EDIGW_OUTBOUND": "file"}
        if broker:
            extra["EDIGW_BROKER_URL"] = broker
        with running_gateway(home, db_url, extra_env=extra) as gw:
            with transaction(gw.runtime.sessions) as session:
                token = create_token(session, "bench").token
            config = erp.ErpConfig()  # receive only: no confirmations back
            app = erp.create_app(config)
            with serve_app(app) as erp_url:
                relay = RelayThread(gw.runtime.sessions, make_producer(gw.runtime.settings), interval=0.05)
                relay.start()
                gw.runtime.wake_relay = relay.poke
                env = {
                    **os.environ,
                    **extra,
                    "EDIGW_HOME": str(home),
                    "EDIGW_PARTNERS": str(gw.runtime.settings.partners_dir),
                    "EDIGW_ERP_URL": erp_url,
                    "EDIGW_ERP_TOKEN": config.auth.token or "",
                    "EDIGW_LOG_FORMAT": "text",
                    "PYTHONPATH": str(ROOT),
                }
                if db_url:
                    env["EDIGW_DATABASE_URL"] = db_url
                argv = worker_argv(
                    gw.runtime.settings, beat=False, pool=pool[0], concurrency=pool[1], loglevel="WARNING"
                )
                worker = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                try:
                    # warm up: one order through the whole path (schema compilation, connections)
                    warm = make_850("WARMUP", lines=3, control_number=999_999)
                    gw.request("POST", "/api/v1/partners/bigbox/messages", body=warm, token=token)
                    state = app[STATE]
                    _wait(lambda: state.received.get("order", 0) >= 1, 120)

                    def upload(item: tuple[str, bytes]) -> None:
                        path = f"/api/v1/partners/bigbox/messages?filename={item[0]}"
                        status, _, body = gw.request("POST", path, body=item[1], token=token)
                        assert status == 202, body

                    start = time.perf_counter()
                    with ThreadPoolExecutor(4) as pool:
                        list(pool.map(upload, files))
                    _wait(lambda: state.received.get("order", 0) >= len(files) + 1, 900)
                    elapsed = time.perf_counter() - start
                    booked = {
                        d.document["po_number"]: dt.datetime.fromisoformat(d.received_at)
                        for d in state.documents
                        if d.kind == "order"
                    }
                    with gw.runtime.sessions() as session:
                        stored = session.scalars(select(Message).where(Message.direction == "in")).all()
                        received = {m.file_name: m.received_at for m in stored if m.file_name}
                finally:
                    worker.terminate()
                    worker.wait(30)
                    relay.stop()
    latencies = sorted((booked[po] - received[po]).total_seconds() for po, _ in files)
    rate = len(files) / elapsed
    p50 = statistics.median(latencies)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"  {label:<22} {rate:7.1f} docs/s   receipt->ERP p50 {p50 * 1000:7.0f} ms   p99 {p99 * 1000:7.0f} ms")
    return rate


def _wait(check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise TimeoutError("the ERP did not receive every order in time")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1000)
    args = ap.parse_args()
    files = orders(args.orders, 1)
    print(
        f"{args.orders} BigBox 850s (3 lines) end to end to the ERP simulator; 4 upload clients, 1 worker x4 threads"
        " unless said otherwise"
    )
    baseline = translate_only(files)
    print(f"  translate-only (in process)   {baseline:7.1f} docs/s")
    results = {}
    reason = postgres_unavailable()
    if reason is None:
        with temporary_postgres_database("edigw_bench") as url:
            results["Redis + PostgreSQL"] = run("Redis + PostgreSQL", files, url, REDIS_URL)
        with temporary_postgres_database("edigw_bench_prefork") as url:
            label = "Redis + PG, prefork x2"  # Celery's default pool: one process per core
            results[label] = run(label, orders(args.orders, 250_000), url, REDIS_URL, ("prefork", 2))
    else:
        print(f"  Redis + PostgreSQL skipped: {reason}")
    results["embedded (SQLite)"] = run("embedded (SQLite)", orders(args.orders, 500_000), None, None)
    for label, rate in results.items():
        print(f"  ratio {label} / translate-only = {rate / baseline:6.1%}")


if __name__ == "__main__":
    main()
