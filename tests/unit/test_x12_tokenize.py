"""Tokenizer and envelope parser: delimiters, tolerance, streaming, structure issues."""

from __future__ import annotations

import io

import pytest

from edi.x12.errors import X12SyntaxError
from edi.x12.parse import iter_sets, parse, read
from edi.x12.tokenize import Tokenizer, detect_delimiters

ISA = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*U*00401*000000001*0*P*>~"
ISA5 = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000002*1*T*:~"
BODY = (
    "GS*PO*SENDER*RECEIVER*20240101*1200*1*X*004010~"
    "ST*850*0001~BEG*00*SA*PO123**20240101~PO1*1*10*EA*9.5**BP*ABC~CTT*1~SE*5*0001~"
    "GE*1*1~IEA*1*000000001~"
)
GOOD = ISA + BODY


def ids(data: bytes | str, **kw: int) -> list[str]:
    raw = data.encode() if isinstance(data, str) else data
    return [seg[0] for seg in Tokenizer(raw, **kw)]


def test_delimiters_from_isa() -> None:
    d, end, isa = detect_delimiters(ISA5 + "GS*")
    assert (d.element, d.component, d.segment, d.repetition) == ("*", ":", "~", "^")
    assert end == len(ISA5)
    assert isa.split("*")[13] == "000000002"


def test_repetition_separator_only_from_00402() -> None:
    d, _, _ = detect_delimiters(ISA)
    assert d.repetition is None


@pytest.mark.parametrize(
    "variant",
    [
        GOOD,
        "\ufeff" + GOOD,  # BOM
        "  \r\n\t" + GOOD,  # leading whitespace
        GOOD.replace("~", "~\r\n"),  # CRLF after terminators
        GOOD.replace("~", "~\n"),  # LF after terminators
        GOOD.replace("~", "~\n    "),  # pretty-printed, indented
        GOOD + "\n\x00\x00\x00",  # NUL padding at the end
    ],
    ids=["plain", "bom", "leading-ws", "crlf", "lf", "indented", "nul-padding"],
)
def test_tolerated_layouts_give_the_same_segments(variant: str) -> None:
    assert ids(variant) == ids(GOOD) == ["ISA", "GS", "ST", "BEG", "PO1", "CTT", "SE", "GE", "IEA"]


def test_newline_as_terminator() -> None:
    text = GOOD.replace("*>~", "*>\n").replace("~", "\n")
    sets = list(iter_sets(text.encode()))
    assert [s[0] for s in sets[0].all_segments()] == ["ST", "BEG", "PO1", "CTT", "SE"]
    assert sets[0].delimiters.segment == "\n"


def test_crlf_as_terminator() -> None:
    text = GOOD.replace("*>~", "*>\r\n").replace("~", "\r\n")
    assert ids(text) == ids(GOOD)


def test_line_break_inside_isa_is_dropped() -> None:
    broken = ISA[:60] + "\n" + ISA[60:] + BODY
    ic = parse(broken.encode())[0]
    assert ic.header == parse(GOOD.encode())[0].header


def test_unpadded_isa() -> None:
    isa = "ISA*00**00**ZZ*S*ZZ*R*240101*1200*U*00401*000000001*0*P*>~"
    ic = parse((isa + BODY).encode())[0]
    assert ic.sender_id == "S" and ic.delimiters.component == ">"
    assert len(ic.groups[0].sets) == 1


def test_multibyte_terminator() -> None:
    text = GOOD.replace("~", "\u2026")
    ic = parse(text.encode("utf-8"))[0]
    assert ic.delimiters.segment == "\u2026"
    assert [s[0] for s in ic.groups[0].sets[0].all_segments()] == ["ST", "BEG", "PO1", "CTT", "SE"]


def test_non_utf8_bytes_survive() -> None:
    raw = GOOD.replace("ABC", "CAF\xc9").encode("latin-1")
    seg = parse(raw)[0].groups[0].sets[0].segments[1]
    assert seg[7].encode("utf-8", "surrogateescape") == b"CAF\xc9"


def test_several_interchanges_with_their_own_delimiters() -> None:
    second = (ISA5 + BODY.replace("000000001", "000000002")).replace("*", "|").replace("~", "'")
    second = second.replace("|:'", "|:'")  # ISA16 stays ':'
    ics = parse((GOOD + "\r\n" + second).encode())
    assert [ic.delimiters.element for ic in ics] == ["*", "|"]
    assert [ic.delimiters.segment for ic in ics] == ["~", "'"]
    assert [len(ic.groups[0].sets) for ic in ics] == [1, 1]
    assert ics[1].delimiters.repetition == "^"


def test_release_character_from_isx() -> None:
    isa = ISA.replace("00401", "00704")
    body = BODY.replace("BEG*00*SA*PO123", "ISX*?~BEG*00*SA*PO?*12?~3").replace("GS*PO", "GS*PO", 1)
    # the ISX belongs right after the ISA
    body = body.replace("ISX*?~", "")
    text = isa + "ISX*?~" + body
    ic = parse(text.encode())[0]
    assert ic.delimiters.release == "?"
    beg = ic.groups[0].sets[0].segments[0]
    assert beg[3] == "PO*12~3"
    assert [s[0] for s in ic.service_segments] == ["ISX"]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 64, 1 << 20])
def test_chunk_boundaries_do_not_matter(chunk: int) -> None:
    text = (GOOD.replace("~", "~\r\n    ") * 3).encode()
    assert ids(text, chunk_size=chunk) == ids(text)


def test_stream_source() -> None:
    assert ids(io.BytesIO(GOOD.encode()).read()) == [s[0] for s in Tokenizer(io.BytesIO(GOOD.encode()))]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", None),
        (b"GS*PO*X~", "022"),
        (b"ISA", "023"),
        (b"ISA*00*          *00", "023"),
        (b"ISAA00A", "026"),
        (ISA.replace("*>~", "*>A").encode(), "004"),
    ],
)
def test_unreadable_input(data: bytes, code: str | None) -> None:
    if code is None:
        assert list(Tokenizer(data)) == []
        return
    with pytest.raises(X12SyntaxError) as err:
        list(Tokenizer(data))
    assert err.value.ta1_code == code


def test_missing_isa16_is_read_and_flagged() -> None:
    text = ISA.replace("*>~", "*~\n") + BODY.replace("~", "~\n")
    ic = parse(text.encode())[0]
    assert ic.delimiters.segment == "~"
    assert [i.code for i in ic.issues] == ["027"]
    assert len(ic.groups[0].sets) == 1


def test_structure_issues_are_data_not_exceptions() -> None:
    text = ISA + "GS*PO*S*R*20240101*1200*1*X*004010~ST*850*0001~BEG*00*SA*1**20240101~ST*850*0002~SE*2*0002~"
    events = list(read(text.encode()))
    kinds = [k for k, _ in events]
    assert kinds == ["interchange", "group", "set", "set", "group_end", "interchange_end"]
    first, second = events[2][1], events[3][1]
    assert [i.code for i in first.issues] == ["2"]  # no SE
    assert second.issues == []
    assert [i.code for i in events[4][1].issues] == ["3"]  # no GE
    assert [i.code for i in events[5][1].issues] == ["023"]  # no IEA


def test_set_outside_group_and_stray_segments() -> None:
    text = ISA + "ST*850*0001~BEG*00~SE*3*0001~REF*ZZ*X~IEA*0*000000001~JUNK*1~"
    events = list(read(text.encode()))
    ts = next(o for k, o in events if k == "set")
    assert [i.code for i in ts.issues] == ["18"]
    strays = [o[0] for k, o in events if k == "stray"]
    assert strays == ["REF", "JUNK"]
    ic = next(o for k, o in events if k == "interchange_end")
    assert "024" in [i.code for i in ic.issues]


def test_streaming_keeps_no_children() -> None:
    text = (ISA + BODY).encode()
    for kind, obj in read(text):
        if kind == "group_end":
            assert obj.sets == [] and obj.set_count == 1
        if kind == "interchange_end":
            assert obj.groups == [] and obj.group_count == 1


def test_every_interchange_keeps_its_own_layout() -> None:
    """The line break after terminators is read per interchange (acks echo it back)."""
    first = GOOD.replace("~", "~\n")
    second = GOOD.replace("000000001", "000000002").replace("~", "~\r\n")
    ics = parse((first + second + first.replace("000000001", "000000003")).encode())
    assert [ic.delimiters.suffix for ic in ics] == ["\n", "\r\n", "\n"]
    assert [ic.control_number for ic in ics] == ["000000001", "000000002", "000000003"]
