"""Property-based tests: mutated X12 never raises anything but the engine's documented errors."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.x12.ack import AckWriter, iter_validated
from edi.x12.control import InMemoryAllocator
from edi.x12.errors import X12Error
from edi.x12.parse import parse, read
from edi.x12.serialize import serialize_interchange, to_bytes

VALID = (
    b"ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*000000001*0*P*>~\n"
    b"GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010~\n"
    b"ST*850*0001~\nBEG*00*SA*PO123**20240101~\nN1*ST*STORE 1*92*0001~\n"
    b"PO1*1*10*EA*9.5**BP*ABC*VP*X-1~\nPO1*2*1*CS*19.99**UP*012345678905~\nCTT*2~\nSE*7*0001~\n"
    b"GE*1*1~\nIEA*1*000000001~\n"
)

mutation = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, len(VALID) - 1), st.integers(1, 8)),
    st.tuples(st.just("insert"), st.integers(0, len(VALID)), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("replace"), st.integers(0, len(VALID) - 1), st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("truncate"), st.integers(0, len(VALID) - 1), st.just(0)),
)


def mutate(data: bytes, ops: list[tuple[str, int, object]]) -> bytes:
    for op, pos, arg in ops:
        pos = min(pos, len(data))
        if op == "delete":
            data = data[:pos] + data[pos + int(arg) :]  # type: ignore[call-overload]
        elif op == "insert":
            data = data[:pos] + arg + data[pos:]  # type: ignore[operator]
        elif op == "replace":
            data = data[:pos] + arg + data[pos + len(arg) :]  # type: ignore[arg-type, operator]
        else:
            data = data[:pos]
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutations_only_raise_engine_errors(ops: list[tuple[str, int, object]]) -> None:
    data = mutate(VALID, ops)
    try:
        events = list(read(data))
    except X12Error:
        return
    for kind, _obj in events:
        assert kind in {"interchange", "group", "set", "group_end", "interchange_end", "stray"}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(st.characters(codec="ascii", exclude_characters="*~>^\r\n"), max_size=6), min_size=1, max_size=5
        ),
        min_size=1,
        max_size=6,
    )
)
def test_arbitrary_segment_data_round_trips(rows: list[list[str]]) -> None:
    body = "".join("ZZ" + str(i) + "*" + "*".join(r) + "~" for i, r in enumerate(rows))
    text = (
        "ISA*00*          *00*          *ZZ*S              *ZZ*R              *240101*1200*^*00501*000000001*0*P*>~"
        "GS*PO*S*R*20240101*1200*1*X*005010~ST*850*0001~" + body + "SE*2*0001~GE*1*1~IEA*1*000000001~"
    )
    ic = parse(text.encode())[0]
    segs = ic.groups[0].sets[0].segments
    assert [s[1:] for s in segs] == rows
    again = parse(to_bytes(serialize_interchange(ic)))[0]
    assert [list(s) for s in again.groups[0].sets[0].segments] == [list(s) for s in segs]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=1, max_size=4))
def test_mutations_validate_and_acknowledge_without_surprises(ops: list[tuple[str, int, object]]) -> None:
    """Parse + validate + 997/999/TA1 on damaged input: results or X12Error, never anything else."""
    data = mutate(VALID, ops)
    writer = AckWriter(InMemoryAllocator())
    try:
        for result, envelope in iter_validated(data):
            assert result.status in {"A", "E", "R"}
            for ack in writer.write(result, envelope):
                assert ack.text.startswith("ISA")
                assert parse(ack.to_bytes())  # what we send back is readable X12 itself
    except X12Error:
        return
