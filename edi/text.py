"""Partner text and numbers made safe to hand on, and the one exact JSON writer.

* Text: the X12 reader decodes input as UTF-8 with ``surrogateescape`` so that every
  byte is kept and written back exactly (a Latin-1 ``é`` becomes the lone surrogate
  ``\\udce9``). Validation rejects such elements (AK4 ``6``), but envelope fields and
  error texts can still carry them, and neither JSON (orjson, PostgreSQL ``jsonb``) nor
  a UTF-8 stream accepts a lone surrogate. :func:`as_text` shows them as ``\\xe9``.
* Numbers: amounts are :class:`~decimal.Decimal`, never float, and bounded
  (:func:`in_range`), since ``Decimal("1e999999999")`` is valid but a gigabyte written out.
* :func:`json_text` writes JSON with Decimals as exact numbers (:func:`decimal_text`):
  canonical documents, the store's JSON columns, sink payloads and API answers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson

__all__ = ["as_text", "as_text_json", "decimal_text", "in_range", "json_text", "MAX_SCALE"]

#: Largest magnitude (10**28) and finest fraction (10**-28) a number may have.
MAX_SCALE = 28


def as_text(value: str) -> str:
    """``value`` unchanged when it is valid Unicode without NUL; else each undecodable byte,
    and each NUL (which PostgreSQL text cannot hold), as ``\\xNN``."""
    if "\x00" in value:
        value = value.replace("\x00", "\\x00")
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def as_text_json(data: Any) -> Any:
    """A copy of JSON-like ``data`` (dicts, lists, strings, ...) with every string :func:`as_text`."""
    if isinstance(data, str):
        return as_text(data)
    if isinstance(data, dict):
        return {as_text(k) if isinstance(k, str) else k: as_text_json(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [as_text_json(v) for v in data]
    return data


def in_range(value: Decimal) -> bool:
    """Finite, and neither larger than 10**MAX_SCALE nor finer than 10**-MAX_SCALE.

    A partner's ``21e30000`` is a valid number to :class:`~decimal.Decimal`, but written
    out plainly (JSON, X12) it is 30,002 digits, and ``1e999999999`` a gigabyte: every
    reader of partner numbers refuses what is out of range, precisely, before anything
    is written.
    """
    return value.is_finite() and -MAX_SCALE <= value.adjusted() <= MAX_SCALE


def decimal_text(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros ("12.50" -> "12.5", 1E+2 -> "100").

    Exact: no context rounding (``normalize`` would round past 28 significant digits).
    Raises ValueError for a number out of range (:func:`in_range`), whose text would be
    absurdly long, rather than writing it.
    """
    if not in_range(value):
        raise ValueError(f"number out of range: {value:.6e}")
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def json_text(data: Any, indent: int | None = None, default: Callable[[Any], Any] | None = None) -> str:
    """``data`` as JSON text: compact (no spaces), or with ``indent=2`` exactly as
    ``json.dumps(indent=2, ensure_ascii=False)`` would write it.

    Decimals become exact numbers (orjson takes their plain text as a pre-serialized
    fragment: no float on the way); texts holding undecodable partner bytes are shown as
    ``\\xNN`` and non-string keys written as strings, as the ``json`` module does (both
    on a second pass, so the usual case pays for neither). ``default`` handles further
    types (it is called only for types orjson does not know).
    """
    if indent not in (None, 2):
        raise ValueError("JSON is written compact or with an indent of 2")
    encode = _encode_decimal if default is None else _with_default(default)
    option = orjson.OPT_INDENT_2 if indent else 0
    try:
        return orjson.dumps(data, default=encode, option=option).decode()
    except TypeError:  # undecodable partner bytes in a text (an envelope field, an error), or a non-str key
        return orjson.dumps(as_text_json(data), default=encode, option=option | orjson.OPT_NON_STR_KEYS).decode()


def _encode_decimal(value: Any) -> Any:
    """orjson's hook for the types it does not know (it calls this only for those)."""
    if isinstance(value, Decimal):
        return orjson.Fragment(decimal_text(value))
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _with_default(default: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def encode(value: Any) -> Any:
        return orjson.Fragment(decimal_text(value)) if isinstance(value, Decimal) else default(value)

    return encode
