"""``edigw validate FILE [--ack 997|999|ta1]``: report, acks, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from edi.x12.ack_read import read_acks
from edi.x12.model import Segment
from edi.x12.parse import parse
from gateway.cli import cli
from tests.conftest import ROOT, corpus_params

SAMPLES = ROOT / "samples" / "x12"
#: Fields written from the clock: ISA09, ISA10, GS04, GS05.
_CLOCK_FIELDS = {"ISA": (9, 10), "GS": (4, 5)}


def invoke(*args: str):
    return CliRunner().invoke(cli, ["validate", *args])


def segments_without_clock(data: bytes) -> list[Segment]:
    out = []
    for ic in parse(data):
        segs = [ic.header, *ic.service_segments]
        for group in ic.groups:
            segs += [group.header, *(s for ts in group.sets for s in ts.all_segments())]
            segs += [group.trailer] if group.trailer is not None else []
        segs += [ic.trailer] if ic.trailer is not None else []
        for seg in segs:
            seg = Segment(seg)
            for i in _CLOCK_FIELDS.get(seg.id, ()):
                seg[i] = "<clock>"
            out.append(seg)
    return out


def test_accepted_file_exits_0_with_a_report() -> None:
    result = invoke(str(SAMPLES / "ack" / "accepted_850.edi"))
    assert result.exit_code == 0, result.stderr
    assert "group 1 PO 004010: accepted (AK9 A), 2 included, 2 received, 2 accepted" in result.stdout
    assert "set 850 0002: accepted (AK5 A)" in result.stdout
    assert result.stdout.endswith("summary: 1 interchange(s), 1 group(s), 2 set(s) (2 accepted)\n")


def test_rejected_file_reports_every_error_with_code_and_description() -> None:
    result = invoke(str(SAMPLES / "ack" / "several_errors_810_5010.edi"))
    assert result.exit_code == 1
    out = result.stdout
    assert "set 810 0001: rejected (AK5 R)" in out
    assert "error AK5 5 One or More Segments in Error" in out
    assert "segment BIG at position 2: AK3 8 Segment Has Data Element Errors" in out
    assert "element BIG01 (element 373): AK4 8 Invalid Date" in out and "['20261301']" in out
    assert "segment IT1 at position 6, loop IT1" in out and "AK4 5 Data Element Too Long" in out


def test_envelope_errors_are_reported_with_ta1_codes() -> None:
    result = invoke(str(SAMPLES / "envelope" / "iea_control_mismatch.edi"))
    assert result.exit_code == 1
    assert "rejected (TA1 R 001)" in result.stdout
    assert "error TA1 001 The Interchange Control Number in the Header and Trailer Do Not Match" in result.stdout


def test_accepted_with_errors_exits_1() -> None:
    result = invoke(str(SAMPLES / "ack" / "accepted_with_warnings_940.edi"))
    assert result.exit_code == 1 and "accepted with errors (AK5 E)" in result.stdout and "warning:" in result.stdout


@pytest.mark.parametrize(
    ("sample", "kind", "golden"),
    [
        ("ack/invalid_code_850.edi", "997", "ack/invalid_code_850.997.edi"),
        ("ack/partially_accepted_850_5010.edi", "999", "ack/partially_accepted_850_5010.999.edi"),
        ("envelope/ta1_requested.edi", "ta1", "envelope/ta1_requested.ta1.edi"),
        ("envelope/iea_control_mismatch.edi", "997", "envelope/iea_control_mismatch.ta1.edi"),
        ("envelope/st02_duplicate_5010.edi", "999", "envelope/st02_duplicate_5010.999.edi"),
    ],
)
def test_ack_goes_to_stdout_and_matches_the_golden_but_for_the_clock(sample: str, kind: str, golden: str) -> None:
    result = invoke(str(SAMPLES / sample), "--ack", kind)
    assert result.exit_code in (0, 1)
    assert result.stdout_bytes.startswith(b"ISA")
    assert "interchange " in result.stderr  # the report went to stderr
    assert segments_without_clock(result.stdout_bytes) == segments_without_clock((SAMPLES / golden).read_bytes())


def test_forced_kinds() -> None:
    five = str(SAMPLES / "ack" / "invalid_code_850_5010.edi")
    as997 = invoke(five, "--ack", "997").stdout_bytes
    assert b"ST*997*0001~" in as997 and b"AK4*1*353*7*99~" in as997
    (status,) = read_acks(as997)
    assert status.groups[0].kind == "997" and status.groups[0].status == "R"
    ta1 = invoke(str(SAMPLES / "ack" / "accepted_850.edi"), "--ack", "ta1")
    assert ta1.exit_code == 0 and b"TA1*000000143*260115*0930*A*000~" in ta1.stdout_bytes


def test_rejected_interchange_gets_only_a_ta1() -> None:
    result = invoke(str(SAMPLES / "envelope" / "iea_missing.edi"), "--ack", "999")
    assert result.exit_code == 1
    assert b"TA1*000000119*" in result.stdout_bytes and b"GS*" not in result.stdout_bytes
    assert "gets only a TA1" in result.stderr


def test_every_interchange_is_acknowledged() -> None:
    result = invoke(str(SAMPLES / "envelope" / "two_interchanges.edi"), "--ack", "997")
    assert result.exit_code == 1  # the second one has a wrong IEA01
    assert [s.groups[0].status for s in read_acks(result.stdout_bytes)] == ["A", "A"]
    assert result.stderr.count("interchange 00000012") == 2


def test_acks_are_not_acknowledged(tmp_path: Path) -> None:
    ack = SAMPLES / "ack" / "accepted_850.997.edi"
    result = invoke(str(ack), "--ack", "997")
    assert result.stdout_bytes == b"" and "nothing to acknowledge" in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = invoke(str(tmp_path / "nope.edi"))
    assert result.exit_code == 2 and "no such file" in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "holds no X12 interchange"),
        (b"  \r\n", "holds no X12 interchange"),
        (b"hello world, not X12", "is not readable X12"),
        (b"ISA*00*", "is not readable X12"),
    ],
)
def test_unreadable_input_exits_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.edi"
    path.write_bytes(content)
    for args in ([], ["--ack", "997"]):
        result = invoke(str(path), *args)
        assert result.exit_code == 2
        assert message in result.stderr
        assert result.stdout_bytes == b""


@pytest.mark.parametrize("path", corpus_params("x12/"))
def test_every_corpus_file_gets_a_verdict_and_readable_acks(path: Path) -> None:
    report = invoke(str(path))
    assert report.exit_code in (0, 1, 2)
    assert report.exception is None or isinstance(report.exception, SystemExit)  # no traceback
    if report.exit_code == 2:
        assert "edigw validate:" in report.stderr
        return
    assert report.stdout.startswith("interchange ")
    acks = invoke(str(path), "--ack", "999")
    assert acks.exit_code == report.exit_code
    for status in read_acks(acks.stdout_bytes) if acks.stdout_bytes else []:
        assert not status.issues
