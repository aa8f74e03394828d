"""Body of one transaction set against its schema: segment order, loops, repeats, HL tree.

The walk keeps a stack of open loops, each ``[loop, position of the last matched child,
use counts of its children]``. A segment is matched in the innermost loop that can take
it at or after its current position (or restarts that loop when it is the loop's
trigger), else in an enclosing loop, which closes the inner ones; a segment no open
loop can take is reported and leaves the state alone, so one stray segment costs one
error, not a cascade. Mandatory segments skipped over are reported at the position of
the segment that skipped them, with the loop they belong to (AK303).

Segment codes (AK304): 1 unrecognized (not a well-formed segment id), 2 unexpected
(well formed but not part of this set), 3 mandatory missing, 4 loop over its maximum,
5 segment over its maximum use, 7 out of sequence (part of the set, wrong place),
element errors only: code None ("8").
"""

from __future__ import annotations

from operator import itemgetter

from .element_checks import check_elements, check_text
from .errors import ElementError, SegmentError
from .model import Delimiters, Segment
from .schema import LoopSpec, SetSchema
from .segment_pattern import TERMINATOR, set_matcher

__all__ = ["check_body", "MAX_SEGMENT_ERRORS"]

#: A set with more errors than this is rejected anyway; the rest would only bloat the ack.
MAX_SEGMENT_ERRORS = 1000

_MESSAGES = {
    "1": "unrecognized segment id {sid!r}",
    "2": "segment {sid} is not part of this transaction set",
    "3": "mandatory segment {sid} missing",
    "4": "loop {sid} occurs more often than allowed",
    "5": "segment {sid} exceeds its maximum use",
    "7": "segment {sid} is not in its proper sequence",
}

_segment_id = itemgetter(0)
_whole = itemgetter(slice(None))

#: HL03 level -> the levels its parent may have (856: S/O/P/I, S/O/I, S/T/P/I, S/O/T/P/I).
_HL_PARENTS = {
    "S": frozenset(),
    "O": frozenset("S"),
    "T": frozenset("SO"),
    "P": frozenset("SOT"),
    "I": frozenset("SOTP"),
}


def check_body(
    body: list[Segment],
    trailer: Segment | None,
    schema: SetSchema,
    delimiters: Delimiters,
    raw: list[str] | None = None,
) -> tuple[list[SegmentError], bool]:
    """Segment errors of one set (ST = position 1) and whether the list was cut short.

    ``raw`` is the body's text as the tokenizer read it (optional, saves re-joining).
    Fast path: when :func:`~edi.x12.segment_pattern.set_matcher` vouches for every
    segment's contents, only the order is left, and a sequence of segment ids already
    walked without error (kept per schema) needs no second walk. Anything else takes the
    full walk, which reports exactly what is wrong.
    """
    match = set_matcher(schema, delimiters)
    if match is not None:
        if raw is not None and len(raw) == len(body):
            text = TERMINATOR.join(raw) + TERMINATOR  # the text as read: the same as re-joining
        else:
            # seg[:] is a plain list, which str.join takes as is (a list subclass it would copy slowly)
            text = TERMINATOR.join(map(delimiters.element.join, map(_whole, body))) + TERMINATOR
        # (a terminator inside some element would split it: such a set takes the full walk)
        if text.count(TERMINATOR) == len(body) and match(text) is not None:
            errors = _check_order(body, trailer, schema)
            if len(errors) < MAX_SEGMENT_ERRORS:
                return errors, False
    return _check_all(body, trailer, schema, delimiters)


#: Per schema, segment id sequences (plus "has SE") known to be in order. Bounded: at
#: most this many sequences per schema, each of at most this many segments.
_IN_ORDER: dict[SetSchema, set[tuple[str, ...]]] = {}
_IN_ORDER_LIMIT = 2048
_IN_ORDER_LONGEST = 500


def _check_order(body: list[Segment], trailer: Segment | None, schema: SetSchema) -> list[SegmentError]:
    """The walk without element checks, for a set whose segment contents are known clean."""
    key = (*map(_segment_id, body), "SE" if trailer is not None else "")  # C-level: no Python call per segment
    known = _IN_ORDER.setdefault(schema, set())
    if key in known:
        errors: list[SegmentError] = []
    else:
        walk = _Walk(schema)
        place = walk.place
        errors = walk.errors
        position = 1
        for seg in body:
            position += 1
            loop_id, code = place(seg[0], position)
            if code is not None:
                errors.append(SegmentError(seg[0], position, code, _MESSAGES[code].format(sid=seg[0]), loop_id))
        if trailer is not None:
            place(trailer[0], position + 1)
        else:
            walk.close_all(position)
        if not errors and len(key) <= _IN_ORDER_LONGEST:
            if len(known) >= _IN_ORDER_LIMIT:
                known.clear()
            known.add(key)
    if schema.hierarchical:
        errors = _with_hierarchy(body, errors)
    return errors


def _with_hierarchy(body: list[Segment], errors: list[SegmentError]) -> list[SegmentError]:
    """Add the HL tree errors (HL01/HL02/HL03) to the order errors of a set, as the full walk would."""
    at = {e.position: e for e in errors if e.segment_id == "HL"}
    hierarchy = _Hierarchy()
    added = []
    for position, seg in enumerate(body, 2):
        if seg[0] != "HL":
            continue
        error = at.get(position)
        if error is not None and error.code not in ("4", "5"):
            continue  # out of place: its elements are not checked
        found = hierarchy.check(seg)
        if not found:
            continue
        if error is not None:
            error.elements.extend(found)
        else:
            added.append(SegmentError("HL", position, None, "segment HL has data element errors", "HL", found))
    return sorted([*errors, *added], key=lambda e: e.position) if added else errors


def _check_all(
    body: list[Segment], trailer: Segment | None, schema: SetSchema, delimiters: Delimiters
) -> tuple[list[SegmentError], bool]:
    """The full walk: order, loops, every element, the HL tree."""
    walk = _Walk(schema)
    place = walk.place
    specs = schema.segments
    component, repetition = delimiters.component, delimiters.repetition
    hierarchy = _Hierarchy() if schema.hierarchical else None
    errors = walk.errors
    position = 1
    for seg in body:
        position += 1
        sid = seg[0]
        loop_id, code = place(sid, position)
        elements: list[ElementError] = []
        if code is None or code in ("4", "5"):
            spec = specs.get(sid)
            if spec is not None:
                elements = check_elements(seg, spec, component, repetition)
            else:  # checked for position only: its elements must still be text
                elements = check_text(seg, 1, len(seg) - 1, component, repetition)
            if hierarchy is not None and sid == "HL":
                elements.extend(hierarchy.check(seg))
        if code is not None or elements:
            message = _MESSAGES[code].format(sid=sid) if code else f"segment {sid} has data element errors"
            errors.append(SegmentError(sid, position, code, message, loop_id, elements))
        if len(errors) >= MAX_SEGMENT_ERRORS:
            return errors[:MAX_SEGMENT_ERRORS], True
    if trailer is not None:
        place(trailer[0], position + 1)
    else:
        walk.close_all(position)
    return errors, False


class _Walk:
    __slots__ = ("schema", "stack", "errors")

    def __init__(self, schema: SetSchema) -> None:
        root = schema.root
        counts = [0] * len(root.children)
        counts[0] = 1  # ST
        self.schema = schema
        self.stack: list[list] = [[root, 0, counts]]
        self.errors: list[SegmentError] = []

    def place(self, sid: str, position: int) -> tuple[str | None, str | None]:
        """Match ``sid``; returns (AK303 loop id, AK304 code or None)."""
        stack = self.stack
        depth = len(stack) - 1
        while depth >= 0:
            loop, pos, counts = stack[depth]
            candidates = loop.index.get(sid)
            if candidates is not None:
                target = _pick(loop, candidates, pos, counts, depth > 0)
                if target is not None:
                    return self._enter(depth, target, position)
                if depth > 0 and candidates[0] == 0:
                    return self._restart(depth, position)
            depth -= 1
        if sid in self.schema.segment_ids:
            return None, "7"
        return None, "2" if _well_formed(sid) else "1"

    def _enter(self, depth: int, index: int, position: int) -> tuple[str | None, str | None]:
        stack = self.stack
        while len(stack) > depth + 1:
            self._close(stack.pop(), position)
        frame = stack[depth]
        loop, pos, counts = frame
        children = loop.children
        for skipped in loop.mandatory:
            if pos < skipped < index and not counts[skipped]:
                self._missing(loop, skipped, position)
        is_loop, _, _, max_use, sub = children[index]
        counts[index] += 1
        frame[1] = index
        if is_loop:
            sub_counts = [0] * len(sub.children)
            sub_counts[0] = 1
            stack.append([sub, 0, sub_counts])
            return sub.id, ("4" if counts[index] > max_use else None)
        return loop.id, ("5" if counts[index] > max_use else None)

    def _restart(self, depth: int, position: int) -> tuple[str | None, str | None]:
        """The trigger of an open loop again: a new iteration of that loop."""
        stack = self.stack
        while len(stack) > depth + 1:
            self._close(stack.pop(), position)
        frame = stack[depth]
        self._close(frame, position)
        parent = stack[depth - 1]
        parent_counts = parent[2]
        parent_counts[parent[1]] += 1
        loop = frame[0]
        counts = [0] * len(loop.children)
        counts[0] = 1
        frame[1], frame[2] = 0, counts
        over = parent_counts[parent[1]] > parent[0].children[parent[1]][3]
        return loop.id, ("4" if over else None)

    def _close(self, frame: list, position: int, stop: int | None = None) -> None:
        """Report the mandatory children of a loop iteration that never came."""
        loop, pos, counts = frame
        end = len(loop.children) if stop is None else stop
        for index in loop.mandatory:
            if pos < index < end and not counts[index]:
                self._missing(loop, index, position)

    def close_all(self, position: int) -> None:
        """End of a set without SE: close every open loop (SE itself is reported elsewhere)."""
        stack = self.stack
        while len(stack) > 1:
            self._close(stack.pop(), position)
        self._close(stack[0], position, stop=len(stack[0][0].children) - 1)

    def _missing(self, loop: LoopSpec, index: int, position: int) -> None:
        is_loop, sid, _, _, sub = loop.children[index]
        loop_id = sub.id if is_loop else loop.id
        self.errors.append(SegmentError(sid, position, "3", _MESSAGES["3"].format(sid=sid), loop_id))


def _pick(loop: LoopSpec, candidates: tuple[int, ...], pos: int, counts: list[int], in_loop: bool) -> int | None:
    """The child position that takes the segment, going forward only; None if none can."""
    fallback = None
    for index in candidates:
        if index < pos or (index == 0 and in_loop):
            continue  # behind us, or the trigger (a new iteration, decided by the caller)
        if index == pos:
            child = loop.children[index]
            if not child[0] and counts[index] >= child[3]:
                fallback = index  # at its maximum: a later position with this id wins
                continue
        return index
    return fallback


def _well_formed(sid: str) -> bool:
    return 2 <= len(sid) <= 3 and sid.isalnum() and sid.isascii() and sid.isupper() and sid[0].isalpha()


class _Hierarchy:
    """HL01 numbered 1, 2, 3...; HL02 names an earlier HL; HL03 fits under its parent."""

    __slots__ = ("levels", "expected")

    def __init__(self) -> None:
        self.levels: dict[str, str] = {}
        self.expected = 1

    def check(self, seg: Segment) -> list[ElementError]:
        hl_id, parent, level = seg.get(1), seg.get(2), seg.get(3)
        errors = []
        if hl_id and hl_id != str(self.expected):
            errors.append(
                ElementError(
                    1,
                    "7",
                    f"HL01 {hl_id!r} out of sequence, expected {self.expected}",
                    reference="628",
                    data=hl_id[:99],
                )
            )
        if hl_id.isdigit():
            self.expected = int(hl_id) + 1
        else:
            self.expected += 1
        allowed = _HL_PARENTS.get(level)
        if parent:
            parent_level = self.levels.get(parent)
            if parent_level is None:
                errors.append(
                    ElementError(2, "7", f"HL02 {parent!r} names no earlier HL", reference="734", data=parent[:99])
                )
            elif allowed is not None and parent_level not in allowed:
                errors.append(
                    ElementError(
                        3,
                        "7",
                        f"HL level {level!r} cannot be under level {parent_level!r}",
                        reference="735",
                        data=level,
                    )
                )
        elif allowed:  # a level that needs a parent
            errors.append(ElementError(2, "2", f"HL02 (parent) required for HL level {level!r}", reference="734"))
        if hl_id:
            self.levels[hl_id] = level
        return errors
