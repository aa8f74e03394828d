"""What happens to one inbound file, as pure functions: no database, transport or clock.

parse -> validate -> acknowledgements (the partner's ack policy) -> translate -> the
partner's rules -> routing. The Celery task (``tasks.process``) persists the outcome;
``edigw partners test`` runs the very same steps in a sandbox and compares them with
goldens. Keeping them here means both always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from edi.x12.ack import Ack, AckWriter, ReceivedEnvelope, iter_validated, ta1_due
from edi.x12.ack_read import AckStatus, read_acks
from edi.x12.errors import InterchangeResult, X12SyntaxError
from edi.x12.validate import Validator
from partners.errors import PartnerNotAccepted, PartnerPaused
from partners.profile import Profile
from partners.registry import Registry
from partners.xref import ItemXref
from translators.result import Translated, TranslationError, TranslationResult
from translators.rules import RuleViolation, apply_rules
from translators.translate import UnknownFormat, detect_format, translate_bytes
from translators.x12.inbound import known_verdicts

__all__ = [
    "Routed",
    "InboundOutcome",
    "acks_for",
    "attribute",
    "attribute_isa",
    "partner_validator",
    "route_documents",
    "process_inbound",
    "write_acks",
    "FUNCTIONAL_ACK_SETS",
]

#: Transaction sets that are acknowledgements: read as statuses, never translated or routed.
FUNCTIONAL_ACK_SETS = frozenset({"997", "999", "TA1"})

Translate = Callable[[bytes, str], TranslationResult]


@dataclass(slots=True)
class Routed:
    """A translated document after the partner's rules, with the sinks it goes to."""

    item: Translated
    sinks: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**self.item.as_dict(), "sinks": list(self.sinks)}


@dataclass(slots=True)
class InboundOutcome:
    standard: str  # "x12" | "cxml" | "xml" | "unknown"
    partner_seen: str | None = None  # partner the envelope identities resolve to
    interchanges: list[InterchangeResult] = field(default_factory=list)
    envelopes: list[ReceivedEnvelope] = field(default_factory=list)  # one per interchange, for acks
    acks: list[Ack] = field(default_factory=list)  # to send back (when a writer was given)
    acks_received: list[AckStatus] = field(default_factory=list)  # the file itself was 997/999/TA1
    documents: list[Routed] = field(default_factory=list)
    errors: list[TranslationError] = field(default_factory=list)
    unreadable: str | None = None  # why the file could not be read at all

    @property
    def validation(self) -> str:
        return "/".join(r.status for r in self.interchanges) or ("unreadable" if self.unreadable else "-")

    @property
    def rejected(self) -> bool:
        """Nothing usable came out of it."""
        return bool(self.unreadable) or (not self.documents and not self.acks_received and bool(self.errors))


def attribute(resolve: Callable[[], Profile]) -> str:
    """The partner an identity lookup names (a paused partner counts), or ``unknown (...)``."""
    try:
        return resolve().id
    except PartnerPaused as exc:
        return exc.partner_id
    except PartnerNotAccepted as exc:
        return f"unknown ({exc.kind} {exc.value})"


def attribute_isa(registry: Registry, result: InterchangeResult) -> str:
    """The partner an interchange's ISA identities resolve to."""
    ids = (result.sender_qualifier, result.sender_id, result.receiver_qualifier, result.receiver_id)
    return attribute(lambda: registry.resolve_isa(*ids))


def partner_validator(profile: Profile) -> Validator:
    """A fresh validator for the partner's X12: its ISA policy and its agreement.

    A set or version the profile's ``documents`` do not list is refused with a precise
    code (AK905 ``2`` for the group's version, AK502 ``1`` for the set) instead of being
    accepted and translated: the partner learns at once that nothing was agreed for it.
    """
    agreement = profile.documents.x12_agreement()
    return Validator(
        strict_isa_widths=profile.documents.strict_isa,
        supported_versions={v for versions in agreement.values() for v in versions},
        supported_sets=agreement,
    )


def acks_for(writer: AckWriter, result: InterchangeResult, envelope: ReceivedEnvelope, profile: Profile) -> list[Ack]:
    """The acknowledgements the profile's policy sends for one interchange.

    Its functional ack kind (997/999/none), plus a TA1 when the profile enables TA1s and
    one is due (envelope error or ISA14=1). A rejected interchange always gets its TA1:
    without it the partner would never learn why nothing was acknowledged.
    """
    kind = profile.documents.ack
    acks = [] if kind == "none" else writer.write(result, envelope, kind=kind)
    has_ta1 = any(a.kind == "ta1" for a in acks)
    if profile.documents.ta1 and ta1_due(result) and not has_ta1:
        acks.insert(0, writer.ta1(result, envelope))
    if not profile.documents.ta1 and result.status != "R":
        acks = [a for a in acks if a.kind != "ta1"]
    return acks


def route_documents(
    translated: TranslationResult, profile: Profile, xref: ItemXref | None = None
) -> tuple[list[Routed], list[TranslationError]]:
    """Apply the partner's rules and routes; a rule failure becomes a partner-scoped error."""
    routed: list[Routed] = []
    errors = list(translated.errors)
    for item in translated.documents:
        source = item.source
        if source.standard == "cxml" and not profile.documents.accepts_cxml(source.transaction):
            message = f"{source.transaction} is not agreed with partner {profile.id!r} (documents.inbound)"
            errors.append(TranslationError(message, source, ["cxml:450"]))
            continue
        try:
            document = apply_rules(item.document, profile, xref)
        except RuleViolation as exc:
            errors.append(exc.as_error(item.source))
            continue
        sinks = tuple(profile.sinks_for(item.type)) if profile.routing.has_route(item.type) else ()
        routed.append(Routed(Translated(item.type, document, item.source), sinks))
    return routed, errors


def write_acks(outcome: InboundOutcome, writer: AckWriter, profile: Profile) -> list[Ack]:
    """The acknowledgements due for ``outcome`` (none when the file itself was an ack)."""
    if outcome.acks_received:
        return []
    return [
        a
        for r, env in zip(outcome.interchanges, outcome.envelopes, strict=True)
        for a in acks_for(writer, r, env, profile)
    ]


def process_inbound(
    data: bytes,
    profile: Profile,
    registry: Registry,
    writer: AckWriter | None = None,
    *,
    xref: ItemXref | None = None,
    translate: Translate | None = None,
) -> InboundOutcome:
    """Run every step on one file for ``profile`` (the partner the transport identified).

    With a ``writer`` the acknowledgements are written too; without one the caller writes
    them later with :func:`write_acks` (the task does, so that their control numbers are
    allocated in the same transaction that records them).
    """
    try:
        standard = detect_format(data)
    except UnknownFormat as exc:
        return InboundOutcome("unknown", unreadable=str(exc))
    outcome = InboundOutcome(standard)
    if standard == "x12":
        try:
            for result, envelope in iter_validated(data, partner_validator(profile)):
                outcome.interchanges.append(result)
                outcome.envelopes.append(envelope)
                outcome.partner_seen = attribute_isa(registry, result)
        except X12SyntaxError as exc:
            outcome.unreadable = f"unreadable X12 (TA105 {exc.ta1_code}): {exc}"
            return outcome
        if _only_acks(outcome.interchanges):
            outcome.acks_received = read_acks(data)  # acknowledgements are never acknowledged
            return outcome
        if writer is not None:
            outcome.acks = write_acks(outcome, writer, profile)
    if translate is None:
        # the sets were validated above for the acks: translation reuses those verdicts
        known = known_verdicts(outcome.interchanges) if standard == "x12" else None
        translated = translate_bytes(data, partner=profile.id, validator=partner_validator(profile), known=known)
    else:
        translated = translate(data, profile.id)
    translated.errors = [e for e in translated.errors if not _is_ack_set(e)]
    outcome.documents, outcome.errors = route_documents(translated, profile, xref)
    return outcome


def _only_acks(results: list[InterchangeResult]) -> bool:
    groups = [g for r in results for g in r.groups]
    return bool(groups) and all(g.functional_id == "FA" for g in groups)


def _is_ack_set(error: TranslationError) -> bool:
    return error.source is not None and error.source.transaction in FUNCTIONAL_ACK_SETS
