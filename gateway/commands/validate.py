"""``edigw validate FILE [--ack 997|999|ta1]``: validation report or acknowledgement.

The file is streamed in one pass (:func:`~edi.x12.ack.iter_validated` keeps one
interchange's results, never its segments): a 60 MB file validates in about 40 MB of
RSS. Without ``--ack`` the report goes to stdout; with it stdout carries only the
acknowledgement X12 and the report goes to stderr, so
``edigw validate f.edi --ack 997 > f.997`` gives a file ready to send. Control numbers
come from a fresh in-memory allocator (the gateway's store allocates the real ones).

Exit codes: 0 everything accepted, 1 anything rejected or accepted with errors, 2 the
file is missing or cannot be read as X12 at all.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from edi.x12.ack import AckWriter, iter_validated
from edi.x12.control import InMemoryAllocator
from edi.x12.errors import (
    ELEMENT_CODES,
    GROUP_CODES,
    SEGMENT_CODES,
    SET_CODES,
    TA1_CODES,
    GroupResult,
    InterchangeResult,
    SegmentError,
    SetResult,
    X12SyntaxError,
)

__all__ = ["run", "format_result", "exit_code"]

_STATUS = {"A": "accepted", "E": "accepted with errors", "P": "partially accepted", "R": "rejected"}


def run(file: str, ack: str | None) -> int:
    """Validate ``file``; print the report or the ``ack`` kind; return the exit code."""
    path = Path(file)
    if not path.is_file():
        print(f"edigw validate: cannot read {file}: no such file", file=sys.stderr)
        return 2
    try:
        worst = _validate(path, ack)
    except X12SyntaxError as exc:
        where = f" at character {exc.offset}" if exc.offset is not None else ""
        print(
            f"edigw validate: {file} is not readable X12{where}: {exc} (TA1 note {exc.ta1_code}: "
            f"{TA1_CODES.get(exc.ta1_code, 'unknown')})",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:
        print(f"edigw validate: cannot read {file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    if worst is None:
        print(f"edigw validate: {file} holds no X12 interchange", file=sys.stderr)
        return 2
    return worst


def _validate(path: Path, kind: str | None) -> int | None:
    """Report every interchange and print its acks when asked; None when there is none.

    The report goes to stdout, or to stderr when stdout carries the acks.
    """
    report = sys.stdout if kind is None else sys.stderr
    writer = AckWriter(InMemoryAllocator())
    tally: Counter[str] = Counter()
    worst: int | None = None
    for result, envelope in iter_validated(path):
        _echo(format_result(result), report)
        worst = max(worst or 0, exit_code(result))
        tally["interchange"] += 1
        tally.update("group" for _ in result.groups)
        tally.update(ts.status for g in result.groups for ts in g.sets)
        if kind is not None:
            acks = writer.write(result, envelope, kind=kind)
            if acks and acks[0].kind != kind:
                print(f"interchange {result.control_number} is rejected: it gets only a TA1", file=sys.stderr)
            for ack in acks:
                sys.stdout.buffer.write(ack.to_bytes())
                tally["ack"] += 1
    if worst is None:
        return None
    sets = sum(tally[s] for s in _STATUS)
    detail = ", ".join(f"{tally[s]} {_STATUS[s]}" for s in _STATUS if tally[s])
    print(
        f"summary: {tally['interchange']} interchange(s), {tally['group']} group(s), {sets} set(s)"
        + (f" ({detail})" if detail else ""),
        file=report,
    )
    if kind is not None:
        sys.stdout.buffer.flush()
        if not tally["ack"]:
            print(f"nothing to acknowledge with a {kind} (acknowledgements are not acknowledged)", file=sys.stderr)
    return worst


def exit_code(result: InterchangeResult) -> int:
    """0 when the interchange and every group in it were accepted without errors."""
    ok = result.status == "A" and all(g.status == "A" for g in result.groups)
    return 0 if ok else 1


def _echo(lines: Iterator[str], stream: TextIO) -> None:
    for line in lines:
        print(line, file=stream)


def _code(code: str, table: dict[str, str]) -> str:
    return f"{code} {table.get(code, '(unknown code)')}"


def format_result(result: InterchangeResult) -> Iterator[str]:
    """The readable report of one interchange, one line at a time."""
    yield (
        f"interchange {result.control_number} {result.sender_qualifier}:{result.sender_id} -> "
        f"{result.receiver_qualifier}:{result.receiver_id} (ISA12 {result.version}): "
        f"{_STATUS[result.status]} (TA1 {result.status} {result.note_code})"
    )
    for code in result.notes or ([] if result.note_code == "000" else [result.note_code]):
        yield f"  error TA1 {_code(code, TA1_CODES)}"
    if result.ack_requested:
        yield "  TA1 requested (ISA14=1)"
    for group in result.groups:
        yield from _format_group(group)


def _format_group(group: GroupResult) -> Iterator[str]:
    accepted = 0 if group.status == "R" else group.accepted_count
    yield (
        f"  group {group.control_number} {group.functional_id} {group.version}: {_STATUS[group.status]} "
        f"(AK9 {group.status}), {group.included} included, {group.received} received, {accepted} accepted"
    )
    for code in group.codes:
        yield f"    error AK9 {_code(code, GROUP_CODES)}"
    for ts in group.sets:
        yield from _format_set(ts)


def _format_set(ts: SetResult) -> Iterator[str]:
    ref = f" {ts.implementation_reference}" if ts.implementation_reference else ""
    yield f"    set {ts.set_id} {ts.control_number}{ref}: {_STATUS[ts.status]} (AK5 {ts.status})"
    for code in ts.codes:
        yield f"      error AK5 {_code(code, SET_CODES)}"
    for warning in ts.warnings:
        yield f"      warning: {warning}"
    for error in ts.segment_errors:
        yield from _format_segment(error)


def _format_segment(error: SegmentError) -> Iterator[str]:
    loop = f", loop {error.loop_id}" if error.loop_id else ""
    why = f": {error.message}" if error.message else ""
    yield (
        f"      segment {error.segment_id} at position {error.position}{loop}: "
        f"AK3 {_code(error.effective_code, SEGMENT_CODES)}{why}"
    )
    for el in error.elements:
        name = f"{error.segment_id}{el.position:02d}"
        if el.component:
            name += f"-{el.component}"
        if el.repetition:
            name += f" repetition {el.repetition}"
        ref = f" (element {el.reference})" if el.reference else ""
        data = f" [{el.data!r}]" if el.data is not None else ""
        why = f": {el.message}" if el.message else ""
        yield f"        element {name}{ref}: AK4 {_code(el.code, ELEMENT_CODES)}{why}{data}"
