"""Element-level checks of one segment against its definition (AK4 / IK4 material).

This runs for every segment of every set, so it sticks to ``str`` methods, length
comparisons and set membership (no regular expressions, no per-element objects unless
something is wrong). Positions follow the standard: element 1 is ``XX01``; components
and repetitions are 1-based too.
"""

from __future__ import annotations

from .errors import ElementError
from .model import Segment
from .schema import ElementSpec, Note, SegmentSpec

__all__ = ["check_elements", "check_text", "value_error", "valid_date", "valid_time"]

_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ECHO = 99  # AK404 holds at most 99 characters


def valid_date(value: str) -> bool:
    """``CCYYMMDD`` or ``YYMMDD`` naming a real calendar day."""
    if not (value.isdigit() and value.isascii()) or len(value) not in (6, 8):
        return False
    year = int(value[:-4]) if len(value) == 8 else 2000 + int(value[:2])
    month, day = int(value[-4:-2]), int(value[-2:])
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month]:
        return False
    return not (month == 2 and day == 29) or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))


def valid_time(value: str) -> bool:
    """``HHMM``, ``HHMMSS`` or ``HHMMSSd..`` (24-hour clock)."""
    if not (value.isdigit() and value.isascii()) or len(value) not in (4, 6, 7, 8):
        return False
    if int(value[:2]) > 23 or int(value[2:4]) > 59:
        return False
    return len(value) == 4 or int(value[4:6]) <= 59


def _number_digits(value: str, real: bool) -> str | None:
    """The digits of a numeric value (sign and decimal point removed), None if not a number."""
    digits = value[1:] if value[0] == "-" else value
    if real:
        if "E" in digits:  # 005010+ allows an exponent: 1.5E3
            mantissa, _, exponent = digits.partition("E")
            exp = exponent[1:] if exponent[:1] == "-" else exponent
            if not (exp.isdigit() and exp.isascii()):
                return None
            digits = mantissa
        if "." in digits:
            digits = digits.replace(".", "", 1)
    return digits if digits.isdigit() and digits.isascii() else None


def value_error(value: str, typ: str, low: int, high: int, codes: frozenset[str] | None) -> str | None:
    """The AK403 code for a non-empty ``value`` of this type and size, or None when it is fine."""
    if typ == "AN":
        size = len(value)
        if size < low:
            return "4"
        if size > high:
            return "5"
        return None if value.isprintable() else "6"
    if typ == "ID":
        if codes is not None:
            return None if value in codes else "7"
        size = len(value)
        if size < low:
            return "4"
        if size > high:
            return "5"
        return None if value.isprintable() else "6"
    if typ == "DT" or typ == "TM":
        size = len(value)
        if size < low:
            return "4"
        if size > high:
            return "5"
        if typ == "DT":
            return None if valid_date(value) else "8"
        return None if valid_time(value) else "9"
    # N0..N9 and R: the length counts digits only
    digits = _number_digits(value, typ == "R")
    if digits is None:
        return "6"
    size = len(digits)
    if size < low:
        return "4"
    if size > high:
        return "5"
    return None


def _error(
    position: int,
    code: str,
    spec: ElementSpec,
    value: str | None,
    component: int | None = None,
    repetition: int | None = None,
) -> ElementError:
    ref, name = spec[0], spec[8]
    data = value[:_ECHO] if value else None
    return ElementError(position, code, _MESSAGES[code].format(name=name), component, repetition, ref, data)


_MESSAGES = {
    "1": "{name}: required element missing",
    "2": "{name}: conditionally required element missing",
    "3": "too many data elements",
    "4": "{name}: too short",
    "5": "{name}: too long",
    "6": "{name}: invalid character",
    "7": "{name}: invalid code value",
    "8": "{name}: invalid date",
    "9": "{name}: invalid time",
    "10": "{name}: exclusion condition violated",
    "12": "{name}: too many repetitions",
    "13": "{name}: too many components",
}


def check_elements(seg: Segment, spec: SegmentSpec, component: str, repetition: str | None) -> list[ElementError]:
    """Every AK4-level problem of ``seg`` (empty list when it is clean)."""
    errors: list[ElementError] = []
    count = len(seg) - 1
    for position, element in enumerate(spec.elements, 1):
        value = seg[position] if position <= count else ""
        if not value:
            if element[1]:
                errors.append(_error(position, "1", element, None))
            continue
        values = [value]
        if repetition is not None and repetition in value:
            values = value.split(repetition)
            if len(values) > element[7]:
                errors.append(_error(position, "12", element, value, repetition=element[7] + 1))
                values = values[: element[7]]
        for rep, item in enumerate(values, 1):
            if not item:
                continue  # an empty repetition
            rep_pos = rep if len(values) > 1 else None
            if element[6] is not None:
                _check_composite(item, position, element, component, rep_pos, errors)
            elif component in item:
                errors.append(_error(position, "13", element, item, component=2, repetition=rep_pos))
            else:
                code = value_error(item, element[2], element[3], element[4], element[5])
                if code is not None:
                    errors.append(_error(position, code, element, item, repetition=rep_pos))
    if count > len(spec.elements):  # the tail ``...N`` leaves unchecked: text all the same
        errors.extend(check_text(seg, len(spec.elements) + 1, min(count, spec.size), component, repetition))
    if count > spec.size:
        extra = next((i for i in range(spec.size + 1, count + 1) if seg[i]), None)
        if extra is not None:
            errors.append(ElementError(extra, "3", _MESSAGES["3"], data=seg[extra][:_ECHO]))
    if spec.notes:
        _check_notes(
            spec.notes,
            [position <= count and seg[position] != "" for position in range(count + 1)],
            spec.elements,
            errors,
            None,
        )
    return errors


def check_text(seg: Segment, first: int, last: int, component: str, repetition: str | None) -> list[ElementError]:
    """AK4 ``6`` for elements ``first..last`` that no specification describes but that hold
    something other than text (undecodable bytes, control characters).

    Such elements are checked for position only, yet they are kept in ``extensions`` and
    handed on to the partner's systems, so they must at least be characters.
    """
    errors: list[ElementError] = []
    for position in range(first, last + 1):
        value = seg[position]
        if value.isprintable():
            continue
        bare = value.replace(component, "")
        if repetition:
            bare = bare.replace(repetition, "")
        if not bare.isprintable():
            errors.append(ElementError(position, "6", "invalid character", data=value[:_ECHO]))
    return errors


def _check_composite(
    value: str, position: int, element: ElementSpec, component: str, rep: int | None, errors: list[ElementError]
) -> None:
    components, notes = element[6]
    parts = value.split(component)
    if len(parts) > len(components):
        errors.append(_error(position, "13", element, value, component=len(components) + 1, repetition=rep))
    for index, spec in enumerate(components, 1):
        part = parts[index - 1] if index <= len(parts) else ""
        if not part:
            if spec[1]:
                errors.append(_error(position, "1", spec, None, component=index, repetition=rep))
            continue
        code = value_error(part, spec[2], spec[3], spec[4], spec[5])
        if code is not None:
            errors.append(_error(position, code, spec, part, component=index, repetition=rep))
    if notes:
        present = [False] + [bool(p) for p in parts]
        _check_notes(notes, present, components, errors, position)


def _check_notes(
    notes: tuple[Note, ...],
    present: list[bool],
    specs: tuple[ElementSpec, ...],
    errors: list[ElementError],
    composite: int | None,
) -> None:
    """Syntax notes (P, R, E, C, L) over element (or component) positions."""

    def has(i: int) -> bool:
        return i < len(present) and present[i]

    def add(i: int, code: str) -> None:
        spec = specs[i - 1] if i <= len(specs) else ("", False, "", 0, 0, None, None, 1, f"element {i}")
        if composite is None:
            errors.append(_error(i, code, spec, None))
        else:
            errors.append(_error(composite, code, spec, None, component=i))

    for kind, positions in notes:
        if kind == "P":
            if any(has(i) for i in positions):
                for i in positions:
                    if not has(i):
                        add(i, "2")
        elif kind == "R":
            if not any(has(i) for i in positions):
                add(positions[0], "2")
        elif kind == "E":
            seen = [i for i in positions if has(i)]
            if len(seen) > 1:
                add(seen[1], "10")
        elif kind == "C":
            if has(positions[0]):
                for i in positions[1:]:
                    if not has(i):
                        add(i, "2")
        elif kind == "L" and has(positions[0]) and not any(has(i) for i in positions[1:]):
            add(positions[1], "2")
