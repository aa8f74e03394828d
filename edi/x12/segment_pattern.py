"""A regular expression per (set schema, delimiters) accepting only error-free segments.

Checking elements one by one in Python costs microseconds per segment, and most
segments are clean. So a set first gets a fast path: its body is joined back into
text (:data:`TERMINATOR` between segments) and matched in one call against an
expression that knows every segment the set may hold: each element's type, size and
code list, trailing elements left out or empty, composites and repetitions, and the
syntax notes (a note's elements form a small window whose allowed presence
combinations are spelled out). The regex engine does all of it in C; segment order is
the walk's business (:mod:`edi.x12.set_checks`), this only vouches for the contents.

The expression is *sound, not complete*: text it accepts holds no element error, but a
few valid values are left to the slow path (29 February, reals like ``5.``, exponents,
characters beyond Latin-1). When it does not match, every segment goes through
:func:`~edi.x12.element_checks.check_elements`, which finds and reports the errors; so
results are exactly the slow path's, only cheaper for clean sets.

Runs of element characters are possessive (``*+``, ``{m,n}+``): the character class
never holds a separator, so giving characters back could never help a match, and the
regex engine skips the bookkeeping for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from itertools import product

from .model import Delimiters
from .schema import ElementSpec, Note, SegmentSpec, SetSchema

__all__ = ["set_matcher", "Matcher", "TERMINATOR"]

Matcher = Callable[[str], "re.Match[str] | None"]

_MMDD = (
    r"(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)"
    r"|02(?:0[1-9]|1[0-9]|2[0-8]))"
)
_HHMM = r"(?:[01][0-9]|2[0-3])[0-5][0-9]"
_TIME_TAILS = {4: "", 6: "[0-5][0-9]", 7: "[0-5][0-9][0-9]", 8: "[0-5][0-9][0-9]{2}"}


#: Joins the segments of a set for :func:`set_matcher`; a control character, so never element text.
TERMINATOR = "\x1e"


def set_matcher(schema: SetSchema, delimiters: Delimiters, terminator: str = TERMINATOR) -> Matcher | None:
    """``fullmatch`` for the body text: each segment joined with the element separator and
    followed by ``terminator`` (:data:`TERMINATOR`, or the text between segments as a file
    has it, such as ``"~\n"``). None when the fast path does not apply (an interchange
    with a release character)."""
    if delimiters.release:
        return None
    return _compile(schema, delimiters.element, delimiters.component, delimiters.repetition or "", terminator)


@lru_cache(maxsize=64)  # (schema, delimiters) pairs: a handful per deployment
def _compile(schema: SetSchema, element: str, component: str, repetition: str, terminator: str) -> Matcher:
    builder = _Builder(element, component, repetition, terminator[0])
    by_id = {
        sid: builder.elements(schema.segments[sid]) if sid in schema.segments else builder.any_elements()
        for sid in sorted(schema.segment_ids)
    }
    one = _id_trie(by_id)
    return re.compile(f"(?:(?>{one}){re.escape(terminator)})*+", re.DOTALL).fullmatch


def _id_trie(by_id: dict[str, str]) -> str:
    """``(?:B(?:EG...|AK...)|N(?:1...|3...)|...)``: segment alternatives grouped by first letter."""
    groups: dict[str, list[str]] = {}
    for sid, pattern in by_id.items():
        groups.setdefault(sid[0], []).append(re.escape(sid[1:]) + pattern)
    return "(?:" + "|".join(re.escape(head) + "(?:" + "|".join(alts) + ")" for head, alts in groups.items()) + ")"


class _Builder:
    def __init__(self, element: str, component: str, repetition: str, terminator: str) -> None:
        self.sep = re.escape(element)
        self.comp = re.escape(component)
        self.rep = re.escape(repetition) if repetition else ""
        printable = [*range(0x20, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]  # str.isprintable() in Latin-1
        self.text = _char_class([c for c in printable if chr(c) not in (element, component, repetition, terminator)])

    def any_elements(self) -> str:
        """A segment the dictionary does not define: position is checked, elements are not."""
        return f"(?:{self.sep}{self.text}*+)*+"

    def elements(self, spec: SegmentSpec) -> str:
        extra = spec.size - len(spec.elements)
        tail = (f"(?:{self.sep}{self.text}*+){{0,{extra}}}+" if extra > 0 else "") + f"{self.sep}*+"
        patterns = [self.element(e) for e in spec.elements]
        return _sequence(patterns, [e[1] for e in spec.elements], spec.notes, self.sep, tail)

    def element(self, spec: ElementSpec) -> str:
        if spec[6] is not None:
            components, notes = spec[6]
            if any(min(ps) == 1 for _, ps in notes):
                return "(?!)"  # a note on the first component: leave such composites to the slow path
            first = self.simple(components[0])
            rest = _sequence(
                [self.simple(c) for c in components[1:]],
                [c[1] for c in components[1:]],
                tuple((k, tuple(p - 1 for p in ps)) for k, ps in notes),
                self.comp,
                "",
            )
            one = (first if components[0][1] else _optional(first)) + rest
        else:
            one = self.simple(spec)
        if spec[7] > 1 and self.rep:
            return f"{one}(?:{self.rep}{one}){{0,{spec[7] - 1}}}"
        return one

    def simple(self, spec: ElementSpec) -> str:
        _, _, typ, low, high, codes, _, _, _ = spec
        if codes is not None:
            return _trie(sorted(codes))
        if typ in ("AN", "ID"):
            return f"{self.text}{_count(low, high)}+"
        if typ == "DT":
            options = [f"[0-9]{{{n - 4}}}{_MMDD}" for n in (8, 6) if low <= n <= high]
            return f"(?:{'|'.join(options)})" if options else "(?!)"
        if typ == "TM":
            tails = [_TIME_TAILS[n] for n in (8, 7, 6, 4) if low <= n <= high]
            return f"{_HHMM}(?:{'|'.join(tails)})" if tails else "(?!)"
        if typ == "R":
            if low == 1:  # the usual case: digits, one optional point, at most ``high`` digits
                return f"-?(?=[0-9.]{{1,{high + 1}}}(?![0-9.]))(?:[0-9]{{1,{high}}}(?:\\.[0-9]*|)|\\.[0-9]+)"
            return f"-?(?:[0-9]{_count(low, high)}|(?=[0-9.]{_count(low + 1, high + 1)}(?![0-9.]))[0-9]*\\.[0-9]+)"
        return f"-?[0-9]{_count(low, high)}+"  # N0..N9


def _char_class(codes: list[int]) -> str:
    """``[ -)+-~...]``: sorted code points as ranges (a short positive class compiles fast)."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = [re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs]
    return "[" + "".join(parts) + "]"


def _optional(pattern: str) -> str:
    """``(?:x|)`` rather than ``(?:x)?``: a branch is much cheaper than a repeat in ``re``."""
    return f"(?:{pattern}|)"


def _count(low: int, high: int) -> str:
    return f"{{{low}}}" if low == high else f"{{{low},{high}}}"


def _trie(words: list[str]) -> str:
    """An alternation of literal codes factored by first character (fails fast)."""
    if words == [""]:
        return ""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[:1], []).append(word[1:])
    options = []
    for head, rests in groups.items():
        if head == "":
            continue
        sub = _trie(sorted(r for r in rests if r))
        optional = "" in rests
        if sub:
            options.append(re.escape(head) + (_optional(sub) if optional else f"(?:{sub})"))
        else:
            options.append(re.escape(head))
    return "(?:" + "|".join(options) + ")"


def _sequence(patterns: list[str], mandatory: list[bool], notes: tuple[Note, ...], sep: str, tail: str) -> str:
    """``sep e1 sep e2 ...``, truncatable after the last mandatory element, notes enforced.

    Elements a syntax note spans form a window whose allowed presence combinations are
    spelled out (windows are small: at most seven elements in these tables); the rest of
    the segment follows the window once, so patterns grow linearly.
    """
    windows = _windows(notes)
    n = len(patterns)
    rest, rest_optional = tail, True
    position = n
    while position >= 1:
        window = next((w for w in windows if w[1] == position), None)
        if window is None:
            body = sep + (patterns[position - 1] if mandatory[position - 1] else _optional(patterns[position - 1]))
            if mandatory[position - 1]:
                rest, rest_optional = body + rest, False
            elif rest_optional:
                rest = _optional(body + rest)
            else:
                rest = body + rest
            position -= 1
            continue
        first, last = window
        span = list(range(first, last + 1))
        in_window = [(k, ps) for k, ps in notes if first <= min(ps) and max(ps) <= last]
        full = [c for c in product((True, False), repeat=len(span)) if _allowed(c, span, in_window, mandatory)]
        full_pattern = _combo_trie(full, span, patterns, sep)
        if rest_optional:
            cuts = [
                c
                for size in range(len(span))
                for c in product((True, False), repeat=size)
                if _allowed(c + (False,) * (len(span) - size), span, in_window, mandatory)
            ]
            cut_pattern = _combo_trie(cuts, span, patterns, sep) if cuts else "(?!)"
            rest = f"(?:{full_pattern}{rest}|{cut_pattern})"
            rest_optional = any(len(c) == 0 for c in cuts)
        else:
            rest = full_pattern + rest
        position = first - 1
    return rest


def _windows(notes: tuple[Note, ...]) -> list[tuple[int, int]]:
    spans = sorted((min(ps), max(ps)) for _, ps in notes)
    merged: list[list[int]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def _allowed(combo: tuple[bool, ...], span: list[int], notes: list[Note], mandatory: list[bool]) -> bool:
    present = dict(zip(span, combo, strict=False))
    if any(mandatory[p - 1] and not present[p] for p in span):
        return False
    for kind, ps in notes:
        flags = [present[p] for p in ps]
        if kind == "P" and any(flags) and not all(flags):
            return False
        if kind == "R" and not any(flags):
            return False
        if kind == "E" and sum(flags) > 1:
            return False
        if kind == "C" and flags[0] and not all(flags[1:]):
            return False
        if kind == "L" and flags[0] and not any(flags[1:]):
            return False
    return True


def _combo_trie(combos: list[tuple[bool, ...]], span: list[int], patterns: list[str], sep: str, depth: int = 0) -> str:
    """Alternation over presence combinations (present: ``sep pattern``; empty: ``sep``)."""
    ends = any(len(c) == depth for c in combos)
    options = []
    for flag in (True, False):
        group = [c for c in combos if len(c) > depth and c[depth] is flag]
        if group:
            head = sep + (patterns[span[depth] - 1] if flag else "")
            options.append(head + _combo_trie(group, span, patterns, sep, depth + 1))
    if ends:
        options.append("")
    if len(options) == 1:
        return options[0]
    return "(?:" + "|".join(options) + ")"
