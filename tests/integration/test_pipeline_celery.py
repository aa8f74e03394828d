"""The pipeline on real services: Redis broker, Celery worker processes, PostgreSQL, an ERP.

850 in -> ERP exactly once -> its confirmation -> 855 out -> the partner's 997 back;
an ERP failing with 500s then recovering -> delivered exactly once; a permanent
failure -> dead letter -> replay -> delivered once; a worker killed mid-task -> the
task is redelivered and the ERP still books one order.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from edi.x12.ack import AckWriter, iter_validated
from edi.x12.control import InMemoryAllocator
from gateway.broker import RelayThread, make_producer
from gateway.commands.worker import worker_argv
from gateway.store import Delivery, Document, Message, create_token, current_status, history, transaction
from gateway.store.testing import postgres_unavailable, temporary_postgres_database
from samples.simulators import erp
from samples.simulators.base import STATE
from samples.simulators.callbacks import GatewayConfig
from tests.support.app_thread import serve_app
from tests.support.gateway_server import RunningGateway, running_gateway

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("EDIGW_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def redis_unavailable() -> str | None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means "skip", with the reason
        return f"Redis not reachable at {REDIS_URL}: {exc}"
    return None


def po_850(po: str, control: int) -> bytes:
    return (
        "ISA*00*          *00*          *ZZ*BIGBOXSTORES   *ZZ*EDIGW          *240101*1200*U*00401*"
        f"{control:09d}*0*P*>~\nGS*PO*BIGBOXSTORES*EDIGW*20240101*1200*{control}*X*004010~\nST*850*0001~\n"
        f"BEG*00*SA*{po}**20240101~\nDTM*002*20240201~\nN1*ST*STORE 12*92*0012~\n"
        "PO1*1*10*EA*9.5**BP*100234*VP*AC-4410~\nPO1*2*4*CS*20**BP*100235*VP*AC-4411~\n"
        f"CTT*2~\nSE*8*0001~\nGE*1*{control}~\nIEA*1*{control:09d}~\n"
    ).encode()


@dataclass
class Stack:
    gw: RunningGateway
    erp_url: str
    erp_state: Any
    env: dict[str, str]
    token: str
    workers: list[subprocess.Popen[bytes]]

    def start_worker(self) -> subprocess.Popen[bytes]:
        argv = worker_argv(self.gw.runtime.settings, beat=False, pool="threads", concurrency=4)
        log = open(self.gw.runtime.settings.home / f"worker-{len(self.workers)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.workers.append(proc)
        return proc

    def upload(self, data: bytes, partner: str = "bigbox") -> str:
        status, body = self.gw.json("POST", f"/api/v1/partners/{partner}/messages", body=data, token=self.token)
        assert status == 202, body
        return body["message_id"]

    def events(self, message_id: str) -> list[str]:
        with self.gw.runtime.sessions() as session:
            return [e.state for e in history(session, uuid.UUID(message_id))]

    def erp_orders(self, po: str) -> list[Any]:
        return [d for d in self.erp_state.documents if d.kind == "order" and d.document.get("po_number") == po]


def wait_for(check: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    for reason in (redis_unavailable(), postgres_unavailable()):
        if reason:
            pytest.skip(reason)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    base = tmp_path_factory.mktemp("pipeline")
    home = base / "home"
    sinks = yaml.safe_load((ROOT / "samples" / "sinks.yaml").read_text())
    for sink in sinks["sinks"]:
        sink.update(backoff_base_seconds=0.2, backoff_max_seconds=1.0, max_attempts=6)
    (base / "sinks.yaml").write_text(yaml.safe_dump(sinks))
    with temporary_postgres_database("edigw_pipeline") as db_url:
        env_extra = {
            "EDIGW_BROKER_URL": REDIS_URL,
            "EDIGW_OUTBOUND": "file",
            "EDIGW_SINKS": str(base / "sinks.yaml"),
            "EDIGW_BROKER_VISIBILITY_TIMEOUT": "5",
        }
        with running_gateway(home, db_url, extra_env=env_extra) as gw:
            with transaction(gw.runtime.sessions) as session:
                token = create_token(session, "pipeline-test").token
            config = erp.ErpConfig(
                gateway=GatewayConfig(url=gw.url, token=token, partner_id="bigbox"), ack_delay=0.1, invoice_delay=0.3
            )
            app = erp.create_app(config)
            with serve_app(app) as erp_url:
                relay = RelayThread(gw.runtime.sessions, make_producer(gw.runtime.settings), interval=0.2)
                relay.start()
                gw.runtime.wake_relay = relay.poke
                env = {
                    **os.environ,
                    **env_extra,
                    "EDIGW_HOME": str(home),
                    "EDIGW_DATABASE_URL": db_url,
                    "EDIGW_PARTNERS": str(gw.runtime.settings.partners_dir),
                    "EDIGW_ERP_URL": erp_url,
                    "EDIGW_ERP_TOKEN": config.auth.token or "",
                    "PYTHONPATH": str(ROOT),
                }
                stack = Stack(gw, erp_url, app[STATE], env, token, [])
                stack.start_worker()
                try:
                    yield stack
                finally:
                    for proc in stack.workers:
                        proc.terminate()
                    for proc in stack.workers:
                        try:
                            proc.wait(20)
                        except subprocess.TimeoutExpired:
                            proc.kill()
                    relay.stop()
                    relay.join(5)


def test_850_to_erp_once_855_out_and_997_back(stack: Stack) -> None:
    mid = stack.upload(po_850("PO-E2E-1", 7001))
    wait_for(lambda: "delivered" in stack.events(mid), what="delivery to the ERP")
    assert len(stack.erp_orders("PO-E2E-1")) == 1
    # our 997 for the 850 went out over the partner's transport (file mode here)
    outbox = stack.gw.runtime.settings.home / "outbox" / "bigbox"
    assert wait_for(lambda: list(outbox.glob("997-*.x12")), what="our 997")
    # the ERP confirms -> 855 built and sent
    path = wait_for(lambda: list(outbox.glob("po_ack-PO-E2E-1*")), what="the 855")[0]
    text = path.read_bytes()
    assert b"ST*855*" in text and b"BAK*00*AT*PO-E2E-1*" in text  # original, accepted with detail
    # the partner answers with a 997 for our 855: the expectation is closed
    writer = AckWriter(InMemoryAllocator(500))
    stack.upload(b"".join(a.to_bytes() for r, env in iter_validated(text) for a in writer.write(r, env)))

    def acknowledged() -> bool:
        with stack.gw.runtime.sessions() as session:
            out = session.scalars(select(Message).where(Message.file_name == path.name)).one()
            return "acknowledged" in [e.state for e in history(session, out.id)]

    wait_for(acknowledged, what="the 855 to be acknowledged by the partner's 997")
    assert len(stack.erp_orders("PO-E2E-1")) == 1
    with stack.gw.runtime.sessions() as session:  # the ERP's confirmation is done, not left "received"
        out = session.scalars(select(Message).where(Message.file_name == path.name)).one()
        built = next(e for e in history(session, out.id) if e.state == "built" and e.detail.get("from_event"))
        assert current_status(session, uuid.UUID(built.detail["from_event"])) == "processed"
    # the ERP saw the message's correlation id, and every worker log line about it carries it
    status, message = stack.gw.json("GET", f"/api/v1/messages/{mid}", token=stack.token)
    correlation = message["correlation_id"]
    assert stack.erp_orders("PO-E2E-1")[0].correlation_id == correlation
    log = (stack.gw.runtime.settings.home / "worker-0.log").read_text()
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{") and mid in line]
    assert lines and all(entry.get("correlation_id") == correlation for entry in lines)


def test_erp_500s_then_recovers_delivered_exactly_once(stack: Stack) -> None:
    stack.erp_state.faults = stack.erp_state.faults.merged({"fail_next": 3, "fail_status": 503})
    mid = stack.upload(po_850("PO-E2E-2", 7002))
    wait_for(lambda: "delivered" in stack.events(mid), what="delivery after retries")
    assert stack.events(mid).count("retrying") == 3
    assert len(stack.erp_orders("PO-E2E-2")) == 1


def test_permanent_failure_dead_letter_then_replay_delivers_once(stack: Stack) -> None:
    stack.erp_state.faults = stack.erp_state.faults.merged({"fail_next": 1, "fail_status": 422})
    mid = stack.upload(po_850("PO-E2E-3", 7003))
    wait_for(lambda: "dead_letter" in stack.events(mid), what="dead letter")
    assert stack.erp_orders("PO-E2E-3") == []
    status, body = stack.gw.json("POST", f"/api/v1/messages/{mid}/replay", token=stack.token)
    assert status == 202 and "dead-lettered" in body["status"]
    stack.gw.runtime.wake_relay()
    wait_for(lambda: stack.events(mid)[-1] == "delivered", what="delivery after replay")
    assert len(stack.erp_orders("PO-E2E-3")) == 1
    with stack.gw.runtime.sessions() as session:
        doc = session.scalars(select(Document).where(Document.message_id == uuid.UUID(mid))).one()
        delivery = session.scalars(select(Delivery).where(Delivery.document_id == doc.id)).one()
        assert delivery.state == "delivered" and delivery.attempts == 2


def test_worker_killed_mid_task_is_redelivered_and_erp_books_one_order(stack: Stack) -> None:
    stack.erp_state.faults = stack.erp_state.faults.merged({"latency": 3.0})
    try:
        mid = stack.upload(po_850("PO-E2E-4", 7004))
        wait_for(lambda: "translated" in stack.events(mid), what="processing")
        time.sleep(1.0)  # the delivery task is now waiting on the slow ERP
        for proc in stack.workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
        stack.start_worker()
        wait_for(lambda: "delivered" in stack.events(mid), timeout=90, what="redelivered task to finish")
    finally:
        stack.erp_state.faults = stack.erp_state.faults.merged({"latency": 0.0})
    wait_for(lambda: stack.erp_orders("PO-E2E-4"), what="the ERP to book the order")
    booked = {d.key for d in stack.erp_orders("PO-E2E-4")}
    assert len(booked) == 1  # every attempt carried the same Idempotency-Key: one order
