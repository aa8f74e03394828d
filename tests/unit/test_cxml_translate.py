"""cXML -> canonical: golden samples, every corpus cXML file, and precise rejections."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS as CORPUS_DIR
from tests.conftest import corpus_params, corpus_rows
from translators.cxml import parse_status, translate_cxml
from translators.cxml.goldens import golden_path, render_golden, sample_files
from translators.cxml.translate import READERS

SAMPLES = sample_files()
CORPUS = corpus_params("cxml/")
TRANSACTION = {Path(r["file"]).name: r["transaction"] for r in corpus_rows("cxml")}
#: corpus files that are rejected on purpose, with the words the error must contain
CORPUS_REJECTED = {
    "officeluv-cxml__spec_fixtures_invoice_taxes_at_line_multiple_taxes.xml": "@invoiceDate 'invoice_date'",
}


def test_there_are_five_samples_per_document_type() -> None:
    kinds = {p.parent.name for p in SAMPLES}
    assert kinds == {*READERS, "Response"}
    for kind in kinds:
        assert len([p for p in SAMPLES if p.parent.name == kind]) >= 5, kind


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample_matches_its_golden(sample: Path) -> None:
    golden = golden_path(sample)
    assert golden.is_file(), f"missing golden; run: .venv/bin/python scripts/regen_goldens.py cxml ({golden})"
    assert render_golden(sample) == golden.read_text(encoding="utf-8"), (
        f"{golden.name} is out of date; review and run: .venv/bin/python scripts/regen_goldens.py cxml"
    )


@pytest.mark.parametrize("sample", [p for p in SAMPLES if p.parent.name != "Response"], ids=lambda p: p.name)
def test_business_samples_translate_without_errors(sample: Path) -> None:
    result = translate_cxml(sample.read_bytes())
    assert result.errors == []
    [doc] = result.documents
    assert doc.type == READERS[sample.parent.name][0]
    assert doc.source.standard == "cxml" and doc.source.transaction == sample.parent.name
    assert doc.source.interchange_control  # the payloadID, for deduplication


@pytest.mark.parametrize("path", CORPUS)
def test_corpus_file_translates_or_is_rejected_precisely(path: Path) -> None:
    result = translate_cxml(path.read_bytes())
    assert len(result.documents) + len(result.errors) == 1
    transaction = TRANSACTION[path.name]
    if result.documents:
        assert transaction in READERS and path.name not in CORPUS_REJECTED
        assert result.documents[0].type == READERS[transaction][0]
        return
    [error] = result.errors
    if path.name in CORPUS_REJECTED:
        assert CORPUS_REJECTED[path.name] in error.message and error.codes == ["cxml:400"]
    else:
        assert transaction not in READERS
        assert error.message.startswith(f"cXML {transaction} is not translated") and error.codes == ["cxml:450"]
    assert error.source is not None and error.source.standard == "cxml"


@pytest.mark.parametrize(
    ("name", "code", "text"),
    [
        ("officeluv-cxml__spec_fixtures_response_status_200.xml", 200, "OK"),
        (
            "officeluv-cxml__spec_fixtures_response_status_400.xml",
            400,
            "java.lang.Exception: missing required parameter",
        ),
        ("officeluv-cxml__spec_fixtures_document_node_with_unknown_attribute.xml", 200, "Ok"),
    ],
)
def test_corpus_responses_parse_to_a_status(name: str, code: int, text: str) -> None:
    path = CORPUS_DIR / "cxml" / name
    if not path.is_file():
        pytest.skip("shared corpus not present")
    status = parse_status(path.read_bytes())
    assert status.code == code and status.text.startswith(text) and status.ok == (code == 200)


def order_xml(header_attrs: str = 'orderID="PO1" orderDate="2024-01-05" type="new"', item: str = "") -> bytes:
    item = item or '<ItemOut quantity="2" lineNumber="1"><ItemID><SupplierPartID>A</SupplierPartID></ItemID></ItemOut>'
    return (
        f'<cXML payloadID="x@y" timestamp="2024-01-05T00:00:00+00:00"><Header/><Request><OrderRequest>'
        f"<OrderRequestHeader {header_attrs}/>{item}</OrderRequest></Request></cXML>"
    ).encode()


@pytest.mark.parametrize(
    ("data", "codes", "words"),
    [
        (b"", ["xml:syntax", "cxml:400"], "not well-formed"),
        (b"<cXML><Request>", ["xml:syntax", "cxml:400"], "not well-formed"),
        (
            b'<!DOCTYPE cXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><cXML>&x;</cXML>',
            ["xml:security", "cxml:400"],
            "entities",
        ),
        (b"<Invoice/>", ["cxml:400"], "root element is <Invoice>"),
        (b'<cXML payloadID="p"><Header/></cXML>', ["cxml:400"], "no Request, Response or Message"),
        (order_xml('orderDate="2024-01-05"'), ["cxml:400"], "OrderRequestHeader@orderID is missing"),
        (order_xml('orderID="PO1" orderDate="5 Jan 2024"'), ["cxml:400"], "@orderDate '5 Jan 2024' is not an ISO"),
        (
            order_xml(item='<ItemOut quantity="two" lineNumber="1"/>'),
            ["cxml:400"],
            "/cXML/Request/OrderRequest/ItemOut: @quantity 'two' is not a number",
        ),
        (
            b'<cXML payloadID="p"><Request><OrderRequest/></Request></cXML>',
            ["cxml:400"],
            "OrderRequest has no OrderRequestHeader",
        ),
    ],
)
def test_bad_documents_are_rejected_with_precise_errors(data: bytes, codes: list[str], words: str) -> None:
    result = translate_cxml(data)
    assert result.documents == []
    [error] = result.errors
    assert error.codes == codes
    assert words in error.message


def test_oversized_cxml_is_refused() -> None:
    from edi.xml import XmlLimits

    result = translate_cxml(order_xml(), XmlLimits(max_bytes=64))
    assert result.errors[0].codes == ["xml:size", "cxml:400"]


def test_dates_keep_their_timestamp_only_when_it_says_more_than_the_date() -> None:
    doc = translate_cxml(order_xml('orderID="PO1" orderDate="2024-01-05T00:00:00+00:00"')).documents[0].document
    assert str(doc.po_date) == "2024-01-05" and "po_date_timestamp" not in doc.extensions
    doc = translate_cxml(order_xml('orderID="PO1" orderDate="2024-01-05T23:10:00-08:00"')).documents[0].document
    assert str(doc.po_date) == "2024-01-05" and doc.extensions["po_date_timestamp"] == "2024-01-05T23:10:00-08:00"


def test_bench_input_is_a_valid_ten_line_order() -> None:
    from translators.cxml.bench import order_with_lines

    [doc] = translate_cxml(order_with_lines(10)).documents
    assert [line.line_number for line in doc.document.lines] == [str(n) for n in range(1, 11)]
