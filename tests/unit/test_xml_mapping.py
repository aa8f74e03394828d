"""Partner XML through a declarative XPath mapping: the ACME sample format, validation, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from translators.canonical import to_json
from translators.xml_mapping import MappingSpec, load_mapping, regenerate_goldens, translate_mapped_xml, translate_xml

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "xml"
ACME = load_mapping(SAMPLES / "acme.mapping.yaml")
ACME_FILES = sorted(SAMPLES.glob("acme-*.xml"))

NS = "urn:test:po"
SIMPLE = {
    "name": "test",
    "version": "1",
    "namespaces": {"p": NS},
    "documents": [
        {
            "type": "order",
            "root": "self::p:PO",
            "fields": {
                "po_number": "p:No",
                "po_date": {"xpath": "p:Date", "transform": ["date"]},
                "purpose": {"value": "original"},
                "notes[]": "p:Note",
            },
            "lists": {
                "lines": {
                    "xpath": "p:Line",
                    "fields": {"line_number": "@n", "quantity": {"xpath": "p:Qty", "transform": ["decimal"]}},
                }
            },
        }
    ],
}


def po(body: str) -> bytes:
    return f'<p:PO xmlns:p="{NS}">{body}</p:PO>'.encode()


def test_acme_samples_have_three_document_kinds() -> None:
    assert {p.name for p in ACME_FILES} == {"acme-order.xml", "acme-asn.xml", "acme-invoice.xml"}


@pytest.mark.parametrize("sample", ACME_FILES, ids=lambda p: p.name)
def test_acme_sample_matches_its_golden(sample: Path) -> None:
    golden = sample.with_name(sample.stem + ".canonical.json")
    result = translate_mapped_xml(sample.read_bytes(), ACME)
    assert result.errors == []
    assert to_json(result.as_dict()) + "\n" == golden.read_text(encoding="utf-8"), (
        "golden out of date; review and run: .venv/bin/python scripts/regen_goldens.py xml"
    )


def test_goldens_are_current_according_to_the_regenerator() -> None:
    assert regenerate_goldens(SAMPLES, check=True) == []


def test_acme_order_fields() -> None:
    [doc] = translate_mapped_xml((SAMPLES / "acme-order.xml").read_bytes(), ACME).documents
    order = doc.document
    assert (doc.type, doc.source.standard, doc.source.transaction) == ("order", "xml", "PurchaseOrder")
    assert doc.source.interchange_control == "ACME-ORD-20240610-000117" and doc.source.version == "2.1"
    assert str(order.po_date) == "2024-06-10" and order.purpose == "original" and order.currency == "USD"
    assert order.ship_to.address.street == ["2200 W Fulton St", "Dock 4"]
    assert len(order.notes) == 2 and [line.uom for line in order.lines] == ["EA", "EA", "CS"]
    assert sum(line.quantity * line.unit_price for line in order.lines) == order.total_amount


def test_acme_asn_nests_orders_packs_items() -> None:
    [doc] = translate_mapped_xml((SAMPLES / "acme-asn.xml").read_bytes(), ACME).documents
    notice = doc.document
    assert doc.source.interchange_control == "ACME-DES-20240613-000042"
    [order] = notice.orders
    assert [p.sscc for p in order.packs] == ["006141410000001236", "006141410000001243"]
    assert [len(p.items) for p in order.packs] == [1, 2] and order.items == []


def test_simple_mapping_from_a_dict() -> None:
    body = "<p:No> PO-1 </p:No><p:Date>2024-03-01T10:00:00Z</p:Date><p:Note>a</p:Note><p:Note>b</p:Note>"
    body += '<p:Line n="1"><p:Qty>2.50</p:Qty></p:Line><p:Line n="2"><p:Qty>1</p:Qty></p:Line>'
    [doc] = translate_mapped_xml(po(body), SIMPLE).documents
    order = doc.document
    assert order.po_number == "PO-1" and str(order.po_date) == "2024-03-01" and order.notes == ["a", "b"]
    assert [(line.line_number, str(line.quantity)) for line in order.lines] == [("1", "2.50"), ("2", "1")]


def test_each_splits_a_batch_into_documents() -> None:
    spec = {**SIMPLE, "documents": [{**SIMPLE["documents"][0], "root": "self::p:Batch", "each": "p:PO"}]}
    data = f'<p:Batch xmlns:p="{NS}"><p:PO><p:No>1</p:No></p:PO><p:PO><p:No>2</p:No></p:PO></p:Batch>'.encode()
    result = translate_mapped_xml(data, spec)
    assert [d.document.po_number for d in result.documents] == ["1", "2"]


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ("<p:Date>2024-03-01</p:Date>", "xml:invalid", "po_number: Field required"),
        (
            "<p:No>1</p:No><p:Date>March 1st</p:Date>",
            "xml:mapping",
            "po_date: 'March 1st' does not pass transform 'date'",
        ),
        (
            '<p:No>1</p:No><p:Line n="1"><p:Qty>two</p:Qty></p:Line>',
            "xml:mapping",
            "lines[0].quantity: 'two' does not pass transform 'decimal'",
        ),
    ],
)
def test_bad_values_are_precise_errors(body: str, code: str, words: str) -> None:
    result = translate_mapped_xml(po(body), SIMPLE)
    [error] = result.errors
    assert error.codes == [code] and words in error.message


def test_unmatched_root_and_hostile_xml_are_errors() -> None:
    result = translate_mapped_xml(b"<Other/>", SIMPLE)
    assert result.errors[0].codes == ["xml:unmapped"] and "<Other> matches no document" in result.errors[0].message
    hostile = b'<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>'
    assert translate_mapped_xml(hostile, SIMPLE).errors[0].codes == ["xml:security"]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"root": "self::p:PO["}, "bad XPath"),
        ({"root": "self::q:PO"}, "Undefined namespace prefix"),
        ({"fields": {"po_number": {"xpath": "p:No", "transform": ["eval"]}}}, "unknown transform 'eval'"),
        ({"fields": {"po_number": {"xpath": "p:No", "value": "x"}}}, "exactly one of 'xpath' or 'value'"),
        ({"type": "catalog"}, "type"),
        ({"colour": "blue"}, "Extra inputs are not permitted"),
        ({"fields": {"po_numbr": "p:No"}}, "Order has no field 'po_numbr'"),
        ({"fields": {"ship_to.adress.city": "p:C"}}, "Party has no field 'adress'"),
        ({"lists": {"lines": {"xpath": "p:L", "fields": {"item.part": "p:P"}}}}, "Item has no field 'part'"),
        ({"fields": {"po_number": "p:No", "buyer": "p:B", "buyer.name": "p:N"}}, "'buyer' and 'buyer.name' cannot"),
    ],
)
def test_bad_mappings_fail_validation(change: dict, words: str) -> None:
    spec = {**SIMPLE, "documents": [{**SIMPLE["documents"][0], **change}]}
    with pytest.raises(ValidationError, match=words):
        MappingSpec.model_validate(spec)


class _Profile:
    def __init__(self, mapping: Path | None) -> None:
        self.xml_mapping = str(mapping) if mapping else None

    def path(self, relative: str) -> Path:
        return Path(relative)


class _Registry:
    """The two things translate_xml needs of partners.Registry."""

    def __init__(self, **profiles: _Profile) -> None:
        self.profiles = profiles

    def get(self, partner_id: str) -> _Profile:
        return self.profiles[partner_id]

    def __iter__(self):
        return iter(self.profiles.values())


def test_translate_xml_uses_the_partner_profile_mapping() -> None:
    registry = _Registry(acme=_Profile(SAMPLES / "acme.mapping.yaml"), other=_Profile(None))
    data = (SAMPLES / "acme-invoice.xml").read_bytes()
    assert translate_xml(data, partner="acme", registry=registry).documents[0].type == "invoice"
    assert translate_xml(data, registry=registry).documents[0].type == "invoice"  # found by root match
    result = translate_xml(data, partner="other", registry=registry)
    assert result.errors[0].message == "partner XML cannot be translated: partner 'other' has no xml_mapping"
