"""Partner numbers: exact, and refused when out of range instead of exploding on output.

``Decimal("21e30000")`` is a valid number, and X12 R elements and cXML attributes may
carry exponents; written out plainly it is 30,002 digits (``1e999999999``: a gigabyte).
Every reader refuses such a number with a precise error, the model refuses it from the
REST API, and ``decimal_text`` never writes one.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import SAMPLES
from translators.canonical import Order, decimal_text, in_range, to_json
from translators.translate import translate_bytes
from translators.xml_mapping import load_mapping, translate_mapped_xml


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("12.50", "12.5"),
        ("1E+2", "100"),
        ("0E+5", "0"),
        ("-0.00", "0"),
        (".58", "0.58"),
        ("0008", "8"),
        # more significant digits than the default context's 28: exact, never rounded
        ("1234567890123456789012345678.1234567890123", "1234567890123456789012345678.1234567890123"),
    ],
)
def test_decimal_text_is_plain_and_exact(value: str, text: str) -> None:
    assert decimal_text(Decimal(value)) == text


@pytest.mark.parametrize("value", ["21e30000", "1e999999999", "1e-40", "Infinity", "NaN"])
def test_numbers_out_of_range_are_refused_not_written(value: str) -> None:
    assert not in_range(Decimal(value))
    with pytest.raises(ValueError, match="out of range"):
        decimal_text(Decimal(value))
    with pytest.raises(ValidationError):
        Order.model_validate({"po_number": "1", "lines": [{"line_number": "1", "quantity": value}]})


def test_an_x12_quantity_with_a_huge_exponent_is_a_precise_error() -> None:
    data = (SAMPLES / "x12/850/bigbox_5010_dropship.edi").read_bytes()
    line = next(s for s in data.split(b"~") if s.strip().startswith(b"PO1*1*"))
    fields = line.split(b"*")
    fields[2] = b"2E30000"
    result = translate_bytes(data.replace(line, b"*".join(fields), 1))
    [error] = result.errors
    assert "out of range" in error.message and "AK403:6 PO102@13" in error.codes
    assert len(to_json(result.as_dict())) < 10_000


def test_a_cxml_quantity_with_a_huge_exponent_is_a_precise_error() -> None:
    path = SAMPLES / "cxml/OrderRequest/delete.xml"
    data = path.read_bytes().replace(b'quantity="3"', b'quantity="21e30000"', 1)
    assert b"21e30000" in data
    [error] = translate_bytes(data).errors
    assert "@quantity '21e30000' is out of range" in error.message and error.codes == ["cxml:400"]


def test_a_partner_xml_quantity_with_a_huge_exponent_is_a_precise_error() -> None:
    xml: Path = SAMPLES / "xml/acme-order.xml"
    data = xml.read_bytes().replace(b">200<", b">1e999999999<", 1)
    [error] = translate_mapped_xml(data, load_mapping(SAMPLES / "xml/acme.mapping.yaml")).errors
    assert "1e999999999" in error.message
