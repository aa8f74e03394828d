"""Small readers and writers for cXML values: text, decimals, dates, Money, Extrinsic.

Conventions shared by every document mapping:

* dates: a cXML ``datetime.tz`` becomes its date part (the date as the partner wrote it);
  the full value is kept in ``extensions["<field>_timestamp"]`` unless it is exactly
  ``<date>T00:00:00+00:00``, which is what the writer produces from a bare date, so a
  round trip is lossless and a canonical document without timestamps stays without them;
* ``Extrinsic name="x"`` elements go to ``extensions["extrinsics"]`` as ``{name: text}``;
* child elements a mapping does not read (Payment, TermsOfDelivery, ...) are kept as XML
  text in ``extensions["unmapped"]`` and written back before the Extrinsics, so nothing a
  partner sends is dropped;
* bad numbers and dates raise ``CxmlDataError`` naming the element path.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from edi.xml import parse_xml

from ..canonical import in_range

__all__ = [
    "CxmlDataError",
    "index",
    "text",
    "to_decimal",
    "to_date",
    "read_date",
    "read_money",
    "read_extrinsics",
    "keep_unmapped",
    "write_unmapped",
    "pop_extrinsic",
    "sub",
    "fmt_decimal",
    "fmt_date",
    "write_date",
    "write_money",
    "write_extrinsics",
    "set_attrs",
]

Element = etree._Element
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|T)")


class CxmlDataError(ValueError):
    """A value in a cXML document cannot be read (the message names the element path)."""

    def __init__(self, message: str, element: Element | None = None) -> None:
        self.path = element.getroottree().getpath(element) if element is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)


def index(el: Element) -> dict[str, Element]:
    """First child per tag in one pass: lxml's ``find`` costs ~2 µs a call (ElementPath), this ~0.3 µs a child."""
    out: dict[str, Element] = {}
    for child in el:
        if child.tag not in out:
            out[child.tag] = child
    return out


def text(el: Element | None) -> str | None:
    """Stripped text of ``el`` (None for a missing element or blank text)."""
    if el is None or el.text is None:
        return None
    value = el.text.strip()
    return value or None


def to_decimal(raw: str | None, el: Element, what: str) -> Decimal | None:
    if raw is None:
        return None
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise CxmlDataError(f"{what} {raw!r} is not a number", el) from None
    if not in_range(value):
        raise CxmlDataError(f"{what} {raw!r} is out of range", el)
    return value


def to_date(raw: str | None, el: Element, what: str) -> dt.date | None:
    if raw is None or not raw.strip():
        return None
    match = _DATE.match(raw.strip())
    try:
        if match is None:
            raise ValueError
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CxmlDataError(f"{what} {raw!r} is not an ISO 8601 date", el) from None


def read_date(el: Element, attr: str, ext: dict[str, Any], field: str) -> dt.date | None:
    """Date part of ``el@attr``; the full timestamp goes to ``ext[field + "_timestamp"]`` when it adds anything."""
    raw = el.get(attr)
    day = to_date(raw, el, f"@{attr}")
    if day is not None and raw.strip() != f"{day.isoformat()}T00:00:00+00:00":
        ext[f"{field}_timestamp"] = raw.strip()
    return day


def read_money(el: Element | None) -> tuple[Decimal | None, str | None]:
    """(amount, currency) of the ``Money`` child of ``el``; (None, None) when absent."""
    if el is None:
        return None, None
    money = next(el.iterchildren("Money"), None)
    if money is None:
        return None, None
    return to_decimal(money.text, money, "Money"), money.get("currency") or None


def keep_unmapped(
    el: Element,
    known: frozenset[str],
    ext: dict[str, Any],
    kids: dict[str, Element] | None = None,
    key: str = "unmapped",
) -> None:
    """Children this mapping does not read, kept verbatim as XML text in ``ext[key]`` (and written back)."""
    tags = kids.keys() if kids is not None else {child.tag for child in el}
    if tags <= known:
        return
    ext[key] = [etree.tostring(c, encoding="unicode", with_tail=False) for c in el if c.tag not in known]


def read_extrinsics(el: Element, ext: dict[str, Any]) -> None:
    found = {name: value for x in el.iterchildren("Extrinsic") if (name := x.get("name")) and (value := text(x))}
    if found:
        ext["extrinsics"] = found


def pop_extrinsic(ext: dict[str, Any], name: str) -> str | None:
    """Take out an Extrinsic that carries a canonical field with no cXML element of its own."""
    extrinsics = ext.get("extrinsics")
    if not extrinsics or name not in extrinsics:
        return None
    value = extrinsics.pop(name)
    if not extrinsics:
        del ext["extrinsics"]
    return value


# -- writing -------------------------------------------------------------------------


def set_attrs(el: Element, **attrs: str | None) -> Element:
    for key, value in attrs.items():
        if value is not None:
            el.set(key.rstrip("_"), value)
    return el


def sub(parent: Element, tag: str, value: str | None = None, **attrs: str | None) -> Element:
    """Append ``<tag attrs>value</tag>`` to ``parent`` (None attributes are left out)."""
    el = etree.SubElement(parent, tag)
    if value is not None:
        el.text = value
    return set_attrs(el, **attrs)


def fmt_decimal(value: Decimal | None) -> str | None:
    """Plain notation that keeps the scale the document had ("2.10" stays "2.10", never "1E+2")."""
    return None if value is None else format(value, "f")


def fmt_date(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00+00:00"


def write_date(day: dt.date | None, ext: dict[str, Any], field: str) -> str | None:
    """The stored timestamp when it still matches ``day``, else midnight UTC of ``day``."""
    if day is None:
        return None
    stamp = ext.get(f"{field}_timestamp")
    if isinstance(stamp, str) and stamp.startswith(day.isoformat()):
        return stamp
    return fmt_date(day)


def write_money(parent: Element, tag: str, amount: Decimal | None, currency: str | None) -> Element | None:
    """``<tag><Money currency=..>amount</Money></tag>``; nothing when there is no amount."""
    if amount is None:
        return None
    holder = sub(parent, tag)
    sub(holder, "Money", fmt_decimal(amount), currency=currency or "")
    return holder


def write_unmapped(parent: Element, ext: dict[str, Any], key: str = "unmapped") -> None:
    """Re-emit what ``keep_unmapped`` kept (canonical JSON may come from outside: parsed safely)."""
    for snippet in ext.get(key) or []:
        parent.append(parse_xml(str(snippet).encode("utf-8")))


def write_extrinsics(parent: Element, ext: dict[str, Any], **fields: str | None) -> None:
    """The document's extrinsics plus ``fields`` (canonical fields travelling as Extrinsic, None skipped)."""
    extrinsics = dict(ext.get("extrinsics") or {})
    extrinsics.update({name: value for name, value in fields.items() if value is not None})
    for name, value in extrinsics.items():
        sub(parent, "Extrinsic", str(value), name=str(name))
