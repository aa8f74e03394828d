"""canonical -> cXML: envelope options, round trips of every sample and corpus document, Response status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from edi.xml import parse_xml
from tests.conftest import corpus_files
from translators.canonical import Order, OrderLine, dump
from translators.cxml import (
    Credential,
    CxmlOptions,
    CxmlStatus,
    parse_status,
    read_envelope,
    render_cxml,
    render_status,
    translate_cxml,
)
from translators.cxml.goldens import sample_files

OPTIONS = CxmlOptions(
    from_=(Credential("NetworkID", "AN-BUYER"), Credential("DUNS", "123456789")),
    to=(Credential("NetworkID", "AN-SUPPLIER"),),
    sender=Credential("NetworkID", "AN-BUYER", "s3cret"),
    user_agent="edigw tests",
    payload_id="42.1.abc@edigw.test",
    timestamp=dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC),
    deployment_mode="test",
)
BUSINESS = [p for p in sample_files() if p.parent.name != "Response"] + corpus_files("cxml/")


@pytest.mark.parametrize("path", BUSINESS, ids=lambda p: p.name)
def test_cxml_to_canonical_to_cxml_to_canonical_is_stable(path: Path) -> None:
    first = translate_cxml(path.read_bytes())
    for doc in first.documents:
        again = translate_cxml(render_cxml(doc.type, doc.document, options=OPTIONS))
        assert again.errors == []
        assert dump(again.documents[0].document) == dump(doc.document)


def test_envelope_carries_the_options() -> None:
    data = render_cxml("order", Order(po_number="PO-9", po_date=dt.date(2026, 1, 2)), options=OPTIONS)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE cXML SYSTEM")
    root = parse_xml(data)
    envelope = read_envelope(root)
    assert envelope.payload_id == "42.1.abc@edigw.test"
    assert envelope.timestamp == "2026-01-15T09:30:00+00:00"
    assert envelope.version == "1.2.050" and envelope.deployment_mode == "test"
    assert [c.identity for c in envelope.from_] == ["AN-BUYER", "123456789"]
    assert envelope.sender == [Credential("NetworkID", "AN-BUYER", "s3cret")]
    assert root.findtext("Header/Sender/UserAgent") == "edigw tests"
    assert root.find("Header/From/Credential/SharedSecret") is None  # the secret goes in Sender only


@pytest.mark.parametrize(
    ("doc_type", "dtd"),
    [
        ("order", "cXML.dtd"),
        ("po_ack", "Fulfill.dtd"),
        ("ship_notice", "Fulfill.dtd"),
        ("invoice", "InvoiceDetail.dtd"),
    ],
)
def test_each_document_names_its_dtd(doc_type: str, dtd: str) -> None:
    sample = next(
        p
        for p in sample_files()
        if p.parent.name != "Response" and translate_cxml(p.read_bytes()).documents[0].type == doc_type
    )
    doc = translate_cxml(sample.read_bytes()).documents[0].document
    data = render_cxml(doc_type, dump(doc), options=OPTIONS)  # a JSON dict is accepted too
    assert parse_xml(data).getroottree().docinfo.system_url == f"http://xml.cxml.org/schemas/cXML/1.2.050/{dtd}"


def test_generated_payload_ids_are_unique_and_timestamps_aware() -> None:
    options = CxmlOptions.simple("A", "B", "secret")
    ids = {options.make_payload_id() for _ in range(100)}
    assert len(ids) == 100 and all(i.endswith("@edigw.local") for i in ids)
    assert dt.datetime.fromisoformat(options.make_timestamp()).tzinfo is not None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"deployment_mode": "staging"},
        {"version": "latest"},
        {"timestamp": dt.datetime(2026, 1, 1)},
    ],
)
def test_bad_options_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        CxmlOptions.simple("A", "B", **kwargs)
    with pytest.raises(ValueError):
        Credential("", "A")


def test_render_refuses_unknown_types_and_wrong_models() -> None:
    with pytest.raises(ValueError, match="cannot render 'catalog'"):
        render_cxml("catalog", {}, options=OPTIONS)
    with pytest.raises(TypeError):
        render_cxml("invoice", Order(po_number="1"), options=OPTIONS)


def test_cxml_names_are_accepted_as_document_types() -> None:
    order = Order(po_number="PO-1", lines=[OrderLine(line_number="1")])
    assert render_cxml("OrderRequest", order, options=OPTIONS) == render_cxml("order", order, options=OPTIONS)


@pytest.mark.parametrize(("code", "text"), [(200, "OK"), (400, "Bad Request"), (500, "Internal Server Error")])
def test_status_documents_round_trip(code: int, text: str) -> None:
    data = render_status(code, message="detail" if code != 200 else "", options=OPTIONS)
    root = parse_xml(data)
    assert root.find("Header") is None and root.find("Response/Status") is not None
    status = parse_status(data)
    assert (status.code, status.text, status.payload_id) == (code, text, "42.1.abc@edigw.test")
    assert status.message == ("detail" if code != 200 else "")
    assert status.ok == (code == 200) and status.retryable == (code == 500)
    again = render_cxml("status", CxmlStatus(code, text, status.message), options=OPTIONS)
    assert parse_status(again) == status


def test_status_code_must_be_three_digits() -> None:
    with pytest.raises(ValueError):
        render_status(42, options=OPTIONS)


def test_elements_the_mapping_does_not_read_are_kept_and_written_back() -> None:
    data = (
        b'<cXML payloadID="p" timestamp="2024-01-05T00:00:00+00:00"><Header/><Request><OrderRequest>'
        b'<OrderRequestHeader orderID="PO1" orderDate="2024-01-05" type="new">'
        b'<Total><Money currency="USD">1</Money></Total>'
        b"<Followup><URL>https://buyer.example/po/PO1</URL></Followup>"
        b'<TermsOfDelivery><TermsOfDeliveryCode value="Other">FOB</TermsOfDeliveryCode></TermsOfDelivery>'
        b'</OrderRequestHeader><ItemOut quantity="1" lineNumber="1"><ItemID><SupplierPartID>A</SupplierPartID></ItemID>'
        b'<ItemDetail><UnitPrice><Money currency="USD">1</Money></UnitPrice><LeadTime>5</LeadTime></ItemDetail>'
        b"<ShipTo><Address><Name>Dock</Name></Address></ShipTo></ItemOut></OrderRequest></Request></cXML>"
    )
    order = translate_cxml(data).documents[0].document
    assert order.extensions["unmapped"] == [
        "<Followup><URL>https://buyer.example/po/PO1</URL></Followup>",
        '<TermsOfDelivery><TermsOfDeliveryCode value="Other">FOB</TermsOfDeliveryCode></TermsOfDelivery>',
    ]
    assert order.lines[0].extensions == {
        "unmapped_detail": ["<LeadTime>5</LeadTime>"],
        "unmapped": ["<ShipTo><Address><Name>Dock</Name></Address></ShipTo>"],
    }
    rendered = render_cxml("order", order, options=OPTIONS)
    assert b'<TermsOfDeliveryCode value="Other">FOB</TermsOfDeliveryCode>' in rendered
    assert dump(translate_cxml(rendered).documents[0].document) == dump(order)


X12_SAMPLES = sorted(
    p
    for kind in ("850", "855", "856", "810")
    for p in (Path(__file__).resolve().parents[2] / "samples" / "x12" / kind).glob("*.edi")
    if p.name.count(".") == 1  # inputs only, not their .997.edi / .999.edi goldens
)


@pytest.mark.parametrize("path", X12_SAMPLES, ids=lambda p: p.name)
def test_x12_documents_render_as_cxml_keeping_the_business_keys(path: Path) -> None:
    """Cross-format: what an X12 partner sent can go out to a cXML partner without losing the essentials."""
    from translators.translate import translate_bytes

    for doc in translate_bytes(path.read_bytes()).documents:
        back = translate_cxml(render_cxml(doc.type, doc.document, options=OPTIONS))
        assert back.errors == []
        before, after = dump(doc.document), dump(back.documents[0].document)
        for key in ("po_number", "shipment_id", "invoice_number", "total_amount", "currency", "po_date"):
            assert after.get(key) == before.get(key), key
        keep = ("line_number", "quantity", "unit_price", "item")
        lines = [{k: line.get(k) for k in keep} for line in before.get("lines", [])]
        assert [{k: line.get(k) for k in keep} for line in after.get("lines", [])] == lines
