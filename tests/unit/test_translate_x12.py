"""X12 <-> canonical: corpus files, round trips, error codes, CLI contract."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from edi.x12.control import InMemoryAllocator
from edi.x12.errors import X12Error
from edi.x12.parse import iter_sets
from tests.conftest import ROOT, SAMPLES, corpus_params
from tests.support.shaping import assert_shaped_as_pydantic
from translators.canonical import dump
from translators.translate import UnknownFormat, translate_bytes
from translators.x12 import MAPPINGS, to_canonical
from translators.x12.envelope import OutboundEnvelope, build_interchange

CODE = re.compile(
    r"^(AK501:[AER]|AK502:\w+|AK304:\w+ [A-Z0-9]+@\d+|AK403:\w+ [A-Z0-9]+\d\d@\d+|TA105:\d{3}|AK901:R|AK905:\d+)$"
)
CORPUS = [*corpus_params("x12/850"), *corpus_params("x12/855"), *corpus_params("x12/856"), *corpus_params("x12/810")]
#: The samples themselves, not the goldens written next to them (foo.997.edi, ...).
SAMPLE_FILES = sorted(
    p for kind in ("850", "855", "856", "810") for p in (SAMPLES / "x12" / kind).glob("*.edi") if p.name.count(".") == 1
)


def envelope(version: str = "004010") -> OutboundEnvelope:
    return OutboundEnvelope(sender_id="EDIGW", receiver_id="PARTNER", version=version)


def round_trip(doc_type: str, document: object, version: str) -> dict:
    """canonical -> X12 interchange -> canonical (mapping only, no validation)."""
    text = build_interchange([(doc_type, document)], envelope(version), InMemoryAllocator())
    (ts,) = list(iter_sets(text.encode()))
    again_type, again = to_canonical(ts)
    assert again_type == doc_type
    return again


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_translates_or_is_rejected_precisely(path: Path) -> None:
    result = translate_bytes(path.read_bytes())
    assert result.documents or result.errors
    for error in result.errors:
        assert error.codes, error.message
        assert all(CODE.match(code) for code in error.codes), error.codes
    for doc in result.documents:
        assert doc.source.standard == "x12" and doc.source.transaction in MAPPINGS


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_round_trip(path: Path) -> None:
    """Every mappable set, valid or not: X12 -> canonical -> X12 -> canonical is the identity."""
    for ts in iter_sets(path.read_bytes()):
        if ts.id not in MAPPINGS:
            continue
        try:
            doc_type, doc = to_canonical(ts)
        except Exception as exc:  # only the documented refusals
            assert type(exc).__name__ in ("MappingError", "ValidationError"), exc
            continue
        assert_shaped_as_pydantic(ts)
        for version in ("004010", "005010"):
            try:
                assert round_trip(doc_type, doc, version) == doc
            except X12Error as exc:  # data holding an outbound delimiter (a mis-tokenized corpus file)
                assert "delimiter" in str(exc)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_samples_translate_and_round_trip_through_validation(path: Path) -> None:
    """Our samples are valid; rendering them again (same version: element lengths differ between
    releases) gives X12 the validator accepts and equal documents."""
    result = translate_bytes(path.read_bytes())
    assert not result.errors, [e.as_dict() for e in result.errors]
    for ts in iter_sets(path.read_bytes()):
        assert_shaped_as_pydantic(ts)
    docs = [(d.type, d.document) for d in result.documents]
    text = build_interchange(docs, envelope(result.documents[0].source.version), InMemoryAllocator())
    again = translate_bytes(text.encode())
    assert not again.errors, [e.as_dict() for e in again.errors]
    assert [dump(d.document) for d in again.documents] == [dump(d.document) for d in result.documents]


def _x12(body: list[str], set_id: str = "850", fid: str = "PO", version: str = "004010", ctrl: int = 1) -> bytes:
    isa = f"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260112*0930*U*00401*{ctrl:09d}*0*P*>"
    segs = [isa, f"GS*{fid}*SENDER*RECEIVER*20260112*0930*{ctrl}*X*{version}", f"ST*{set_id}*0001", *body]
    segs += [f"SE*{len(body) + 2}*0001", f"GE*1*{ctrl}", f"IEA*1*{ctrl:09d}"]
    return ("~".join(segs) + "~").encode()


def test_order_mapping_details() -> None:
    data = _x12(
        [
            "BEG*05*SA*PO1**20260110*CONTRACT9",
            "REF*ZZ*SOMETHING",
            "DTM*002*20260124",
            "DTM*010*20260120",
            "N1*BY*BUYER INC*92*01",
            "N1*ST*DC 4*92*04",
            "N3*1 MAIN ST",
            "N4*TOWN*ST*12345",
            "PO1*1*0008*EA*1.250*PE*UP*012345678905*MG*MFR-1*VN*V1",
            "PID*F****WIDGET",
            "CTT*1",
            "AMT*TT*10.00",
        ]
    )
    (doc,) = translate_bytes(data).documents
    order = dump(doc.document)
    assert order["purpose"] == "replace" and order["order_type"] == "stand_alone"
    assert order["extensions"]["BEG06"] == "CONTRACT9"
    assert order["extensions"]["REF"] == {"ZZ": "SOMETHING"}
    assert str(order["requested_delivery_date"]) == "2026-01-24"
    assert order["buyer"]["name"] == "BUYER INC" and order["ship_to"]["address"]["city"] == "TOWN"
    line = order["lines"][0]
    assert line["quantity"] == Decimal("8") and line["unit_price"] == Decimal("1.25")
    assert line["item"] == {
        "upc": "012345678905",
        "vendor_part": "V1",
        "description": "WIDGET",
        "other_ids": {"MG": "MFR-1"},
    }
    assert order["total_amount"] == Decimal("10.00")


def test_invoice_implied_decimals() -> None:
    data = _x12(
        ["BIG*20260121*INV1", "IT1*1*2*EA*1.5", "TDS*-12345", "SAC*A*C310***199", "SAC*N*ZZZZ", "CTT*1"],
        "810",
        "IN",
    )
    (doc,) = translate_bytes(data).documents
    invoice = dump(doc.document)
    assert invoice["total_amount"] == Decimal("-123.45")
    assert invoice["charges"] == [{"type": "allowance", "code": "C310", "amount": Decimal("1.99")}]
    assert invoice["extensions"]["segments"] == [["SAC", "N", "ZZZZ"]]


def test_bad_date_is_a_precise_error_and_other_sets_still_translate() -> None:
    bad = _x12(["BEG*00*SA*PO1**20261340", "PO1*1*1*EA*1", "CTT*1"])
    result = translate_bytes(bad)
    assert not result.documents
    (error,) = result.errors
    assert "AK501:R" in error.codes and any(c.startswith("AK403:8 BEG05@2") for c in error.codes), error.codes


def test_sets_we_do_not_map_are_errors() -> None:
    data = _x12(["W05*N*1*2"], "940", "OW")
    (error,) = translate_bytes(data).errors
    assert error.message == "transaction set 940 is not translated" and error.codes == ["AK502:1"]


def test_unknown_format() -> None:
    with pytest.raises(UnknownFormat):
        translate_bytes(b"hello")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_cli_translate_and_render(tmp_path: Path) -> None:
    sample = SAMPLES / "x12" / "850" / "bigbox_4010_standalone.edi"
    done = _cli("translate", str(sample))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["errors"] == [] and out["documents"][0]["type"] == "order"
    translated = tmp_path / "t.json"
    translated.write_text(done.stdout)
    rendered = _cli("render", "order", str(translated), "--partner", "no-such-partner")
    assert rendered.returncode == 0, rendered.stderr
    assert "default envelope" in rendered.stderr
    assert rendered.stdout.startswith("ISA*") and "ST*850*0001" in rendered.stdout
    again = tmp_path / "again.edi"
    again.write_text(rendered.stdout)
    assert (
        json.loads(_cli("translate", str(again)).stdout)["documents"][0]["document"] == out["documents"][0]["document"]
    )


def test_cli_render_prints_x12_our_validator_rejects_but_exits_1_with_its_report(tmp_path: Path) -> None:
    """What the pipeline would refuse to send is never a silent success: BAK02/BAK04 missing."""
    ack = tmp_path / "ack.json"
    ack.write_text('{"po_number": "X1", "lines": [{"line_number": "1", "status": "accepted", "quantity": 2}]}')
    done = _cli("render", "po_ack", str(ack), "--partner", "bigbox")
    assert done.returncode == 1
    assert done.stdout.startswith("ISA*") and "BAK*00**X1~" in done.stdout  # no purpose: an original
    assert "would not be sent" in done.stderr
    assert "element BAK02 (element 587): AK4 1" in done.stderr and "element BAK04" in done.stderr
    ack.write_text('{"po_number": "X1", "ack_type": "AD", "po_date": "2026-11-01"}')
    fixed = _cli("render", "po_ack", str(ack), "--partner", "bigbox")
    assert fixed.returncode == 0, fixed.stderr
    assert "BAK*00*AD*X1*20261101~" in fixed.stdout and fixed.stderr == ""


def test_cli_exit_codes(tmp_path: Path) -> None:
    assert _cli("translate", str(tmp_path / "missing.edi")).returncode == 2
    junk = tmp_path / "junk.txt"
    junk.write_text("not edi")
    assert _cli("translate", str(junk)).returncode == 2
    sample = SAMPLES / "x12" / "850" / "bigbox_4010_cancel.edi"
    assert _cli("translate", str(sample), "--partner", "no-such-partner").returncode == 2
    bad = tmp_path / "bad.edi"
    good = _x12(["BEG*00*SA*PO2**20260101", "PO1*1*1*EA*1", "CTT*1"], ctrl=2)
    bad.write_bytes(_x12(["BEG*00*SA*PO1**20261340", "PO1*1*1*EA*1", "CTT*1"]) + good)
    done = _cli("translate", str(bad))
    assert done.returncode == 1
    out = json.loads(done.stdout)
    assert len(out["documents"]) == 1 and len(out["errors"]) == 1


def test_cli_output_is_valid_json_when_envelope_fields_hold_undecodable_bytes(tmp_path: Path) -> None:
    """A byte that is not UTF-8 in GS08: the group is refused (AK905 2) and the error's
    source shows the byte as \\xff instead of crashing the JSON writer."""
    bad = tmp_path / "gs08.edi"
    bad.write_bytes(_x12(["BEG*00*SA*PO1**20260110", "PO1*1*1*EA*1", "CTT*1"]).replace(b"*X*004010", b"*X*00\xff4010"))
    done = _cli("translate", str(bad))
    assert done.returncode == 1, done.stderr
    [error] = json.loads(done.stdout)["errors"]
    assert error["codes"] == ["AK901:R", "AK905:2"] and error["source"]["version"] == "00\\xff4010"


def test_cli_translate_with_a_partner_applies_its_agreement(tmp_path: Path) -> None:
    """bigbox agreed 850s only: its 855 is not translated, with the code its 997 carries."""
    path = tmp_path / "855.edi"
    path.write_bytes(_x12(["BAK*00*AD*PO1*20260110"], set_id="855", fid="PR"))
    assert _cli("translate", str(path)).returncode == 0
    done = _cli("translate", str(path), "--partner", "bigbox")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["errors"][0]["codes"] == ["AK501:R", "AK502:1"]


def test_unreadable_tail_keeps_the_good_interchange_and_truncation_is_rejected() -> None:
    good = (SAMPLES / "x12" / "850" / "bigbox_4010_standalone.edi").read_bytes()
    result = translate_bytes(good + b"ISA*00")
    assert len(result.documents) == 1 and [e.codes for e in result.errors] == [["TA105:023"]]
    truncated = translate_bytes(good[:-40])
    assert not truncated.documents and truncated.errors[0].codes[:2] == ["AK501:R", "AK502:2"]


def test_rejected_envelope_rejects_its_sets() -> None:
    data = _x12(["BEG*00*SA*PO1**20260110", "PO1*1*1*EA*1", "CTT*1"]).replace(b"IEA*1*000000001", b"IEA*1*000000009")
    (error,) = translate_bytes(data).errors
    assert error.codes == ["TA105:001"] and error.source is not None and error.source.set_control == "0001"
