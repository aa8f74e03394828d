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
