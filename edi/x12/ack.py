"""Acknowledgement writer: validation results -> TA1, 997 and 999 interchanges.

The writer only transcribes: every code comes from the result tree the validator built
(:mod:`edi.x12.errors`), so a partner gets exactly what was found. What the result tree
does not carry (the received delimiters, ISA15, the GS02/GS03 of each group) comes in a
:class:`ReceivedEnvelope`; :func:`iter_validated` validates a file in one streamed pass
and pairs each result with its envelope.

Choices an EDI engineer would look for:

* 997 for groups before 005010, 999 (005010X231A1) from 005010 on, unless forced. A 997
  GS08 follows the received group's version (``004010VICS`` -> ``004010``).
* The ack's ISA echoes the received ISA12 and ISA15, except values that are not valid
  (what a TA1 017/020 complains about): then ``00401`` and ``P``.
* A TA1 is due when the interchange has an envelope error or ISA14 asks for one. A
  rejected interchange (TA104 ``R``) gets only the TA1: its groups were not processed.
* Functional groups that are themselves acknowledgements (GS01 ``FA``) are never
  acknowledged, or two gateways would acknowledge each other's acks forever.
* One ack interchange per kind (TA1, 997, 999), so each can be sent and tracked alone;
  inside it one FA group per (GS08, GS02, GS03) and one 997/999 set per received group.
* A 997 cannot carry the 999-only ``I`` codes; they become the nearest standard code
  (:data:`CODES_FOR_997`). Bad data is echoed in AK404/IK404 only when it holds no
  delimiter of the ack and is cut to the 99 characters the element allows.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .control import ControlNumberAllocator
from .errors import ElementError, GroupResult, InterchangeResult, SegmentError, SetResult
from .model import Delimiters, FunctionalGroup, Interchange, Segment
from .parse import read
from .serialize import format_isa, serialize_segments, to_bytes
from .tokenize import Source
from .validate import Validator

__all__ = [
    "ACK_KINDS",
    "FA_999_VERSION",
    "CODES_FOR_997",
    "Ack",
    "AckWriter",
    "Clock",
    "Context",
    "ContextSource",
    "ReceivedEnvelope",
    "iter_envelopes",
    "iter_validated",
    "functional_kind",
    "ta1_due",
    "utc_now",
    "write_acks",
]

ACK_KINDS = ("ta1", "997", "999")
#: GS08 / ST03 of every 999 this writer produces.
FA_999_VERSION = "005010X231A1"
_DEFAULT_997_VERSION = "004010"
_FALLBACK_ISA12 = "00401"  # when the received ISA12 is not a version at all
_MAX_CODES = 5  # AK502..AK506, AK905..AK909
_MAX_DATA = 99  # AK404 / IK404

#: 999-only codes mapped to the nearest code a 997 can carry, per code table.
CODES_FOR_997: dict[str, dict[str, str]] = {
    "set": {"I5": "5", "I6": "1"},
    "segment": {"I4": "2", "I6": "3", "I7": "3", "I8": "3", "I9": "2"},
    "element": {"I6": "7", "I9": "2", "I10": "10", "I11": "1", "I12": "6", "I13": "10"},
}

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ReceivedEnvelope:
    """What an ack needs from the received interchange that its result does not say."""

    control_number: str = ""  # ISA13, to check it belongs to the result
    delimiters: Delimiters = field(default_factory=Delimiters)
    usage: str = "P"  # ISA15: a test interchange is acknowledged as a test
    #: GS06 -> (GS02, GS03) of each received group; the ack's GS swaps them.
    group_parties: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def from_interchange(cls, ic: Interchange, groups: Iterable[FunctionalGroup] | None = None) -> ReceivedEnvelope:
        parties: dict[str, tuple[str, str]] = {}
        for g in ic.groups if groups is None else groups:
            parties.setdefault(g.control_number, (g.sender, g.receiver))
        return cls(ic.control_number, ic.delimiters, ic.usage or "P", parties)


@dataclass(frozen=True, slots=True)
class Context:
    """One 999 CTX segment.

    A business unit (``name="BEG03", value="PO-1001"``: which document the error is in)
    or, with ``segment_id``, the situational trigger of an error: the segment (and
    element) whose presence or value made the reported one required or not allowed.
    """

    name: str = "SITUATIONAL TRIGGER"
    value: str = ""
    segment_id: str = ""
    position: int | None = None  # of the trigger segment, counted from ST = 1
    loop_id: str = ""
    element: int | None = None
    component: int | None = None
    reference: str = ""


#: Supplies the CTX of an IK3 (element is None) or of an IK4. The validator's findings
#: carry no trigger or business unit, so by default no CTX is written; a caller that
#: knows them (e.g. the PO number of each set) passes one to :class:`AckWriter`.
ContextSource = Callable[[SetResult, SegmentError, ElementError | None], Iterable[Context]]


def iter_envelopes(source: Source) -> Iterator[ReceivedEnvelope]:
    """One :class:`ReceivedEnvelope` per interchange of ``source``, streamed in file order.

    For callers that validate elsewhere; :func:`iter_validated` does both in one pass.
    """
    groups: list[FunctionalGroup] = []
    for kind, obj in read(source):
        if kind == "group":
            groups.append(obj)  # type: ignore[arg-type]
        elif kind == "interchange_end":
            yield ReceivedEnvelope.from_interchange(obj, groups)  # type: ignore[arg-type]
            groups = []


def iter_validated(
    source: Source, validator: Validator | None = None
) -> Iterator[tuple[InterchangeResult, ReceivedEnvelope]]:
    """Validate ``source`` in one streamed pass, pairing each result with its envelope.

    The validator hands a result back only when the next interchange starts (or the
    input ends), by which time that interchange's envelope has been recorded.
    """
    validator = validator or Validator()
    envelopes: deque[ReceivedEnvelope] = deque()
    groups: list[FunctionalGroup] = []

    def pair(result: InterchangeResult) -> tuple[InterchangeResult, ReceivedEnvelope]:
        return result, envelopes.popleft() if envelopes else ReceivedEnvelope(result.control_number)

    for kind, obj in read(source):
        if kind == "group":
            groups.append(obj)  # type: ignore[arg-type]
        elif kind == "interchange_end":
            envelopes.append(ReceivedEnvelope.from_interchange(obj, groups))  # type: ignore[arg-type]
            groups = []
        done = validator.feed(kind, obj)
        if done is not None:
            yield pair(done)
    done = validator.finish()
    if done is not None:
        yield pair(done)


@dataclass(frozen=True, slots=True)
class Ack:
    """One acknowledgement interchange ready to send."""

    kind: str  # "ta1" | "997" | "999"
    text: str
    control_number: str  # ISA13 of this ack
    acknowledges: str  # ISA13 of the received interchange

    def to_bytes(self) -> bytes:
        return to_bytes(self.text)


def ta1_due(result: InterchangeResult) -> bool:
    """A TA1 answers envelope errors and explicit requests (ISA14 = 1)."""
    return result.status != "A" or result.ack_requested


def _base_version(version: str) -> str:
    """``004010VICS`` -> ``004010``; empty when GS08 does not start with six digits."""
    head = version[:6]
    return head if len(head) == 6 and head.isdigit() else ""


def functional_kind(version: str) -> str:
    """997 for groups before 005010, 999 from 005010 on (and for unknown versions: 997)."""
    base = _base_version(version)
    return "999" if base and base >= "005010" else "997"


@dataclass(frozen=True, slots=True)
class _Dialect:
    """How a 997 of one version or a 999 spells the same findings."""

    kind: str
    segment_tag: str  # AK3 | IK3
    element_tag: str  # AK4 | IK4
    set_tag: str  # AK5 | IK5
    gs08: str  # version of the FA group
    v5010: bool  # AK103 / AK203 written, C030 has a repetition position
    composite: bool  # AK401 is the C030 composite (004010 on); a simple element before

    def code(self, table: str, code: str) -> str:
        return code if self.kind == "999" else CODES_FOR_997[table].get(code, code)


def _dialect(kind: str, group_version: str) -> _Dialect:
    if kind == "999":
        return _Dialect("999", "IK3", "IK4", "IK5", FA_999_VERSION, True, True)
    base = _base_version(group_version) or _DEFAULT_997_VERSION
    return _Dialect("997", "AK3", "AK4", "AK5", base, base >= "005010", base >= "004010")


def _seg(*values: str) -> Segment:
    """A segment without its trailing empty elements."""
    out = list(values)
    while len(out) > 1 and not out[-1]:
        out.pop()
    return Segment(out)


def write_acks(
    result: InterchangeResult,
    *,
    allocator: ControlNumberAllocator,
    received: ReceivedEnvelope | None = None,
    kind: str | None = None,
    clock: Clock = utc_now,
) -> bytes:
    """The acks of :meth:`AckWriter.write` as one byte string, for callers that only send them."""
    return b"".join(a.to_bytes() for a in AckWriter(allocator, clock=clock).write(result, received, kind=kind))


def _unused(candidates: str, d: Delimiters) -> str:
    """The first of ``candidates`` that is not already a delimiter of ``d``."""
    return next(c for c in candidates if c not in d.chars())


def _safe(value: str | None, d: Delimiters, limit: int | None = None) -> str:
    """``value`` when it can be echoed with ``d`` (no delimiter in it), else empty."""
    if not value or any(c in value for c in d.chars()):
        return ""
    return value[:limit] if limit else value


class AckWriter:
    """Writes the TA1/997/999 interchanges for validation results.

    Control numbers come from ``allocator`` (one sequence per kind and partner pair),
    dates from ``clock`` (inject a fixed one in tests), delimiters from the received
    interchange unless ``delimiters`` is given; 999 CTX segments from ``context``.
    """

    def __init__(
        self,
        allocator: ControlNumberAllocator,
        *,
        clock: Clock = utc_now,
        delimiters: Delimiters | None = None,
        context: ContextSource | None = None,
    ) -> None:
        self._allocator = allocator
        self._clock = clock
        self._delimiters = delimiters
        self._context = context

    # -- what is due -----------------------------------------------------------------
    def write(
        self, result: InterchangeResult, received: ReceivedEnvelope | None = None, *, kind: str | None = None
    ) -> list[Ack]:
        """The acks for one interchange.

        ``kind=None``: what is due (TA1 when :func:`ta1_due`, 997/999 by group version
        unless the interchange is rejected). ``"ta1"``: the TA1 alone, due or not.
        ``"997"``/``"999"``: that functional ack for every group, or the TA1 when the
        interchange is rejected (the only ack it gets).
        """
        if kind not in (None, *ACK_KINDS):
            raise ValueError(f"unknown acknowledgement kind {kind!r}")
        if kind == "ta1" or (kind is not None and result.status == "R"):
            return [self.ta1(result, received)]
        if kind is not None:
            return self.functional(result, received, kind=kind)
        acks = [self.ta1(result, received)] if ta1_due(result) else []
        if result.status != "R":
            acks.extend(self.functional(result, received, kind=kind))
        return acks

    # -- TA1 -------------------------------------------------------------------------
    def ta1(self, result: InterchangeResult, received: ReceivedEnvelope | None = None) -> Ack:
        """An interchange holding only the TA1 for ``result``."""
        received = self._check(result, received)
        d = self._ack_delimiters(received)
        ta1 = _seg(
            "TA1",
            _safe(result.control_number, d),
            _safe(result.date, d),
            _safe(result.time, d),
            result.status,
            result.note_code,
        )
        return self._interchange("ta1", result, received, d, [ta1], group_count=0)

    # -- 997 / 999 -------------------------------------------------------------------
    def functional(
        self, result: InterchangeResult, received: ReceivedEnvelope | None = None, *, kind: str | None = None
    ) -> list[Ack]:
        """One 997 and/or one 999 interchange acknowledging the groups of ``result``."""
        received = self._check(result, received)
        d = self._ack_delimiters(received)
        # kind -> (GS08, GS02, GS03) -> received groups, in order of first appearance
        buckets: dict[str, dict[tuple[str, str, str], list[GroupResult]]] = {}
        for group in result.groups:
            if group.functional_id == "FA":
                continue
            ack_kind = kind or functional_kind(group.version)
            dialect = _dialect(ack_kind, group.version)
            their_sender, their_receiver = received.group_parties.get(
                group.control_number, (result.sender_id, result.receiver_id)
            )
            key = (dialect.gs08, their_receiver, their_sender)
            buckets.setdefault(ack_kind, {}).setdefault(key, []).append(group)

        acks = []
        for ack_kind, by_gs in buckets.items():
            pair = self._pair(result)
            isa13 = self._allocator.next("interchange", *pair)
            now = self._clock()
            body: list[Segment] = []
            for (gs08, gs02, gs03), groups in by_gs.items():
                gs06 = str(self._allocator.next("group", *pair))
                gs = _seg("GS", "FA", _safe(gs02, d), _safe(gs03, d), f"{now:%Y%m%d}", f"{now:%H%M}", gs06, "X", gs08)
                body.append(gs)
                for group in groups:
                    st02 = f"{self._allocator.next('set', *pair):04d}"
                    body.extend(self._ack_set(group, _dialect(ack_kind, group.version), st02, d))
                body.append(_seg("GE", str(len(groups)), gs06))
            acks.append(self._interchange(ack_kind, result, received, d, body, len(by_gs), isa13, now))
        return acks

    def _ack_set(self, group: GroupResult, dialect: _Dialect, st02: str, d: Delimiters) -> list[Segment]:
        """ST..SE of one 997/999 set acknowledging ``group``."""
        st03 = FA_999_VERSION if dialect.kind == "999" else ""
        segs = [_seg("ST", dialect.kind, st02, st03)]
        ak103 = group.version if dialect.v5010 else ""
        segs.append(_seg("AK1", _safe(group.functional_id, d), _safe(group.control_number, d), _safe(ak103, d)))
        for ts in group.sets:
            segs.extend(self._set_response(ts, dialect, d))
        status = group.status
        accepted = 0 if status == "R" else group.accepted_count
        codes = group.codes[:_MAX_CODES]
        segs.append(_seg("AK9", status, str(group.included), str(group.received), str(accepted), *codes))
        segs.append(_seg("SE", str(len(segs) + 1), st02))
        return segs

    def _set_response(self, ts: SetResult, dialect: _Dialect, d: Delimiters) -> list[Segment]:
        """AK2, the AK3/AK4 (IK3/IK4) of each error, AK5 (IK5)."""
        ref = _safe(ts.implementation_reference, d) if dialect.v5010 else ""
        segs = [_seg("AK2", _safe(ts.set_id, d), _safe(ts.control_number, d), ref)]
        for error in ts.segment_errors:
            segs.extend(self._segment_error(ts, error, dialect, d))
        status = ts.status
        codes = [dialect.code("set", c) for c in ts.codes]
        if not codes and status != "A" and ts.segment_errors:
            codes = ["5"]  # the validator adds it too; a 997 must say why a set is not accepted
        codes = list(dict.fromkeys(codes))  # two I codes may map to the same 997 code
        segs.append(_seg(dialect.set_tag, status, *codes[:_MAX_CODES]))
        return segs

    def _segment_error(self, ts: SetResult, error: SegmentError, dialect: _Dialect, d: Delimiters) -> list[Segment]:
        segs = [
            _seg(
                dialect.segment_tag,
                _safe(error.segment_id, d),
                str(error.position),
                _safe(error.loop_id, d),
                dialect.code("segment", error.effective_code),
            )
        ]
        segs.extend(self._ctx(ts, error, None, dialect, d))
        for element in error.elements:
            segs.append(
                _seg(
                    dialect.element_tag,
                    self._position(element, dialect, d),
                    _safe(element.reference, d),
                    dialect.code("element", element.code),
                    _safe(element.data, d, _MAX_DATA),
                )
            )
            segs.extend(self._ctx(ts, error, element, dialect, d))
        return segs

    def _ctx(
        self, ts: SetResult, error: SegmentError, element: ElementError | None, dialect: _Dialect, d: Delimiters
    ) -> list[Segment]:
        """CTX segments (999 only) for one IK3 or IK4."""
        if self._context is None or dialect.kind != "999":
            return []
        out = []
        for ctx in self._context(ts, error, element):
            name = _safe(ctx.name, d)
            value = _safe(ctx.value, d)
            where = [str(ctx.element)] if ctx.element else []
            if ctx.element and ctx.component:
                where.append(str(ctx.component))
            out.append(
                _seg(
                    "CTX",
                    d.component.join([name, value]) if value else name,
                    _safe(ctx.segment_id, d),
                    str(ctx.position) if ctx.segment_id and ctx.position else "",
                    _safe(ctx.loop_id, d),
                    d.component.join(where),
                    _safe(ctx.reference, d),
                )
            )
        return out

    @staticmethod
    def _position(element: ElementError, dialect: _Dialect, d: Delimiters) -> str:
        """AK401/IK401: ``element[:component[:repetition]]`` as far as the version has them."""
        parts = [str(element.position)]
        if dialect.composite:
            parts.append(str(element.component) if element.component else "")
            if dialect.v5010:
                parts.append(str(element.repetition) if element.repetition else "")
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return d.component.join(parts)

    # -- envelope --------------------------------------------------------------------
    def _check(self, result: InterchangeResult, received: ReceivedEnvelope | None) -> ReceivedEnvelope:
        if received is None or (received.control_number and received.control_number != result.control_number):
            return ReceivedEnvelope(result.control_number)
        return received

    def _ack_delimiters(self, received: ReceivedEnvelope) -> Delimiters:
        d = self._delimiters or received.delimiters
        if d.component == "\x1f":  # the received ISA16 was missing: write a real one
            d = Delimiters(d.element, _unused(":>|!", d), d.segment, d.repetition, d.release, d.suffix)
        return d

    @staticmethod
    def _pair(result: InterchangeResult) -> tuple[str, str]:
        """(us, them) as the allocator keys its sequences: we are the received receiver."""
        return (
            f"{result.receiver_qualifier}:{result.receiver_id}",
            f"{result.sender_qualifier}:{result.sender_id}",
        )

    def _interchange(
        self,
        kind: str,
        result: InterchangeResult,
        received: ReceivedEnvelope,
        d: Delimiters,
        body: list[Segment],
        group_count: int,
        isa13: int | None = None,
        now: datetime | None = None,
    ) -> Ack:
        if isa13 is None:
            isa13 = self._allocator.next("interchange", *self._pair(result))
        now = now or self._clock()
        # echo the received ISA12/ISA15 unless they are what the TA1 complains about
        version = result.version if len(result.version) == 5 and result.version.isdigit() else _FALLBACK_ISA12
        usage = received.usage if received.usage in ("P", "T", "I") else "P"
        repetition = (d.repetition or _unused("^|!", d)) if version >= "00402" else "U"
        control = f"{isa13:09d}"
        isa = format_isa(
            [
                "ISA",
                "00",
                "",
                "00",
                "",
                result.receiver_qualifier,
                result.receiver_id,
                result.sender_qualifier,
                result.sender_id,
                f"{now:%y%m%d}",
                f"{now:%H%M}",
                repetition,
                version,
                control,
                "0",
                usage,
                d.component,
            ],
            d,
        )
        iea = _seg("IEA", str(group_count), control)
        text = serialize_segments([isa, *body, iea], d)
        return Ack(kind, text, control, result.control_number)
