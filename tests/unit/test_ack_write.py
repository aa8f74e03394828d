"""Ack writer on hand-built results: envelope, 997/999 spelling, statuses, TA1 rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from edi.x12.ack import (
    AckWriter,
    Context,
    ReceivedEnvelope,
    functional_kind,
    iter_envelopes,
    iter_validated,
    ta1_due,
    write_acks,
)
from edi.x12.ack_read import read_acks
from edi.x12.control import InMemoryAllocator
from edi.x12.errors import ElementError, GroupResult, InterchangeResult, SegmentError, SetResult
from edi.x12.model import Delimiters
from edi.x12.parse import parse
from edi.x12.validate import validate

NOW = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
D = Delimiters(suffix="\n")


def interchange(*groups: GroupResult, version: str = "00401", **kw: object) -> InterchangeResult:
    return InterchangeResult(
        "000000905", "ZZ", "PARTNER", "ZZ", "EDIGW", version, "260301", "0930", groups=list(groups), **kw
    )  # type: ignore[arg-type]


def group(
    version: str, *sets: SetResult, codes: tuple[str, ...] = (), fid: str = "PO", gs06: str = "77"
) -> GroupResult:
    return GroupResult(fid, gs06, version, list(sets), list(codes), included=len(sets), received=len(sets))


def bad_set(st02: str = "0002", *, reject: bool = True) -> SetResult:
    element = ElementError(1, "7", "invalid code", component=2, repetition=1, reference="98", data="XX")
    error = SegmentError("N1", 6, None, "element errors", loop_id="N1", elements=[element])
    return SetResult(
        "850", st02, "005010X999", codes=["5"] if reject else [], segment_errors=[error], reject_on_errors=reject
    )


def write(result: InterchangeResult, kind: str | None = None, received: ReceivedEnvelope | None = None):
    received = received or ReceivedEnvelope(result.control_number, D, "T", {"77": ("PGS", "OURGS")})
    return AckWriter(InMemoryAllocator(), clock=lambda: NOW).write(result, received, kind=kind)


def test_997_for_an_accepted_004010_group() -> None:
    (ack,) = write(interchange(group("004010", SetResult("850", "0001"))))
    assert ack.kind == "997"
    assert ack.text == (
        "ISA*00*          *00*          *ZZ*EDIGW          *ZZ*PARTNER        *260304*0506*U*00401*000000001*0*T*:~\n"
        "GS*FA*OURGS*PGS*20260304*0506*1*X*004010~\n"
        "ST*997*0001~\n"
        "AK1*PO*77~\n"
        "AK2*850*0001~\n"
        "AK5*A~\n"
        "AK9*A*1*1*1~\n"
        "SE*6*0001~\n"
        "GE*1*1~\n"
        "IEA*1*000000001~\n"
    )
    assert len(ack.text.splitlines()[0]) == 106  # fixed-width ISA with its terminator


def test_999_spells_errors_with_ik_segments_and_composites() -> None:
    (ack,) = write(interchange(group("005010X220A1", SetResult("850", "0001"), bad_set()), version="00501"))
    assert ack.kind == "999"
    lines = ack.text.splitlines()
    assert lines[0][82:90] == "^*00501*"  # repetition separator written for 00501
    assert lines[1:] == [
        "GS*FA*OURGS*PGS*20260304*0506*1*X*005010X231A1~",
        "ST*999*0001*005010X231A1~",
        "AK1*PO*77*005010X220A1~",
        "AK2*850*0001~",
        "IK5*A~",
        "AK2*850*0002*005010X999~",
        "IK3*N1*6*N1*8~",
        "IK4*1:2:1*98*7*XX~",
        "IK5*R*5~",
        "AK9*P*2*2*1~",
        "SE*10*0001~",
        "GE*1*1~",
        "IEA*1*000000001~",
    ]


def test_997_position_follows_the_version() -> None:
    (ack,) = write(interchange(group("004010", bad_set())))
    assert "AK4*1:2*98*7*XX~" in ack.text  # 004010 C030: no repetition position
    assert "AK2*850*0002~" in ack.text  # no AK203 before 005010
    (ack,) = write(interchange(group("003040", bad_set())))
    assert "AK4*1*98*7*XX~" in ack.text  # simple element before 004010
    assert "GS*FA*OURGS*PGS*20260304*0506*1*X*003040~" in ack.text


def test_forced_997_for_a_5010_group_keeps_5010_spelling() -> None:
    (ack,) = write(interchange(group("005010", bad_set()), version="00501"), kind="997")
    assert ack.kind == "997"
    assert "*X*005010~" in ack.text and "AK1*PO*77*005010~" in ack.text and "AK4*1:2:1*98*7*XX~" in ack.text


def test_forced_999_for_a_4010_group() -> None:
    (ack,) = write(interchange(group("004010", bad_set())), kind="999")
    assert ack.kind == "999" and "IK4*1:2:1*98*7*XX~" in ack.text


def test_accepted_with_errors_and_rejected_groups() -> None:
    (ack,) = write(interchange(group("004010", bad_set(reject=False))))
    assert "AK5*E*5~" in ack.text and "AK9*E*1*1*1~" in ack.text
    (ack,) = write(interchange(group("004010", SetResult("850", "0001"), codes=("5",))))
    assert "AK5*A~" in ack.text and "AK9*R*1*1*0*5~" in ack.text


def test_997_maps_999_only_codes() -> None:
    error = SegmentError("REF", 4, "I6", "dependent segment missing", elements=[ElementError(2, "I12", "pattern")])
    ts = SetResult("850", "0001", codes=["I5"], segment_errors=[error])
    (ack,) = write(interchange(group("004010", ts)))
    assert "AK3*REF*4**3~" in ack.text and "AK4*2**6~" in ack.text and "AK5*R*5~" in ack.text
    (ack,) = write(interchange(group("004010", ts)), kind="999")
    assert "IK3*REF*4**I6~" in ack.text and "IK4*2**I12~" in ack.text and "IK5*R*I5~" in ack.text


def test_bad_data_is_echoed_only_when_safe() -> None:
    element = ElementError(3, "5", "too long", data="A*B")
    ts = SetResult("850", "0001", codes=["5"], segment_errors=[SegmentError("BEG", 2, None, "", elements=[element])])
    (ack,) = write(interchange(group("004010", ts)))
    assert "AK4*3**5~" in ack.text
    element.data = "X" * 150
    (ack,) = write(interchange(group("004010", ts)))
    assert f"AK4*3**5*{'X' * 99}~" in ack.text


def test_ta1_rules() -> None:
    accepted = interchange(group("004010", SetResult("850", "0001")))
    assert not ta1_due(accepted)
    assert [a.kind for a in write(accepted, kind="ta1")] == ["ta1"]

    requested = interchange(group("004010", SetResult("850", "0001")), ack_requested=True)
    ta1, fa = write(requested)
    assert (ta1.kind, fa.kind) == ("ta1", "997")
    assert ta1.text.splitlines()[1:] == ["TA1*000000905*260301*0930*A*000~", "IEA*0*000000001~"]
    assert fa.control_number == "000000002"

    noted = interchange(group("004010", SetResult("850", "0001")), note_code="021", notes=["021"])
    assert [a.kind for a in write(noted)] == ["ta1", "997"]
    assert "TA1*000000905*260301*0930*E*021~" in write(noted)[0].text

    rejected = interchange(group("004010", SetResult("850", "0001")), note_code="001", notes=["001"])
    assert [a.kind for a in write(rejected)] == ["ta1"]
    assert [a.kind for a in write(rejected, kind="997")] == ["ta1"]
    assert "TA1*000000905*260301*0930*R*001~" in write(rejected)[0].text


def test_groups_split_by_kind_version_and_parties() -> None:
    result = interchange(
        group("004010", SetResult("850", "0001"), gs06="77"),
        group("004010", SetResult("810", "0001"), fid="IN", gs06="78"),
        group("005010", SetResult("856", "0001"), fid="SH", gs06="79"),
        group("004010", SetResult("997", "0001"), fid="FA", gs06="80"),  # never acknowledged
    )
    received = ReceivedEnvelope("000000905", D, "P", {"77": ("A", "B"), "78": ("A", "B"), "79": ("C", "D")})
    acks = write(result, received=received)
    assert [a.kind for a in acks] == ["997", "999"]
    assert acks[0].text.count("GS*FA*B*A*") == 1 and acks[0].text.count("ST*997") == 2
    assert "GE*2*1~" in acks[0].text and "*0*P*:~" in acks[0].text
    assert "GS*FA*D*C*" in acks[1].text and "ST*999*0003*" in acks[1].text
    assert "AK1*FA" not in acks[0].text


def test_envelope_uses_given_or_received_delimiters() -> None:
    result = interchange(group("004010", SetResult("850", "0001")))
    received = ReceivedEnvelope("000000905", Delimiters("|", ">", "\n"), "P", {})
    (ack,) = AckWriter(InMemoryAllocator(), clock=lambda: NOW).write(result, received)
    assert ack.text.startswith("ISA|00|") and "|>\nGS|FA|EDIGW|PARTNER|" in ack.text
    (ack,) = AckWriter(InMemoryAllocator(), clock=lambda: NOW, delimiters=Delimiters()).write(result, received)
    assert ack.text.startswith("ISA*00*") and "\n" not in ack.text


def test_received_envelope_of_another_interchange_is_ignored() -> None:
    result = interchange(group("004010", SetResult("850", "0001")))
    (ack,) = write(result, received=ReceivedEnvelope("000000001", Delimiters("|", ">", "!"), "T", {}))
    assert ack.text.startswith("ISA*00*") and "GS*FA*EDIGW*PARTNER*" in ack.text


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError):
        write(interchange(), kind="998")


def test_functional_kind() -> None:
    assert [functional_kind(v) for v in ("004010", "004010VICS", "003040", "005010X222A1", "006020", "", "X")] == [
        "997",
        "997",
        "997",
        "999",
        "999",
        "997",
        "997",
    ]


def test_iter_envelopes_streams_parties_and_delimiters() -> None:
    data = (
        b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*00501*000000001*0*T*>~\n"
        b"GS*PO*APPA*APPB*20260101*1200*5*X*005010~\nST*850*0001~\nSE*2*0001~\nGE*1*5~\nIEA*1*000000001~\n"
    )
    (env,) = iter_envelopes(data)
    assert env.control_number == "000000001" and env.usage == "T"
    assert env.group_parties == {"5": ("APPA", "APPB")}
    assert (env.delimiters.component, env.delimiters.repetition, env.delimiters.suffix) == (">", "^", "\n")


@pytest.mark.parametrize("kind", [None, "997", "999", "ta1"])
def test_written_acks_parse_and_read_back(kind: str | None) -> None:
    result = interchange(
        group("004010", SetResult("850", "0001"), bad_set("0002"), bad_set("0003", reject=False)),
        group("004010", SetResult("850", "0001"), codes=("4",), gs06="78"),
        ack_requested=True,
    )
    for ack in write(result, kind=kind):
        (ic,) = parse(ack.to_bytes())
        assert not ic.issues and all(not g.issues and all(not s.issues for s in g.sets) for g in ic.groups)
        for ts in (s for g in ic.groups for s in g.sets):
            assert int(ts.trailer.get(1)) == len(ts.all_segments())  # type: ignore[union-attr]
        (status,) = read_acks(ack.to_bytes())
        assert not status.issues
        if ack.kind == "ta1":
            assert status.ta1_for("905") is not None and status.ta1_for("905").status == "A"  # type: ignore[union-attr]
            continue
        for expected in result.groups:
            got = status.group(expected.control_number, expected.functional_id)
            assert got is not None and got.status == expected.status
            assert (got.included, got.received) == (expected.included, expected.received)
            assert got.codes == expected.codes
            for ts in expected.sets:
                acked = got.set(ts.control_number)
                assert acked is not None and acked.status == ts.status
                assert [(e.segment_id, e.position, e.code) for e in acked.segment_errors] == [
                    (e.segment_id, e.position, e.effective_code) for e in ts.segment_errors
                ]


def test_999_context_from_a_context_source() -> None:
    def context(ts: SetResult, error: SegmentError, element: ElementError | None) -> list[Context]:
        if element is None:
            return [Context("BEG03", "PO-1001")]
        return [Context(segment_id="N1", position=6, loop_id="N1", element=3, reference="66")]

    result = interchange(group("005010", bad_set()), version="00501")
    received = ReceivedEnvelope(result.control_number, D, "P", {})
    (ack,) = AckWriter(InMemoryAllocator(), clock=lambda: NOW, context=context).write(result, received)
    assert "IK3*N1*6*N1*8~\nCTX*BEG03:PO-1001~\nIK4*1:2:1*98*7*XX~\nCTX*SITUATIONAL TRIGGER*N1*6*N1*3*66~\n" in ack.text
    (status,) = read_acks(ack.to_bytes())
    seg = status.groups[0].sets[0].segment_errors[0]
    assert [c.get(1) for c in seg.context] == ["BEG03:PO-1001"] and len(seg.elements[0].context) == 1
    (ack,) = AckWriter(InMemoryAllocator(), clock=lambda: NOW, context=context).write(result, received, kind="997")
    assert "CTX" not in ack.text  # a 997 has no CTX


def test_iter_validated_pairs_each_result_with_its_envelope() -> None:
    first = (
        b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*U*00401*000000001*0*P*>~"
        b"GS*PO*APPA*APPB*20260101*1200*5*X*004010~ST*850*0001~SE*2*0001~GE*1*5~IEA*1*000000001~"
    )
    second = (
        b"ISA|00|          |00|          |ZZ|A              |ZZ|B              |260101|1200|^|00501|000000002|0|T|:!"
        b"GS|PO|APPC|APPD|20260101|1200|6|X|005010!ST|850|0001!SE|2|0001!GE|1|6!"
    )  # no IEA: the result still gets its envelope
    pairs = list(iter_validated(first + second))
    assert [(r.control_number, e.control_number) for r, e in pairs] == [("000000001",) * 2, ("000000002",) * 2]
    assert pairs[0][1].group_parties == {"5": ("APPA", "APPB")} and pairs[0][1].delimiters.element == "*"
    assert pairs[1][1].group_parties == {"6": ("APPC", "APPD")} and pairs[1][1].usage == "T"
    assert pairs[1][0].note_code == "023"


@pytest.mark.parametrize("kind", [None, "997", "999"])
def test_written_acks_pass_our_own_validator(kind: str | None) -> None:
    result = interchange(
        group("004010", SetResult("850", "0001"), bad_set("0002"), bad_set("0003", reject=False)),
        group("005010", SetResult("850", "0001"), bad_set("0002"), gs06="78"),
        ack_requested=True,
    )
    for ack in write(result, kind=kind):
        for checked in validate(ack.to_bytes()):
            assert checked.status == "A", checked
            assert all(g.status == "A" for g in checked.groups), [
                (g.codes, [s.segment_errors for s in g.sets]) for g in checked.groups
            ]


def test_write_acks_joins_what_is_due() -> None:
    result = interchange(group("004010", SetResult("850", "0001")), ack_requested=True)
    data = write_acks(result, allocator=InMemoryAllocator(), clock=lambda: NOW)
    assert data.count(b"ISA*") == 2 and data.index(b"TA1*") < data.index(b"ST*997")
