"""A canonical document as one partner receives it: the render path shared by the
pipeline (``tasks/outbound.py``) and ``edigw render``, so both send the same bytes.

* X12 with the partner's envelope, unless the partner is cXML-only (or cXML is asked for);
* a business document without a purpose is an original (:func:`prepare`);
* X12 our own validator would reject is reported in :attr:`Rendered.findings`, so that
  nobody sends it: the pipeline records the rejection, ``edigw render`` exits 1; so is a
  wrong GS1 check digit for a partner with ``rules.gs1_check_digits``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from edi.x12.control import ControlNumberAllocator
from edi.x12.errors import InterchangeResult
from edi.x12.validate import validate
from partners.profile import Profile

from .canonical import DOCUMENT_TYPES, dump
from .x12 import BY_DOC_TYPE
from .x12.inbound import set_error_codes
from .x12.outbound import DEFAULT_ENVELOPE, envelope_from_profile, render_x12

__all__ = ["Rendered", "prepare", "render_for_partner", "findings"]


@dataclass(frozen=True)
class Rendered:
    payload: bytes
    content_type: str
    standard: str  # "x12" | "cxml"
    transaction: str  # "855", "OrderRequest", ...
    #: why our validator rejects the X12 (empty: fine to send), e.g. "855 0001: AK501:R, AK403:1 BAK02@2"
    findings: list[str] = field(default_factory=list)
    #: the validator's results for the X12 (for a readable report)
    results: list[InterchangeResult] = field(default_factory=list)


def prepare(doc_type: str, document: Any) -> dict[str, Any]:
    """A canonical document (model or JSON dict) checked by its model, as a JSON-ready dict;
    a document without a purpose is an original (business events rarely say so)."""
    data = dump(DOCUMENT_TYPES[doc_type].model_validate(document))
    data.setdefault("purpose", "original")
    return data


def render_for_partner(
    profile: Profile | None,
    doc_type: str,
    documents: list[dict[str, Any]],
    *,
    allocator: ControlNumberAllocator | None = None,
    fmt: str | None = None,
) -> Rendered:
    """``documents`` (from :func:`prepare`) as the partner receives them; X12 in one interchange.

    ``profile`` None: X12 with the documented default envelope. ``fmt``: "x12" or "cxml"
    to choose; by default cXML only for a partner with a cXML transport and no ISA id.
    Raises ValueError when the documents cannot be rendered at all.
    """
    gs1 = _gs1_findings(profile, doc_type, documents)
    cxml_only = profile is not None and profile.transports.cxml is not None and not profile.identities.isa
    if fmt == "cxml" or (fmt is None and cxml_only):
        if len(documents) != 1:
            raise ValueError(f"cXML carries one document per message, not {len(documents)}")
        rendered = _cxml(profile, doc_type, documents[0])
        return Rendered(rendered.payload, rendered.content_type, rendered.standard, rendered.transaction, gs1)
    envelope = envelope_from_profile(profile, doc_type) if profile is not None else DEFAULT_ENVELOPE
    payload = render_x12(doc_type, documents, envelope, allocator).encode("utf-8")
    results = validate(payload)
    set_id = BY_DOC_TYPE[doc_type].set_id
    return Rendered(payload, "application/edi-x12", "x12", set_id, gs1 + findings(results), results)


def _gs1_findings(profile: Profile | None, doc_type: str, documents: list[dict[str, Any]]) -> list[str]:
    """For a partner with ``rules.gs1_check_digits``: every SSCC/GTIN/UPC we would send wrong."""
    if profile is None or not profile.rules.gs1_check_digits:
        return []
    from .rules import gs1_problems

    model = DOCUMENT_TYPES[doc_type]
    return [f"{p.field} {p.value!r}: {p.message}" for d in documents for p in gs1_problems(model.model_validate(d))]


def _cxml(profile: Profile | None, doc_type: str, document: dict[str, Any]) -> Rendered:
    from .cxml import render_cxml
    from .cxml.envelope import Credential, CxmlOptions
    from .cxml.render import WRITERS

    if profile is None or not profile.identities.cxml:
        raise ValueError(f"partner {profile.id if profile else '?'!r} has no cXML credentials to address it to")
    to = tuple(Credential(c.domain, c.identity) for c in profile.identities.cxml)
    ours = Credential("NetworkID", "EDIGW")
    transport = profile.transports.cxml
    mode = transport.deployment_mode if transport is not None else "production"
    request = WRITERS[doc_type][0]  # OrderRequest, ...
    declared = (d.version for d in profile.documents.outbound if d.standard == "cxml" and d.transaction == request)
    version = next(declared, None)  # the release the profile says the partner takes, else our default
    options = CxmlOptions(
        from_=(ours,), to=to, sender=ours, deployment_mode=mode, **({"version": version} if version else {})
    )
    return Rendered(render_cxml(doc_type, document, options=options), "text/xml", "cxml", request)


def findings(results: list[InterchangeResult]) -> list[str]:
    """Why our validator rejects an interchange (empty when every set is accepted)."""
    out = []
    for result in results:
        if result.status == "R":
            out.append(f"TA1 {result.note_code}")
        for group in result.groups:
            out += [f"AK9 {code}" for code in group.codes]
            for ts in group.sets:
                if not ts.accepted:
                    out += [f"{ts.set_id} {ts.control_number}: {', '.join(set_error_codes(ts))}"]
    return out
