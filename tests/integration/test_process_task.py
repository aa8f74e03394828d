"""The ``process_inbound`` task on the embedded store, from the stored bytes to what sinks get.

* Replaying a message that was rejected (an item the partner's cross-reference lacked):
  the first processing claimed the interchange's dedupe keys; the replay must not take
  its own keys for a duplicate, or a fixed message could never be delivered.
* A processing failure nobody foresaw is a visible, replayable dead letter.
* Amounts stay exact from the partner's file to the sink's payload, through the store.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

import tasks.context as context
from gateway.inbound import store_inbound
from gateway.replay import replay_message
from gateway.runtime import Runtime
from gateway.store import Delivery, Document, OutboxEntry, current_status
from gateway.task_names import BUILD_OUTBOUND_TASK
from tasks.process import process_inbound
from tests.support.partner_folder import copy_partners

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "samples/partners/bigbox/samples/po-4500012399-unknown-item.edi"


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    partners = copy_partners(tmp_path / "partners")
    monkeypatch.setenv("EDIGW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("EDIGW_PARTNERS", str(partners))
    context.reset()
    yield context.runtime()
    context.reset()


def test_rejected_message_is_delivered_after_the_fix_and_a_replay(runtime: Runtime) -> None:
    stored = store_inbound(runtime.sessions, partner_id="bigbox", transport="rest", raw=SAMPLE.read_bytes(), task=None)
    mid = str(stored.message_id)
    assert process_inbound.run(mid) == "rejected"
    with runtime.sessions() as session:
        assert current_status(session, stored.message_id) == "rejected"

    # the partner manager adds the missing item to BigBox's cross-reference
    xref = runtime.settings.partners_dir / "bigbox" / "items.csv"
    xref.write_text(xref.read_text() + "100299,AC-9999,SKU-9999,012345678998,Widget new\n")
    assert runtime.registry.reload() == []

    assert replay_message(runtime.sessions, uuid.UUID(mid), "test") == "processing queued"
    assert process_inbound.run(mid) == "processed"
    with runtime.sessions() as session:
        [document] = session.scalars(select(Document).where(Document.message_id == stored.message_id)).all()
        assert [d.sink for d in session.scalars(select(Delivery).where(Delivery.document_id == document.id))] == ["erp"]
    # and processing it again changes nothing
    assert process_inbound.run(mid) == "already processed"


def test_a_processing_failure_is_a_visible_dead_letter_that_a_replay_retries(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug or an input no check foresaw: the message must not stay "received" forever
    with nothing to show; it is dead-lettered with the reason, listed, and replayable."""
    from prometheus_client import CollectorRegistry, generate_latest

    import tasks.process as process
    from gateway.alerts import evaluate_alerts
    from gateway.commands.messages import run_replay
    from gateway.metrics import register_store_collector
    from gateway.web.data import queues

    good = Path(__file__).resolve().parents[2] / "samples/partners/bigbox/samples/po-4500012345.edi"
    stored = store_inbound(runtime.sessions, partner_id="bigbox", transport="rest", raw=good.read_bytes(), task=None)
    mid = str(stored.message_id)

    def broken(*args: object, **kw: object) -> None:
        raise TypeError("str is not valid UTF-8: surrogates not allowed")

    real = process.run_pipeline
    monkeypatch.setattr(process, "run_pipeline", broken)
    assert process_inbound.run(mid) == "dead letter"
    with runtime.sessions() as session:
        assert current_status(session, stored.message_id) == "dead_letter"
        [row] = [r for r in queues(session, partner=None) if r["message_id"] == mid]
        assert row["sink"] == "processing"
        assert session.scalars(select(Document).where(Document.message_id == stored.message_id)).all() == []
    [alert] = evaluate_alerts(runtime)  # operations hear of it, as of a dead-lettered delivery
    assert alert.kind == "dead_letter_growth" and alert.summary.endswith("for processing")
    assert [m for m, _, _ in alert.messages] == [stored.message_id]
    metrics = CollectorRegistry()
    register_store_collector(runtime.sessions, metrics)
    assert 'edigw_dead_letter_messages{direction="in"} 1.0' in generate_latest(metrics).decode()

    monkeypatch.setattr(process, "run_pipeline", real)
    monkeypatch.setattr("gateway.commands.messages._runtime", lambda: runtime)
    monkeypatch.setattr(runtime, "close", lambda: None)
    assert run_replay((), dead_letters=True, partner="bigbox", by="test") == 0
    assert process_inbound.run(mid) == "processed"


def test_amounts_are_exact_from_the_file_through_the_store_to_the_sink_payload(runtime: Runtime) -> None:
    """A unit price with 17 significant digits (R 1/17) survives: a float would make ...011."""
    from tasks.sinks import HttpJsonSink, SinkConfig

    good = Path(__file__).resolve().parents[2] / "samples/partners/bigbox/samples/po-4500012345.edi"
    data = good.read_bytes()
    line = next(s for s in data.split(b"~") if s.strip().startswith(b"PO1*"))
    fields = line.split(b"*")
    fields[4] = b"12345.123456789012"
    data = data.replace(line, b"*".join(fields), 1)
    stored = store_inbound(runtime.sessions, partner_id="bigbox", transport="rest", raw=data, task=None)
    assert process_inbound.run(str(stored.message_id)) == "processed"
    with runtime.sessions() as session:
        [document] = session.scalars(select(Document).where(Document.message_id == stored.message_id)).all()
        canonical = document.canonical
    assert canonical["lines"][0]["unit_price"] == Decimal("12345.123456789012")
    config = SinkConfig.model_validate({"name": "erp", "base_url": "http://127.0.0.1:9/", "paths": {}})
    sink = HttpJsonSink(config, Path("."))
    body = sink.body_for("order", canonical, "bigbox")
    assert b'"unit_price":12345.123456789012' in body


def test_a_build_failure_parks_the_business_event_as_a_dead_letter(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ERP's confirmation that cannot be built for a reason nobody foresaw: dead letter."""
    import tasks.outbound as outbound

    body = b'{"po_number": "4500012345", "ack_type": "AD", "po_date": "2026-11-01"}'
    stored = store_inbound(
        runtime.sessions,
        partner_id="bigbox",
        transport="rest",
        raw=body,
        standard="canonical",
        task=BUILD_OUTBOUND_TASK,
        task_args={"doc_type": "po_ack"},
    )

    def broken(*args: object, **kw: object) -> None:
        raise AttributeError("'NoneType' object has no attribute 'version'")

    real = outbound.render_for_partner
    monkeypatch.setattr(outbound, "render_for_partner", broken)
    assert outbound.build_outbound.run(str(stored.message_id), "po_ack") == "dead letter"
    with runtime.sessions() as session:
        assert current_status(session, stored.message_id) == "dead_letter"
    monkeypatch.setattr(outbound, "render_for_partner", real)
    # the replay builds it again (a business event is not an inbound file to process)
    assert replay_message(runtime.sessions, stored.message_id, "test") == "building queued"
    with runtime.sessions() as session:
        queued = session.scalars(select(OutboxEntry).order_by(OutboxEntry.id.desc()).limit(1)).one()
    assert (queued.task, queued.args["doc_type"]) == (BUILD_OUTBOUND_TASK, "po_ack")
    assert outbound.build_outbound.run(queued.args["message_id"], queued.args["doc_type"]) == "built"


def test_a_send_failure_nobody_foresaw_parks_the_outbound_message(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Transient and permanent transport errors have their own handling; anything else
    (a bug in a sender) makes the outbound message a dead letter, not a silent 'built'."""
    import tasks.outbound as outbound
    from gateway.store import State, add_event, transaction

    with transaction(runtime.sessions) as session:
        out_id = outbound.record_outbound(
            session, "bigbox", b"ISA*...", "855-X.x12", "application/edi-x12", "x12", None
        )
        add_event(session, out_id, State.BUILT, {})

    def broken(*args: object, **kw: object) -> str:
        raise KeyError("as2_message_id")

    monkeypatch.setattr(outbound, "_send", broken)
    assert outbound.send_outbound.run(str(out_id)) == "dead letter"
    with runtime.sessions() as session:
        assert current_status(session, out_id) == "dead_letter"
    assert outbound.send_outbound.run(str(out_id)) == "already dead_letter"


def test_a_delivery_failure_nobody_foresaw_is_a_dead_lettered_delivery(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasks.deliver import deliver
    from tasks.sinks import HttpJsonSink

    good = Path(__file__).resolve().parents[2] / "samples/partners/bigbox/samples/po-4500012345.edi"
    stored = store_inbound(runtime.sessions, partner_id="bigbox", transport="rest", raw=good.read_bytes(), task=None)
    assert process_inbound.run(str(stored.message_id)) == "processed"
    with runtime.sessions() as session:
        [delivery] = session.scalars(
            select(Delivery).join(Document).where(Document.message_id == stored.message_id)
        ).all()

    def broken(*args: object, **kw: object) -> None:
        raise TypeError("unhashable type: 'dict'")

    monkeypatch.setattr(HttpJsonSink, "deliver", broken)
    assert deliver.run(str(delivery.id)) == "dead letter: unexpected failure"
    with runtime.sessions() as session:
        after = session.get(Delivery, delivery.id)
        assert after is not None and after.state == "dead_letter" and "TypeError" in (after.last_error or "")


@pytest.fixture
def pg_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    from gateway.store.testing import postgres_unavailable, temporary_postgres_database

    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with temporary_postgres_database() as url:
        monkeypatch.setenv("EDIGW_DATABASE_URL", url)
        monkeypatch.setenv("EDIGW_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("EDIGW_PARTNERS", str(copy_partners(tmp_path / "partners")))
        context.reset()
        yield context.runtime()
        context.reset()


def test_a_cxml_document_is_recorded_on_postgresql(pg_runtime: Runtime) -> None:
    """Its interchange id is the cXML payloadID, far longer than an ISA13: PostgreSQL
    refused it ("value too long for type character varying(16)") until migration 0004."""
    sample = Path(__file__).resolve().parents[2] / "samples/partners/acme-supply/samples/confirmation-4500098765.xml"
    stored = store_inbound(
        pg_runtime.sessions, partner_id="acme-supply", transport="cxml", raw=sample.read_bytes(), task=None
    )
    assert process_inbound.run(str(stored.message_id)) == "processed"
    with pg_runtime.sessions() as session:
        [document] = session.scalars(select(Document).where(Document.message_id == stored.message_id)).all()
    assert document.interchange_control == "1732131000.4711@acme-supply.example"
