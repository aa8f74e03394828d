"""The validator on the shared corpus: clean files pass, known-bad files get the right codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.x12.errors import InterchangeResult, X12SyntaxError
from edi.x12.validate import validate
from tests.conftest import CORPUS, corpus_params, needs_corpus

X12 = CORPUS / "x12"

#: Files that are valid in every respect the validator checks (envelope, schema, codes).
CLEAN = [
    "850/aaronhuggins-node-x12__test_test-data_850.edi",
    "850/aaronhuggins-node-x12__test_test-data_850_2.edi",
    "850/aaronhuggins-node-x12__test_test-data_850_3.edi",
    "850/apimeister-x12-types__test-data_004010_850.edi",
    "850/olmelabs-EdiEngine__EdiEngine.Tests_TestData_850.OK.edi",
    "850/olmelabs-EdiEngine__EdiEngine.Tests_TestData_850.Composite.SLN.OK.edi",
    "855/Stedi-Demos-bootstrap-archived__855.edi",
    "855/Stedi-Demos-bootstrap-archived__src_resources_X12_5010_855_inbound.edi",
    "855/aaronhuggins-node-x12__test_test-data_855.edi",
    "855/irobayna-stupidedi__spec_fixtures_004010_PR855_pass_1.edi",
    "855/xlate-staedi__src_test_resources_x12_issue590_multi-tx-transaction-type.edi",
    "856/Silvenga-vscode-edi-x12-support__docs_old.edi",
    "856/olmelabs-EdiEngine__EdiEngine.Tests_TestData_856.Crossdock.OK.edi",
    "810/xlate-staedi__src_test_resources_x12_simple810.edi",
    "ack/irobayna-stupidedi__spec_fixtures_005010_X230 FA997 Functional Acknowledgment for Health Care Insurance"
    "_pass_response-to-functional-group-containing-837s.edi",
    "ack/irobayna-stupidedi__spec_fixtures_005010_X231A1 FA999 Implementation Acknowledgment for Health Care "
    "Insurance_pass_response-to-functional-group-containing-3-837s.edi",
    "ack/imsweb-x12-parser__src_test_resources_837_5010_x12_999_rejected.txt",
    "ack/xlate-staedi__src_test_resources_x12_simple997.edi",
    "ack/xlate-staedi__src_test_resources_x12_simple999.edi",
    "ack/xlate-staedi__src_test_resources_x12_optionalInterchangeServices.edi",
    "ack/xlate-staedi__src_test_resources_x12_simple997-multiple-interchanges.edi",
]


def results(name: str) -> list[InterchangeResult]:
    path = X12 / name
    if not path.is_file():
        pytest.skip(f"{name} not in the corpus")
    return validate(path.read_bytes())


def set_codes(ics: list[InterchangeResult]) -> list[list[str]]:
    return [s.codes for ic in ics for g in ic.groups for s in g.sets]


@needs_corpus
@pytest.mark.parametrize("name", CLEAN)
def test_clean_files_are_accepted(name: str) -> None:
    for ic in results(name):
        assert (ic.status, ic.notes) == ("A", [])
        for group in ic.groups:
            assert (group.status, group.codes) == ("A", [])
            for ts in group.sets:
                assert (ts.status, ts.codes, ts.segment_errors, ts.warnings) == ("A", [], [], [])


@needs_corpus
@pytest.mark.parametrize(
    "name",
    [
        "other/olmelabs-EdiEngine__EdiEngine.Tests_TestData_940_Failed_SE01.edi",
        "856/irobayna-stupidedi__spec_fixtures_004010_SH856_fail_2.edi",
        "850/irobayna-stupidedi__spec_fixtures_003010_PO850_fail_1.edi",
        "850/indice-co-EDI.Net__test_indice.Edi.Tests_Samples_x12.Issue91.edi",
    ],
)
def test_wrong_se_count_is_ak502_4(name: str) -> None:
    [ic] = results(name)
    assert "4" in ic.groups[0].sets[0].codes
    assert ic.groups[0].sets[0].status == "R"


@needs_corpus
def test_control_number_mismatches() -> None:
    [ic] = results("other/olmelabs-EdiEngine__EdiEngine.Tests_TestData_ControlNumbersMismatch.edi")
    assert (ic.note_code, ic.status) == ("001", "R")
    assert ic.groups[0].codes == ["4"]
    assert set_codes([ic]) == [["3"]]


@needs_corpus
def test_gs_ge_mismatch_is_ak905_4() -> None:
    [ic] = results("ack/xlate-staedi__src_test_resources_x12_invalid997_min.edi")
    assert ic.groups[0].codes == ["4"]


@needs_corpus
def test_wrong_group_and_interchange_counts() -> None:
    [ic] = results("other/olmelabs-EdiEngine__EdiEngine.Tests_TestData_WrongGroupsAndTranCount.edi")
    assert ic.notes == ["001", "021"]
    assert ic.groups[0].codes == ["5"]


@needs_corpus
def test_iea_isa_mismatch_is_001() -> None:
    for name in (
        "ack/imsweb-x12-parser__src_test_resources_837_5010_x12_999_accepted.txt",
        "850/indice-co-EDI.Net__test_indice.Edi.Tests_Samples_x12.850.edi",
    ):
        [ic] = results(name)
        assert ic.note_code == "001"


@needs_corpus
def test_negative_fixtures_are_rejected_with_element_codes() -> None:
    [ic] = results("850/olmelabs-EdiEngine__EdiEngine.Tests_TestData_850.SyntaxNotes.ERR.edi")
    [ts] = ic.groups[0].sets
    assert ts.codes == ["5"]
    [error] = ts.segment_errors
    assert (error.segment_id, error.loop_id, [(e.position, e.code) for e in error.elements]) == (
        "PO1",
        "PO1",
        [(7, "2")],
    )
    [ic] = results("ack/xlate-staedi__src_test_resources_x12_invalid997.edi")
    assert [(e.segment_id, e.elements[0].code) for e in ic.groups[0].sets[0].segment_errors] == [
        ("AK1", "7"),
        ("AK4", "6"),
    ]


@needs_corpus
def test_unpadded_isa_is_a_ta1_note_not_a_crash() -> None:
    [ic] = results("810/indice-co-EDI.Net__test_indice.Edi.Tests_Samples_x12.810a.edi")
    assert ic.status == "R" and set(ic.notes) <= {"006", "008", "011", "013"}
    assert ic.groups[0].sets[0].status == "A"


@pytest.mark.parametrize("path", corpus_params("x12/"))
def test_every_corpus_file_validates_or_raises_syntax_error(path: Path) -> None:
    try:
        ics = validate(path.read_bytes())
    except X12SyntaxError:
        return
    for ic in ics:
        assert ic.status in ("A", "E", "R")
        for group in ic.groups:
            assert group.status in ("A", "E", "P", "R")
            for ts in group.sets:
                assert ts.status in ("A", "E", "R")
                assert len(ts.codes) <= 5
