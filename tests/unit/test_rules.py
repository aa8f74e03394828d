"""translators.rules: a profile's rules applied to canonical documents."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from partners import doctypes
from partners.profile import Profile
from partners.registry import Registry
from tests.unit.test_partners_support import SAMPLE_PARTNERS, copy_samples, edited, read, write
from translators.canonical import DOCUMENT_TYPES, Invoice, Item, Order, OrderLine, Party, ShipNotice
from translators.result import Source
from translators.rules import RuleViolation, apply_rules, check_rules


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(SAMPLE_PARTNERS)


def _order(*lines: OrderLine, **fields) -> Order:
    base = {"po_number": "4500012345", "po_date": "2026-11-20", "ship_to": Party(role="ST", name="Store 112")}
    return Order(**{**base, **fields}, lines=list(lines))


def _line(n: str = "1", **item) -> OrderLine:
    return OrderLine(line_number=n, quantity=Decimal(2), uom="CA", unit_price=Decimal("4.5"), item=Item(**item))


def test_partner_layer_knows_the_canonical_type_names() -> None:
    assert set(doctypes.DOCUMENT_TYPES) == set(DOCUMENT_TYPES)


def test_xref_fills_missing_identifiers(registry: Registry) -> None:
    out = apply_rules(_order(_line(buyer_part="100234")), registry.get("bigbox"))
    item = out.lines[0].item
    assert (item.vendor_part, item.sku, item.upc) == ("AC-4410", "SKU-4410", "012345678905")
    assert item.description == "Widget blue 4in"


def test_xref_matches_on_any_identifier(registry: Registry) -> None:
    out = apply_rules(_order(_line(upc="012345678936")), registry.get("bigbox"))
    assert out.lines[0].item.buyer_part == "100251"


def test_input_document_is_not_modified(registry: Registry) -> None:
    order = _order(_line(buyer_part="100234"))
    apply_rules(order, registry.get("bigbox"))
    assert order.lines[0].item.vendor_part is None and order.lines[0].uom == "CA"


def test_xref_conflict_is_a_violation(registry: Registry) -> None:
    with pytest.raises(RuleViolation) as info:
        apply_rules(_order(_line(buyer_part="100234", vendor_part="AC-0000")), registry.get("bigbox"))
    v = info.value
    assert (v.partner_id, v.document_type) == ("bigbox", "order")
    assert (v.field, v.value) == ("lines[0].item.vendor_part", "AC-0000")
    assert "'AC-4410'" in str(v)


def test_unknown_item_fails_when_xref_required(registry: Registry) -> None:
    with pytest.raises(RuleViolation) as info:
        apply_rules(_order(_line(buyer_part="100234"), _line("2", buyer_part="999999")), registry.get("bigbox"))
    assert info.value.field == "lines[1].item" and info.value.value == "buyer_part 999999"


def test_unknown_item_passes_when_xref_optional(registry: Registry) -> None:
    line = _line(buyer_part="NW-1", vendor_part="AC-1")
    out = apply_rules(_order(line), registry.get("northwind-dist"))
    assert out.lines[0].item.vendor_part == "AC-1"


def test_uom_mapping_everywhere(registry: Registry) -> None:
    out = apply_rules(_order(_line(buyer_part="100234"), _line("2", buyer_part="100235")), registry.get("bigbox"))
    assert [line.uom for line in out.lines] == ["CS", "CS"]


def test_qualifier_mapping(registry: Registry) -> None:
    order = _order(_line(other_ids={"MG": "AC-5520"}), ship_to=Party(role="ST", id="0112", id_qualifier="92"))
    out = apply_rules(order, registry.get("bigbox"))
    assert out.ship_to.id_qualifier == "ZZ"
    assert out.lines[0].item.vendor_part == "AC-5520" and "MG" not in out.lines[0].item.other_ids
    assert out.lines[0].item.buyer_part == "100240"  # promoted id then cross-referenced


def test_defaults_only_where_missing(registry: Registry) -> None:
    northwind = registry.get("northwind-dist")
    out = apply_rules(_order(_line(vendor_part="AC-4410"), ship_to=None), northwind)
    assert out.ship_to.name == "Northwind Central DC" and out.ship_to.address.city == "Columbus"
    assert out.currency == "USD"
    own = Party(role="ST", name="Store 7")
    assert apply_rules(_order(_line(vendor_part="AC-4410"), ship_to=own, currency="CAD"), northwind).ship_to == own


def test_nested_defaults_apply_to_every_element(tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    write(folder, "bigbox", edited(read(folder, "bigbox"), "rules.defaults", {"order": {"lines[].uom": "EA"}}))
    profile = Registry.load(folder).get("bigbox")
    lines = [_line(buyer_part="100234"), _line("2", buyer_part="100235")]
    lines[1].uom = None
    out = apply_rules(_order(*lines), profile)
    assert [line.uom for line in out.lines] == ["CS", "EA"]


def test_required_fields_report_every_missing_path(registry: Registry) -> None:
    line = _line(buyer_part="100234")
    line.unit_price = None
    with pytest.raises(RuleViolation) as info:
        apply_rules(_order(line, _line("2", upc="012345678912"), ship_to=None, po_date=None), registry.get("bigbox"))
    fields = [p.field for p in info.value.problems]
    assert fields == ["po_date", "ship_to", "lines[0].unit_price"]


def test_required_in_nested_lists(registry: Registry) -> None:
    notice = ShipNotice.model_validate({"shipment_id": "SH1", "orders": [{"po_number": "PO1"}, {"packs": []}]})
    with pytest.raises(RuleViolation) as info:
        apply_rules(notice, registry.get("acme-supply"))
    assert info.value.document_type == "ship_notice" and info.value.field == "orders[1].po_number"


def test_violation_as_translation_error(registry: Registry) -> None:
    with pytest.raises(RuleViolation) as info:
        apply_rules(Invoice(invoice_number="INV1"), registry.get("acme-supply"))
    err = info.value.as_error(Source("cxml", "InvoiceDetailRequest", "1.2.069"))
    out = err.as_dict()
    assert out["codes"] == ["RULE"] and out["details"][0]["field"] == "po_number"
    assert "acme-supply" in out["message"]


@pytest.mark.parametrize(
    "rules,field,text",
    [
        ({"required": {"order": ["lines[].item.vendr_part"]}}, "rules.required.order[0]", "no field 'vendr_part'"),
        ({"required": {"order": ["lines.item"]}}, "rules.required.order[0]", "write lines[]"),
        ({"required": {"order": ["po_number[]"]}}, "rules.required.order[0]", "not a list"),
        ({"required": {"order": ["po_number.x"]}}, "rules.required.order[0]", "no fields below"),
        ({"defaults": {"order": {"ship_to": "Store 7"}}}, "rules.defaults.order.ship_to", "invalid value"),
        ({"defaults": {"invoice": {"shipto": {}}}}, "rules.defaults.invoice.shipto", "no field 'shipto'"),
    ],
)
def test_check_rules_against_canonical_model(rules: dict, field: str, text: str) -> None:
    data = read(SAMPLE_PARTNERS, "bigbox")
    data["rules"] = rules
    data["rules"].setdefault("required", {})
    profile = Profile.model_validate(data)
    problems = check_rules(profile)
    assert any(where == field and text in msg for where, msg in problems), problems


def test_sample_profiles_pass_check_rules(registry: Registry) -> None:
    assert [check_rules(p) for p in registry] == [[] for _ in registry]


# -- GS1 check digits (rules.gs1_check_digits) -------------------------------------------------


def _gs1(profile: Profile, check: bool = True) -> Profile:
    return profile.model_copy(update={"rules": profile.rules.model_copy(update={"gs1_check_digits": check})})


def _asn(sscc: str, **item: str) -> ShipNotice:
    return ShipNotice.model_validate(
        {
            "shipment_id": "SHP1",
            "orders": [{"po_number": "4500012345", "packs": [{"sscc": sscc, "items": [{"item": item}]}]}],
        }
    )


def test_gs1_check_digits_are_checked_only_for_partners_that_ask(registry: Registry) -> None:
    bigbox = registry.get("bigbox").model_copy(update={"rules": registry.get("bigbox").rules.model_copy(
        update={"item_xref": None})})  # fmt: skip
    wrong = _asn("006141410000001331", gtin="4006381333932")
    apply_rules(wrong, _gs1(bigbox, False))  # off by default: a partner's own numbering is its business
    assert not registry.get("northwind-dist").rules.gs1_check_digits
    with pytest.raises(RuleViolation) as info:
        apply_rules(wrong, _gs1(bigbox))
    assert [(p.field, p.value, p.message) for p in info.value.problems] == [
        ("orders[0].packs[0].sscc", "006141410000001331", "check digit is 1, should be 0"),
        ("orders[0].packs[0].items[0].item.gtin", "4006381333932", "check digit is 2, should be 1"),
    ]
    # right check digits, with and without the SSCC's application identifier 00; a UPC-A
    apply_rules(_asn("00006141410000001330", gtin="4006381333931", upc="012345678905"), _gs1(bigbox))
    apply_rules(_asn("006141410000001330"), _gs1(bigbox))
    with pytest.raises(RuleViolation, match="an SSCC is 18 digits"):
        apply_rules(_asn("0354023220190916"), _gs1(bigbox))
