"""GS1 check digits: SSCC-18 shipping container codes and GTIN/UPC item numbers.

A mistyped SSCC on an ASN means a carton the retailer's receiving cannot match, and a
compliance chargeback; a wrong GTIN, the wrong item. Partners whose profile asks for it
(``rules.gs1_check_digits``) have every SSCC, GTIN and UPC of their documents checked.
"""

from __future__ import annotations

__all__ = ["check_digit", "valid_sscc", "sscc_problem", "gtin_problem"]

#: GTIN-8, UPC-A (GTIN-12), EAN-13 (GTIN-13), GTIN-14
_GTIN_LENGTHS = (8, 12, 13, 14)


def check_digit(digits: str) -> str:
    """GS1 mod-10 check digit: weights 3, 1, 3, ... from the rightmost data digit."""
    if not digits.isdigit():
        raise ValueError(f"GS1 data must be digits: {digits!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


def valid_sscc(code: str) -> bool:
    """18 digits whose last is the check digit of the first 17."""
    return sscc_problem(code) is None and len(code) == 18


def sscc_problem(code: str) -> str | None:
    """Why ``code`` is not an SSCC-18 (18 digits, or 20 with the application identifier
    ``00`` in front, as MAN*GM often carries it), or None when it is one."""
    digits = code[2:] if len(code) == 20 and code.startswith("00") else code
    if len(digits) != 18 or not digits.isdigit():
        return "an SSCC is 18 digits (or 20 with the application identifier 00)"
    return _check(digits)


def gtin_problem(code: str) -> str | None:
    """Why ``code`` is not a GTIN-8/12/13/14 with its check digit, or None when it is one."""
    if len(code) not in _GTIN_LENGTHS or not code.isdigit():
        return "a GTIN is 8, 12, 13 or 14 digits"
    return _check(code)


def _check(digits: str) -> str | None:
    expected = check_digit(digits[:-1])
    return None if digits[-1] == expected else f"check digit is {digits[-1]}, should be {expected}"
