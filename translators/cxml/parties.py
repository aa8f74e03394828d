"""cXML ``Address`` / ``Contact`` <-> canonical ``Party``.

``ShipTo/Address`` and ``BillTo/Address`` of an order and every ``Contact`` share one
shape: Name, PostalAddress (DeliverTo lines kept in ``extensions["deliver_to"]``),
Email/Phone/Fax/URL (one ``contacts`` entry ``{"email", "phone", "fax", "url"}``) and
``addressID`` (-> ``id``, with ``addressIDDomain`` as ``id_qualifier``). Contact roles are
read with the X12 N101 codes (``codes.ROLES``) and placed in the document's party fields
by a per-document slot table; roles without a slot go to ``parties``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from lxml import etree

from ..canonical import Address, Party
from .codes import ROLES
from .values import index, read_extrinsics, sub, text, write_extrinsics

__all__ = ["read_party", "read_contact", "write_address", "write_contact", "assign", "slotted", "LANG"]

Element = etree._Element
LANG = "en"
_CHANNELS = (("Email", "email"), ("Phone", "phone"), ("Fax", "fax"), ("URL", "url"))


def _phone_text(el: Element) -> str | None:
    number = next(el.iterchildren("TelephoneNumber"), None)
    if number is None:
        return text(el)
    parts = index(number)
    cc, area, local, extension = (text(parts.get(t)) for t in ("CountryCode", "AreaOrCityCode", "Number", "Extension"))
    parts = [f"+{cc}" if cc else None, area, local, f"x{extension}" if extension else None]
    return " ".join(p for p in parts if p) or None


def read_party(el: Element, role: str | None) -> Party:
    """A ``Party`` from an ``Address`` or ``Contact`` element."""
    ext: dict[str, Any] = {}
    kids = index(el)
    address = None
    postal = kids.get("PostalAddress")
    if postal is not None:
        lines = index(postal)
        if "DeliverTo" in lines and (deliver_to := [t for d in postal.iterchildren("DeliverTo") if (t := text(d))]):
            ext["deliver_to"] = deliver_to
        country_el = lines.get("Country")
        country = country_name = None
        if country_el is not None:
            country_name = text(country_el)
            country = country_el.get("isoCountryCode") or country_name
            if country_name and country_name != country:
                ext["country_name"] = country_name
        address = Address(
            street=[t for s in postal.iterchildren("Street") if (t := text(s))],
            city=text(lines.get("City")),
            state=text(lines.get("State")),
            postal_code=text(lines.get("PostalCode")),
            country=country,
        )
    channels: dict[str, str] = {}
    for tag, key in _CHANNELS:
        found = kids.get(tag)
        if found is not None and (value := _phone_text(found) if tag in ("Phone", "Fax") else text(found)):
            channels[key] = value
    if "IdReference" in kids:
        refs = {d: i for r in el.iterchildren("IdReference") if (d := r.get("domain")) and (i := r.get("identifier"))}
        if refs:
            ext["id_references"] = refs
    if "Extrinsic" in kids:
        read_extrinsics(el, ext)
    return Party(
        role=role,
        name=text(kids.get("Name")),
        id=el.get("addressID") or None,
        id_qualifier=el.get("addressIDDomain") or None,
        address=address,
        contacts=[channels] if channels else [],
        extensions=ext,
    )


def read_contact(el: Element) -> Party:
    return read_party(el, ROLES.read(el.get("role")))


def assign(parties: Iterable[Party], slots: dict[str, str]) -> tuple[dict[str, Party], list[Party]]:
    """Put each party in the first free field its role maps to (``slots``: role -> field), others in a list."""
    placed: dict[str, Party] = {}
    rest: list[Party] = []
    for party in parties:
        field = slots.get(party.role or "")
        if field is not None and field not in placed:
            placed[field] = party
        else:
            rest.append(party)
    return placed, rest


def slotted(doc: Any, slots: dict[str, str]) -> list[Party]:
    """The document's party fields (in ``slots`` order, role defaulted from the slot) then ``parties``."""
    out: list[Party] = []
    for role, field in slots.items():
        party = getattr(doc, field)
        if party is not None and all(party is not p for p in out):
            out.append(party if party.role else party.model_copy(update={"role": role}))
    return out + list(doc.parties)


# -- writing -------------------------------------------------------------------------


def _write_phone(parent: Element, tag: str, value: str, country: str | None) -> None:
    holder = sub(parent, tag)
    number = sub(holder, "TelephoneNumber")
    tokens = value.split()
    extension = tokens.pop()[1:] if len(tokens) > 1 and tokens[-1].startswith("x") else None
    cc = tokens.pop(0)[1:] if tokens and tokens[0].startswith("+") else ""
    area = tokens.pop(0) if len(tokens) > 1 else ""
    sub(number, "CountryCode", cc, isoCountryCode=country or "")
    sub(number, "AreaOrCityCode", area)
    sub(number, "Number", " ".join(tokens))
    if extension:
        sub(number, "Extension", extension)


def _write_body(el: Element, party: Party) -> None:
    sub(el, "Name", party.name or "", **{"{http://www.w3.org/XML/1998/namespace}lang": LANG})
    deliver_to = party.extensions.get("deliver_to") or []
    if party.address is not None or deliver_to:
        addr = party.address or Address()
        postal = sub(el, "PostalAddress")
        for line in deliver_to:
            sub(postal, "DeliverTo", str(line))
        for street in addr.street:
            sub(postal, "Street", street)
        sub(postal, "City", addr.city or "")
        if addr.state:
            sub(postal, "State", addr.state)
        if addr.postal_code:
            sub(postal, "PostalCode", addr.postal_code)
        if addr.country:
            sub(postal, "Country", party.extensions.get("country_name") or addr.country, isoCountryCode=addr.country)
    channels: dict[str, str] = {}
    for contact in party.contacts:
        for key, value in contact.items():
            channels.setdefault(key, value)
    for tag, key in _CHANNELS:
        if value := channels.get(key):
            if tag in ("Phone", "Fax"):
                _write_phone(el, tag, value, party.address.country if party.address else None)
            else:
                sub(el, tag, value)


def _id_attrs(party: Party) -> dict[str, str | None]:
    return {"addressID": party.id, "addressIDDomain": party.id_qualifier}


def write_address(parent: Element, tag: str, party: Party) -> None:
    """``<tag><Address>...</Address></tag>`` (ShipTo / BillTo of an order)."""
    address = sub(sub(parent, tag), "Address", **_id_attrs(party))
    _write_body(address, party)


def write_contact(parent: Element, party: Party, *, id_references: bool = True) -> Element:
    contact = sub(parent, "Contact", role=ROLES.write(party.role), **_id_attrs(party))
    _write_body(contact, party)
    if id_references:
        write_id_references(contact, party)
    write_extrinsics(contact, party.extensions)
    return contact


def write_id_references(parent: Element, party: Party) -> None:
    for domain, identifier in (party.extensions.get("id_references") or {}).items():
        sub(parent, "IdReference", identifier=str(identifier), domain=str(domain))
