"""The pure inbound pipeline: acks by policy, routing, and the partner's ISA padding policy."""

from __future__ import annotations

import pytest

from edi.x12.ack import AckWriter
from edi.x12.control import InMemoryAllocator
from partners.registry import Registry
from tests.support.gateway_server import BUNDLED_PARTNERS
from translators.pipeline import process_inbound, write_acks

PADDED = b"ISA*00*          *00*          *ZZ*BIGBOXSTORES   *ZZ*EDIGW          *240101*1200*U*00401*000000301*0*P*>~"
UNPADDED = b"ISA*00**00**ZZ*BIGBOXSTORES*ZZ*EDIGW*240101*1200*U*00401*000000301*0*P*>~"
BODY = (
    b"GS*PO*BIGBOXSTORES*EDIGW*20240101*1200*301*X*004010~ST*850*0001~BEG*00*SA*PO-PIPE**20240101~"
    b"DTM*002*20240201~N1*ST*STORE 1*92*0001~PO1*1*24*CA*54**IN*100234~CTT*1~SE*7*0001~GE*1*301~IEA*1*000000301~"
)


def outcome(isa: bytes, strict: bool = True):  # type: ignore[no-untyped-def]
    registry = Registry.load(BUNDLED_PARTNERS)
    profile = registry.get("bigbox")
    profile = profile.model_copy(update={"documents": profile.documents.model_copy(update={"strict_isa": strict})})
    return process_inbound(isa + BODY, profile, registry, AckWriter(InMemoryAllocator()), xref=registry.xref("bigbox"))


def test_valid_order_is_acknowledged_translated_and_routed() -> None:
    out = outcome(PADDED)
    assert out.validation == "A" and out.partner_seen == "bigbox"
    assert [a.kind for a in out.acks] == ["997"]
    [doc] = out.documents
    assert doc.item.type == "order" and doc.sinks == ("erp",)
    # rules applied: the item cross-reference filled the vendor part
    assert doc.item.document.lines[0].item.vendor_part == "AC-4410"


def test_unpadded_isa_is_refused_by_default_and_accepted_when_the_partner_allows_it() -> None:
    strict = outcome(UNPADDED)
    assert strict.validation == "R" and strict.documents == []
    assert [a.kind for a in strict.acks] == ["ta1"]
    assert b"*R*006" in strict.acks[0].to_bytes() or b"*R*008" in strict.acks[0].to_bytes()
    lenient = outcome(UNPADDED, strict=False)
    assert lenient.validation == "A" and len(lenient.documents) == 1


def test_acknowledgements_are_never_acknowledged() -> None:
    out = outcome(PADDED)
    ack = out.acks[0].to_bytes()
    registry = Registry.load(BUNDLED_PARTNERS)
    again = process_inbound(ack, registry.get("bigbox"), registry)
    assert again.acks == [] and again.documents == [] and again.errors == []
    assert write_acks(again, AckWriter(InMemoryAllocator()), registry.get("bigbox")) == []


def test_each_set_is_validated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ack pass validates the sets; translation reuses those verdicts instead of validating again."""
    import edi.x12.validate as validate

    calls: list[str] = []
    real = validate.validate_set

    def counting(ts, **kw):  # type: ignore[no-untyped-def]
        calls.append(ts.control_number)
        return real(ts, **kw)

    monkeypatch.setattr(validate, "validate_set", counting)
    out = outcome(PADDED)
    assert len(out.documents) == 1
    assert calls == ["0001"]


def _ack_segments(out) -> list[str]:  # type: ignore[no-untyped-def]
    [ack] = out.acks
    return [s for s in ack.to_bytes().decode("latin-1").split("~") if s[:3] in ("AK2", "AK5", "AK9")]


def test_a_version_outside_the_agreement_is_refused_with_ak905_2() -> None:
    """bigbox agreed 850 in 004010; the same order in 005010 is not accepted and not translated."""
    five = PADDED.replace(b"*00401*", b"*00501*").replace(b"*U*", b"*^*")
    body = BODY.replace(b"*X*004010~", b"*X*005010~")
    registry = Registry.load(BUNDLED_PARTNERS)
    out = process_inbound(five + body, registry.get("bigbox"), registry, AckWriter(InMemoryAllocator()))
    assert out.documents == []
    assert _ack_segments(out) == ["AK2*850*0001", "AK5*R*1", "AK9*R*1*1*0*2"]
    [error] = out.errors
    assert error.codes == ["AK501:R", "AK502:1"]


def test_a_transaction_set_outside_the_agreement_is_refused_with_ak502_1() -> None:
    """bigbox sends us orders only: an 810 from it is answered "transaction set not supported"."""
    invoice = (
        b"GS*IN*BIGBOXSTORES*EDIGW*20240101*1200*302*X*004010~ST*810*0001~BIG*20240101*INV-1~"
        b"IT1*1*1*EA*10**IN*100234~TDS*1000~SE*5*0001~GE*1*302~IEA*1*000000301~"
    )
    registry = Registry.load(BUNDLED_PARTNERS)
    out = process_inbound(PADDED + invoice, registry.get("bigbox"), registry, AckWriter(InMemoryAllocator()))
    assert out.documents == []
    assert _ack_segments(out) == ["AK2*810*0001", "AK5*R*1", "AK9*R*1*1*0"]


def test_the_agreement_admits_acknowledgements_of_what_we_send() -> None:
    agreement = Registry.load(BUNDLED_PARTNERS).get("northwind-dist").documents.x12_agreement()
    assert agreement == {"850": {"005010"}, "997": {"005010"}, "999": {"005010"}}


def test_undecodable_bytes_in_an_unchecked_segment_are_refused_not_passed_on() -> None:
    """A TAX segment is checked for position only; a Latin-1 byte in it is still AK4 6, and the
    set is not translated (its text would reach the sinks in ``extensions``)."""
    body = BODY.replace(b"DTM*002*20240201~", b"TAX*CAF\xe9~DTM*002*20240201~").replace(b"SE*7*", b"SE*8*")
    registry = Registry.load(BUNDLED_PARTNERS)
    out = process_inbound(PADDED + body, registry.get("bigbox"), registry, AckWriter(InMemoryAllocator()))
    assert out.documents == []
    assert _ack_segments(out)[:2] == ["AK2*850*0001", "AK5*R*5"]
    assert b"AK3*TAX*3**8~AK4*1**6*CAF\xe9~" in out.acks[0].to_bytes()


def test_a_cxml_request_outside_the_agreement_is_an_error_not_a_document() -> None:
    """acme-supply sends us confirmations, ship notices and invoices; never orders."""
    from tests.conftest import SAMPLES

    registry = Registry.load(BUNDLED_PARTNERS)
    order = (SAMPLES / "cxml/OrderRequest/delete.xml").read_bytes()
    out = process_inbound(order, registry.get("acme-supply"), registry)
    assert out.documents == []
    [error] = out.errors
    assert error.codes == ["cxml:450"] and "OrderRequest is not agreed" in error.message
