"""SSCC-18 serial shipping container codes for the simulated WMS (check digits: :mod:`translators.gs1`)."""

from __future__ import annotations

from translators.gs1 import check_digit, valid_sscc

__all__ = ["check_digit", "sscc18", "valid_sscc"]


def sscc18(company_prefix: str, serial: int, extension: int = 0) -> str:
    """Extension digit + GS1 company prefix + serial reference (17 digits) + check digit."""
    width = 16 - len(company_prefix)
    if not company_prefix.isdigit() or not 6 <= len(company_prefix) <= 12:
        raise ValueError(f"GS1 company prefix must be 6-12 digits: {company_prefix!r}")
    if not 0 <= extension <= 9 or not 0 <= serial < 10**width:
        raise ValueError(f"serial {serial} does not fit {width} digits (or extension {extension} not 0-9)")
    data = f"{extension}{company_prefix}{serial:0{width}d}"
    return data + check_digit(data)
