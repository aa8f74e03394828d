"""Ack reader on every 997/999/TA1 of the shared corpus (odd ones included) and on our own acks."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.x12.ack import AckWriter, iter_validated, ta1_due
from edi.x12.ack_read import read_acks
from edi.x12.control import InMemoryAllocator
from tests.conftest import CORPUS, ROOT, corpus_params, needs_corpus

ACKS = CORPUS / "x12" / "ack"


@pytest.mark.parametrize("path", corpus_params("x12/ack"))
def test_every_corpus_ack_reads(path: Path) -> None:
    statuses = read_acks(path)
    assert statuses
    for status in statuses:
        assert status.ta1 or status.groups or status.issues
        for group in status.groups:
            assert group.kind in ("997", "999")
            for ts in group.sets:
                assert ts.control_number


def one(name: str):
    (status,) = read_acks(ACKS / name)
    return status


@needs_corpus
def test_simple997_reports_the_rejected_set_with_its_errors() -> None:
    status = one("xlate-staedi__src_test_resources_x12_simple997.edi")
    group = status.group("000001", "HC")
    assert group is not None and (group.status, group.included, group.received, group.accepted) == ("R", 1, 1, 0)
    ts = group.set("0021")
    assert ts is not None and (ts.status, ts.codes, ts.accepted) == ("R", ["5"], False)
    (seg,) = ts.segment_errors
    assert (seg.segment_id, seg.position, seg.code) == ("NM1", 8, "8")
    (el,) = seg.elements
    assert (el.position, el.reference, el.code, el.data) == (8, "66", "7", "MI")
    assert not status.issues


@needs_corpus
def test_999_with_context_and_partial_acceptance() -> None:
    status = one("xlate-staedi__src_test_resources_x12_simple999.edi")
    group = status.group("17456")
    assert group is not None and group.kind == "999" and group.status == "P" and group.version == "005010X222"
    assert [(s.control_number, s.status) for s in group.sets] == [("0001", "A"), ("0002", "R"), ("0003", "R")]
    clm = group.sets[1].segment_errors[0]
    assert [c.id for c in clm.context] == ["CTX"] and clm.elements[0].position == 2
    assert len(group.sets[2].segment_errors[0].context) == 2


@needs_corpus
def test_5010_997_composite_position() -> None:
    name = "irobayna-stupidedi__spec_fixtures_005010_X230 FA997 Functional Acknowledgment for Health Care"
    status = one(next(p.name for p in ACKS.iterdir() if p.name.startswith(name)))
    group = status.group("17456")
    assert group is not None and group.status == "P" and group.accepted == 1
    el = group.sets[1].segment_errors[0].elements[0]
    assert (el.position, el.reference, el.code) == (1, "1028", "1")


@needs_corpus
def test_ta1_only_interchange() -> None:
    status = one("xlate-staedi__src_test_resources_wiki_x12_interchange_ack.txt")
    assert not status.groups
    ta1 = status.ta1_for("50")
    assert ta1 is not None and (ta1.status, ta1.note_code, ta1.date) == ("A", "000", "200229")


@needs_corpus
def test_odd_999_is_read_with_issues_noted() -> None:
    status = one("xlate-staedi__src_test_resources_x12_invalid999.edi")
    assert any("IK5 outside an AK2 loop" in i for i in status.issues)
    assert any("unknown status 'Q'" in i for i in status.issues)
    group = status.group("17456", "HC")  # "HC   " padded in the file
    assert group is not None and [s.status for s in group.sets] == ["Q", "R", "R"]


@needs_corpus
def test_empty_and_minimal_997() -> None:
    assert one("xlate-staedi__src_test_resources_x12_empty997.edi").issues == [
        "997 0001: acknowledges no functional group (no AK1)"
    ]
    status = one("xlate-staedi__src_test_resources_x12_invalid997_min.edi")
    (group,) = status.groups
    assert (group.functional_id, group.status, group.sets) == ("<NOT_IN_CODESET>", "R", [])


@needs_corpus
def test_repetitions_where_numbers_belong_do_not_crash() -> None:
    status = one("xlate-staedi__src_test_resources_x12_extraDelimiter997.edi")
    seg = status.groups[0].sets[0].segment_errors[0]
    assert seg.position is None and seg.elements[0].position == 8


@needs_corpus
def test_multiple_interchanges() -> None:
    statuses = read_acks(ACKS / "xlate-staedi__src_test_resources_x12_simple997-multiple-interchanges.edi")
    assert [s.control_number for s in statuses] == ["000000001", "000000002", "000000003"]


def _samples() -> list[Path]:
    golden = (".997.edi", ".999.edi", ".ta1.edi")
    return sorted(p for p in (ROOT / "samples" / "x12").rglob("*.edi") if not p.name.endswith(golden))


@pytest.mark.parametrize("sample", _samples(), ids=lambda p: p.name)
def test_write_then_read_gives_the_validator_statuses(sample: Path) -> None:
    writer = AckWriter(InMemoryAllocator())
    for result, envelope in iter_validated(sample):
        acks = writer.write(result, envelope)
        statuses = [s for ack in acks for s in read_acks(ack.to_bytes())]
        assert all(not s.issues for s in statuses)
        ta1s = [t for s in statuses for t in s.ta1]
        assert [(t.control_number, t.status, t.note_code) for t in ta1s] == (
            [(result.control_number, result.status, result.note_code)] if ta1_due(result) else []
        )
        acked = [g for s in statuses for g in s.groups]
        expected = [] if result.status == "R" else [g for g in result.groups if g.functional_id != "FA"]
        assert len(acked) == len(expected)
        for got, want in zip(acked, expected, strict=True):
            assert (got.control_number, got.status, got.codes) == (want.control_number, want.status, want.codes)
            assert [(s.control_number, s.status, s.codes) for s in got.sets] == [
                (s.control_number, s.status, s.codes) for s in want.sets
            ]
            assert [
                [(e.segment_id, e.position, e.code, len(e.elements)) for e in s.segment_errors] for s in got.sets
            ] == [
                [(e.segment_id, e.position, e.effective_code, len(e.elements)) for e in s.segment_errors]
                for s in want.sets
            ]
