"""Compile the declarative tables into the lookups the validator walks.

Compiled once per (transaction set, release) and cached: a segment table becomes a
tree of :class:`LoopSpec` whose ``index`` maps a segment id to the positions that can
take it, so matching a segment is one dict lookup; element definitions become plain
tuples, unpacked in the validator's inner loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from .codes import CODE_LISTS
from .dictionary import COMPOSITES, ELEMENTS, SEGMENTS, VERSION_CHANGES
from .sets import HIERARCHICAL_SETS, SET_TABLES

__all__ = [
    "ElementSpec",
    "Note",
    "SegmentSpec",
    "LoopSpec",
    "Child",
    "SetSchema",
    "get_schema",
    "release_of",
    "UNBOUNDED",
]

UNBOUNDED = 1 << 62

#: (ref, mandatory, type, min_len, max_len, codes or None, components or None, max repeats, name)
ElementSpec = tuple[str, bool, str, int, int, "frozenset[str] | None", "tuple | None", int, str]
#: A syntax note: ("P", (3, 4)) is P0304.
Note = tuple[str, tuple[int, ...]]
#: (is_loop, segment id (the trigger for a loop), mandatory, max use / repeats, loop or None)
Child = tuple[bool, str, bool, int, "LoopSpec | None"]


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    id: str
    elements: tuple[ElementSpec, ...]
    size: int  # how many elements the segment may carry (checked or not)
    notes: tuple[Note, ...]


@dataclass(slots=True)
class LoopSpec:
    id: str | None  # None for the set itself
    children: list[Child] = field(default_factory=list)
    index: dict[str, tuple[int, ...]] = field(default_factory=dict)
    mandatory: tuple[int, ...] = ()  # positions of the mandatory children


@dataclass(frozen=True, slots=True, eq=False)
class SetSchema:
    set_id: str
    release: str
    root: LoopSpec
    segments: dict[str, SegmentSpec]
    segment_ids: frozenset[str]  # every segment id the set can hold
    hierarchical: bool  # HL01/HL02/HL03 form a checked hierarchy


def release_of(version: str) -> str:
    """GS08 to the release the tables are keyed by: ``004010VICS`` -> ``004010``."""
    return version[:6]


@cache
def get_schema(set_id: str, version: str) -> SetSchema | None:
    """The compiled schema for ``set_id`` in GS08 ``version``, or None when not described."""
    release = release_of(version)
    table = SET_TABLES.get((set_id, release))
    if table is None:
        return None
    root = _compile_table(table)
    ids = frozenset(_segment_ids(root))
    segments = {sid: spec for sid in ids if (spec := _segment(sid, release)) is not None}
    return SetSchema(set_id, release, root, segments, ids, set_id in HIERARCHICAL_SETS)


# -- tables ------------------------------------------------------------------------------
def _compile_table(text: str) -> LoopSpec:
    root = LoopSpec(None)
    stack: list[tuple[int, LoopSpec]] = [(-1, root)]
    for raw in text.splitlines():
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        while indent <= stack[-1][0]:
            stack.pop()
        parent = stack[-1][1]
        words = raw.split()
        if words[0] == "LOOP":
            _, loop_id, req, max_use = words
            loop = LoopSpec(loop_id)
            parent.children.append((True, "", req == "M", _max(max_use), loop))
            stack.append((indent, loop))
        else:
            sid, req, max_use = words
            parent.children.append((False, sid, req == "M", _max(max_use), None))
    _finish(root)
    return root


def _finish(loop: LoopSpec) -> None:
    """Fill in loop triggers and the segment id -> child positions index, depth first."""
    index: dict[str, list[int]] = {}
    for i, (is_loop, sid, mandatory, max_use, sub) in enumerate(loop.children):
        if is_loop:
            assert sub is not None
            _finish(sub)
            sid = sub.children[0][1]
            loop.children[i] = (True, sid, mandatory, max_use, sub)
        index.setdefault(sid, []).append(i)
    loop.index = {sid: tuple(positions) for sid, positions in index.items()}
    loop.mandatory = tuple(i for i, child in enumerate(loop.children) if child[2])


def _segment_ids(loop: LoopSpec) -> list[str]:
    out = []
    for is_loop, sid, _, _, sub in loop.children:
        out.extend(_segment_ids(sub) if is_loop and sub is not None else [sid])
    return out


def _max(text: str) -> int:
    return UNBOUNDED if text == ">1" else int(text)


# -- dictionary ----------------------------------------------------------------------------
@cache
def _elements(release: str) -> dict[str, tuple[str, int, int, str]]:
    out = {}
    lines = [line for line in ELEMENTS.splitlines() if line.strip()]
    lines += [f"{ref} {spec}" for ref, spec in VERSION_CHANGES.get(release, {}).items() if ref.isdigit()]
    for line in lines:
        ref, typ, low, high, name = line.split(" ", 4)
        out[ref] = (typ, int(low), int(high), name)
    return out


def _definition(key: str, release: str) -> str | None:
    changes = VERSION_CHANGES.get(release, {})
    return changes.get(key) or SEGMENTS.get(key) or COMPOSITES.get(key)


@cache
def _segment(sid: str, release: str) -> SegmentSpec | None:
    text = _definition(sid, release)
    if text is None:
        return None
    elements, size, notes = _parse_definition(text, release)
    return SegmentSpec(sid, elements, size, notes)


def _parse_definition(text: str, release: str) -> tuple[tuple[ElementSpec, ...], int, tuple[Note, ...]]:
    body, _, note_text = text.partition("|")
    words = body.split()
    size = len(words)
    if words and words[-1].startswith("..."):
        size = int(words.pop()[3:])
    dictionary = _elements(release)
    elements = []
    for word in words:
        req, ref = word[0], word[1:]
        repeat = 1
        if "*" in ref:
            ref, count = ref.split("*")
            repeat = int(count)
        if ref.startswith("C"):
            composite = _definition(ref, release)
            assert composite is not None, f"composite {ref} is not defined"
            components, _, comp_notes = _parse_definition(composite, release)
            elements.append((ref, req == "M", "C", 0, 0, None, (components, comp_notes), repeat, ref))
        else:
            typ, low, high, name = dictionary[ref]
            codes = CODE_LISTS.get(ref)
            code_set = frozenset(codes.split()) if codes else None
            elements.append((ref, req == "M", typ, low, high, code_set, None, repeat, name))
    notes = tuple(_note(word) for word in note_text.split())
    return tuple(elements), size, notes


def _note(word: str) -> Note:
    """``P0304`` -> ("P", (3, 4))."""
    digits = word[1:]
    return word[0], tuple(int(digits[i : i + 2]) for i in range(0, len(digits), 2))
