"""Envelope checks: ISA/IEA (TA105 codes), GS/GE (AK905) and ST/SE (AK502).

Each function looks at one envelope level and returns the codes it finds, in the order
a reader of the segment would meet them; structural problems the parser already found
(missing trailers, stray segments) arrive as :class:`~edi.x12.model.EnvelopeIssue`
codes and are merged by the validator.

ISA field widths: the ISA is a fixed-length segment (106 characters), but many real
files pad nothing (``ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*...``) and the tokenizer reads
them anyway. With ``strict_widths`` (the default) a field of the wrong width gets the
TA105 code of that field (``011`` ISA02, ``013`` ISA04, ``006`` ISA06, ``008`` ISA08),
which rejects the interchange as the standard says. A partner known to send unpadded
ISAs can be accepted with ``strict_widths=False``: then only the values are checked
(trailing spaces ignored, IDs not blank). Date, time and control number widths are part
of their value (``YYMMDD``, ``HHMM``, nine digits) and are always checked.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from .element_checks import valid_date, valid_time
from .model import FunctionalGroup, Interchange, Segment, TransactionSet
from .serialize import ISA_WIDTHS

__all__ = [
    "isa_codes",
    "iea_codes",
    "gs_codes",
    "ge_codes",
    "st_codes",
    "se_codes",
    "group_version_supported",
    "set_supported",
    "SupportedSets",
]

_AUTH_QUALIFIERS = frozenset({"00", "01", "02", "03", "04", "05", "06"})
_SECURITY_QUALIFIERS = frozenset({"00", "01"})
#: I05 interchange id qualifiers.
_ID_QUALIFIERS = frozenset([f"{n:02d}" for n in range(1, 39) if n not in (5, 6)] + ["AM", "NR", "SA", "SN", "ZZ"])
#: ISA position -> TA105 code for a field whose width or padding is wrong.
_WIDTH_CODES = {2: "011", 4: "013", 6: "006", 8: "008"}


def isa_codes(isa: Segment, *, strict_widths: bool = True) -> list[str]:
    """TA105 codes for the ISA's own fields (ISA01..ISA15; ISA16 is the tokenizer's)."""
    codes: list[str] = []
    field = [isa.get(i) for i in range(17)]
    if field[1] not in _AUTH_QUALIFIERS:
        codes.append("010")
    if field[3] not in _SECURITY_QUALIFIERS:
        codes.append("012")
    if field[5].strip() not in _ID_QUALIFIERS:
        codes.append("005")
    if field[7].strip() not in _ID_QUALIFIERS:
        codes.append("007")
    for position, code in _WIDTH_CODES.items():
        value = field[position]
        wrong_width = len(value) != ISA_WIDTHS[position - 1]
        blank_id = position in (6, 8) and not value.strip()
        if blank_id or _unreadable(value) or (strict_widths and wrong_width) or len(value) > ISA_WIDTHS[position - 1]:
            codes.append(code)
    if len(field[9]) != 6 or not valid_date(field[9]):
        codes.append("014")
    if len(field[10]) != 4 or not valid_time(field[10]):
        codes.append("015")
    version = field[12]
    if len(version) != 5 or not version.isdigit():
        codes.append("017")
    elif (version < "00402" and field[11] != "U") or len(field[11]) != 1:
        codes.append("016")  # before 00402 ISA11 is the standards id "U"; later the repetition separator
    if len(field[13]) != 9 or not field[13].isdigit():
        codes.append("018")
    if field[14] not in ("0", "1"):
        codes.append("019")
    if field[15] not in ("P", "T", "I"):
        codes.append("020")
    return codes


def iea_codes(ic: Interchange) -> list[str]:
    """IEA02 = ISA13 (001) and IEA01 = number of groups (021); none when IEA is missing."""
    iea = ic.trailer
    if iea is None:
        return []
    codes = []
    if iea.get(2) != ic.control_number:
        codes.append("001")
    count = iea.get(1)
    if not count.isdigit() or int(count) != ic.group_count:
        codes.append("021")
    return codes


def group_version_supported(version: str, supported_versions: Collection[str] | None) -> bool:
    """GS08 matches one of ``supported_versions`` (a prefix: ``004010`` admits ``004010VICS``)."""
    return supported_versions is None or any(version.startswith(v) for v in supported_versions)


#: ST01 values accepted, or ST01 -> the GS08 version prefixes it is accepted in (None: any)
SupportedSets = Collection[str] | Mapping[str, Collection[str] | None]


def set_supported(set_id: str, version: str, supported_sets: SupportedSets | None) -> bool:
    """ST01 is one of ``supported_sets`` and, where they name versions, in one of those."""
    if supported_sets is None:
        return True
    if set_id not in supported_sets:
        return False
    versions = supported_sets[set_id] if isinstance(supported_sets, Mapping) else None
    return group_version_supported(version, versions)


def _unreadable(value: str) -> bool:
    """A control character or an undecodable byte (a lone surrogate): never an identifier,
    and nothing downstream can hold it as text (PostgreSQL refuses NUL, JSON surrogates)."""
    return any(ord(c) < 0x20 or ord(c) == 0x7F or 0xD800 <= ord(c) <= 0xDFFF for c in value)


def gs_codes(
    group: FunctionalGroup,
    supported_versions: Collection[str] | None = None,
    supported_functional_ids: Collection[str] | None = None,
) -> list[str]:
    """AK905 codes of the GS: functional id (1), version (2), control number syntax (6)."""
    codes = []
    fid = group.functional_id
    if (
        len(fid) != 2
        or not fid.isalnum()
        or (supported_functional_ids is not None and fid not in supported_functional_ids)
    ):
        codes.append("1")
    version = group.version  # GS08: AN 1/12
    if (
        not version
        or len(version) > 12
        or not version.isprintable()
        or not group_version_supported(version, supported_versions)
    ):
        codes.append("2")
    control = group.control_number
    if not control.isdigit() or len(control) > 9:
        codes.append("6")
    return codes


def ge_codes(group: FunctionalGroup) -> list[str]:
    """GE02 = GS06 (4) and GE01 = number of sets (5); none when GE is missing."""
    ge = group.trailer
    if ge is None:
        return []
    codes = []
    if ge.get(2) != group.control_number:
        codes.append("4")
    count = ge.get(1)
    if not count.isdigit() or int(count) != group.set_count:
        codes.append("5")
    return codes


def st_codes(ts: TransactionSet) -> list[str]:
    """ST01 three digits (6), ST02 4..9 characters (7)."""
    codes = []
    set_id = ts.id
    if len(set_id) != 3 or not set_id.isdigit():
        codes.append("6")
    control = ts.control_number
    if not 4 <= len(control) <= 9 or not control.isprintable() or control.strip() != control:
        codes.append("7")
    return codes


def se_codes(ts: TransactionSet) -> list[str]:
    """SE02 = ST02 (3), SE01 = segments from ST to SE inclusive (4); none when SE is missing."""
    se = ts.trailer
    if se is None:
        return []
    codes = []
    if se.get(2) != ts.control_number:
        codes.append("3")
    count = se.get(1)
    if not count.isdigit() or int(count) != len(ts.segments) + 2:
        codes.append("4")
    return codes
