"""edi.text: partner text with undecodable bytes made safe for JSON and UTF-8 streams."""

from __future__ import annotations

from decimal import Decimal

import orjson
from hypothesis import given
from hypothesis import strategies as st

from edi.text import as_text, as_text_json, json_text


def test_valid_text_is_returned_unchanged() -> None:
    for value in ("", "ACME", "café", "株式会社", "emoji \U0001f600"):
        assert as_text(value) is value


def test_escaped_bytes_are_shown_as_hex_and_other_lone_surrogates_as_unicode_escapes() -> None:
    assert as_text(b"CAF\xe9 \xff".decode("utf-8", "surrogateescape")) == "CAF\\xe9 \\xff"
    assert as_text("a\ud800b") == "a\\ud800b"
    assert as_text("12\x0034") == "12\\x0034"  # NUL: PostgreSQL text cannot hold it


def test_json_like_data_is_copied_with_every_string_made_text() -> None:
    bad = "9\udcff004010"
    data = {"source": {"version": bad}, bad: [bad, 1, None, 2.5], "n": 3}
    assert as_text_json(data) == {
        "source": {"version": "9\\xff004010"},
        "9\\xff004010": ["9\\xff004010", 1, None, 2.5],
        "n": 3,
    }


@given(st.binary(max_size=64))
def test_any_bytes_read_with_surrogateescape_become_serializable_text(raw: bytes) -> None:
    text = as_text(raw.decode("utf-8", "surrogateescape"))
    assert orjson.loads(orjson.dumps(text)) == text
    assert "\x00" not in text  # PostgreSQL text cannot hold a NUL
    if raw.isascii():
        assert text == raw.decode().replace("\x00", "\\x00")


def test_json_text_writes_exact_decimals_valid_text_and_string_keys() -> None:
    data = {"price": Decimal("12345.123456789012"), "qty": Decimal("12.50"), "who": "ACME\udcff", 1: "one"}
    assert json_text(data) == '{"price":12345.123456789012,"qty":12.5,"who":"ACME\\\\xff","1":"one"}'
    assert json_text({"a": [1, Decimal("2.0")]}, indent=2) == '{\n  "a": [\n    1,\n    2\n  ]\n}'
