"""Streaming X12 tokenizer: bytes in, :class:`~edi.x12.model.Segment` batches out.

Hand-written rather than taken from a library on purpose: the tokenizer is the hot
loop of every inbound file, and the fastest thing CPython can do is let ``str.split``
cut a whole chunk at C speed and wrap each piece in a ``list`` subclass. pyx12 and the
other pure-Python readers walk character by character or per segment through several
method calls and run an order of magnitude slower (see ``bench/x12_parse.py``).

What it tolerates, because real partners send it:

* a UTF-8 BOM and whitespace before the ISA, NUL padding at the end;
* CR, LF or CRLF after terminators, a newline used as the terminator itself, and line
  breaks inside the ISA (CR/LF are not X12 data characters, so when they are not the
  terminator they are dropped);
* ISAs whose fixed-width fields are not padded (delimiters are found by counting
  element separators, not by fixed offsets);
* multi-byte UTF-8 terminators (input is decoded as UTF-8 with ``surrogateescape`` so
  bytes that are not UTF-8 survive a round trip unchanged);
* several interchanges per file, each with its own delimiters;
* a release character declared in an ISX segment (X12 7040+).

Memory stays constant: the source is read in chunks and only the unfinished tail of a
chunk is carried over.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterable, Iterator
from itertools import repeat
from typing import BinaryIO, Union

from .errors import X12SyntaxError
from .model import Delimiters, Segment

__all__ = ["Batch", "Source", "Tokenizer", "detect_delimiters", "open_source", "CHUNK_SIZE"]

#: Small chunks keep each batch of segments young for the garbage collector (measured:
#: 16 KiB parses ~2x faster than 1 MiB on CPython 3.11) and memory flat.
CHUNK_SIZE = 1 << 14
Source = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]", BinaryIO]

_LINE_BREAKS = "\r\n"
_WHITESPACE = " \t\r\n\x00\ufeff"
_BAD_SEPARATORS = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz ")


def open_source(source: Source) -> BinaryIO:
    """A binary stream over ``source`` (bytes, a path, or an already open binary file)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(bytes(source))
    if isinstance(source, (str, os.PathLike)):
        return open(source, "rb")  # noqa: SIM115 - closed by the tokenizer
    if isinstance(getattr(source, "read", None), type(None)):
        raise TypeError(f"cannot read X12 from {type(source).__name__}")
    return source


def detect_delimiters(text: str) -> tuple[Delimiters, int, str]:
    """Read the delimiters from an ISA at the start of ``text``.

    Returns ``(delimiters, end, isa_text)`` where ``end`` is the index just past the
    ISA's terminator and ``isa_text`` the ISA without its terminator (line breaks
    inside it removed). Raises :class:`X12SyntaxError` with the TA1 code that fits.
    """
    if not text.startswith("ISA"):
        raise X12SyntaxError("interchange does not start with ISA", "022", 0)
    if len(text) < 4:
        raise X12SyntaxError("input ends inside the ISA segment", "023", len(text))
    element = text[3]
    if element in _BAD_SEPARATORS or element in _LINE_BREAKS:
        raise X12SyntaxError(f"invalid data element separator {element!r} in ISA", "026", 3)
    seen, i, n = 0, 3, len(text)
    while i < n and seen < 16:
        if text[i] == element:
            seen += 1
        i += 1
    while i < n and text[i] in _LINE_BREAKS:  # a line break right after the 16th separator
        i += 1
    if seen < 16 or i + 1 >= n:
        raise X12SyntaxError("input ends inside the ISA segment (fewer than 16 elements)", "023", n)
    component, terminator = text[i], text[i + 1]
    end = i + 2
    if terminator in _LINE_BREAKS and component not in _BAD_SEPARATORS:
        # ISA16 left out: the character read as ISA16 really is the terminator when the
        # next segment ends with it too (seen in the wild, e.g. "...*T*~\nGS*...~\n").
        nl = text.find("\n", end)
        if nl > end and text[nl - 1 - (text[nl - 1] == "\r")] == component:
            terminator, component, end = component, "", i + 1
    if terminator == "\r" and text[end : end + 1] == "\n":
        terminator, end = "\n", end + 1  # CRLF as terminator: split on LF, drop CR
    if terminator in _BAD_SEPARATORS or terminator == element:
        raise X12SyntaxError(f"invalid segment terminator {terminator!r} in ISA", "004", i + 1)
    if component and (component in _BAD_SEPARATORS or component in (element, terminator)):
        raise X12SyntaxError(f"invalid component element separator {component!r} in ISA", "027", i)
    isa_text = text[: i + 1] if component else text[:i]
    if terminator not in _LINE_BREAKS:
        isa_text = isa_text.replace("\r", "").replace("\n", "")
    else:
        isa_text = isa_text.replace("\r", "")
    fields = isa_text.split(element)
    repetition = None
    if len(fields) > 12 and fields[12] >= "00402" and len(fields[11]) == 1:
        rep = fields[11]
        if rep not in _BAD_SEPARATORS and rep not in (element, component, terminator):
            repetition = rep
    suffix = ""
    j = end
    while j < n and text[j] in _LINE_BREAKS and terminator not in _LINE_BREAKS:
        j += 1
    suffix = text[end:j]
    delimiters = Delimiters(
        element=element,
        component=component or "\x1f",  # unit separator: never in data, so nothing splits
        segment=terminator,
        repetition=repetition,
        suffix=suffix,
    )
    return delimiters, end, isa_text


class Batch(list[Segment]):
    """One chunk's segments; ``raws`` keeps each segment's text (elements still joined).

    The validator matches a whole set's text against a compiled pattern; handing it the
    text the tokenizer already had saves re-joining every segment. None where the text
    is not the plain element join (release characters, indented layouts).
    """

    __slots__ = ("raws",)

    def __init__(self, segments: Iterable[Segment] = ()) -> None:
        super().__init__(segments)
        self.raws: list[str] | None = None


class Tokenizer:
    """Iterate over the segments of one X12 file or stream, in constant memory.

    ``delimiters`` holds the delimiters of the interchange the last yielded segment
    belongs to; it changes at every ISA. ``isa_issues`` collects the problems found
    while reading ISAs (e.g. an ISA16 that is missing) as ``(code, message)`` pairs for
    the parser to attach to the interchange.
    """

    def __init__(self, source: Source, chunk_size: int = CHUNK_SIZE) -> None:
        self._stream = open_source(source)
        self._owns = not hasattr(source, "read")
        self._chunk_size = chunk_size
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
        self._buf = ""
        self._eof = False
        self.delimiters: Delimiters | None = None
        self.isa_issues: list[tuple[str, str]] = []
        self.bytes_read = 0

    # -- reading -------------------------------------------------------------------
    def _read(self) -> bool:
        """Append one chunk to the buffer; False at end of input."""
        if self._eof:
            return False
        chunk = self._stream.read(self._chunk_size)
        self.bytes_read += len(chunk)
        if not chunk:
            self._eof = True
            self._buf += self._decoder.decode(b"", final=True)
            return False
        self._buf += self._decoder.decode(chunk)
        return True

    def close(self) -> None:
        if self._owns:
            self._stream.close()

    def __iter__(self) -> Iterator[Segment]:
        for batch in self.batches():
            yield from batch

    # -- tokenizing ----------------------------------------------------------------
    def batches(self) -> Iterator[list[Segment]]:
        """Yield lists of segments, one list per chunk read (the fast interface)."""
        try:
            first = True
            while True:
                if not self._between_interchanges(first):
                    return
                first = False
                yield from self._interchange()
        finally:
            self.close()

    def _between_interchanges(self, first: bool) -> bool:
        """Skip to the next ISA and read its delimiters; False at end of input.

        Anything between an IEA and the next ISA that is not whitespace is yielded
        (via ``_pending``) as stray segments, so the parser can report it.
        """
        while True:
            stripped = self._buf.lstrip(_WHITESPACE)
            if len(stripped) < 256 and not self._eof:
                self._read()
                continue
            self._buf = stripped
            if not stripped:
                return False
            if stripped.startswith("ISA"):
                break
            if first or self.delimiters is None:
                raise X12SyntaxError("input does not start with an ISA segment", "022", 0)
            # stray text after an IEA: hand it over as segments with the old delimiters
            term = self.delimiters.segment
            cut = stripped.find(term)
            while cut < 0 and self._read():
                stripped = self._buf.lstrip(_WHITESPACE)
                cut = stripped.find(term)
            raw = stripped if cut < 0 else stripped[:cut]
            self._buf = "" if cut < 0 else stripped[cut + len(term) :]
            self._stray = Segment(raw.replace("\r", "").replace("\n", "").split(self.delimiters.element))
            return True
        while True:
            try:
                delimiters, end, isa_text = detect_delimiters(self._buf)
                break
            except X12SyntaxError as exc:
                if exc.ta1_code == "023" and self._read():
                    continue
                raise
        if delimiters.component == "\x1f":
            self.isa_issues.append(("027", "ISA16 component element separator is missing"))
        self._isa = Segment(isa_text.split(delimiters.element))
        self._isx = None
        self._buf = self._buf[end:]
        isx = self._buf.lstrip(_LINE_BREAKS)
        if isx.startswith("ISX" + delimiters.element):
            # X12 7040+: ISX01 declares the release character for this interchange.
            # The ISX itself is cut here: its own release character would escape it.
            rel = isx[4:5]
            if rel and rel not in delimiters.chars() and rel not in _BAD_SEPARATORS:
                delimiters = _with_release(delimiters, rel)
            stop = 5 if isx[5:6] == delimiters.segment else isx.find(delimiters.segment, 5)
            stop = len(isx) if stop < 0 else stop
            self._isx = Segment(isx[:stop].split(delimiters.element))
            self._buf = isx[stop + len(delimiters.segment) :]
        self.delimiters = delimiters
        self._stray = None
        return True

    _stray: Segment | None = None
    _isa: Segment | None = None
    _isx: Segment | None = None

    def _interchange(self) -> Iterator[list[Segment]]:
        """Yield the segments of one interchange, up to and including its IEA."""
        if self._stray is not None:
            yield [self._stray]
            return
        d = self.delimiters
        assert d is not None and self._isa is not None
        yield [self._isa] if self._isx is None else [self._isa, self._isx]
        term, elem, release = d.segment, d.element, d.release
        strip = [c for c in _LINE_BREAKS if c not in d.chars()]
        pretty, first = False, True
        while True:
            if not self._eof and self._buf.rfind(term) < 0:
                self._read()
                continue
            raw = self._buf
            cut = len(raw) if self._eof else raw.rfind(term) + len(term)
            raw_body, rest = raw[:cut], raw[cut:]
            body = raw_body
            if strip:
                if first:  # pretty-printed (indented) segments are decided on the first chunk
                    pretty = "\n " in body or "\n\t" in body
                    first = False
                for c in strip:
                    if c in body:
                        body = body.replace(c, "")
            if self._eof:
                body = body.rstrip("\x00 \t" + "".join(strip))
            boundary = _boundary(body, term, elem)
            if boundary is not None:
                # hand the rest back unstripped: the next interchange reads its own layout
                raw_pos = _after_nth(raw_body, term, body.count(term, 0, boundary))
                body, rest = body[:boundary], raw_body[raw_pos:] + rest
            self._buf = rest
            if release:
                segments = _split_released(body, d)
            elif pretty:
                segments = [Segment(raw.lstrip(" \t").split(elem)) for raw in body.split(term) if raw.strip(" \t")]
            else:
                raws = body.split(term)
                if raws and not raws[-1]:
                    raws.pop()  # the body ends with a terminator
                if "" in raws:
                    raws = [raw for raw in raws if raw]
                segments = Batch(map(Segment, map(str.split, raws, repeat(elem))))
                segments.raws = raws
            if segments:
                yield segments
            if boundary is not None or (self._eof and not self._buf):
                return


def _after_nth(text: str, term: str, n: int) -> int:
    """Index just past the ``n``-th ``term`` in ``text`` (0 for ``n == 0``)."""
    pos = 0
    for _ in range(n):
        pos = text.index(term, pos) + len(term)
    return pos


def _boundary(body: str, term: str, elem: str) -> int | None:
    """Index in ``body`` where the current interchange ends (after IEA, before an ISA)."""
    found: list[tuple[int, str]] = []
    for tag in ("IEA", "ISA"):
        key = tag + elem
        if body.startswith(key):
            found.append((0, tag))
        else:
            pos = body.find(term + key)
            if pos >= 0:
                found.append((pos + len(term), tag))
    if not found:
        return None
    pos, tag = min(found)
    if tag == "ISA":
        return pos
    end = body.find(term, pos)
    return len(body) if end < 0 else end + len(term)


def _with_release(d: Delimiters, release: str) -> Delimiters:
    return Delimiters(d.element, d.component, d.segment, d.repetition, release, d.suffix)


def _split_escaped(text: str, sep: str, release: str) -> list[str]:
    """Split ``text`` on ``sep`` except where ``sep`` follows the release character."""
    parts = text.split(sep)
    out: list[str] = []
    carry: str | None = None
    for part in parts:
        if carry is not None:
            part = carry + sep + part
            carry = None
        # an odd number of trailing release characters escapes the separator
        trailing = len(part) - len(part.rstrip(release))
        if trailing % 2 == 1:
            carry = part[:-1]
            continue
        out.append(part)
    if carry is not None:
        out.append(carry)
    return out


def _unescape(value: str, release: str) -> str:
    if release not in value:
        return value
    out, i, n = [], 0, len(value)
    while i < n:
        c = value[i]
        if c == release and i + 1 < n:
            out.append(value[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _split_released(body: str, d: Delimiters) -> list[Segment]:
    """Slow path for interchanges with a release character (rare; correctness first).

    Every escaped character is unescaped here; a released component separator inside
    a composite is therefore indistinguishable from a real one afterwards (no
    transaction set this project maps uses composites with such data).
    """
    assert d.release is not None
    rel = d.release
    segments = []
    for raw in _split_escaped(body, d.segment, rel):
        if not raw:
            continue
        elements = _split_escaped(raw, d.element, rel)
        segments.append(Segment(_unescape(e, rel) if rel in e else e for e in elements))
    return segments
