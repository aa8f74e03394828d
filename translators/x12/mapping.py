"""Declarative segment <-> canonical mapping specs, each usable in both directions.

A spec describes how one kind of segment maps onto a plain dict (the canonical
document, a party, a line...) and is used by the reader *and* the writer, so the two
directions cannot drift apart. Documents are built as plain dicts (cheap in the hot
loop) and validated into pydantic models once per document.

What a spec does not map is kept, never dropped, in the target's ``extensions``:

* unmapped elements of a mapped segment: ``{"BEG04": "R1"}``;
* unmapped qualifiers of a qualified segment: ``{"REF": {"ZZ": "..."}}`` (and its
  extra elements, e.g. a DTM time: ``{"DTM_003": {"DTM03": "1059"}}``);
* whole segments nothing maps (or a second occurrence of a once-only one):
  ``{"segments": [["PKG", "F", "68", "", "", "PALLETIZE"]]}`` with composite
  elements as lists, so they can be written back with any delimiters.

Reading then writing then reading gives the same canonical dict: that is the round
trip property the tests check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from edi.x12.model import Segment

from .codes import CONTACT_NUMBERS, ITEM_ID_FIELDS, ITEM_ID_QUALIFIERS
from .values import TEXT, Conv, ElementValueError

__all__ = [
    "MappingError",
    "F",
    "Ctx",
    "Spec",
    "Elements",
    "Qualified",
    "Lines",
    "Contacts",
    "ListOf",
    "Notes",
    "read_item_ids",
    "write_item_ids",
    "keep_raw",
    "raw_segments",
    "raw_blocks",
    "spec_index",
    "apply",
    "ordered",
]

Data = dict[str, Any]


class MappingError(Exception):
    """A segment whose data cannot be mapped; carries its AK3/AK4 location and code."""

    def __init__(self, message: str, segment_id: str, element: int | None = None, code: str = "8") -> None:
        super().__init__(message)
        self.segment_id = segment_id
        self.element = element
        self.code = code  # AK403 element code (or AK304 when element is None)
        self.position: int | None = None  # AK302 segment position, set by the document reader


class F:
    """One element <-> one (dotted) attribute path, with its converter.

    ``write=False`` marks a second source of a field that another segment writes
    (e.g. SN101 after LIN01): read when the field is still empty, never written.
    """

    __slots__ = ("pos", "attr", "conv", "write", "path", "key", "derive")

    def __init__(
        self,
        pos: int,
        attr: str,
        conv: Conv = TEXT,
        *,
        write: bool = True,
        derive: Callable[[Segment], str | None] | None = None,
    ) -> None:
        self.pos = pos
        self.attr = attr
        self.conv = conv
        self.write = write
        self.path = tuple(attr.split("."))
        self.key = attr if len(self.path) == 1 else None  # fast path for top-level fields
        self.derive = derive  # fallback value when the element is empty (other elements stay kept)


def get_path(data: Data, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)  # type: ignore[assignment]
        if data is None:
            return None
    return data


def set_path(data: Data, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


class Ctx:
    """A mapping target while reading: the dict and which once-only specs it has seen."""

    __slots__ = ("data", "seen")

    def __init__(self, data: Data | None = None) -> None:
        self.data: Data = {} if data is None else data
        self.seen: set[Any] = set()

    @property
    def ext(self) -> Data:
        ext = self.data.get("extensions")
        if ext is None:
            ext = self.data["extensions"] = {}
        return ext


def _convert(conv: Conv, value: str, seg: Segment, pos: int) -> Any:
    try:
        return conv.read(value)
    except ElementValueError as exc:
        raise MappingError(f"{seg[0]}{pos:02d}: {exc}", seg[0], pos, exc.code) from None
    except ValueError as exc:
        raise MappingError(f"{seg[0]}{pos:02d}: {exc}", seg[0], pos, "6") from None


def _store(ctx: Ctx, f: F, value: Any) -> bool:
    """Set the field unless it already holds a different value (then the caller keeps the raw text)."""
    current = get_path(ctx.data, f.path)
    if current is None:
        set_path(ctx.data, f.path, value)
        return True
    return current == value


def _build(seg_id: str, values: Mapping[int, str]) -> Segment:
    width = max((p for p, v in values.items() if v), default=0)
    return Segment([seg_id, *(values.get(p, "") for p in range(1, width + 1))])


def _element_key(seg_id: str, pos: int) -> str:
    return f"{seg_id}{pos:02d}"


def _ext_elements(ext: Data, seg_id: str) -> dict[int, str]:
    """``{"BEG04": "x"}`` style keys of ``ext`` that belong to ``seg_id``, by position."""
    n = len(seg_id)
    out: dict[int, str] = {}
    for key, value in ext.items():
        if len(key) == n + 2 and key.startswith(seg_id) and key[n:].isdigit() and isinstance(value, str):
            out[int(key[n:])] = value
    return out


class Spec:
    """Base of the mapping specs: ``read`` one segment into a context, ``write`` a dict to segments."""

    seg_id: str

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        """Map ``seg`` into ``ctx``; False when this spec does not take it (the caller keeps it raw)."""
        raise NotImplementedError

    def write(self, data: Data) -> list[Segment]:
        raise NotImplementedError


class Elements(Spec):
    """A segment whose elements map to fields by position (BEG, PO1, N4, TD1, ...).

    ``match`` elements must hold these values for the spec to apply (and are written as
    constants); ``defaults`` are written when absent (``pos: (value, only_if_pos_written)``)
    and not kept on reading when equal; ``computed`` elements are derived on writing
    (counts) and not kept on reading; ``ids_from``..``ids_end`` hold qualifier/id pairs of
    the item (read always; written unless ``write_ids`` is False, when another segment
    of the loop carries them).
    Occurs once per context: a second occurrence is kept raw.
    """

    def __init__(
        self,
        seg_id: str,
        fields: Iterable[F] = (),
        *,
        match: Mapping[int, str] | None = None,
        defaults: Mapping[int, tuple[str, int]] | None = None,
        computed: Mapping[int, Callable[[Data], str]] | None = None,
        ids_from: int | None = None,
        ids_end: int | None = None,
        write_ids: bool = True,
        once: bool = True,
        always: bool = False,
    ) -> None:
        self.seg_id = seg_id
        self.fields = tuple(fields)
        self.match = dict(match or {})
        self.defaults = dict(defaults or {})
        self.computed = dict(computed or {})
        self.ids_from = ids_from
        self.ids_end = ids_end
        self.write_ids = write_ids
        self.always = always  # written even with no data (a loop's first segment)
        self.once = once
        self._mapped = {f.pos for f in self.fields} | set(self.match) | set(self.computed)
        self._key = (seg_id, tuple(sorted(self.match.items())))
        self._match = tuple(self.match.items())
        self._default_values = {pos: value for pos, (value, _) in self.defaults.items()}

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        # The hot loop of every inbound document: plain indexing, no per-element helpers.
        n = len(seg)
        for pos, expected in self._match:
            if (seg[pos] if pos < n else "") != expected:
                return False
        if self.once:
            if self._key in ctx.seen:
                return False
            ctx.seen.add(self._key)
        data = ctx.data
        differing: list[int] = []
        for f in self.fields:
            pos = f.pos
            text = seg[pos] if pos < n else ""
            if not text:
                if f.derive is not None:
                    derived = f.derive(seg)
                    if derived and get_path(data, f.path) is None:
                        set_path(data, f.path, derived)
                continue
            value = _convert(f.conv, text, seg, pos)
            key = f.key
            current = data.get(key) if key is not None else get_path(data, f.path)
            if current is None:
                if key is not None:
                    data[key] = value
                else:
                    set_path(data, f.path, value)
            elif current != value:
                differing.append(pos)
        mapped, defaults = self._mapped, self._default_values
        ids_from, ids_end = self.ids_from or n, self.ids_end or n
        for pos in range(1, n):
            value = seg[pos]
            if not value or (pos in mapped and pos not in differing) or ids_from <= pos <= ids_end:
                continue
            if defaults.get(pos) != value:
                ctx.ext[_element_key(self.seg_id, pos)] = value
        if self.ids_from is not None and n > self.ids_from:
            read_item_ids(seg, self.ids_from, min(n - 1, ids_end), ctx)
        return True

    def write(self, data: Data) -> list[Segment]:
        values: dict[int, str] = {}
        for f in self.fields:
            if f.write:
                value = get_path(data, f.path)
                if value is not None and value != "":
                    values[f.pos] = f.conv.write(value)
        ext = data.get("extensions") or {}
        values.update(_ext_elements(ext, self.seg_id))
        if self.ids_from is not None and self.write_ids:
            for offset, text in enumerate(write_item_ids(data.get("item") or {}, ext)):
                values[self.ids_from + offset] = text
        if not values and not self.computed and not self.always:
            return []
        values.update(self.match)
        for pos, fn in self.computed.items():
            values[pos] = fn(data)
        for pos, (value, only_if) in self.defaults.items():
            if pos not in values and only_if in values:
                values[pos] = value
        return [_build(self.seg_id, values)]


class Qualified(Spec):
    """A segment whose qualifier picks the field for its value (REF, DTM, AMT, MAN, PID...).

    ``fields`` maps qualifier -> field (``F.pos`` is ignored; ``value_pos`` is used).
    Unmapped qualifiers go to ``extensions[seg_id][qualifier]`` unless ``keep`` is False
    (then another spec or the raw store takes the segment).
    """

    def __init__(
        self,
        seg_id: str,
        fields: Mapping[str, F] | None = None,
        *,
        qual_pos: int = 1,
        value_pos: int = 2,
        keep: bool = True,
    ) -> None:
        self.seg_id = seg_id
        self.fields = dict(fields or {})
        self.qual_pos = qual_pos
        self.value_pos = value_pos
        self.keep = keep

    def _extras(self, seg: Segment) -> dict[str, str]:
        skip = (self.qual_pos, self.value_pos)
        return {_element_key(self.seg_id, p): seg[p] for p in range(1, len(seg)) if seg[p] and p not in skip}

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        n = len(seg)
        qual = seg[self.qual_pos] if self.qual_pos < n else ""
        key = (self.seg_id, qual)
        if key in ctx.seen:
            return False
        f = self.fields.get(qual)
        text = seg[self.value_pos] if self.value_pos < n else ""
        if f is None or not text or not _store(ctx, f, _convert(f.conv, text, seg, self.value_pos)):
            if not self.keep:
                return False
            ctx.ext.setdefault(self.seg_id, {})[qual] = text
        ctx.seen.add(key)
        if n > 3 or (n == 3 and self.value_pos != 2):
            extras = self._extras(seg)
            if extras:
                ctx.ext[f"{self.seg_id}_{qual}"] = extras
        return True

    def _segment(self, qual: str, text: str, ext: Data) -> Segment:
        values = {self.qual_pos: qual, self.value_pos: text}
        extras = ext.get(f"{self.seg_id}_{qual}") or {}
        n = len(self.seg_id)
        values.update({int(k[n:]): v for k, v in extras.items()})
        return _build(self.seg_id, values)

    def write(self, data: Data) -> list[Segment]:
        ext = data.get("extensions") or {}
        out: list[Segment] = []
        written: set[tuple[str, ...]] = set()
        for qual, f in self.fields.items():
            if not f.write or f.path in written:
                continue
            value = get_path(data, f.path)
            if value is not None and value != "":
                written.add(f.path)
                out.append(self._segment(qual, f.conv.write(value), ext))
        for qual, text in (ext.get(self.seg_id) or {}).items():
            out.append(self._segment(qual, text, ext))
        return out


class Lines(Spec):
    """A repeatable segment whose elements append to one list field (N3 -> address.street)."""

    def __init__(self, seg_id: str, attr: str, width: int = 2) -> None:
        self.seg_id = seg_id
        self.path = tuple(attr.split("."))
        self.width = width

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        if len(seg) > self.width + 1:
            return False
        values = [v for v in seg[1:] if v]
        current = get_path(ctx.data, self.path)
        if current is None:
            set_path(ctx.data, self.path, values)
        else:
            current.extend(values)
        return True

    def write(self, data: Data) -> list[Segment]:
        values = get_path(data, self.path) or []
        w = self.width
        return [Segment([self.seg_id, *values[i : i + w]]) for i in range(0, len(values), w)]


class Contacts(Spec):
    """PER -> ``contacts`` list of ``{"function", "name", "phone", "email", ...}``."""

    seg_id = "PER"
    _names = {"1": "function", "2": "name"}

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        contact: dict[str, str] = {}
        if seg.get(1):
            contact["function"] = seg[1]
        if seg.get(2):
            contact["name"] = seg[2]
        for pos in range(3, min(len(seg), 9), 2):
            qual, number = seg[pos], seg.get(pos + 1)
            if qual and number:
                key = CONTACT_NUMBERS.get(qual, qual)
                if key in contact:
                    return False
                contact[key] = number
            elif qual or number:
                return False
        if len(seg) > 9 and any(seg[9:]):
            contact.update({_element_key("PER", p): seg[p] for p in range(9, len(seg)) if seg[p]})
        ctx.data.setdefault("contacts", []).append(contact)
        return True

    def write(self, data: Data) -> list[Segment]:
        reverse = {v: k for k, v in CONTACT_NUMBERS.items()}
        out = []
        for contact in data.get("contacts") or []:
            # PER01 is mandatory: "IC" (information contact) when another format gave none.
            values: list[str] = ["PER", contact.get("function", "IC"), contact.get("name", "")]
            extra: dict[int, str] = {}
            for key, value in contact.items():
                if key in ("function", "name"):
                    continue
                if key.startswith("PER") and key[3:].isdigit():
                    extra[int(key[3:])] = value
                else:
                    values += [reverse.get(key, key), value]
            for pos in sorted(extra):
                values += [""] * (pos - len(values)) + [extra[pos]]
            while len(values) > 1 and not values[-1]:
                values.pop()
            out.append(Segment(values))
        return out


class ListOf(Spec):
    """Each matching segment becomes a new dict appended to a list field (SAC -> charges)."""

    def __init__(self, attr: str, spec: Elements, when: Callable[[Segment], bool]) -> None:
        self.seg_id = spec.seg_id
        self.attr = attr
        self.spec = spec
        self.when = when

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        if not self.when(seg):
            return False
        item = Ctx()
        self.spec.read(seg, item)
        ctx.data.setdefault(self.attr, []).append(item.data)
        return True

    def write(self, data: Data) -> list[Segment]:
        return [s for item in data.get(self.attr) or [] for s in self.spec.write(item)]


class Notes(Spec):
    """Free-text notes: MSG (and NTE, whose NTE01 reference code is not kept) -> ``notes``.

    Written as ``N9*L1*NOTES`` followed by one MSG per note, the 850 way; an ``N9*L1``
    with that default text is consumed on reading.
    """

    seg_id = "MSG"
    header = Segment(["N9", "L1", "NOTES"])

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        sid = seg[0]
        if sid == "N9":
            if seg.get(1) != "L1" or seg.get(2) != "NOTES" or len(seg) > 3:
                return False
        elif sid in ("MSG", "NTE"):
            pos = 1 if sid == "MSG" else 2
            text = seg.get(pos)
            if not text or len(seg) > pos + 1:
                return False
            ctx.data.setdefault("notes", []).append(text)
        else:
            return False
        return True

    def write(self, data: Data) -> list[Segment]:
        notes = data.get("notes") or []
        if not notes:
            return []
        return [Segment(self.header), *(Segment(["MSG", n]) for n in notes)]


def read_item_ids(seg: Segment, start: int, end: int, ctx: Ctx) -> None:
    """Qualifier/id pairs ``seg[start..end]`` into ``item`` (first qualifier per field wins)."""
    item = ctx.data.setdefault("item", {})
    for pos in range(start, end, 2):
        qual, value = seg[pos], seg[pos + 1]
        if not value:  # a qualifier without an id carries nothing to keep
            continue
        field = ITEM_ID_FIELDS.get(qual)
        if field is not None and field not in item:
            item[field] = value
        elif field is not None and item[field] == value:
            continue
        else:
            others = item.setdefault("other_ids", {})
            if others.get(qual) == value:
                continue
            if qual in others:
                ctx.ext.setdefault("item_ids", []).append([qual, value])
            else:
                others[qual] = value
    if (end - start) % 2 == 0 and seg[end]:  # a qualifier without its id at the end
        ctx.ext[_element_key(seg[0], end)] = seg[end]


def write_item_ids(item: Data, ext: Data) -> list[str]:
    """Pairs for ``item`` in a fixed qualifier order, then other ids, then repeated qualifiers."""
    out: list[str] = []
    for field, qual in ITEM_ID_QUALIFIERS.items():
        value = item.get(field)
        if value:
            if field == "gtin" and len(value) != 14:
                qual = "EN"
            out += [qual, value]
    for qual, value in (item.get("other_ids") or {}).items():
        if _QUALIFIER.match(qual):  # ids other formats keyed by words (cXML "classification:...") have no X12 form
            out += [qual, value]
    for qual, value in ext.get("item_ids") or []:
        out += [qual, value]
    return out


_QUALIFIER = re.compile(r"^[A-Z0-9]{2}$")


def keep_raw(seg: Segment, ctx: Ctx, component: str) -> None:
    """Keep a segment nothing maps, composites split so any delimiters can write it back."""
    row: list[Any] = [seg[0]]
    for value in seg[1:]:
        row.append(value.split(component) if component and component in value else value)
    ctx.ext.setdefault("segments", []).append(row)


def raw_segments(data: Data) -> list[Segment]:
    """Kept raw segments back as :class:`Segment` (composites still lists; the writer joins)."""
    return [Segment(row) for row in (data.get("extensions") or {}).get("segments") or []]


#: Loops whose kept raw segments must stay together when the writer reorders a context.
_RAW_LOOPS: dict[str, frozenset[str]] = {
    "N1": frozenset(
        ["N2", "N3", "N4", "REF", "PER", "NX2", "DMG", "SI", "FOB", "TD1", "TD5", "TD3", "TD4", "PKG", "QTY"]
    ),
    "N9": frozenset(["DTM", "MSG"]),
    "SLN": frozenset(
        [
            "MSG",
            "SI",
            "PID",
            "PO3",
            "TC2",
            "ADV",
            "DTM",
            "CTP",
            "PAM",
            "PO4",
            "TAX",
            "N9",
            "SAC",
            "QTY",
            "N1",
            "N2",
            "N3",
            "N4",
            "NX2",
            "REF",
            "PER",
        ]
    ),
}


def raw_blocks(data: Data) -> list[list[Segment]]:
    """Kept raw segments as blocks: a kept loop (N1 N3 N4 PER) is one block, others one each."""
    blocks: list[list[Segment]] = []
    members: frozenset[str] = frozenset()
    for seg in raw_segments(data):
        sid = seg[0]
        if blocks and sid in members:
            blocks[-1].append(seg)
            continue
        members = _RAW_LOOPS.get(sid, frozenset())
        blocks.append([seg])
    return blocks


def spec_index(specs: Iterable[Spec]) -> dict[str, list[Spec]]:
    index: dict[str, list[Spec]] = {}
    for spec in specs:
        ids = ("N9", "MSG", "NTE") if isinstance(spec, Notes) else (spec.seg_id,)
        for sid in ids:
            index.setdefault(sid, []).append(spec)
    return index


def apply(index: Mapping[str, list[Spec]], seg: Segment, ctx: Ctx, component: str) -> None:
    """Map ``seg`` with the first spec that takes it, else keep it raw."""
    for spec in index.get(seg[0], ()):
        if spec.read(seg, ctx):
            return
    keep_raw(seg, ctx, component)


def ordered(
    blocks: Iterable[list[Segment]], order: Mapping[str, int], raw: Iterable[list[Segment]] = ()
) -> list[Segment]:
    """Mapped ``blocks`` and kept ``raw`` blocks stably sorted into standard sequence.

    A block sorts by its first segment id. Kept raw blocks never overtake each other
    (their keys only grow; an id ``order`` does not know keeps the key before it), so
    reading the output keeps them in the same order: round trips are exact.
    """
    end = len(order)
    keyed: list[tuple[int, list[Segment]]] = []
    for block in blocks:
        if block:
            keyed.append((order.get(block[0][0], end), list(block)))
    floor = 0
    for block in raw:
        floor = max(floor, order.get(block[0][0], floor))
        keyed.append((floor, list(block)))
    keyed.sort(key=lambda kb: kb[0])
    return [s for _, block in keyed for s in block]
