"""A whole X12 file -> :class:`~translators.result.TranslationResult`, validation first.

Validation plugs in at one place (:class:`_Verdicts`): the streaming
:class:`edi.x12.validate.Validator` sees the same parser events as the translator, so
what ``edigw validate`` (and the 997/TA1) rejects is never translated:

* a set whose AK501 is ``R`` -> an error with its codes, e.g. ``["AK501:R", "AK502:5",
  "AK304:3 N1@5", "AK403:7 BEG01@2"]`` (segment id, element, ``@`` AK302 position);
* a group rejected at AK9 level -> its sets become errors with ``AK905:<code>``;
* an interchange rejected by its TA1 -> its sets become errors with ``TA105:<code>``;
* unreadable input -> one error ``TA105:<code>``; sets already read still count.

Sets we have no mapping for (997, 940, ...) are reported as errors ``"transaction set
997 is not translated"`` with ``AK502:1`` (transaction set not supported): a translate
run is asked for business documents, and silently skipping a set would hide it.
The good sets of a file are translated whatever happens to the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from edi.x12.errors import InterchangeResult, SetResult, X12SyntaxError
from edi.x12.model import FunctionalGroup, TransactionSet
from edi.x12.parse import read
from edi.x12.tokenize import Source as X12Source
from edi.x12.validate import Validator
from translators.result import Source, Translated, TranslationError, TranslationResult

from . import MAPPINGS, MappingError, to_canonical

__all__ = ["translate_x12", "translate_set", "set_error_codes", "known_verdicts", "Known", "REQUIRED"]


#: The element a canonical document cannot exist without, per type (for a precise code).
REQUIRED: dict[str, tuple[str, int]] = {
    "order": ("BEG", 3),
    "po_ack": ("BAK", 3),
    "ship_notice": ("BSN", 2),
    "invoice": ("BIG", 2),
}


def source_of(ts: TransactionSet) -> Source:
    group = ts.group
    ic = group.interchange if group is not None else None
    return Source(
        standard="x12",
        transaction=ts.id,
        version=ts.version,
        interchange_control=ic.control_number if ic is not None else "",
        group_control=group.control_number if group is not None else "",
        set_control=ts.control_number,
    )


def set_error_codes(result: SetResult) -> list[str]:
    """AK5/AK3/AK4 findings as short codes: ``AK501:R``, ``AK502:5``, ``AK304:3 N1@5``, ``AK403:7 BEG01@2``."""
    codes = [f"AK501:{result.status}", *(f"AK502:{c}" for c in result.codes)]
    for se in result.segment_errors:
        codes.append(f"AK304:{se.effective_code} {se.segment_id}@{se.position}")
        codes += [f"AK403:{el.code} {se.segment_id}{el.position:02d}@{se.position}" for el in se.elements]
    return codes


def translate_set(ts: TransactionSet, verdict: SetResult | None = None) -> Translated | TranslationError:
    """One set -> a document, or an error saying precisely why not."""
    source = source_of(ts)
    if verdict is not None and not verdict.accepted:
        return TranslationError(f"transaction set {ts.id} {ts.control_number!r} failed validation", source,
                                set_error_codes(verdict))  # fmt: skip
    mapping = MAPPINGS.get(ts.id)
    if mapping is None:
        return TranslationError(f"transaction set {ts.id} is not translated", source, ["AK502:1"])
    try:
        doc_type, document = to_canonical(ts)
    except MappingError as exc:
        where = f"{exc.segment_id}@{exc.position}"
        codes = ["AK501:R", "AK502:5", f"AK304:8 {where}"]
        if exc.element is not None:
            codes.append(f"AK403:{exc.code} {exc.segment_id}{exc.element:02d}@{exc.position}")
        return TranslationError(f"transaction set {ts.id} {ts.control_number!r}: {exc}", source, codes)
    except ValidationError as exc:
        return _missing_required(ts, mapping.doc_type, source, exc)
    return Translated(doc_type, document, source)


def _missing_required(ts: TransactionSet, doc_type: str, source: Source, exc: ValidationError) -> TranslationError:
    seg_id, element = REQUIRED[doc_type]
    codes = ["AK501:R", "AK502:5"]
    for position, seg in enumerate(ts.segments, start=2):
        if seg[0] == seg_id:
            codes += [f"AK304:8 {seg_id}@{position}", f"AK403:1 {seg_id}{element:02d}@{position}"]
            break
    else:
        codes.append(f"AK304:3 {seg_id}@2")
    details: list[dict[str, Any]] = [{"field": ".".join(map(str, e["loc"])), "error": e["msg"]} for e in exc.errors()]
    return TranslationError(
        f"transaction set {ts.id} {ts.control_number!r} lacks required data", source, codes, details
    )


@dataclass
class _Pending:
    """What one interchange produced, held until its envelope verdict is known."""

    items: list[tuple[FunctionalGroup | None, Translated | TranslationError]] = field(default_factory=list)


#: (ISA13, GS06, ST02) -> the verdicts of the sets with those numbers, in file order
Known = dict[tuple[str, str, str], list[SetResult]]


def known_verdicts(results: Iterable[InterchangeResult]) -> Known:
    """Index a validator's results for :func:`translate_x12`."""
    known: Known = {}
    for result in results:
        for group in result.groups:
            for verdict in group.sets:
                known.setdefault((result.control_number, group.control_number, verdict.control_number), []).append(
                    verdict
                )
    return known


class _Verdicts:
    """Validation, in one place: the set check now, envelope verdicts at each interchange end.

    The envelope :class:`~edi.x12.validate.Validator` gets every parser event but the
    sets, which it checks once, here (:meth:`~edi.x12.validate.Validator.check_set`),
    unless the caller already has their verdicts.
    """

    def __init__(self, validator: Validator | None = None, known: Known | None = None) -> None:
        self.known = known
        self.validator = validator if validator is not None else Validator()

    def feed(self, kind: str, obj: object) -> InterchangeResult | None:
        return None if kind == "set" else self.validator.feed(kind, obj)

    def finish(self) -> InterchangeResult | None:
        return self.validator.finish()

    def set_verdict(self, ts: TransactionSet) -> SetResult:
        if self.known is not None:  # already validated by the caller (the pipeline's ack pass)
            group = ts.group
            ic = group.interchange if group is not None else None
            key = (ic.control_number if ic else "", group.control_number if group else "", ts.control_number)
            results = self.known.get(key)
            if results and results[0].set_id == ts.id:
                return results.pop(0)
        return self.validator.check_set(ts)


def _apply_envelope(result: InterchangeResult | None, pending: _Pending, out: TranslationResult) -> None:
    """Move an interchange's translated sets to ``out``, as errors when its envelope was rejected."""
    groups = {(g.functional_id, g.control_number): g for g in result.groups} if result is not None else {}
    for group, item in pending.items:
        if isinstance(item, Translated) and result is not None:
            if result.status == "R":
                message = f"interchange {result.control_number!r} was rejected (TA1)"
                item = TranslationError(message, item.source, [f"TA105:{result.note_code}"])
            elif group is not None:
                g = groups.get((group.functional_id, group.control_number))
                if g is not None and g.codes:
                    codes = ["AK901:R", *(f"AK905:{c}" for c in g.codes)]
                    item = TranslationError(f"functional group {g.control_number!r} was rejected", item.source, codes)
        if isinstance(item, Translated):
            out.documents.append(item)
        else:
            out.errors.append(item)
    pending.items.clear()


def translate_x12(
    data: X12Source, *, validator: Validator | None = None, known: Known | None = None
) -> TranslationResult:
    """Translate every set of an X12 file (bytes, path or binary stream).

    ``validator``: a fresh :class:`~edi.x12.validate.Validator` with the receiver's options
    (ISA policy, agreed sets and versions); default: any set, strict ISA widths.
    ``known``: set verdicts the caller already has (:func:`known_verdicts`), so sets are
    not validated a second time; a set without one is validated here.
    """
    out = TranslationResult()
    verdicts = _Verdicts(validator, None if known is None else {k: list(v) for k, v in known.items()})
    pending = _Pending()
    try:
        for kind, obj in read(data):
            finished = verdicts.feed(kind, obj)
            if finished is not None:
                _apply_envelope(finished, pending, out)
            if kind == "set":
                ts: TransactionSet = obj  # type: ignore[assignment]
                pending.items.append((ts.group, translate_set(ts, verdicts.set_verdict(ts))))
    except X12SyntaxError as exc:
        finished = verdicts.finish()
        if finished is not None:
            _apply_envelope(finished, pending, out)  # the error came before the next interchange began
        else:  # inside an interchange: what was read of it cannot be accepted
            codes = [f"TA105:{exc.ta1_code}"]
            for _, item in pending.items:
                if isinstance(item, Translated):
                    item = TranslationError(f"interchange is unreadable: {exc}", item.source, codes)
                out.errors.append(item)
        out.errors.append(TranslationError(f"unreadable X12: {exc}", None, [f"TA105:{exc.ta1_code}"]))
        return out
    _apply_envelope(verdicts.finish(), pending, out)
    return out
