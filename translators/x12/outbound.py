"""Envelope options from a partner profile, and one-call rendering of outbound X12.

Kept apart from :mod:`.envelope` so the envelope builder stays free of partner
knowledge; this is the one place that reads a :class:`~partners.profile.Profile`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from edi.x12.control import ControlNumberAllocator, InMemoryAllocator
from edi.x12.model import Delimiters
from partners.profile import Profile

from . import BY_DOC_TYPE
from .envelope import OutboundEnvelope, build_interchange

__all__ = ["DEFAULT_ENVELOPE", "envelope_from_profile", "render_x12"]

#: What ``edigw render`` uses when no profile resolves: clearly-not-production ids.
DEFAULT_ENVELOPE = OutboundEnvelope(sender_id="EDIGW", receiver_id="PARTNER", usage="T")


def envelope_from_profile(profile: Profile, doc_type: str) -> OutboundEnvelope:
    """Our ISA/GS ids, the partner's, the outbound version for ``doc_type`` and the delimiters."""
    set_id = BY_DOC_TYPE[doc_type].set_id
    docs = profile.documents
    version = next((d.version for d in docs.outbound if d.standard == "x12" and d.transaction == set_id), None)
    if version is None:
        version = next((d.version for d in docs.outbound if d.standard == "x12"), DEFAULT_ENVELOPE.version)
    ours = profile.control_numbers.our_isa
    theirs = profile.identities.isa[0] if profile.identities.isa else None
    d = docs.delimiters
    return OutboundEnvelope(
        sender_id=ours.id if ours else DEFAULT_ENVELOPE.sender_id,
        sender_qualifier=ours.qualifier if ours else "ZZ",
        receiver_id=theirs.id if theirs else profile.id.upper()[:15],
        receiver_qualifier=theirs.qualifier if theirs else "ZZ",
        version=version,
        delimiters=Delimiters(d.element, d.component, d.segment, d.repetition, None, d.suffix),
        group_sender=str(profile.control_numbers.our_gs) if profile.control_numbers.our_gs else None,
        group_receiver=str(profile.identities.gs[0]) if profile.identities.gs else None,
        usage="P" if profile.status == "live" else "T",
        ack_requested=docs.ta1,
    )


def render_x12(
    doc_type: str,
    documents: Iterable[Any],
    envelope: OutboundEnvelope,
    allocator: ControlNumberAllocator | None = None,
    now: dt.datetime | None = None,
) -> str:
    """One interchange with every document of ``doc_type`` (models or canonical JSON dicts)."""
    return build_interchange(((doc_type, d) for d in documents), envelope, allocator or InMemoryAllocator(), now)
