"""Replaying a message that was rejected (here: an item the partner's cross-reference lacked).

The first processing claimed the interchange's dedupe keys; the replay must not take its
own keys for a duplicate, or a fixed message could never be delivered.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

import tasks.context as context
from gateway.inbound import store_inbound
from gateway.replay import replay_message
from gateway.runtime import Runtime
from gateway.store import Delivery, Document, current_status
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
    xref.write_text(xref.read_text() + "100299,AC-9999,SKU-9999,012345678999,Widget new\n")
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
    import tasks.process as process
    from gateway.commands.messages import run_replay
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

    monkeypatch.setattr(process, "run_pipeline", real)
    monkeypatch.setattr("gateway.commands.messages._runtime", lambda: runtime)
    monkeypatch.setattr(runtime, "close", lambda: None)
    assert run_replay((), dead_letters=True, partner="bigbox", by="test") == 0
    assert process_inbound.run(mid) == "processed"
