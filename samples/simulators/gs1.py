"""GS1 check digits and SSCC-18 serial shipping container codes (what an 856 MAN*GM carries)."""

from __future__ import annotations

__all__ = ["check_digit", "sscc18", "valid_sscc"]


def check_digit(digits: str) -> str:
    """GS1 mod-10 check digit: weights 3, 1, 3, ... from the rightmost data digit."""
    if not digits.isdigit():
        raise ValueError(f"GS1 data must be digits: {digits!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str(-total % 10)


def sscc18(company_prefix: str, serial: int, extension: int = 0) -> str:
    """Extension digit + GS1 company prefix + serial reference (17 digits) + check digit."""
    width = 16 - len(company_prefix)
    if not company_prefix.isdigit() or not 6 <= len(company_prefix) <= 12:
        raise ValueError(f"GS1 company prefix must be 6-12 digits: {company_prefix!r}")
    if not 0 <= extension <= 9 or not 0 <= serial < 10**width:
        raise ValueError(f"serial {serial} does not fit {width} digits (or extension {extension} not 0-9)")
    data = f"{extension}{company_prefix}{serial:0{width}d}"
    return data + check_digit(data)


def valid_sscc(code: str) -> bool:
    return len(code) == 18 and code.isdigit() and check_digit(code[:-1]) == code[-1]
