"""The fast path (one regex per set, cached segment orders) reports exactly what the full walk does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edi.x12.errors import SegmentError, X12SyntaxError
from edi.x12.model import Delimiters, Segment
from edi.x12.parse import iter_sets
from edi.x12.schema import get_schema
from edi.x12.set_checks import _check_all, check_body
from tests.conftest import corpus_params


def summary(errors: list[SegmentError]) -> list[tuple]:
    return [
        (
            e.segment_id,
            e.position,
            e.loop_id,
            e.effective_code,
            [(x.position, x.component, x.repetition, x.code) for x in e.elements],
        )
        for e in errors
    ]


def same_as_full_walk(
    body: list[Segment], trailer: Segment | None, set_id: str, version: str, delimiters: Delimiters
) -> None:
    schema = get_schema(set_id, version)
    assert schema is not None
    fast, _ = check_body(body, trailer, schema, delimiters)
    full, _ = _check_all(body, trailer, schema, delimiters)
    assert summary(fast) == summary(full)
    again, _ = check_body(body, trailer, schema, delimiters)  # the segment order is now cached
    assert summary(again) == summary(full)


@pytest.mark.parametrize("path", corpus_params("x12/"))
def test_corpus_sets(path: Path) -> None:
    try:
        sets = list(iter_sets(path.read_bytes()))
    except X12SyntaxError:
        return
    for ts in sets:
        if get_schema(ts.id, ts.version) is not None:
            same_as_full_walk(ts.segments, ts.trailer, ts.id, ts.version, ts.delimiters)


BASE = [
    "BEG*00*SA*PO123**20240115",
    "REF*DP*038",
    "DTM*002*20240201*1200",
    "N1*ST*ACME STORE*92*0012",
    "N3*100 MAIN ST",
    "N4*SPRINGFIELD*IL*62701*US",
    "PO1*1*5*EA*12.34**UP*012345678901*VN*SKU1",
    "PID*F****WIDGET",
    "PO4*12*1*EA",
    "SAC*C*D240***1500",
    "CTT*1*5",
]
VALUES = st.text(alphabet="0123456789ABZaz .-+>^:é\x07\x1e\xad", max_size=12)  # never "*": it splits elements


@settings(max_examples=300, deadline=None)
@given(
    segment=st.integers(0, len(BASE) - 1),
    element=st.integers(1, 12),
    value=VALUES,
    version=st.sampled_from(["004010", "005010"]),
)
def test_mutated_elements(segment: int, element: int, value: str, version: str) -> None:
    delimiters = Delimiters("*", ">", "~", "^" if version == "005010" else None)
    body = [Segment(s.split("*")) for s in BASE]
    target = body[segment]
    while len(target) <= element:
        target.append("")
    target[element] = value
    trailer = Segment(["SE", str(len(body) + 2), "0001"])
    same_as_full_walk(body, trailer, "850", version, delimiters)


@settings(max_examples=150, deadline=None)
@given(order=st.permutations(BASE[1:-1]), cut=st.integers(0, 3))
def test_shuffled_segments(order: list[str], cut: int) -> None:
    body = [Segment(s.split("*")) for s in [BASE[0], *order[cut:], BASE[-1]]]
    trailer = Segment(["SE", str(len(body) + 2), "0001"])
    same_as_full_walk(body, trailer, "850", "004010", Delimiters())
