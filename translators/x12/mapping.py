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

from collections.abc import Callable, Iterable, Mapping

from edi.x12.model import Segment

from .core import Ctx, Data, F, Spec, build, convert, element_key, ext_elements, get_path, set_path, store
from .items import read_item_ids, write_item_ids
from .raw import keep_raw
from .values import TEXT

__all__ = ["Elements", "Qualified", "spec_index", "apply"]

#: Segment lengths up to this have their kept positions cached (longer ones are rare and
#: partner-controlled, so they are not allowed to grow the cache).
_CACHED_LENGTHS = 64


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
        self._kept_by_length: dict[int, tuple[int, ...]] = {}  # segment length -> _kept() without differing

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
            value = text if f.conv is TEXT else convert(f.conv, text, seg, pos)
            key = f.key
            current = data.get(key) if key is not None else get_path(data, f.path)
            if current is None:
                if key is not None:
                    data[key] = value
                else:
                    set_path(data, f.path, value)
            elif current != value:
                differing.append(pos)
        defaults = self._default_values
        for pos in self._kept(n, differing):
            value = seg[pos]
            if value and defaults.get(pos) != value:
                ctx.ext[element_key(self.seg_id, pos)] = value
        if self.ids_from is not None and n > self.ids_from:
            read_item_ids(seg, self.ids_from, min(n - 1, self.ids_end or n), ctx)
        return True

    def _kept(self, n: int, differing: list[int]) -> tuple[int, ...] | list[int]:
        """Positions whose text goes to extensions, ascending: the unmapped ones outside the
        item id pairs, plus mapped ones whose value differs from the field's (``differing``)."""
        if differing:
            skip = self._skipped(n) - set(differing)
            return [pos for pos in range(1, n) if pos not in skip]
        kept = self._kept_by_length.get(n)
        if kept is None:
            skip = self._skipped(n)
            kept = tuple(pos for pos in range(1, n) if pos not in skip)
            if n <= _CACHED_LENGTHS:
                self._kept_by_length[n] = kept
        return kept

    def _skipped(self, n: int) -> set[int]:
        ids = range(self.ids_from, (self.ids_end or n) + 1) if self.ids_from is not None else ()
        return {*self._mapped, *ids}

    def write(self, data: Data) -> list[Segment]:
        values: dict[int, str] = {}
        for f in self.fields:
            if f.write:
                value = get_path(data, f.path)
                if value is not None and value != "":
                    values[f.pos] = f.conv.write(value)
        ext = data.get("extensions") or {}
        values.update(ext_elements(ext, self.seg_id))
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
        return [build(self.seg_id, values)]


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
        return {element_key(self.seg_id, p): seg[p] for p in range(1, len(seg)) if seg[p] and p not in skip}

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        n = len(seg)
        qual = seg[self.qual_pos] if self.qual_pos < n else ""
        key = (self.seg_id, qual)
        if key in ctx.seen:
            return False
        f = self.fields.get(qual)
        text = seg[self.value_pos] if self.value_pos < n else ""
        if f is None or not text or not store(ctx, f, convert(f.conv, text, seg, self.value_pos)):
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
        return build(self.seg_id, values)

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


def spec_index(specs: Iterable[Spec]) -> dict[str, list[Spec]]:
    index: dict[str, list[Spec]] = {}
    for spec in specs:
        for sid in spec.seg_ids:
            index.setdefault(sid, []).append(spec)
    return index


def apply(index: Mapping[str, list[Spec]], seg: Segment, ctx: Ctx, component: str) -> None:
    """Map ``seg`` with the first spec that takes it, else keep it raw."""
    for spec in index.get(seg[0], ()):
        if spec.read(seg, ctx):
            return
    keep_raw(seg, ctx, component)
