"""Segments to envelopes: Interchange > FunctionalGroup > TransactionSet.

Two ways in:

* :func:`read` streams *events* in constant memory: ``("interchange", Interchange)`` at
  each ISA, ``("group", FunctionalGroup)`` at each GS, ``("set", TransactionSet)`` for
  every complete set, ``("group_end", FunctionalGroup)`` at GE,
  ``("interchange_end", Interchange)`` at IEA, and ``("stray", Segment)`` for a
  segment outside any envelope. Envelope objects carry headers, trailers and counts
  but do not keep their children, so a 1 GB file never sits in memory.
* :func:`parse` builds the whole tree (children kept) for files that fit in memory.

The parser never raises on a structural problem: a missing SE/GE/IEA, a set outside a
group, a stray segment become :class:`~edi.x12.model.EnvelopeIssue` objects with the
acknowledgement code they map to. Only unreadable input raises
:class:`~edi.x12.errors.X12SyntaxError` (from the tokenizer).
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter

from .model import EnvelopeIssue, FunctionalGroup, Interchange, Segment, TransactionSet
from .tokenize import CHUNK_SIZE, Source, Tokenizer

__all__ = ["Event", "read", "parse", "iter_sets"]

Event = tuple[str, object]

_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE"})
#: Interchange-level control segments that may appear between ISA and the groups.
_SERVICE = frozenset({"TA1", "TA3", "ISX", "ISB", "ISE"})
_first = itemgetter(0)


def read(source: Source, keep: bool = False, chunk_size: int = CHUNK_SIZE) -> Iterator[Event]:
    """Stream envelope events from ``source`` (see the module docstring).

    With ``keep=True`` groups and sets are also attached to their parents, which is
    what :func:`parse` uses.
    """
    tokenizer = Tokenizer(source, chunk_size)
    ic: Interchange | None = None
    group: FunctionalGroup | None = None
    ts: TransactionSet | None = None
    body: list[Segment] | None = None

    def close_set(code: str, message: str) -> TransactionSet:
        nonlocal ts, body
        assert ts is not None
        done = ts
        done.issues.append(EnvelopeIssue("set", code, message))
        ts = body = None
        return done

    def close_group(code: str, message: str) -> FunctionalGroup:
        nonlocal group
        assert group is not None
        done = group
        done.issues.append(EnvelopeIssue("group", code, message))
        group = None
        return done

    raw: list[str] | None = None  # the current set's segment texts, while every chunk has them
    for batch in tokenizer.batches():
        raws = getattr(batch, "raws", None)
        # Find the envelope segments with C-level list scans, then move whole runs of
        # body segments with one slice+extend: no Python bytecode per body segment.
        ids = list(map(_first, batch))
        marks: list[int] = []
        for tag in _ENVELOPE.intersection(ids):
            i = -1
            try:
                while True:
                    i = ids.index(tag, i + 1)
                    marks.append(i)
            except ValueError:
                pass
        marks.sort()
        marks.append(len(batch))
        prev = 0
        for mark in marks:
            if prev < mark:
                if body is not None:
                    body.extend(batch[prev:mark])
                    if raw is not None:
                        if raws is None:
                            raw = ts.raw = None  # type: ignore[union-attr]
                        else:
                            raw.extend(raws[prev:mark])
                else:
                    for seg in batch[prev:mark]:
                        sid = seg[0]
                        if ic is not None and group is None and sid in _SERVICE:
                            ic.service_segments.append(seg)
                            continue
                        if ic is not None:
                            where = "functional group" if group is not None else "interchange"
                            ic.issues.append(
                                EnvelopeIssue(
                                    "interchange",
                                    "024",
                                    f"segment {sid!r} outside a transaction set in the {where}",
                                    seg,
                                )
                            )
                        yield ("stray", seg)
            if mark == len(batch):
                break
            prev = mark + 1
            seg = batch[mark]
            sid = seg[0]
            if sid == "ST":
                if ts is not None:
                    yield ("set", close_set("2", f"transaction set {ts.control_number!r} has no SE before the next ST"))
                body = []
                raw = [] if raws is not None else None
                if group is not None:
                    group.set_count += 1
                ts = TransactionSet(seg, body, None, group, group.set_count if group else 1, raw=raw)
                if group is None:
                    ts.issues.append(EnvelopeIssue("set", "18", "transaction set is not inside a functional group"))
                elif keep:
                    group.sets.append(ts)
            elif sid == "SE":
                if ts is None:
                    if ic is not None:
                        ic.issues.append(EnvelopeIssue("interchange", "024", "SE without a matching ST", seg))
                    yield ("stray", seg)
                    continue
                ts.trailer = seg
                done, ts, body = ts, None, None
                yield ("set", done)
            elif sid == "GS":
                if ts is not None:
                    yield ("set", close_set("2", "transaction set has no SE before the next GS"))
                if group is not None:
                    yield ("group_end", close_group("3", f"functional group {group.control_number!r} has no GE"))
                if ic is None:
                    yield ("stray", seg)
                    continue
                ic.group_count += 1
                group = FunctionalGroup(seg, ic)
                if keep:
                    ic.groups.append(group)
                yield ("group", group)
            elif sid == "GE":
                if ts is not None:
                    yield ("set", close_set("2", "transaction set has no SE before GE"))
                if group is None:
                    if ic is not None:
                        ic.issues.append(EnvelopeIssue("interchange", "024", "GE without a matching GS", seg))
                    yield ("stray", seg)
                    continue
                group.trailer = seg
                done_group, group = group, None
                yield ("group_end", done_group)
            elif sid == "ISA":
                if ts is not None:
                    yield ("set", close_set("2", "transaction set has no SE before the next ISA"))
                if group is not None:
                    yield ("group_end", close_group("3", "functional group has no GE before the next ISA"))
                if ic is not None:
                    ic.issues.append(EnvelopeIssue("interchange", "023", "interchange has no IEA before the next ISA"))
                    yield ("interchange_end", ic)
                assert tokenizer.delimiters is not None
                ic = Interchange(seg, tokenizer.delimiters)
                for code, message in tokenizer.isa_issues:
                    ic.issues.append(EnvelopeIssue("interchange", code, message, seg))
                tokenizer.isa_issues.clear()
                yield ("interchange", ic)
            else:  # IEA
                if ts is not None:
                    yield ("set", close_set("2", "transaction set has no SE before IEA"))
                if group is not None:
                    yield ("group_end", close_group("3", "functional group has no GE before IEA"))
                if ic is None:
                    yield ("stray", seg)
                    continue
                ic.trailer = seg
                done_ic, ic = ic, None
                yield ("interchange_end", done_ic)

    if ts is not None:
        yield ("set", close_set("2", "input ended inside a transaction set (no SE)"))
    if group is not None:
        yield ("group_end", close_group("3", "input ended inside a functional group (no GE)"))
    if ic is not None:
        ic.issues.append(EnvelopeIssue("interchange", "023", "input ended before the IEA"))
        yield ("interchange_end", ic)


def parse(source: Source) -> list[Interchange]:
    """Read the whole file into a tree of interchanges (use :func:`read` for big files)."""
    return [obj for kind, obj in read(source, keep=True) if kind == "interchange"]  # type: ignore[misc]


def iter_sets(source: Source) -> Iterator[TransactionSet]:
    """Every transaction set of ``source``, streamed; ``ts.group.interchange`` are headers."""
    for kind, obj in read(source):
        if kind == "set":
            yield obj  # type: ignore[misc]
