"""The shape shared by 850, 855 and 810: header, N1 party loops, line loops, summary.

A :class:`FlatDocument` is pure configuration (spec tables, party roles, segment
order); one reader and one writer serve the three transaction sets. The 856, whose
body is an HL tree, has its own module but reuses the specs and the party loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from edi.x12.model import Segment

from .core import Ctx, Data, F, MappingError, Spec
from .mapping import Elements, Qualified, apply, spec_index
from .raw import ordered, raw_blocks, raw_segments
from .repeats import Contacts, Lines

__all__ = ["PARTY", "Roles", "FlatDocument", "PartyReader", "write_party", "write_parties", "sequence"]

#: The N1 loop: N1 N2 N3 N4 REF PER (anything else ends the loop).
PARTY: tuple[Spec, ...] = (
    # N103 is required with N104: "92" (assigned by buyer) when another format gave an id alone.
    Elements("N1", [F(1, "role"), F(2, "name"), F(3, "id_qualifier"), F(4, "id")], defaults={3: ("92", 4)}),
    Elements("N2"),
    Lines("N3", "address.street"),
    Elements("N4", [F(1, "address.city"), F(2, "address.state"), F(3, "address.postal_code"), F(4, "address.country")]),
    Qualified("REF"),
    Contacts(),
)
_PARTY_INDEX = spec_index(PARTY)


def sequence(ids: str) -> dict[str, int]:
    """``"BEG CUR REF"`` -> ``{"BEG": 0, "CUR": 1, "REF": 2}`` (standard segment order)."""
    return {sid: i for i, sid in enumerate(ids.split())}


@dataclass(frozen=True)
class Roles:
    """N101 entity codes -> canonical party fields; the first code is written by default."""

    fields: Mapping[str, tuple[str, ...]]

    def attr_for(self, code: str) -> str | None:
        for attr, codes in self.fields.items():
            if code in codes:
                return attr
        return None


class PartyReader:
    """Collects N1 loops while reading, then files them under their role fields."""

    __slots__ = ("roles", "parties", "current")

    def __init__(self, roles: Roles) -> None:
        self.roles = roles
        self.parties: list[Data] = []
        self.current: Ctx | None = None

    def take(self, seg: Segment, component: str) -> bool:
        """Consume ``seg`` when it starts or continues an N1 loop."""
        sid = seg[0]
        if sid == "N1":
            self.current = Ctx()
            self.parties.append(self.current.data)
        elif self.current is None or sid not in _PARTY_INDEX:
            self.current = None
            return False
        apply(_PARTY_INDEX, seg, self.current, component)
        return True

    def close(self) -> None:
        self.current = None

    def file_into(self, doc: Data) -> None:
        for party in self.parties:
            attr = self.roles.attr_for(party.get("role", ""))
            if attr is not None and attr not in doc:
                doc[attr] = party
            else:
                doc.setdefault("parties", []).append(party)


def write_party(party: Data, default_role: str) -> list[Segment]:
    if not party.get("role"):
        party = {**party, "role": default_role}
    segments = [s for spec in PARTY for s in spec.write(party)]
    return segments + raw_segments(party)


def write_parties(doc: Data, roles: Roles) -> list[list[Segment]]:
    blocks = [write_party(doc[attr], codes[0]) for attr, codes in roles.fields.items() if doc.get(attr)]
    blocks += [write_party(p, "ZZ") for p in doc.get("parties") or []]
    return blocks


@dataclass
class FlatDocument:
    """Configuration of one header/lines/summary transaction set and its reader/writer."""

    set_id: str
    functional_id: str
    doc_type: str
    model: type[BaseModel]
    header: Sequence[Spec]
    roles: Roles
    line: Sequence[Spec]
    summary: Sequence[Spec]
    #: segment ids that end the line loops (e.g. CTT, TDS)
    summary_start: frozenset[str]
    header_order: Mapping[str, int]
    line_order: Mapping[str, int]
    lines_attr: str = "lines"
    _indexes: tuple[Any, Any, Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        summary = spec_index(self.summary)
        # Before the lines, summary specs apply too: a line-less 810 still has its SACs.
        self._indexes = ({**summary, **spec_index(self.header)}, spec_index(self.line), summary)
        self.line_start = self.line[0].seg_id

    def read(self, segments: Iterable[Segment], component: str) -> Data:
        """Body segments (ST/SE excluded) -> canonical dict. Raises :class:`MappingError`."""
        header_ix, line_ix, summary_ix = self._indexes
        doc = Ctx()
        parties = PartyReader(self.roles)
        lines: list[Data] = []
        line: Ctx | None = None
        in_summary = False
        line_start = self.line_start
        for position, seg in enumerate(segments, start=2):
            sid = seg[0]
            try:
                if sid == line_start and not in_summary:
                    parties.close()
                    line = Ctx()
                    lines.append(line.data)
                    apply(line_ix, seg, line, component)
                elif sid in self.summary_start or in_summary:
                    in_summary = True
                    apply(summary_ix, seg, doc, component)
                elif line is not None:
                    apply(line_ix, seg, line, component)
                elif not parties.take(seg, component):
                    apply(header_ix, seg, doc, component)
            except MappingError as exc:
                exc.position = position
                raise
        data = doc.data
        parties.file_into(data)
        if lines:
            data[self.lines_attr] = lines
        return data

    def write(self, data: Data) -> list[Segment]:
        """Canonical dict (as :func:`translators.canonical.dump` gives it) -> body segments."""
        blocks = [spec.write(data) for spec in self.header]
        blocks += write_parties(data, self.roles)
        out = ordered(blocks, self.header_order, raw_blocks(data))
        for line in data.get(self.lines_attr) or []:
            out += ordered([spec.write(line) for spec in self.line], self.line_order, raw_blocks(line))
        for spec in self.summary:
            out += spec.write(data)
        return out
