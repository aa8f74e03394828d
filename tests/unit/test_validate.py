"""Validator codes on small hand-made interchanges: every code it emits, with its position."""

from __future__ import annotations

import pytest

from edi.x12.errors import InterchangeResult, SetResult, X12SyntaxError
from edi.x12.parse import iter_sets
from edi.x12.validate import Validator, iter_results, validate, validate_set

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240115*1200*U*00401*000000001*0*P*>"
ISA_5010 = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240115*1200*^*00501*000000001*0*P*>"

PO = ["BEG*00*SA*PO123**20240115", "N1*ST*ACME STORE*92*0012", "PO1*1*5*EA*12.34**UP*012345678901", "CTT*1"]


def isa(**fields: str) -> str:
    """The test ISA with some fields replaced: ``isa(f13="123")``."""
    parts = ISA.split("*")
    for key, value in fields.items():
        parts[int(key[1:])] = value
    return "*".join(parts)


def st_se(body: list[str], set_id: str = "850", control: str = "0001", count: int | None = None) -> list[str]:
    se_count = len(body) + 2 if count is None else count
    return [f"ST*{set_id}*{control}", *body, f"SE*{se_count}*{control}"]


def interchange(
    *sets: list[str],
    header: str = ISA,
    fid: str = "PO",
    version: str = "004010",
    gs06: str = "1",
    ge: str | None = None,
    iea: str | None = None,
) -> str:
    """One interchange, one group; each set is a full ST..SE list (see :func:`st_se`)."""
    body = [seg for s in sets for seg in s]
    ge = ge if ge is not None else f"GE*{len(sets)}*{gs06}"
    segs = [header, f"GS*{fid}*SENDER*RECEIVER*20240115*1200*{gs06}*X*{version}", *body, ge]
    control = header.split("*")[13]
    segs.append(iea if iea is not None else f"IEA*1*{control}")
    return "~\n".join(segs) + "~\n"


def one(text: str, **kw: object) -> InterchangeResult:
    results = validate(text.encode(), **kw)
    assert len(results) == 1
    return results[0]


def only_set(text: str, **kw: object) -> SetResult:
    ic = one(text, **kw)
    assert len(ic.groups) == 1 and len(ic.groups[0].sets) == 1
    return ic.groups[0].sets[0]


def seg_codes(result: SetResult) -> list[tuple[str, int, str | None, str]]:
    """(segment id, position, loop id, AK304) of every segment error."""
    return [(e.segment_id, e.position, e.loop_id, e.effective_code) for e in result.segment_errors]


def element_codes(result: SetResult) -> list[tuple[str, int, int, int | None, str]]:
    """(segment id, segment position, element position, component, AK403) of every element error."""
    return [
        (e.segment_id, e.position, x.position, x.component, x.code) for e in result.segment_errors for x in e.elements
    ]


# -- clean input -----------------------------------------------------------------------
def test_clean_850_is_accepted() -> None:
    ic = one(interchange(st_se(PO)))
    assert (ic.status, ic.note_code, ic.notes) == ("A", "000", [])
    group = ic.groups[0]
    assert (group.functional_id, group.control_number, group.version, group.status) == ("PO", "1", "004010", "A")
    assert (group.included, group.received) == (1, 1)
    ts = group.sets[0]
    assert (ts.set_id, ts.control_number, ts.status, ts.codes, ts.segment_errors) == ("850", "0001", "A", [], [])


def test_clean_855_856_810_997_999() -> None:
    bodies = {
        ("855", "PR", "004010"): ["BAK*00*AD*PO123*20240115", "PO1*1*5*EA*12.34", "ACK*IA*5*EA", "CTT*1"],
        ("856", "SH", "004010"): [
            "BSN*00*SHIP1*20240115*1200*0001",
            "HL*1**S",
            "TD1*CTN25*2",
            "N1*ST*ACME*92*0012",
            "HL*2*1*O",
            "PRF*PO123",
            "HL*3*2*P",
            "MAN*GM*00000123456789012345",
            "HL*4*3*I",
            "LIN**UP*012345678901",
            "SN1**5*EA",
            "CTT*4",
        ],
        ("810", "IN", "004010"): ["BIG*20240115*INV1**PO123", "IT1*1*5*EA*12.34**UP*012345678901", "TDS*6170", "CTT*1"],
        ("997", "FA", "004010"): ["AK1*PO*1", "AK2*850*0001", "AK5*A", "AK9*A*1*1*1"],
        ("999", "FA", "005010X231A1"): [
            "AK1*HC*1*005010X222A1",
            "AK2*837*0001*005010X222A1",
            "IK3*CLM*22**8",
            "CTX*CLM01:123",
            "IK4*2*782*1",
            "IK5*R*5",
            "AK9*R*1*1*0",
        ],
    }
    for (set_id, fid, version), body in bodies.items():
        header = ISA_5010 if version.startswith("005") else ISA
        ts = only_set(interchange(st_se(body, set_id), fid=fid, version=version, header=header))
        assert (set_id, ts.status, ts.codes, ts.segment_errors, ts.warnings) == (set_id, "A", [], [], [])


def test_retail_810_with_allowances_and_carrier_is_accepted() -> None:
    body = [
        "BIG*20181130*75213001*20181115*0916-9852299-0996",
        "REF*IA*0057216",
        "REF*DP*916",
        "N1*BY*DISTRIBUTION CENTER*92*0996",
        "ITD*01*2*15**15**30",
        "DTM*011*20181115",
        "IT1*1*24*EA*16**CB*916960790*UP*088300104406",
        "CTP*RS*RES*45",
        "PID*F*08***BLACK M FLAME FLEECE LOWRIDER",
        "IT1*2*36*EA*16**CB*916960791*UP*088300107407",
        "CTP*RS*RES*45",
        "PID*F*08***BLACK L FLAME FLEECE LOWRIDER",
        "TDS*97000*96000*81600*14400",
        "CAD*M***FXFW*FEDEX FREIGHT WEST**BM*1130050996",
        "SAC*C*D240***2000*******02***Freight Charge",
        "SAC*A*A530***1000*******02***Container Allowance",
        "ISS*60*EA",
        "CTT*2",
    ]
    ts = only_set(interchange(st_se(body, "810"), fid="IN"))
    assert (ts.status, ts.segment_errors) == ("A", [])


def test_005010_st03_and_longer_ref02_are_valid() -> None:
    body = ["BEG*00*SA*PO123**20240115", "REF*DP*" + "R" * 45, *PO[1:]]
    text = interchange(st_se(body), version="005010", header=ISA_5010).replace("ST*850*0001", "ST*850*0001*X")
    assert only_set(text).status == "A"
    assert only_set(interchange(st_se(body))).segment_errors[0].elements[0].code == "5"  # 004010 REF02 is 1/30


# -- TA1 (TA105) -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"f1": "99"}, "010"),
        ({"f2": "SHORT"}, "011"),
        ({"f3": "07"}, "012"),
        ({"f4": "X"}, "013"),
        ({"f5": "XX"}, "005"),
        ({"f6": "SENDER"}, "006"),
        ({"f6": " " * 15}, "006"),
        ({"f6": "SEND\x00ER".ljust(15)}, "006"),  # a control character (PostgreSQL text cannot even hold NUL)
        ({"f8": "RECEIV\x01ER".ljust(15)}, "008"),
        ({"f7": "9"}, "007"),
        ({"f8": "RECEIVER"}, "008"),
        ({"f9": "241345"}, "014"),
        ({"f9": "2401150"}, "014"),
        ({"f10": "2561"}, "015"),
        ({"f11": "X"}, "016"),
        ({"f12": "4010"}, "017"),
        ({"f13": "12345"}, "018"),
        ({"f14": "2"}, "019"),
        ({"f15": "X"}, "020"),
    ],
)
def test_isa_fields(fields: dict[str, str], code: str) -> None:
    header = isa(**fields)
    ic = one(interchange(st_se(PO), header=header))
    assert ic.notes == [code]
    assert ic.note_code == code
    assert ic.groups[0].sets[0].status == "A"  # groups are still reported; the ack writer decides


def test_unpadded_isa_is_accepted_when_widths_are_not_strict() -> None:
    header = "ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*240115*1200*U*00401*000000001*0*P*>"
    assert one(interchange(st_se(PO), header=header)).notes == ["011", "013", "006", "008"]
    ic = one(interchange(st_se(PO), header=header), strict_isa_widths=False)
    assert (ic.status, ic.notes) == ("A", [])


def test_missing_isa16_is_027_from_the_tokenizer() -> None:
    ic = one(interchange(st_se(PO)).replace("*P*>~", "*P*~", 1))
    assert (ic.notes, ic.status, ic.groups[0].sets[0].status) == (["027"], "R", "A")


def test_iea_control_number_mismatch_is_001() -> None:
    ic = one(interchange(st_se(PO), iea="IEA*1*000000002"))
    assert (ic.note_code, ic.status) == ("001", "R")


def test_iea_group_count_is_021_and_does_not_reject() -> None:
    ic = one(interchange(st_se(PO), iea="IEA*2*000000001"))
    assert (ic.notes, ic.status) == (["021"], "E")


def test_missing_iea_is_023() -> None:
    text = interchange(st_se(PO)).replace("IEA*1*000000001~\n", "")
    ic = one(text)
    assert (ic.note_code, ic.groups[0].status) == ("023", "A")


def test_stray_segment_inside_interchange_is_024() -> None:
    text = interchange(st_se(PO)).replace("GE*1*1~", "GE*1*1~\nZZZ*1~")
    assert one(text).notes == ["024"]


def test_text_after_iea_is_024_on_that_interchange() -> None:
    assert one(interchange(st_se(PO)) + "JUNK*1~\n").notes == ["024"]


def test_duplicate_interchange_control_number_is_025() -> None:
    text = interchange(st_se(PO))
    first, second = validate((text + text).encode())
    assert (first.notes, second.notes, second.status) == ([], ["025"], "E")


def test_first_rejecting_code_wins_the_ta105() -> None:
    ic = one(interchange(st_se(PO), iea="IEA*2*000000002"))
    assert (ic.notes, ic.note_code) == (["001", "021"], "001")


# -- groups (AK905) ----------------------------------------------------------------------------
def test_group_codes() -> None:
    assert one(interchange(st_se(PO), fid="P")).groups[0].codes == ["1"]
    assert one(interchange(st_se(PO)), supported_functional_ids={"IN"}).groups[0].codes == ["1"]
    group = one(interchange(st_se(PO)), supported_versions={"005010"}).groups[0]
    assert (group.codes, group.status) == (["2"], "R")
    assert one(interchange(st_se(PO)), supported_versions={"004010"}).groups[0].codes == []
    assert one(interchange(st_se(PO), ge="GE*1*2")).groups[0].codes == ["4"]
    group = one(interchange(st_se(PO), ge="GE*3*1")).groups[0]
    assert (group.codes, group.included, group.received) == (["5"], 3, 1)
    assert one(interchange(st_se(PO), gs06="A1", ge="GE*1*A1")).groups[0].codes == ["6"]


def test_a_gs08_that_is_not_text_or_too_long_is_an_unsupported_version() -> None:
    garbled = interchange(st_se(PO)).encode().replace(b"*X*004010", b"*X*0040\xff10")
    assert validate(garbled)[0].groups[0].codes == ["2"]
    assert one(interchange(st_se(PO), version="004010VICS123")).groups[0].codes == ["2"]  # AN 1/12
    assert one(interchange(st_se(PO), version="004010VICS")).groups[0].codes == []


def test_missing_ge_is_3() -> None:
    text = interchange(st_se(PO)).replace("GE*1*1~\n", "")
    group = one(text).groups[0]
    assert (group.codes, group.included, group.received) == (["3"], 1, 1)


def test_duplicate_group_control_number_is_19() -> None:
    text = interchange(st_se(PO))
    gs, ge = text.split("~\n")[1], "GE*1*1"
    doubled = text.replace("GE*1*1~\n", f"GE*1*1~\n{gs}~\n" + "~\n".join(st_se(PO)) + f"~\n{ge}~\n")
    doubled = doubled.replace("IEA*1*", "IEA*2*")
    ic = one(doubled)
    assert [g.codes for g in ic.groups] == [[], ["19"]]


# -- sets (AK502) -------------------------------------------------------------------------------
def test_se_count_is_4() -> None:
    ts = only_set(interchange(st_se(PO, count=5)))
    assert (ts.codes, ts.status) == (["4"], "R")


def test_se_control_number_is_3() -> None:
    text = interchange(st_se(PO)).replace("SE*6*0001", "SE*6*0002")
    assert only_set(text).codes == ["3"]


def test_missing_se_is_2() -> None:
    text = interchange(st_se(PO)).replace("SE*6*0001~\n", "")
    assert only_set(text).codes == ["2"]


def test_bad_st01_is_6_and_bad_st02_is_7() -> None:
    assert only_set(interchange(st_se(PO, set_id="85"))).codes == ["6"]
    assert only_set(interchange(st_se(PO, control="12"))).codes == ["7"]


def test_set_outside_group_is_18() -> None:
    text = "~\n".join([ISA, *st_se(PO), "IEA*0*000000001"]) + "~\n"
    ic = one(text)
    assert ic.notes == ["024"]
    assert [(g.functional_id, [s.codes for s in g.sets]) for g in ic.groups] == [("", [["18"]])]


def test_duplicate_set_control_number_is_23() -> None:
    ic = one(interchange(st_se(PO), st_se(PO)))
    assert [s.codes for s in ic.groups[0].sets] == [[], ["23"]]
    assert ic.groups[0].status == "P"


def test_unsupported_set_is_1_and_unknown_set_is_a_warning() -> None:
    ts = only_set(interchange(st_se(PO)), supported_sets={"810"})
    assert ts.codes == ["1"]
    # per version (a trading partner agreement): the 850 is agreed in 005010 only
    assert only_set(interchange(st_se(PO)), supported_sets={"850": {"005010"}}).codes == ["1"]
    assert only_set(interchange(st_se(PO)), supported_sets={"850": {"004010"}}).codes == []
    assert only_set(interchange(st_se(PO)), supported_sets={"850": None}).codes == []
    ts = only_set(interchange(st_se(["W05*N*1*PO1", "LX*1"], set_id="940"), fid="OW"))
    assert (ts.codes, ts.segment_errors, ts.status) == ([], [], "E")
    assert "no schema" in ts.warnings[0]


def test_segment_errors_add_set_code_5_unless_accepted_with_errors() -> None:
    body = ["BEG*99*SA*PO123**20240115", *PO[1:]]
    ts = only_set(interchange(st_se(body)))
    assert (ts.codes, ts.status) == (["5"], "R")
    ts = only_set(interchange(st_se(body)), reject_on_errors=False)
    assert (ts.codes, ts.status) == ([], "E")


def test_set_code_4_with_segment_errors_keeps_only_4() -> None:
    body = ["BEG*99*SA*PO123**20240115", *PO[1:]]
    assert only_set(interchange(st_se(body, count=3))).codes == ["4"]


# -- segments (AK304) -----------------------------------------------------------------------
def test_unrecognized_and_unexpected_segments() -> None:
    ts = only_set(interchange(st_se([PO[0], "zz9*1", "W05*N", *PO[1:]])))
    assert seg_codes(ts) == [("zz9", 3, None, "1"), ("W05", 4, None, "2")]
    assert ts.codes == ["5"]


def test_mandatory_segment_missing_is_3_at_the_next_segment() -> None:
    ts = only_set(interchange(st_se(PO[1:])))
    assert seg_codes(ts) == [("BEG", 2, None, "3")]
    ts = only_set(interchange(st_se([PO[0], PO[1], PO[3]])))  # no PO1 loop
    assert seg_codes(ts) == [("PO1", 4, "PO1", "3")]


def test_loop_over_maximum_is_4() -> None:
    ts = only_set(interchange(st_se([*PO, "CTT*1"])))
    assert seg_codes(ts) == [("CTT", 6, "CTT", "4")]


def test_segment_over_maximum_use_is_5() -> None:
    ts = only_set(interchange(st_se([PO[0], "CUR*BY*USD", "CUR*BY*USD", *PO[1:]])))
    assert seg_codes(ts) == [("CUR", 4, None, "5")]


def test_segment_out_of_sequence_is_7_and_state_is_kept() -> None:
    ts = only_set(interchange(st_se([PO[0], PO[1], "CUR*BY*USD", PO[2], PO[3]])))
    assert seg_codes(ts) == [("CUR", 4, None, "7")]


def test_loop_id_of_segments_in_nested_loops() -> None:
    body = [PO[0], PO[1], "N3*1 MAIN ST", "N4*X", PO[2], "PID*F****WIDGET", "PID*X", PO[3]]
    ts = only_set(interchange(st_se(body)))
    assert seg_codes(ts) == [("N4", 5, "N1", "8"), ("PID", 8, "PID", "8")]
    assert element_codes(ts) == [("N4", 5, 1, None, "4"), ("PID", 8, 4, None, "2")]  # R0405


# -- elements (AK403) ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("BEG*00*SA***20240115", (3, None, "1")),  # mandatory missing
        ("BEG*00*SA*" + "P" * 23 + "**20240115", (3, None, "5")),  # too long
        ("BEG*99*SA*PO123**20240115", (1, None, "7")),  # invalid code
        ("BEG*00*SA*PO123**20240230", (5, None, "8")),  # invalid date
        ("BEG*00*SA*PO123**2024011", (5, None, "4")),  # too short
        ("BEG*00*SA*PO\x07123**20240115", (3, None, "6")),  # invalid character
        ("BEG*00*SA*PO123**20240115*C1*AC*ABC*11*22*33*44*55", (13, None, "3")),  # too many elements
    ],
)
def test_beg_element_codes(segment: str, expected: tuple[int, int | None, str]) -> None:
    ts = only_set(interchange(st_se([segment, *PO[1:]])))
    assert element_codes(ts) == [("BEG", 2, *expected)]
    assert seg_codes(ts) == [("BEG", 2, None, "8")]


def test_conditional_required_is_2_and_numeric_is_checked() -> None:
    ts = only_set(interchange(st_se([PO[0], "N1*ST*ACME*92", "PO1*1*5X*EA*12.34", PO[3]])))
    assert element_codes(ts) == [("N1", 3, 4, None, "2"), ("PO1", 4, 2, None, "6")]


def test_invalid_time_is_9() -> None:
    ts = only_set(interchange(st_se([PO[0], "DTM*002*20240201*2561", *PO[1:]])))
    assert element_codes(ts) == [("DTM", 3, 3, None, "9")]


def test_exclusion_is_10() -> None:
    body = [PO[0], "N1*ST*ACME*92*0012", "N4*SPRINGFIELD*IL*62701*US***ON", PO[2], PO[3]]
    ts = only_set(interchange(st_se(body), version="005010", header=ISA_5010))
    assert element_codes(ts) == [("N4", 4, 7, None, "10")]


def test_repetitions_are_12() -> None:
    body = ["BEG*00*SA*PO1^PO2**20240115", *PO[1:]]
    ts = only_set(interchange(st_se(body), version="005010", header=ISA_5010))
    [error] = ts.segment_errors[0].elements
    assert (error.position, error.repetition, error.code) == (3, 2, "12")


def test_empty_repetition_is_not_an_error_of_its_own() -> None:
    body = ["BEG*00*SA*PO1^**20240115", *PO[1:]]
    ts = only_set(interchange(st_se(body), version="005010", header=ISA_5010))
    assert element_codes(ts) == [("BEG", 2, 3, None, "12")]


def test_components_are_13_and_composites_are_checked_by_component() -> None:
    body = [PO[0], "REF*DP*038**ZZ>1>AB>2>CD>3>EF", "REF*DP*038**ZZ", "PO1*1*5*EA>X*12.34", PO[3]]
    body.insert(3, PO[1])
    ts = only_set(interchange(st_se(body)))
    assert element_codes(ts) == [
        ("REF", 3, 4, 7, "13"),
        ("REF", 4, 4, 2, "1"),
        ("PO1", 6, 3, 2, "13"),
    ]
    assert ts.segment_errors[0].elements[0].reference == "C040"


def test_element_error_carries_reference_and_data() -> None:
    ts = only_set(interchange(st_se(["BEG*99*SA*PO123**20240115", *PO[1:]])))
    error = ts.segment_errors[0].elements[0]
    assert (error.reference, error.data, error.component, error.repetition) == ("353", "99", None, None)


def test_elements_no_specification_describes_must_still_be_text() -> None:
    """TAX is checked for position only and CUR10+ are not listed, yet what they hold is
    handed on in ``extensions``: an undecodable byte or a control character is AK4 6."""
    body = ["BEG*00*SA*PO123**20240115", "CUR*BY*USD********X\x01Y", "TAX*CAF\xe9*ok", *PO[1:]]
    text = interchange(st_se(body)).encode("latin-1")
    ts = validate(text)[0].groups[0].sets[0]
    assert element_codes(ts) == [("CUR", 3, 10, None, "6"), ("TAX", 4, 1, None, "6")]
    assert ts.segment_errors[1].elements[0].data == "CAF\udce9"
    clean = ["BEG*00*SA*PO123**20240115", "CUR*BY*USD********X Y", "TAX*CAFE*a>b", *PO[1:]]
    assert only_set(interchange(st_se(clean))).segment_errors == []


# -- 856 hierarchy ----------------------------------------------------------------------------------
ASN = ["BSN*00*SHIP1*20240115*1200", "HL*1**S", "HL*2*1*O", "HL*3*2*I", "LIN**UP*012345678901", "SN1**5*EA"]


def test_hl_hierarchy_errors() -> None:
    def errors(body: list[str]) -> list[tuple[str, int, int, int | None, str]]:
        return element_codes(only_set(interchange(st_se(body, "856"), fid="SH")))

    assert errors(ASN) == []
    assert errors([ASN[0], "HL*1**S", "HL*3*1*O", "HL*4*3*I"]) == [("HL", 4, 1, None, "7")]
    assert errors([ASN[0], "HL*1**S", "HL*2*9*O"]) == [("HL", 4, 2, None, "7")]
    assert errors([ASN[0], "HL*1**S", "HL*2*1*I", "HL*3*2*O"]) == [("HL", 5, 3, None, "7")]
    assert errors([ASN[0], "HL*1**S", "HL*2*1*Y"]) == [("HL", 4, 3, None, "7")]
    assert errors([ASN[0], "HL*1**S", "HL*2**O"]) == [("HL", 4, 2, None, "2")]


def test_856_without_hl_misses_the_mandatory_loop() -> None:
    ts = only_set(interchange(st_se([ASN[0]], "856"), fid="SH"))
    assert seg_codes(ts) == [("HL", 3, "HL", "3")]


# -- API --------------------------------------------------------------------------------------------
def test_iter_results_streams_one_result_per_interchange() -> None:
    text = interchange(st_se(PO)) + interchange(st_se(PO), header=isa(f13="000000002"))
    results = iter_results(text.encode())
    first = next(results)
    assert first.control_number == "000000001"
    assert [r.control_number for r in results] == ["000000002"]


def test_validator_can_be_fed_events() -> None:
    from edi.x12.parse import read

    validator = Validator()
    done = [r for kind, obj in read(interchange(st_se(PO)).encode()) if (r := validator.feed(kind, obj))]
    assert done == []
    last = validator.finish()
    assert last is not None and last.status == "A"


def test_validate_set_on_a_parsed_set() -> None:
    [ts] = list(iter_sets(interchange(st_se(PO, count=9)).encode()))
    result = validate_set(ts)
    assert (result.set_id, result.codes) == ("850", ["4"])


def test_unreadable_input_raises_syntax_error() -> None:
    with pytest.raises(X12SyntaxError):
        validate(b"this is not x12")
