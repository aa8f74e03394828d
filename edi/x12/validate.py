"""X12 validator: parser events in, :class:`~edi.x12.errors.InterchangeResult` trees out.

Streams in constant memory: every set is validated as the parser hands it over and
only its :class:`~edi.x12.errors.SetResult` is kept, never its segments. Three levels:

* interchange (TA105): ISA fields, IEA count/control, premature end, stray content,
  duplicate ISA13 within one input (:mod:`edi.x12.envelope_checks`);
* group (AK905): functional id and version supported, GE count/control, missing GE,
  duplicate GS06;
* set (AK502 + AK3/AK4): ST/SE, duplicate ST02 in its group, and the body against
  the declarative schema of its set and release (:mod:`edi.x12.schema`,
  :mod:`edi.x12.set_checks`). A set with no schema (a 940, or an 850 in 003010) is
  checked at envelope level only and carries a warning; it is rejected (AK502 ``1``)
  only when the caller names the sets it supports (optionally per version: a trading
  partner agreement) and this is not one of them.

Choices:

* ``note_code`` (TA105) is the first rejecting code found, else the first code, so a
  TA1 never says "accepted with errors" for an interchange that has a rejecting error.
* A set with segment errors and no set-level code gets AK502 ``5``, except with
  ``reject_on_errors=False`` (the errors are noted and the set accepted, AK501 ``E``).
* A set outside any group is reported in a group result with empty GS fields (its
  AK502 is ``18``), and the interchange gets TA105 ``024``.
* An interchange's result is yielded when the next interchange starts or the input
  ends, so text after its IEA that is not an interchange can still be reported on it
  (``024``). Unreadable input raises :class:`~edi.x12.errors.X12SyntaxError`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator

from .envelope_checks import SupportedSets, ge_codes, gs_codes, iea_codes, isa_codes, se_codes, set_supported, st_codes
from .errors import _TA1_REJECTING, GroupResult, InterchangeResult, SetResult
from .model import FunctionalGroup, Interchange, TransactionSet
from .parse import read
from .schema import get_schema
from .set_checks import check_body
from .tokenize import Source

__all__ = ["Validator", "iter_results", "validate", "validate_set", "FUNCTIONAL_IDS"]

#: ST01 -> the GS01 its group should have (a mismatch is a warning, not an error).
FUNCTIONAL_IDS = {"810": "IN", "850": "PO", "855": "PR", "856": "SH", "997": "FA", "999": "FA"}
_MAX_SET_CODES = 5


def validate_set(
    ts: TransactionSet,
    *,
    reject_on_errors: bool = True,
    supported_sets: SupportedSets | None = None,
    check_content: bool = True,
) -> SetResult:
    """The verdict on one set: ST/SE envelope codes, then its body against its schema."""
    header, group = ts.header, ts.group
    set_id, version = header.get(1), group.version if group is not None else ""
    result = SetResult(set_id, header.get(2), header.get(3), reject_on_errors=reject_on_errors)
    codes = [issue.code for issue in ts.issues] if ts.issues else []
    codes += st_codes(ts)
    codes += se_codes(ts)
    if not set_supported(set_id, version, supported_sets):
        codes.append("1")
    elif check_content:
        schema = get_schema(set_id, version) if version else None
        if schema is None:
            result.warnings.append(
                f"no schema for transaction set {set_id!r} version {version!r}: envelope checks only"
            )
        else:
            errors, cut = check_body(ts.segments, ts.trailer, schema, ts.delimiters, ts.raw)
            result.segment_errors = errors
            if cut:
                result.warnings.append(f"more than {len(errors)} segment errors: the rest were not reported")
    expected = FUNCTIONAL_IDS.get(set_id)
    if expected and group is not None and group.functional_id != expected:
        result.warnings.append(f"transaction set {set_id} in a group with GS01 {group.functional_id!r}")
    if result.segment_errors and not codes and reject_on_errors:
        codes.append("5")
    if codes:
        result.codes = _unique(codes)[:_MAX_SET_CODES]
    return result


class Validator:
    """Feed it the events of :func:`edi.x12.parse.read`; it hands back finished results.

    ``supported_versions``: GS08 prefixes accepted (None = any); others get AK905 ``2``.
    ``supported_functional_ids``: GS01 values accepted (None = any well-formed one).
    ``supported_sets``: ST01 values accepted, or ST01 -> the GS08 version prefixes it is
    accepted in (None = any; sets with no schema get a warning); others get AK502 ``1``.
    ``strict_isa_widths``: see :mod:`edi.x12.envelope_checks`.
    """

    def __init__(
        self,
        *,
        supported_versions: Collection[str] | None = None,
        supported_functional_ids: Collection[str] | None = None,
        supported_sets: SupportedSets | None = None,
        reject_on_errors: bool = True,
        strict_isa_widths: bool = True,
    ) -> None:
        self.supported_versions = supported_versions
        self.supported_functional_ids = supported_functional_ids
        self.supported_sets = supported_sets
        self.reject_on_errors = reject_on_errors
        self.strict_isa_widths = strict_isa_widths
        self._result: InterchangeResult | None = None  # open interchange
        self._codes: list[str] = []  # its TA105 codes so far
        self._pending: InterchangeResult | None = None  # finished, not yet handed back
        self._group: GroupResult | None = None
        self._group_content = True  # False when the group is unsupported: sets get envelope checks only
        self._orphans: GroupResult | None = None
        self._group_controls: set[str] = set()
        self._set_controls: set[str] = set()
        self._interchanges: set[tuple[str, ...]] = set()

    # -- events --------------------------------------------------------------------------
    def feed(self, kind: str, obj: object) -> InterchangeResult | None:
        """Take one parser event; returns an interchange result when one is complete."""
        if kind == "set":
            self._on_set(obj)  # type: ignore[arg-type]
        elif kind == "group":
            self._on_group(obj)  # type: ignore[arg-type]
        elif kind == "group_end":
            self._on_group_end(obj)  # type: ignore[arg-type]
        elif kind == "interchange":
            done, self._pending = self._pending, None
            self._on_interchange(obj)  # type: ignore[arg-type]
            return done
        elif kind == "interchange_end":
            self._on_interchange_end(obj)  # type: ignore[arg-type]
        elif kind == "stray" and self._result is None and self._pending is not None:
            _set_notes(self._pending, [*self._pending.notes, "024"])  # text after IEA
        return None

    def finish(self) -> InterchangeResult | None:
        """End of input: the last result, if any."""
        done, self._pending = self._pending, None
        return done

    def _on_interchange(self, ic: Interchange) -> None:
        isa = ic.header
        self._result = InterchangeResult(
            control_number=ic.control_number,
            sender_qualifier=ic.sender_qualifier,
            sender_id=ic.sender_id,
            receiver_qualifier=ic.receiver_qualifier,
            receiver_id=ic.receiver_id,
            version=ic.version,
            date=isa.get(9),
            time=isa.get(10),
            ack_requested=ic.ack_requested,
        )
        self._codes = isa_codes(isa, strict_widths=self.strict_isa_widths)
        key = (ic.sender_qualifier, ic.sender_id, ic.receiver_qualifier, ic.receiver_id, ic.control_number)
        if key in self._interchanges:
            self._codes.append("025")
        self._interchanges.add(key)
        self._group = self._orphans = None
        self._group_controls = set()

    def _on_group(self, group: FunctionalGroup) -> None:
        assert self._result is not None
        codes = gs_codes(group, self.supported_versions, self.supported_functional_ids)
        self._group_content = not codes or codes == ["6"]
        if group.control_number in self._group_controls:
            codes.append("19")
        self._group_controls.add(group.control_number)
        self._group = GroupResult(group.functional_id, group.control_number, group.version, codes=codes)
        self._result.groups.append(self._group)
        self._set_controls = set()

    def check_set(self, ts: TransactionSet) -> SetResult:
        """The verdict on one set of the open group under this validator's options.

        :meth:`feed` records it in the group's result; a caller that feeds every event
        but the sets (the translator) asks for it here instead.
        """
        if ts.group is None or self._group is None:
            return validate_set(ts, reject_on_errors=self.reject_on_errors, check_content=False)
        return validate_set(
            ts,
            reject_on_errors=self.reject_on_errors,
            supported_sets=self.supported_sets,
            check_content=self._group_content,
        )

    def _on_set(self, ts: TransactionSet) -> None:
        if ts.group is None or self._group is None:
            self._on_orphan_set(ts)
            return
        result = self.check_set(ts)
        if ts.control_number in self._set_controls and "23" not in result.codes:
            result.codes = _unique([*result.codes, "23"])[:_MAX_SET_CODES]
            if "5" in result.codes and len(result.codes) > 1:
                result.codes.remove("5")
        self._set_controls.add(ts.control_number)
        self._group.sets.append(result)

    def _on_orphan_set(self, ts: TransactionSet) -> None:
        result = self.check_set(ts)
        if self._result is None:
            return  # cannot happen: the parser only yields sets inside an interchange
        if self._orphans is None:
            self._orphans = GroupResult("", "", "")
            self._result.groups.append(self._orphans)
        self._orphans.sets.append(result)
        self._orphans.received += 1
        self._orphans.included += 1
        self._codes.append("024")

    def _on_group_end(self, group: FunctionalGroup) -> None:
        result = self._group
        if result is None:
            return
        codes = [issue.code for issue in group.issues] + ge_codes(group)
        result.codes = _unique([*result.codes, *codes])
        count = group.trailer.get(1) if group.trailer is not None else ""
        result.included = int(count) if count.isdigit() else group.set_count
        result.received = group.set_count
        self._group = None

    def _on_interchange_end(self, ic: Interchange) -> None:
        result = self._result
        assert result is not None
        issues = [issue.code for issue in ic.issues]
        _set_notes(result, [*issues, *self._codes, *iea_codes(ic)])
        self._pending, self._result = result, None


def iter_results(
    source: Source,
    *,
    supported_versions: Collection[str] | None = None,
    reject_on_errors: bool = True,
    **options: object,
) -> Iterator[InterchangeResult]:
    """Validate ``source`` (bytes, path or binary file), one interchange result at a time.

    ``options`` are the other :class:`Validator` keywords. Raises
    :class:`~edi.x12.errors.X12SyntaxError` when the input cannot be read as X12.
    """
    validator = Validator(supported_versions=supported_versions, reject_on_errors=reject_on_errors, **options)  # type: ignore[arg-type]
    for kind, obj in read(source):
        done = validator.feed(kind, obj)
        if done is not None:
            yield done
    done = validator.finish()
    if done is not None:
        yield done


def validate(source: Source, **kw: object) -> list[InterchangeResult]:
    """Every interchange result of ``source`` (see :func:`iter_results`)."""
    return list(iter_results(source, **kw))  # type: ignore[arg-type]


def _set_notes(result: InterchangeResult, codes: list[str]) -> None:
    notes = _unique(codes)
    result.notes = notes
    rejecting = [code for code in notes if code in _TA1_REJECTING]
    result.note_code = (rejecting or notes or ["000"])[0]


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))
