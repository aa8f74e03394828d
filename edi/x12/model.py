"""Envelope model: Interchange > FunctionalGroup > TransactionSet > Segment.

Segments are the hot object (millions per large file), so a ``Segment`` is a bare
``list`` subclass: ``seg[0]`` is the segment id and ``seg[n]`` is element ``XXnn``,
exactly as the standard numbers them. Building one costs no more than the list the
tokenizer already made. The envelope classes are ordinary slotted dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Delimiters",
    "Segment",
    "TransactionSet",
    "FunctionalGroup",
    "Interchange",
    "EnvelopeIssue",
]


@dataclass(frozen=True, slots=True)
class Delimiters:
    """Separators of one interchange, read from its ISA (and ISX for the release char)."""

    element: str = "*"
    component: str = ":"
    segment: str = "~"
    repetition: str | None = None
    release: str | None = None
    #: Written after each terminator by the serializer (e.g. "\n"); never parsed.
    suffix: str = ""

    def chars(self) -> set[str]:
        return {c for c in (self.element, self.component, self.segment, self.repetition, self.release) if c}


class Segment(list[str]):
    """One segment: ``[id, e01, e02, ...]`` (strings, release characters already removed)."""

    __slots__ = ()

    @property
    def id(self) -> str:
        return self[0]

    def get(self, n: int, default: str = "") -> str:
        """Element ``n`` (1-based, as in ``BEG03``) or ``default`` when absent."""
        return self[n] if n < len(self) else default

    def components(self, n: int, delimiters: Delimiters) -> list[str]:
        """Element ``n`` split on the component separator (``[]`` when absent)."""
        value = self.get(n)
        return value.split(delimiters.component) if value else []

    def repetitions(self, n: int, delimiters: Delimiters) -> list[str]:
        value = self.get(n)
        if not value:
            return []
        return value.split(delimiters.repetition) if delimiters.repetition else [value]

    def __repr__(self) -> str:
        return f"Segment({list.__repr__(self)})"


@dataclass(slots=True)
class EnvelopeIssue:
    """A structural problem the parser met (missing trailer, stray segment...).

    ``code`` is the acknowledgement code it maps to at its level: a TA1 note code
    (TA105) for interchanges, an AK905/IK905-style code for groups, an AK502 code for
    transaction sets. ``level`` says which.
    """

    level: str  # "interchange" | "group" | "set"
    code: str
    message: str
    segment: Segment | None = None


@dataclass(slots=True, eq=False)
class TransactionSet:
    header: Segment  # ST
    segments: list[Segment]  # between ST and SE, in order
    trailer: Segment | None  # SE; None when the set ended without one
    group: FunctionalGroup | None
    position: int = 1  # 1-based index in its group
    issues: list[EnvelopeIssue] = field(default_factory=list)
    #: The body segments' text as read (elements joined, no terminators), when the
    #: tokenizer had it; lets the validator skip re-joining. None otherwise.
    raw: list[str] | None = None

    @property
    def id(self) -> str:
        return self.header.get(1)

    @property
    def control_number(self) -> str:
        return self.header.get(2)

    @property
    def implementation_reference(self) -> str:
        return self.header.get(3)

    @property
    def delimiters(self) -> Delimiters:
        return self.group.interchange.delimiters if self.group and self.group.interchange else Delimiters()

    @property
    def version(self) -> str:
        """GS08 of the enclosing group (e.g. ``004010``, ``005010X222A1``)."""
        return self.group.version if self.group else ""

    def all_segments(self) -> list[Segment]:
        """ST, body, SE: positions in this list + 1 are the AK3/IK3 segment positions."""
        out = [self.header, *self.segments]
        if self.trailer is not None:
            out.append(self.trailer)
        return out


@dataclass(slots=True, eq=False)
class FunctionalGroup:
    header: Segment  # GS
    interchange: Interchange | None
    sets: list[TransactionSet] = field(default_factory=list)  # empty when streamed
    trailer: Segment | None = None  # GE
    set_count: int = 0  # sets actually seen (kept even when streaming)
    issues: list[EnvelopeIssue] = field(default_factory=list)

    @property
    def functional_id(self) -> str:
        return self.header.get(1)

    @property
    def sender(self) -> str:
        return self.header.get(2)

    @property
    def receiver(self) -> str:
        return self.header.get(3)

    @property
    def control_number(self) -> str:
        return self.header.get(6)

    @property
    def version(self) -> str:
        return self.header.get(8)


@dataclass(slots=True, eq=False)
class Interchange:
    header: Segment  # ISA
    delimiters: Delimiters
    groups: list[FunctionalGroup] = field(default_factory=list)  # empty when streamed
    trailer: Segment | None = None  # IEA
    group_count: int = 0  # groups actually seen (kept even when streaming)
    #: Interchange-level segments that are not groups (TA1, ISX).
    service_segments: list[Segment] = field(default_factory=list)
    issues: list[EnvelopeIssue] = field(default_factory=list)

    @property
    def sender_qualifier(self) -> str:
        return self.header.get(5).strip()

    @property
    def sender_id(self) -> str:
        return self.header.get(6).strip()

    @property
    def receiver_qualifier(self) -> str:
        return self.header.get(7).strip()

    @property
    def receiver_id(self) -> str:
        return self.header.get(8).strip()

    @property
    def version(self) -> str:
        """ISA12 interchange control version (``00401``, ``00501``...)."""
        return self.header.get(12)

    @property
    def control_number(self) -> str:
        return self.header.get(13)

    @property
    def ack_requested(self) -> bool:
        return self.header.get(14) == "1"

    @property
    def usage(self) -> str:
        return self.header.get(15)
