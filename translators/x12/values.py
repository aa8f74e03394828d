"""Element value converters: X12 text <-> canonical Python values, both directions.

A converter is a pair of plain functions so the mapping tables can name it once and
the reader and writer both use it. Conversion failures raise :class:`ValueError`
carrying the AK403 element error code the problem maps to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from translators.canonical import decimal_text, in_range

__all__ = ["Conv", "ElementValueError", "TEXT", "DATE", "DECIMAL", "IMPLIED2", "codes", "parse_date", "format_date"]


class ElementValueError(ValueError):
    """A value that cannot be converted; ``code`` is its AK403 element error code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Conv:
    """How one element reads (X12 text -> value) and writes (value -> X12 text)."""

    read: Callable[[str], Any]
    write: Callable[[Any], str]


def parse_date(text: str) -> dt.date:
    """CCYYMMDD (DT, 004010+) or YYMMDD (older versions, window 1950..2049)."""
    try:
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 6 and text.isdigit():
            year = int(text[:2])
            return dt.date(year + (2000 if year < 50 else 1900), int(text[2:4]), int(text[4:]))
    except ValueError:
        pass
    raise ElementValueError(f"invalid date {text!r}", "8")


def format_date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def _parse_decimal(text: str) -> Decimal:
    """R type: exactly as sent (``.58``, ``-5``, ``0008``); no float ever."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ElementValueError(f"invalid number {text!r}", "6") from None
    if not in_range(value):
        raise ElementValueError(f"number {text!r} is out of range", "6")
    return value


def _parse_implied2(text: str) -> Decimal:
    """N2 type: digits with two implied decimal places (``12345`` -> ``123.45``)."""
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit():
        raise ElementValueError(f"invalid implied-decimal number {text!r}", "6")
    return Decimal(text).scaleb(-2)


def _format_implied2(value: Decimal) -> str:
    cents = value.scaleb(2)
    if cents != cents.to_integral_value():
        raise ValueError(f"{value} has more than 2 decimal places and cannot be written as an N2 element")
    return str(int(cents))


TEXT = Conv(str, str)
DATE = Conv(parse_date, format_date)
DECIMAL = Conv(_parse_decimal, decimal_text)
IMPLIED2 = Conv(_parse_implied2, _format_implied2)


def codes(table: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> Conv:
    """Code list <-> canonical names; unknown codes (and names) pass through unchanged.

    ``aliases`` are extra canonical spellings other formats produce (cXML "detail",
    "standard"...), accepted on writing only, so X12 round trips stay exact.
    """
    reverse = {name: code for code, name in table.items()}
    if len(reverse) != len(table):
        raise ValueError("code table must be one-to-one so round trips are exact")
    reverse = {**(aliases or {}), **reverse}
    return Conv(lambda code: table.get(code, code), lambda name: reverse.get(name, name))
