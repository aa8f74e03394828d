"""Prometheus metrics for ``/metrics``.

Counts and queue sizes are read from the store at scrape time (``StoreCollector``)
rather than kept in process memory: the gateway, the embedded worker and separate
``edigw worker`` processes all write the same tables, and messages, documents, events
and acknowledgements are never deleted, so the counts only grow, as Prometheus
counters must. Processing latency comes from the store too: the worker that processes a
message records the seconds since its receipt on the ``processed`` event, and the
collector reports quantiles over the last hour (workers run in other processes, so an
in-process histogram here would never see them).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from decimal import Decimal

from prometheus_client import REGISTRY, CollectorRegistry
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gateway.store import Acknowledgement, Delivery, DeliveryState, Document, Event, Message, State
from gateway.store.events import latest_message_states
from gateway.store.types import utcnow

__all__ = ["StoreCollector", "latency_quantiles", "register_store_collector", "QUANTILES"]

log = logging.getLogger("edigw.metrics")

#: Quantiles of receipt-to-processed latency reported, over at most this many recent messages.
QUANTILES = (0.5, 0.9, 0.99)
LATENCY_WINDOW = dt.timedelta(hours=1)
LATENCY_SAMPLES = 5000

#: Event states that are a delivery attempt's outcome (the detail names the sink).
DELIVERY_OUTCOMES = ("delivered", "retrying", "dead_letter")


def latency_quantiles(values: list[float], quantiles: tuple[float, ...] = QUANTILES) -> dict[float, float]:
    """Nearest-rank quantiles of ``values`` (empty dict for no values)."""
    if not values:
        return {}
    ordered = sorted(values)
    return {q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] for q in quantiles}


class StoreCollector(Collector):
    """Counters and gauges computed from the store on every scrape."""

    @staticmethod
    def _latency(session: Session) -> Metric:
        gauge = GaugeMetricFamily(
            "edigw_processing_seconds",
            "Receipt to end of processing, quantiles over the last hour",
            labels=["quantile"],
        )
        for quantile, value in latency_quantiles(_processing_seconds(session)).items():
            gauge.add_metric([str(quantile)], value)
        return gauge

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def describe(self) -> list[Metric]:
        return []  # computed on demand; never queried at registration

    def collect(self) -> Iterator[Metric]:
        try:
            with self.sessions() as session:
                yield from self._collect(session)
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail because the database hiccups
            log.warning("store metrics unavailable: %s", exc)
            up = GaugeMetricFamily("edigw_store_up", "1 when the store answered the metrics queries")
            up.add_metric([], 0)
            yield up

    def _collect(self, session: Session) -> Iterator[Metric]:
        yield self._latency(session)
        received = CounterMetricFamily(
            "edigw_messages_received", "Inbound messages received", labels=["partner", "transport"]
        )
        rows = session.execute(
            select(Message.partner_id, Message.transport, func.count())
            .where(Message.direction == "in")
            .group_by(Message.partner_id, Message.transport)
        )
        for partner, transport, count in rows:
            received.add_metric([partner, transport], count)
        yield received

        documents = CounterMetricFamily(
            "edigw_documents", "Documents by type and current status", labels=["type", "status"]
        )
        latest = (
            select(Event.document_id, func.max(Event.id).label("id"))
            .where(Event.document_id.is_not(None))
            .group_by(Event.document_id)
            .subquery()
        )
        rows = session.execute(
            select(Document.doc_type, func.coalesce(Event.state, "recorded"), func.count())
            .outerjoin(latest, latest.c.document_id == Document.id)
            .outerjoin(Event, Event.id == latest.c.id)
            .group_by(Document.doc_type, Event.state)
        )
        for doc_type, state, count in rows:
            documents.add_metric([doc_type, state], count)
        yield documents

        deliveries = CounterMetricFamily(
            "edigw_deliveries", "Delivery attempts by sink and outcome", labels=["sink", "outcome"]
        )
        sink = Event.detail["sink"].as_string()
        rows = session.execute(
            select(sink, Event.state, func.count())
            .where(Event.state.in_(DELIVERY_OUTCOMES), Event.document_id.is_not(None))
            .group_by(sink, Event.state)
        )
        for sink_name, outcome, count in rows:
            deliveries.add_metric([sink_name or "unknown", outcome], count)
        yield deliveries

        acks = CounterMetricFamily(
            "edigw_acks", "Acknowledgements sent (out) and received (in)", labels=["direction", "kind"]
        )
        rows = session.execute(
            select(Acknowledgement.direction, Acknowledgement.kind, func.count())
            .where(Acknowledgement.acknowledged_at.is_not(None))
            .group_by(Acknowledgement.direction, Acknowledgement.kind)
        )
        for direction, kind, count in rows:
            acks.add_metric(["sent" if direction == "out" else "received", kind], count)
        yield acks

        queues = dict(
            session.execute(
                select(Delivery.state, func.count())
                .where(Delivery.state.in_([DeliveryState.DEAD_LETTER, DeliveryState.RETRYING]))
                .group_by(Delivery.state)
            ).all()
        )
        for name, state, text in (
            ("edigw_dead_letter_queue", DeliveryState.DEAD_LETTER, "Deliveries in the dead-letter state"),
            ("edigw_retry_queue", DeliveryState.RETRYING, "Deliveries waiting for a retry"),
        ):
            gauge = GaugeMetricFamily(name, text)
            gauge.add_metric([], queues.get(state, 0))
            yield gauge

        parked = GaugeMetricFamily(
            "edigw_dead_letter_messages",
            "Messages in the dead-letter state: in = files not processed, ERP/WMS events not built; out = not sent",
            labels=["direction"],
        )
        latest = latest_message_states().subquery("status")
        stuck = dict(
            session.execute(
                select(Message.direction, func.count())
                .join(latest, latest.c.message_id == Message.id)
                .where(latest.c.state == State.DEAD_LETTER.value)
                .group_by(Message.direction)
            ).all()
        )
        for direction in ("in", "out"):
            parked.add_metric([direction], stuck.get(direction, 0))
        yield parked

        overdue = GaugeMetricFamily("edigw_overdue_acks", "Acknowledgements past due", labels=["partner", "kind"])
        now = utcnow()
        rows = session.execute(
            select(Acknowledgement.partner_id, Acknowledgement.kind, func.count())
            .where(
                (Acknowledgement.status == "overdue")
                | ((Acknowledgement.status == "expected") & (Acknowledgement.due_at < now))
            )
            .group_by(Acknowledgement.partner_id, Acknowledgement.kind)
        )
        for partner, kind, count in rows:
            overdue.add_metric([partner, kind], count)
        yield overdue
        up = GaugeMetricFamily("edigw_store_up", "1 when the store answered the metrics queries")
        up.add_metric([], 1)
        yield up


def _processing_seconds(session: Session) -> list[float]:
    since = utcnow() - LATENCY_WINDOW
    rows = session.scalars(
        select(Event.detail)
        .where(Event.state == "processed", Event.at >= since)
        .order_by(Event.id.desc())
        .limit(LATENCY_SAMPLES)
    )
    return [float(d["seconds"]) for d in rows if d and isinstance(d.get("seconds"), int | float | Decimal)]


def register_store_collector(sessions: sessionmaker[Session], registry: CollectorRegistry = REGISTRY) -> StoreCollector:
    """Register a collector for this store; ``registry.unregister(collector)`` on shutdown."""
    collector = StoreCollector(sessions)
    registry.register(collector)
    return collector
