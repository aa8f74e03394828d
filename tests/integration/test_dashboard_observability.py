"""Observability behind the dashboard: store metrics collector, JSON logs with correlation ids, alerts."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import shutil
from pathlib import Path

import pytest
import structlog
from prometheus_client import CollectorRegistry, generate_latest

from gateway.alerts import evaluate_alerts, record_alerts
from gateway.logging_setup import bind_correlation, configure_logging, correlation, unbind_correlation
from gateway.metrics import StoreCollector, latency_quantiles, register_store_collector
from gateway.runtime import Runtime
from gateway.settings import Settings
from gateway.store import add_event, history, receive_message, transaction
from partners.registry import Registry
from tests.support.dashboard_seed import Seeded, seed
from tests.support.gateway_server import BUNDLED_PARTNERS, running_gateway

pytestmark = pytest.mark.integration


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Runtime, Seeded]:
    env = {"EDIGW_HOME": str(tmp_path), "EDIGW_PARTNERS": str(BUNDLED_PARTNERS)}
    runtime = Runtime.open(Settings.from_env(env), generate_keys=False)
    yield runtime, seed(runtime.sessions)
    runtime.close()


def test_store_collector_counts_and_gauges(seeded: tuple[Runtime, Seeded]) -> None:
    runtime, _ = seeded
    registry = CollectorRegistry()
    register_store_collector(runtime.sessions, registry)
    text = generate_latest(registry).decode()
    assert 'edigw_messages_received_total{partner="bigbox",transport="as2"} 1.0' in text
    assert 'edigw_messages_received_total{partner="northwind-dist",transport="sftp"} 2.0' in text
    assert 'edigw_documents_total{status="delivered",type="order"} 1.0' in text  # status = latest document event
    assert 'edigw_documents_total{status="dead_letter",type="invoice"} 1.0' in text
    assert 'edigw_deliveries_total{outcome="dead_letter",sink="erp"} 2.0' in text
    assert 'edigw_deliveries_total{outcome="retrying",sink="erp"} 1.0' in text
    assert "edigw_dead_letter_queue 2.0" in text and "edigw_retry_queue 1.0" in text
    assert 'edigw_overdue_acks{kind="997",partner="bigbox"} 1.0' in text
    assert "edigw_store_up 1.0" in text


def test_store_collector_survives_a_broken_database(tmp_path: Path) -> None:
    def broken() -> None:
        raise RuntimeError("database gone")

    text = generate_latest(_registry_with(StoreCollector(broken))).decode()  # type: ignore[arg-type]
    assert "edigw_store_up 0.0" in text


def _registry_with(collector: StoreCollector) -> CollectorRegistry:
    registry = CollectorRegistry()
    registry.register(collector)
    return registry


def test_processing_latency_quantiles_come_from_processed_events(tmp_path: Path) -> None:
    with running_gateway(tmp_path / "home") as gw:
        with transaction(gw.runtime.sessions) as session:
            for seconds in (0.2, 0.4, 0.6, 0.8, 5.0):
                mid = receive_message(
                    session, partner_id="bigbox", transport="rest", raw=str(seconds).encode(), task=None
                ).message.id
                add_event(session, mid, "processed", {"seconds": seconds})
        text = generate_latest(_registry_with(StoreCollector(gw.runtime.sessions))).decode()
    assert 'edigw_processing_seconds{quantile="0.5"} 0.6' in text
    assert 'edigw_processing_seconds{quantile="0.99"} 5.0' in text
    assert latency_quantiles([]) == {}


def test_json_logs_carry_the_correlation_id_on_every_line() -> None:
    stream = io.StringIO()
    configure_logging(json=True, stream=stream)
    try:
        bind_correlation("c0ffee00-0000-0000-0000-000000000001")
        logging.getLogger("edigw.test").info("stdlib line %s", 1)
        structlog.get_logger("edigw.test").info("structlog line", partner="bigbox")
        unbind_correlation()
        with correlation("c0ffee00-0000-0000-0000-000000000002"):
            logging.getLogger("edigw.test").warning("inside")
        logging.getLogger("edigw.test").info("after")
    finally:
        logging.getLogger().handlers[:] = [h for h in logging.getLogger().handlers if not getattr(h, "_edigw", False)]
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["stdlib line 1", "structlog line", "inside", "after"]
    assert [line.get("correlation_id", "")[-1:] for line in lines] == ["1", "1", "2", ""]
    assert lines[1]["partner"] == "bigbox" and lines[0]["level"] == "info" and "timestamp" in lines[0]


def test_alerts_dead_letter_growth_and_silent_partner(seeded: tuple[Runtime, Seeded], tmp_path: Path) -> None:
    runtime, data = seeded
    alerts = evaluate_alerts(runtime)
    assert [a.kind for a in alerts] == ["dead_letter_growth"]
    assert alerts[0].detail["new"] == 2 and alerts[0].payload()["alert"] == "dead_letter_growth"
    record_alerts(runtime, alerts)
    assert evaluate_alerts(runtime) == []  # raised once
    with runtime.sessions() as session:
        states = [(e.state, e.document_id is not None) for e in history(session, data.dead_letter)]
    assert ("alert", True) in states  # on the document: the message's own status is unchanged

    # Northwind allows 1 hour of silence; its last file came 2 hours ago.
    profile_dir = tmp_path / "partners"
    shutil.copytree(BUNDLED_PARTNERS, profile_dir)
    text = (BUNDLED_PARTNERS / "northwind-dist.yaml").read_text()
    (profile_dir / "northwind-dist.yaml").write_text(
        text.replace('  ack: "999"', '  ack: "999"\n  silent_alert_hours: 1')
    )
    runtime.registry = Registry.load(profile_dir)
    alerts = evaluate_alerts(runtime)
    assert [(a.kind, a.partner) for a in alerts] == [("partner_silent", "northwind-dist")]
    record_alerts(runtime, alerts)
    assert evaluate_alerts(runtime) == []
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert evaluate_alerts(runtime, later) == []  # same silence, already alerted
