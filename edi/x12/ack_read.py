"""Acknowledgement reader: incoming TA1 / 997 / 999 -> status objects.

Outbound tracking matches these to what we sent: a TA1 by the ISA13 it answers
(:meth:`AckStatus.ta1_for`), a 997/999 group by GS06 (:meth:`AckStatus.group`), a set
by ST02 (:meth:`AckedGroup.set`).

Partners send odd acks, so the reader never raises on content: anything it cannot place
(an IK5 before any AK2, a second AK5 for one AK2, a missing AK9, an unknown segment)
is kept as a note in ``issues`` and the rest is still read. An AK5/IK5 closes its AK2
loop and an AK9 its AK1, so a stray status never overwrites an earlier one. Positions
that are not numbers (seen in the wild) are ``None``; codes are kept verbatim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Delimiters, Segment, TransactionSet
from .parse import parse
from .tokenize import Source

__all__ = ["AckedElement", "AckedSegment", "AckedSet", "AckedGroup", "Ta1Status", "AckStatus", "read_acks"]

_ACCEPTED = frozenset({"A", "E"})
#: AK501/IK501 and AK901 values (717, 715); anything else is noted as an issue.
_SET_STATUSES = frozenset({"A", "E", "M", "R", "W", "X"})
_GROUP_STATUSES = _SET_STATUSES | {"P"}
_TA1_STATUSES = frozenset({"A", "E", "R"})


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@dataclass(slots=True)
class AckedElement:
    """One AK4 / IK4."""

    position: int | None
    code: str
    component: int | None = None
    repetition: int | None = None
    reference: str = ""
    data: str = ""
    context: list[Segment] = field(default_factory=list)  # 999 CTX after the IK4


@dataclass(slots=True)
class AckedSegment:
    """One AK3 / IK3 with its AK4s / IK4s."""

    segment_id: str
    position: int | None
    code: str
    loop_id: str = ""
    elements: list[AckedElement] = field(default_factory=list)
    context: list[Segment] = field(default_factory=list)  # 999 CTX after the IK3


@dataclass(slots=True)
class AckedSet:
    """One AK2 loop: the partner's verdict on one of our transaction sets."""

    set_id: str  # AK201
    control_number: str  # AK202 = our ST02
    implementation_reference: str = ""  # AK203
    status: str = ""  # AK501 / IK501; empty when the AK5 is missing
    codes: list[str] = field(default_factory=list)
    segment_errors: list[AckedSegment] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status in _ACCEPTED


@dataclass(slots=True)
class AckedGroup:
    """One AK1..AK9: the partner's verdict on one of our functional groups."""

    kind: str  # "997" | "999" (ST01 of the ack)
    functional_id: str  # AK101
    control_number: str  # AK102 = our GS06
    version: str = ""  # AK103
    status: str = ""  # AK901; empty when the AK9 is missing
    codes: list[str] = field(default_factory=list)
    included: int | None = None
    received: int | None = None
    accepted: int | None = None
    sets: list[AckedSet] = field(default_factory=list)
    ack_set_control: str = ""  # ST02 of the 997/999 that carried it

    def set(self, control_number: str) -> AckedSet | None:
        return next((s for s in self.sets if s.control_number == control_number), None)


@dataclass(slots=True)
class Ta1Status:
    """One TA1: the partner's verdict on one of our interchanges."""

    control_number: str  # TA101 = our ISA13
    date: str
    time: str
    status: str  # TA104 A / E / R
    note_code: str  # TA105


@dataclass(slots=True)
class AckStatus:
    """Every acknowledgement in one received interchange."""

    control_number: str  # ISA13 of the ack interchange
    sender: str  # "qualifier:id"
    receiver: str
    ta1: list[Ta1Status] = field(default_factory=list)
    groups: list[AckedGroup] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)

    def ta1_for(self, control_number: str) -> Ta1Status | None:
        """The TA1 answering our interchange ``control_number`` (leading zeros ignored)."""
        key = control_number.lstrip("0")
        return next((t for t in self.ta1 if t.control_number.lstrip("0") == key), None)

    def group(self, control_number: str, functional_id: str | None = None) -> AckedGroup | None:
        return next(
            (
                g
                for g in self.groups
                if g.control_number == control_number and functional_id in (None, g.functional_id.strip())
            ),
            None,
        )


def read_acks(source: Source) -> list[AckStatus]:
    """The acknowledgements in ``source`` (bytes, path or binary stream), per interchange.

    Acks are small, so the whole file is parsed at once. Sets other than 997/999 are
    skipped; raises only :class:`~edi.x12.errors.X12SyntaxError` for input that is not
    X12 at all.
    """
    out = []
    for ic in parse(source):
        status = AckStatus(
            ic.control_number, f"{ic.sender_qualifier}:{ic.sender_id}", f"{ic.receiver_qualifier}:{ic.receiver_id}"
        )
        for seg in ic.service_segments:
            if seg.id == "TA1":
                status.ta1.append(Ta1Status(seg.get(1), seg.get(2), seg.get(3), seg.get(4), seg.get(5)))
                if seg.get(4) not in _TA1_STATUSES:
                    status.issues.append(f"TA1 {seg.get(1)!r}: unknown TA104 status {seg.get(4)!r}")
        for group in ic.groups:
            for ts in group.sets:
                if ts.id in ("997", "999"):
                    _read_set(ts, ic.delimiters, status)
        out.append(status)
    return out


def _read_set(ts: TransactionSet, d: Delimiters, out: AckStatus) -> None:
    """Walk one 997/999 body, a small state machine over AK1/AK2/AK3/AK4/CTX/AK5/AK9."""
    where = f"{ts.id} {ts.control_number}"
    group: AckedGroup | None = None
    current: AckedSet | None = None
    segment: AckedSegment | None = None
    element: AckedElement | None = None
    mine: list[AckedGroup] = []

    def note(seg: Segment, why: str) -> None:
        out.issues.append(f"{where}: {seg.id} {why}")

    for seg in ts.segments:
        sid = seg.id
        if sid == "AK1":
            if group is not None:
                note(seg, "before the AK9 of the previous AK1")
            group = AckedGroup(ts.id, seg.get(1), seg.get(2), seg.get(3), ack_set_control=ts.control_number)
            mine.append(group)
            current = segment = element = None
        elif sid == "AK2":
            if group is None:
                note(seg, "outside an AK1 loop, ignored")
                continue
            current = AckedSet(seg.get(1), seg.get(2), seg.get(3))
            group.sets.append(current)
            segment = element = None
        elif sid in ("AK3", "IK3"):
            if current is None:
                note(seg, "outside an AK2 loop, ignored")
                continue
            segment = AckedSegment(seg.get(1), _int(seg.get(2)), seg.get(4), seg.get(3))
            current.segment_errors.append(segment)
            element = None
        elif sid in ("AK4", "IK4"):
            if segment is None:
                note(seg, f"without an {'IK3' if sid == 'IK4' else 'AK3'}, ignored")
                continue
            parts = seg.components(1, d) + ["", "", ""]
            element = AckedElement(_int(parts[0]), seg.get(3), _int(parts[1]), _int(parts[2]), seg.get(2), seg.get(4))
            segment.elements.append(element)
        elif sid == "CTX":
            target = element or segment
            if target is None:
                note(seg, "without an IK3 or IK4, ignored")
                continue
            target.context.append(seg)
        elif sid in ("AK5", "IK5"):
            if current is None:
                note(seg, "outside an AK2 loop (or a second one), ignored")
                continue
            current.status, current.codes = seg.get(1), [c for c in seg[2:] if c]
            if current.status not in _SET_STATUSES:
                note(seg, f"has an unknown status {current.status!r}")
            current = segment = element = None
        elif sid == "AK9":
            if group is None:
                note(seg, "outside an AK1 loop, ignored")
                continue
            group.status, group.codes = seg.get(1), [c for c in seg[5:] if c]
            group.included, group.received, group.accepted = _int(seg.get(2)), _int(seg.get(3)), _int(seg.get(4))
            if group.status not in _GROUP_STATUSES:
                note(seg, f"has an unknown status {group.status!r}")
            group = current = segment = element = None
        else:
            note(seg, "is not part of a functional acknowledgement, ignored")
    out.groups.extend(mine)
    if not mine:
        out.issues.append(f"{where}: acknowledges no functional group (no AK1)")
    for g in mine:
        if not g.status:
            out.issues.append(f"{where}: AK1 {g.control_number!r} has no AK9")
        out.issues.extend(f"{where}: AK2 {s.control_number!r} has no AK5/IK5" for s in g.sets if not s.status)
