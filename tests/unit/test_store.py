"""The durable store on SQLite (a temp file) and PostgreSQL (a fresh database, skipped when absent).

Every test runs against both backends; the PostgreSQL half and the concurrency tests are
marked ``integration``.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from edi.x12.control import MAX_CONTROL
from gateway.store import (
    Acknowledgement,
    DedupeKey,
    Document,
    Key,
    Layer,
    Message,
    OutboxEntry,
    Pending,
    Received,
    State,
    StoreAllocator,
    add_event,
    allocate_control_number,
    as2_key,
    claim_keys,
    create_token,
    current_status,
    document_status,
    ensure_delivery,
    expect_ack,
    group_key,
    history,
    idempotency_key,
    init_db,
    interchange_key,
    make_engine,
    make_sessionmaker,
    overdue_acks,
    pending_count,
    receive_message,
    record_ack,
    record_attempt,
    record_document,
    relay,
    resolve_expected,
    revoke_token,
    search_messages,
    set_key,
    transaction,
    verify_token,
)
from gateway.store.engine import MIGRATIONS
from gateway.store.models import ApiToken, Base
from gateway.store.testing import (
    allocate_in_processes,
    clear,
    migrate_in_processes,
    postgres_unavailable,
    temporary_postgres_database,
)
from gateway.store.types import utcnow

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.integration),
]
X12 = b"ISA*00*          *00*          *ZZ*ACME           *ZZ*EDIGW          *260101*1200*U*00401*000000001*0*P*>~"


@pytest.fixture(scope="module", params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('store') / 'edigw.sqlite3'}")
        init_db(eng)
        yield eng
        eng.dispose()
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with temporary_postgres_database() as url:
        eng = make_engine(url)
        init_db(eng)
        yield eng
        eng.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    clear(engine)
    return make_sessionmaker(engine)


def receive(factory: sessionmaker[Session], raw: bytes = X12, partner: str = "acme", **kw: Any) -> Received:
    with factory() as session:
        return receive_message(session, partner_id=partner, transport=kw.pop("transport", "as2"), raw=raw, **kw)


def count(factory: sessionmaker[Session], model: type[Base]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


# --- schema -------------------------------------------------------------------------------


def test_migrations_agree_with_models_and_rerun_is_a_no_op(engine: Engine) -> None:
    init_db(engine)  # already at head: nothing to do, no error
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_migrations_adopt_a_partner_leases_table_made_before_the_store_owned_it(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'edigw.sqlite3'}")
    with eng.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE partner_leases (partner_id VARCHAR(128) NOT NULL, holder VARCHAR(255) NOT NULL,"
            " expires_at DATETIME NOT NULL, PRIMARY KEY (partner_id))"
        )
    init_db(eng)
    with eng.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata) == []
    eng.dispose()


def test_migrations_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'edigw.sqlite3'}")
    init_db(eng)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with eng.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert inspect(eng).get_table_names() == ["alembic_version"]
    init_db(eng)
    assert set(inspect(eng).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}
    eng.dispose()


# --- receive + dedupe ---------------------------------------------------------------------


def test_receive_writes_bytes_metadata_event_and_outbox_in_one_commit(factory: sessionmaker[Session]) -> None:
    correlation = uuid.uuid4()
    message, duplicate = receive(
        factory,
        as2_message_id="<m1@acme>",
        content_type="application/edi-x12",
        standard="x12",
        correlation_id=correlation,
    )
    assert duplicate is None
    with factory() as session:  # a fresh session sees it: it was committed
        stored = session.get(Message, message.id)
        assert stored is not None
        assert stored.raw == X12
        assert (stored.sha256, stored.size) == (hashlib.sha256(X12).hexdigest(), len(X12))
        assert (stored.direction, stored.transport, stored.standard) == ("in", "as2", "x12")
        assert stored.correlation_id == correlation
        assert stored.received_at.tzinfo is not None
        assert current_status(session, message.id) == State.RECEIVED
        outbox = session.scalars(select(OutboxEntry)).one()
        assert outbox.args == {"message_id": str(message.id), "correlation_id": str(correlation)}
        assert outbox.published_at is None


def test_as2_message_id_resent_is_a_duplicate_of_the_first(factory: sessionmaker[Session]) -> None:
    first, _ = receive(factory, raw=X12, as2_message_id="<m1@acme>")
    again, duplicate = receive(factory, raw=X12 + b"\n", as2_message_id="m1@acme")  # brackets don't matter
    assert duplicate is not None
    assert (duplicate.message_id, duplicate.layer) == (first.id, Layer.AS2)
    third, duplicate = receive(factory, raw=X12 + b"\r\n", as2_message_id="<m1@acme>")
    assert duplicate is not None and duplicate.message_id == first.id  # never "duplicate of a duplicate"
    with factory() as session:
        assert session.get(Message, again.id).duplicate_of == first.id  # type: ignore[union-attr]
        assert current_status(session, again.id) == State.DUPLICATE
        assert history(session, again.id)[-1].detail["duplicate_of"] == str(first.id)
        assert pending_count(session) == 1  # only the original is processed


def test_same_file_bytes_are_a_duplicate_per_partner_only(factory: sessionmaker[Session]) -> None:
    first, _ = receive(factory, transport="sftp", file_name="po1.edi")
    _, duplicate = receive(factory, transport="sftp", file_name="po1-resent.edi")
    assert duplicate is not None and (duplicate.message_id, duplicate.layer) == (first.id, Layer.FILE)
    _, other_partner = receive(factory, partner="globex", transport="sftp", file_name="po1.edi")
    assert other_partner is None


def test_outbound_messages_are_not_deduplicated(factory: sessionmaker[Session]) -> None:
    receive(factory, direction="out", task=None)
    _, duplicate = receive(factory, direction="out", task=None)  # a deliberate resend
    assert duplicate is None
    _, duplicate = receive(factory)  # and it claims nothing an inbound copy would collide with
    assert duplicate is None


def test_duplicate_claims_none_of_its_own_keys(factory: sessionmaker[Session]) -> None:
    receive(factory, as2_message_id="<m1@acme>")
    _, duplicate = receive(factory, as2_message_id="<m2@acme>")  # new Message-ID, same bytes
    assert duplicate is not None and duplicate.layer == Layer.FILE
    with factory() as session:
        keys = session.scalars(select(DedupeKey.key).where(DedupeKey.layer == Layer.AS2)).all()
    assert keys == ['["acme","m1@acme"]']


def test_failed_receive_stores_nothing_and_the_retry_is_not_a_duplicate(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    import gateway.store.messages as messages

    def crash(*_args: object, **_kw: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(messages, "enqueue", crash)
    with pytest.raises(RuntimeError):
        receive(factory, as2_message_id="<m1@acme>")
    assert count(factory, Message) == count(factory, DedupeKey) == 0
    monkeypatch.undo()
    _, duplicate = receive(factory, as2_message_id="<m1@acme>")
    assert duplicate is None


@pytest.mark.parametrize(
    ("first", "second", "layer"),
    [
        (interchange_key("ZZ:ACME", "ZZ:EDIGW", "000000123"), interchange_key("ZZ:ACME", "ZZ:EDIGW", "123"), "isa13"),
        (group_key("ACME", "EDIGW", "PO", "77"), group_key("ACME", "EDIGW", "PO", "0077"), "gs06"),
        (set_key("ACME", "EDIGW", "77", "0001"), set_key("ACME", "EDIGW", "77", "0001"), "st02"),
    ],
)
def test_envelope_layers_dedupe_documents(factory: sessionmaker[Session], first: Key, second: Key, layer: str) -> None:
    a, _ = receive(factory, raw=b"first")
    b, _ = receive(factory, raw=b"second")
    with transaction(factory) as session:
        doc_a, dup_a = record_document(session, a.id, partner_id="acme", doc_type="order", keys=[first])
        assert dup_a is None
    with transaction(factory) as session:
        doc_b, dup_b = record_document(session, b.id, partner_id="acme", doc_type="order", keys=[second])
        assert dup_b is not None
        assert (dup_b.layer, dup_b.message_id, dup_b.document_id) == (layer, a.id, doc_a.id)
        assert document_status(session, doc_b.id) == State.DUPLICATE
        assert current_status(session, b.id) == State.RECEIVED  # the message itself is fine


def test_business_key_is_partner_type_number_and_purpose(factory: sessionmaker[Session]) -> None:
    msgs = [receive(factory, raw=f"m{i}".encode())[0] for i in range(4)]
    with transaction(factory) as session:
        _, dup = record_document(session, msgs[0].id, partner_id="acme", doc_type="order", number="PO-1")
        assert dup is None
        _, dup = record_document(session, msgs[1].id, partner_id="acme", doc_type="order", number="PO-1")
        assert dup is not None and dup.layer == Layer.BUSINESS and dup.message_id == msgs[0].id
        _, dup = record_document(
            session, msgs[2].id, partner_id="acme", doc_type="order", number="PO-1", purpose="replace"
        )
        assert dup is None
        _, dup = record_document(session, msgs[3].id, partner_id="acme", doc_type="invoice", number="PO-1")
        assert dup is None


@pytest.mark.integration
def test_racing_receivers_of_one_as2_message_store_one_original(factory: sessionmaker[Session]) -> None:
    barrier = threading.Barrier(8)

    def receive(_: int):  # type: ignore[no-untyped-def]
        barrier.wait()
        with factory() as session:
            return receive_message(
                session, partner_id="acme", transport="as2", raw=b"ISA...", as2_message_id="<retry@acme>"
            )

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(receive, range(8)))
    originals = [message.id for message, duplicate in results if duplicate is None]
    assert len(originals) == 1
    assert {duplicate.message_id for _, duplicate in results if duplicate} == set(originals)
    with factory() as session:
        assert pending_count(session) == 1
        assert len(session.scalars(select(Message.id)).all()) == 8  # every copy kept as evidence


@pytest.mark.integration
def test_sqlite_processes_migrating_at_once_all_succeed(tmp_path: Path) -> None:
    outcomes = migrate_in_processes(f"sqlite:///{tmp_path / 'edigw.sqlite3'}", workers=3)
    assert [code for code, _ in outcomes] == [0, 0, 0], outcomes


# --- status from events -------------------------------------------------------------------


def test_status_is_the_latest_message_event_and_history_is_kept(factory: sessionmaker[Session]) -> None:
    message, _ = receive(factory)
    with transaction(factory) as session:
        doc, _ = record_document(session, message.id, partner_id="acme", doc_type="order", number="PO-9")
        add_event(session, message.id, State.PROCESSING)
        add_event(session, message.id, State.TRANSLATED, document_id=doc.id)
        add_event(session, message.id, State.PROCESSED, {"documents": 1})
        add_event(session, message.id, State.DELIVERING, document_id=doc.id)
    with factory() as session:
        assert current_status(session, message.id) == State.PROCESSED  # document events don't move it
        assert document_status(session, doc.id) == State.DELIVERING
        states = [e.state for e in history(session, message.id)]
        assert states == ["received", "processing", "translated", "processed", "delivering"]
        assert current_status(session, uuid.uuid4()) is None


def test_partner_text_that_is_not_unicode_is_stored_visibly(factory: sessionmaker[Session]) -> None:
    """An undecodable byte from an envelope (a lone surrogate after ``surrogateescape``) in
    an event detail: PostgreSQL's jsonb refuses it, so it is stored as ``\\xNN``."""
    message, _ = receive(factory)
    with transaction(factory) as session:
        add_event(session, message.id, "warning", {"identity": "envelope names ACME\udcff", "ok": "caf\u00e9"})
        add_event(session, message.id, "warning", {"control": "12\x0034"})  # jsonb refuses \u0000 too
    with factory() as session:
        first, second = [e.detail for e in history(session, message.id)[-2:]]
        assert first == {"identity": "envelope names ACME\\xff", "ok": "caf\u00e9"}
        assert second == {"control": "12\\x0034"}


def test_envelope_ids_holding_any_character_still_key_dedupe_and_control_numbers(
    factory: sessionmaker[Session],
) -> None:
    """A TA1 must still be numbered and the interchange deduplicated when an ISA id holds a
    NUL or an undecodable byte (PostgreSQL text accepts neither as it is)."""
    odd = "ZZ:BIG\x00BOX\udcff"
    with transaction(factory) as session:
        first = allocate_control_number(session, "interchange", "ZZ:EDIGW", odd)
        second = allocate_control_number(session, "interchange", "ZZ:EDIGW", odd)
    assert (first, second) == (1, 2)
    assert interchange_key(odd, "ZZ:EDIGW", "7").text == '["ZZ:BIG\\\\x00BOX\\\\xff","ZZ:EDIGW","7"]'


def test_a_key_named_twice_in_one_claim_is_claimed_once(factory: sessionmaker[Session]) -> None:
    """Two groups numbered alike in one interchange (AK905 19 for the second) made the same
    group key twice: the second insert conflicted with the first, the claim rolled back."""
    message, _ = receive(factory)
    key = group_key("ZZ:A", "ZZ:B", "PO", "7")
    with transaction(factory) as session:
        assert claim_keys(session, [key, key], message.id) is None
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(DedupeKey).where(DedupeKey.key == key.text)) == 1


def test_a_malformed_control_number_still_records_the_ack_that_answers_it(factory: sessionmaker[Session]) -> None:
    """A 997/TA1 answering an ISA13 of 20 characters, with a NUL or an undecodable byte."""
    message, _ = receive(factory)
    garbled = "12\x003456789\udce9" + "9" * 10
    with transaction(factory) as session:
        ack = record_ack(
            session, direction="out", kind="TA1", partner_id="acme", status="rejected", related_message_id=message.id,
            interchange_control=garbled, group_control=garbled, set_control=None,
        )  # fmt: skip
    with factory() as session:
        stored = session.get(Acknowledgement, ack.id)
        assert stored is not None and stored.interchange_control == "12\\x003456789\\xe9" + "9" * 10
        assert (stored.group_control, stored.set_control) == ("12\\x003456789\\xe", None)  # 16 characters


def test_an_ack_answering_malformed_control_numbers_resolves_nothing_and_fails_nothing(
    factory: sessionmaker[Session],
) -> None:
    """A partner's 997 whose AK1/AK102 holds a NUL or an undecodable byte: PostgreSQL refused
    the lookup itself, failing the processing of the whole 997."""
    with transaction(factory) as session:
        found = resolve_expected(
            session, partner_id="acme", status="accepted", interchange_control="1\x00\udce9", group_control="7\x00"
        )
    assert found == []


def test_overlong_partner_headers_are_kept_shortened_not_refused_by_the_database(
    factory: sessionmaker[Session],
) -> None:
    """A 400-character Content-Type (the sender chooses it, even on a refused AS2 post) was
    a 500 on PostgreSQL; a 998-character AS2 Message-ID made a dedupe key over its column."""
    message_id, partner = "m" * 998, "p" * 100  # partner ids may be 128 characters
    with factory() as session:
        received = receive_message(
            session, partner_id=partner, transport="as2", raw=b"x", content_type="text/plain; x=" + "y" * 400,
            as2_message_id=message_id,
        )  # fmt: skip
    assert received.duplicate_of is None
    with factory() as session:
        stored = session.get(Message, received.message.id)
        assert stored is not None and len(stored.content_type or "") == 255
        assert stored.as2_message_id == message_id
    assert as2_key(partner, message_id).text.startswith("sha256:")
    with factory() as session:
        again = receive_message(session, partner_id=partner, transport="as2", raw=b"y", as2_message_id=message_id)
    assert again.duplicate_of is not None  # and the long key still finds the first


def test_canonical_amounts_come_back_from_the_store_exact(factory: sessionmaker[Session]) -> None:
    """JSON columns keep Decimals exact both ways (a float would give ...011 and ...98)."""
    message, _ = receive(factory)
    amounts = {"unit_price": Decimal("12345.123456789012"), "total_amount": Decimal("99999999999999.99"), "qty": 3}
    with transaction(factory) as session:
        doc, _ = record_document(session, message.id, partner_id="acme", doc_type="order", canonical=amounts)
    with factory() as session:
        stored = session.get(Document, doc.id)
        assert stored is not None and stored.canonical == amounts
        assert {k: type(v) for k, v in stored.canonical.items()} == {
            "unit_price": Decimal,
            "total_amount": Decimal,
            "qty": int,
        }


# --- outbox -------------------------------------------------------------------------------


class Crash(BaseException):
    """Stands in for the process dying: not an Exception, so nothing on the way catches it."""


def test_outbox_relay_is_at_least_once_across_crashes(factory: sessionmaker[Session]) -> None:
    ids = {str(receive(factory, raw=f"m{i}".encode())[0].id) for i in range(3)}
    # Crash 1: the receivers committed and died before any publish. Nothing is lost.
    published: list[Pending] = []

    def publish_then_die(row: Pending) -> None:
        published.append(row)
        if len(published) == 2:
            raise Crash  # crash 2: the relay dies after publishing, before marking

    with pytest.raises(Crash):
        relay(factory, publish_then_die, lease=timedelta(0))
    with factory() as session:
        assert pending_count(session) == 3  # nothing marked: the relay never got there
    relay(factory, published.append)  # the expired lease lets the next relay take them all
    assert {row.args["message_id"] for row in published} == ids
    assert len(published) == 5  # at least once: the two published before the crash went again
    assert relay(factory, published.append) == 0
    with factory() as session:
        assert pending_count(session) == 0


def test_relay_skips_rows_under_a_live_lease_and_records_publish_errors(factory: sessionmaker[Session]) -> None:
    unlucky = [str(receive(factory, raw=f"m{i}".encode())[0].id) for i in range(3)][1]

    def flaky(row: Pending) -> None:
        if row.args["message_id"] == unlucky:
            raise ConnectionError("broker down")

    assert relay(factory, flaky) == 2
    assert relay(factory, flaky) == 0  # the failed one is leased: back-off
    with factory() as session:
        failed = session.scalars(select(OutboxEntry).where(OutboxEntry.published_at.is_(None))).one()
        assert failed.last_error == "ConnectionError: broker down" and failed.attempts == 1


# --- control numbers ----------------------------------------------------------------------


def test_control_numbers_are_monotonic_per_pair_and_kind(factory: sessionmaker[Session]) -> None:
    allocator = StoreAllocator(factory)
    assert [allocator.next("interchange", "EDIGW", "ACME") for _ in range(3)] == [1, 2, 3]
    assert allocator.next("group", "EDIGW", "ACME") == 1
    assert allocator.next("interchange", "EDIGW", "GLOBEX") == 1
    assert allocator.next("interchange", "EDIGW", "ACME") == 4
    with pytest.raises(ValueError, match="unknown control number kind"):
        allocator.next("isa", "EDIGW", "ACME")


def test_control_numbers_wrap_after_nine_digits(factory: sessionmaker[Session]) -> None:
    allocator = StoreAllocator(factory, start=MAX_CONTROL - 1)
    assert [allocator.next("set", "A", "B") for _ in range(3)] == [MAX_CONTROL - 1, MAX_CONTROL, 1]


def test_a_number_rolled_back_with_its_transaction_is_handed_out_again(factory: sessionmaker[Session]) -> None:
    with factory() as session:
        assert allocate_control_number(session, "interchange", "A", "B") == 1
        session.rollback()  # it was never committed, so it was never used
    assert StoreAllocator(factory).next("interchange", "A", "B") == 1


@pytest.mark.integration
def test_control_numbers_unique_and_consecutive_across_threads(factory: sessionmaker[Session]) -> None:
    allocator = StoreAllocator(factory)
    results: list[list[int]] = [[] for _ in range(4)]
    barrier = threading.Barrier(4)

    def work(slot: list[int]) -> None:
        barrier.wait()
        slot.extend(allocator.next("interchange", "EDIGW", "ACME") for _ in range(200))

    threads = [threading.Thread(target=work, args=(slot,)) for slot in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [n for slot in results for n in slot]
    assert sorted(every) == list(range(1, 801))
    assert all(slot == sorted(slot) for slot in results)  # monotonic as each worker sees it


@pytest.mark.integration
def test_control_numbers_unique_and_consecutive_across_processes(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    sequences = allocate_in_processes(url, workers=4, count=200, kind="interchange", sender="EDIGW", receiver="ACME")
    assert sorted(n for seq in sequences for n in seq) == list(range(1, 801))
    assert all(seq == sorted(seq) for seq in sequences)


# --- tokens -------------------------------------------------------------------------------


def test_tokens_are_hashed_at_rest_and_verified_in_constant_time(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as session:
        issued = create_token(session, "acme portal", partner_id="acme")
        admin = create_token(session, "ops")
    with factory() as session:
        stored = session.get(ApiToken, issued.record.id)
        assert stored is not None and stored.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
        assert issued.token not in str(session.execute(select(ApiToken.__table__)).all())
        assert verify_token(session, issued.token).partner_id == "acme"  # type: ignore[union-attr]
        assert verify_token(session, admin.token).partner_id is None  # type: ignore[union-attr]
        forged = issued.token[:-4] + ("AAAA" if not issued.token.endswith("AAAA") else "BBBB")
        for bad in (forged, "edigw_nothex_secret", "Bearer x", "", f"edigw_{uuid.uuid4().hex}_guess"):
            assert verify_token(session, bad) is None
    with transaction(factory) as session:
        assert revoke_token(session, issued.record.id) is True
        assert revoke_token(session, issued.record.id) is False
    with factory() as session:
        assert verify_token(session, issued.token) is None


# --- search -------------------------------------------------------------------------------


def test_search_filters(factory: sessionmaker[Session]) -> None:
    t0 = utcnow()
    po, _ = receive(factory, raw=b"850")
    inv, _ = receive(factory, raw=b"810", partner="globex", transport="sftp")
    late, _ = receive(factory, raw=b"856", received_at=t0 + timedelta(hours=2))
    with transaction(factory) as session:
        record_document(
            session,
            po.id,
            partner_id="acme",
            doc_type="order",
            transaction="850",
            number="PO-1",
            interchange_control="000000042",
            group_control="42",
            set_control="0001",
        )
        record_document(session, inv.id, partner_id="globex", doc_type="invoice", transaction="810", number="INV-7")
        add_event(session, inv.id, State.FAILED, {"error": "sink down"})

    def ids(**filters: object) -> set[uuid.UUID]:
        with factory() as session:
            return {m.id for m in search_messages(session, **filters)}  # type: ignore[arg-type]

    assert ids() == {po.id, inv.id, late.id}
    assert ids(partner="acme") == {po.id, late.id}
    assert ids(doc_type="invoice") == ids(doc_type="810") == {inv.id}
    assert ids(number="PO-1") == {po.id}
    assert ids(control_number="42") == ids(control_number="000000042") == {po.id}
    assert ids(control_number="1") == {po.id}  # ST02 0001
    assert ids(status="failed") == {inv.id}
    assert ids(status="received") == {po.id, late.id}
    assert ids(correlation_id=inv.correlation_id) == {inv.id}
    assert ids(since=t0 + timedelta(hours=1)) == {late.id}
    assert ids(until=t0 + timedelta(hours=1)) == {po.id, inv.id}
    assert ids(partner="acme", number="INV-7") == set()
    with factory() as session:
        newest_first = search_messages(session)
        assert newest_first[0].id == late.id


# --- deliveries and acks ------------------------------------------------------------------


def test_delivery_rows_carry_a_stable_idempotency_key(factory: sessionmaker[Session]) -> None:
    message, _ = receive(factory)
    with transaction(factory) as session:
        doc, _ = record_document(session, message.id, partner_id="acme", doc_type="order")
        first = ensure_delivery(session, doc.id, "erp")
        assert ensure_delivery(session, doc.id, "erp").id == first.id
        assert first.idempotency_key == idempotency_key(doc.id, "erp") != idempotency_key(doc.id, "wms")
        record_attempt(session, first, error="503", next_attempt_at=utcnow() + timedelta(seconds=5))
        assert (first.state, first.attempts) == ("retrying", 1)
        record_attempt(session, first)
        assert (first.state, first.attempts, first.next_attempt_at) == ("delivered", 2, None)
        other = record_attempt(session, ensure_delivery(session, doc.id, "wms"), error="422 invalid")
        assert other.state == "dead_letter"


def test_expected_acks_go_overdue_until_the_ack_arrives(factory: sessionmaker[Session]) -> None:
    sent, _ = receive(factory, direction="out")
    now = utcnow()
    with transaction(factory) as session:
        expect_ack(session, kind="997", partner_id="acme", related_message_id=sent.id, group_control="5", due_at=now)
    with factory() as session:
        assert [a.related_message_id for a in overdue_acks(session, now + timedelta(minutes=1))] == [sent.id]
        assert overdue_acks(session, now - timedelta(minutes=1)) == []
    with transaction(factory) as session:
        resolved = resolve_expected(session, partner_id="acme", group_control="5", status="accepted", raw=b"997")
        assert [a.status for a in resolved] == ["accepted"]
    with factory() as session:
        assert overdue_acks(session, now + timedelta(minutes=1)) == []
