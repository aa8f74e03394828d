"""``translators.outbound``: the one render path of the pipeline and ``edigw render``."""

from __future__ import annotations

import pytest

from partners.registry import Registry
from tests.support.gateway_server import BUNDLED_PARTNERS
from translators.cxml import translate_cxml
from translators.outbound import prepare, render_for_partner
from translators.translate import translate_bytes

REGISTRY = Registry.load(BUNDLED_PARTNERS)
ORDER = {"po_number": "4500000001", "po_date": "2026-11-01", "lines": [{"line_number": "1", "quantity": 2}]}
PO_ACK = {"po_number": "PO-1", "lines": [{"line_number": "1", "status": "accepted", "quantity": 2}]}


def test_a_document_without_a_purpose_is_an_original() -> None:
    assert prepare("order", ORDER)["purpose"] == "original"
    assert prepare("order", {**ORDER, "purpose": "cancel"})["purpose"] == "cancel"


def test_a_cxml_partner_gets_cxml_in_the_release_its_profile_declares() -> None:
    rendered = render_for_partner(REGISTRY.get("acme-supply"), "order", [prepare("order", ORDER)])
    assert (rendered.standard, rendered.content_type, rendered.findings) == ("cxml", "text/xml", [])
    assert b'version="1.2.069"' in rendered.payload and b'deploymentMode="test"' in rendered.payload
    assert b"SharedSecret" not in rendered.payload  # added on the wire only
    (doc,) = translate_cxml(rendered.payload).documents
    assert doc.data["po_number"] == "4500000001" and doc.data["purpose"] == "original"


def test_x12_our_validator_rejects_is_reported_with_its_codes() -> None:
    bigbox = REGISTRY.get("bigbox")
    rendered = render_for_partner(bigbox, "po_ack", [prepare("po_ack", PO_ACK)])
    assert rendered.standard == "x12" and len(rendered.findings) == 1
    assert "AK403:1 BAK02@2" in rendered.findings[0] and "AK403:1 BAK04@2" in rendered.findings[0]
    line = {**PO_ACK["lines"][0], "uom": "EA"}  # type: ignore[dict-item]
    complete = {**PO_ACK, "ack_type": "AD", "po_date": "2026-11-01", "lines": [line]}
    rendered = render_for_partner(bigbox, "po_ack", [prepare("po_ack", complete)])
    assert rendered.findings == []
    assert translate_bytes(rendered.payload).documents[0].data["ack_type"] == "accepted_no_changes"  # AD, named


def test_cxml_needs_credentials_and_carries_one_document() -> None:
    with pytest.raises(ValueError, match="no cXML credentials"):
        render_for_partner(REGISTRY.get("bigbox"), "order", [prepare("order", ORDER)], fmt="cxml")
    with pytest.raises(ValueError, match="one document per message"):
        render_for_partner(REGISTRY.get("acme-supply"), "order", [prepare("order", ORDER)] * 2)


def test_a_wrong_gs1_check_digit_is_never_sent_to_a_partner_that_checks_them() -> None:
    """Our WMS's SSCC is what the retailer's receiving scans: with ``rules.gs1_check_digits``
    a wrong check digit is a finding, as an X12 error is, so the pipeline does not send it."""
    bigbox = REGISTRY.get("bigbox")
    assert bigbox.rules.gs1_check_digits  # the retailer's profile asks for it
    loose = bigbox.model_copy(update={"rules": bigbox.rules.model_copy(update={"gs1_check_digits": False})})
    asn = {
        "shipment_id": "SHP1",
        "ship_date": "2026-11-02",
        "orders": [{"po_number": "4500000001", "packs": [{"sscc": "006141410000001331", "items": []}]}],
    }
    assert render_for_partner(loose, "ship_notice", [prepare("ship_notice", asn)]).findings == []
    rendered = render_for_partner(bigbox, "ship_notice", [prepare("ship_notice", asn)])
    assert rendered.findings == ["orders[0].packs[0].sscc '006141410000001331': check digit is 1, should be 0"]
    asn["orders"][0]["packs"][0]["sscc"] = "006141410000001330"  # type: ignore[index]
    assert render_for_partner(bigbox, "ship_notice", [prepare("ship_notice", asn)]).findings == []
