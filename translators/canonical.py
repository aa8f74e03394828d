"""The canonical business documents every format translates to and from.

JSON field names are a contract (DESIGN.md): downstream sinks, acceptance checks and
finance rely on them. Amounts and quantities are ``Decimal`` (JSON numbers), dates
ISO 8601, keys with no value are omitted on output (``to_json``), and anything a
partner sends that has no canonical field goes under ``extensions`` instead of being
dropped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from edi.text import MAX_SCALE, decimal_text, in_range, json_text

__all__ = [
    "Address",
    "Party",
    "Item",
    "OrderLine",
    "Order",
    "PoAckLine",
    "PoAck",
    "ShipItem",
    "Pack",
    "ShipOrder",
    "ShipNotice",
    "InvoiceLine",
    "Charge",
    "Invoice",
    "Document",
    "DOCUMENT_TYPES",
    "to_json",
    "decimal_text",
    "in_range",
    "Number",
    "MAX_SCALE",
    "dump",
    "canonical",
]


def _checked(value: Decimal) -> Decimal:
    if not in_range(value):
        raise ValueError(f"number out of range (more than {MAX_SCALE} digits before or after the point)")
    return value


#: Amounts, quantities, weights: exact, and in range (:func:`in_range`).
Number = Annotated[Decimal, AfterValidator(_checked)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, ser_json_inf_nan="strings")

    def dump(self) -> dict[str, Any]:
        """JSON-ready dict: Decimals as numbers, dates as ISO strings, empty keys omitted."""
        return dump(self)


class Address(_Model):
    street: list[str] = Field(default_factory=list)
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None


class Party(_Model):
    role: str | None = None  # N101 entity code (BY, ST, SE, VN, BT, RI, SF, ...)
    name: str | None = None
    id: str | None = None
    id_qualifier: str | None = None
    address: Address | None = None
    contacts: list[dict[str, str]] = Field(default_factory=list)
    extensions: dict[str, Any] = Field(default_factory=dict)


class Item(_Model):
    buyer_part: str | None = None
    vendor_part: str | None = None
    upc: str | None = None
    gtin: str | None = None
    sku: str | None = None
    description: str | None = None
    #: other qualifier/value pairs that have no canonical field (e.g. {"MG": "..."}).
    other_ids: dict[str, str] = Field(default_factory=dict)


class OrderLine(_Model):
    line_number: str | None = None
    quantity: Number | None = None
    uom: str | None = None
    unit_price: Number | None = None
    item: Item = Field(default_factory=Item)
    requested_delivery_date: dt.date | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)


class Order(_Model):
    po_number: str
    po_date: dt.date | None = None
    purpose: str | None = None  # original, replace, cancel, confirmation, duplicate, ...
    order_type: str | None = None  # stand_alone, blanket, release, dropship, ... (or the raw code)
    currency: str | None = None
    buyer: Party | None = None
    seller: Party | None = None
    ship_to: Party | None = None
    bill_to: Party | None = None
    parties: list[Party] = Field(default_factory=list)  # any other N1 roles
    requested_delivery_date: dt.date | None = None
    requested_ship_date: dt.date | None = None
    carrier: str | None = None
    terms: str | None = None
    notes: list[str] = Field(default_factory=list)
    lines: list[OrderLine] = Field(default_factory=list)
    total_amount: Number | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)


class PoAckLine(_Model):
    line_number: str | None = None
    status: str | None = None  # accepted, rejected, backordered, changed, ... (or the raw ACK01)
    quantity: Number | None = None
    uom: str | None = None
    unit_price: Number | None = None
    scheduled_date: dt.date | None = None
    item: Item = Field(default_factory=Item)
    extensions: dict[str, Any] = Field(default_factory=dict)


class PoAck(_Model):
    po_number: str
    ack_type: str | None = None  # accepted, accepted_with_changes, rejected, ... (BAK02)
    ack_date: dt.date | None = None
    po_date: dt.date | None = None
    purpose: str | None = None
    seller_order_number: str | None = None
    buyer: Party | None = None
    seller: Party | None = None
    ship_to: Party | None = None
    parties: list[Party] = Field(default_factory=list)
    lines: list[PoAckLine] = Field(default_factory=list)
    extensions: dict[str, Any] = Field(default_factory=dict)


class ShipItem(_Model):
    line_number: str | None = None
    item: Item = Field(default_factory=Item)
    quantity_shipped: Number | None = None
    uom: str | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)


class Pack(_Model):
    sscc: str | None = None
    items: list[ShipItem] = Field(default_factory=list)
    extensions: dict[str, Any] = Field(default_factory=dict)


class ShipOrder(_Model):
    po_number: str | None = None
    po_date: dt.date | None = None
    packs: list[Pack] = Field(default_factory=list)
    items: list[ShipItem] = Field(default_factory=list)  # items not in a pack (S/O/I)
    extensions: dict[str, Any] = Field(default_factory=dict)


class ShipNotice(_Model):
    shipment_id: str
    ship_date: dt.date | None = None
    estimated_delivery: dt.date | None = None
    purpose: str | None = None
    carrier_scac: str | None = None
    bill_of_lading: str | None = None
    tracking_number: str | None = None
    ship_from: Party | None = None
    ship_to: Party | None = None
    parties: list[Party] = Field(default_factory=list)
    weight: Number | None = None
    weight_uom: str | None = None
    packaging_code: str | None = None
    lading_quantity: Number | None = None
    orders: list[ShipOrder] = Field(default_factory=list)
    extensions: dict[str, Any] = Field(default_factory=dict)


class InvoiceLine(_Model):
    line_number: str | None = None
    quantity: Number | None = None
    uom: str | None = None
    unit_price: Number | None = None
    item: Item = Field(default_factory=Item)
    extensions: dict[str, Any] = Field(default_factory=dict)


class Charge(_Model):
    type: Literal["charge", "allowance"]
    code: str | None = None
    description: str | None = None
    amount: Number | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)


class Invoice(_Model):
    invoice_number: str
    invoice_date: dt.date | None = None
    po_number: str | None = None
    po_date: dt.date | None = None
    purpose: str | None = None
    currency: str | None = None
    seller: Party | None = None
    buyer: Party | None = None
    remit_to: Party | None = None
    ship_to: Party | None = None
    parties: list[Party] = Field(default_factory=list)
    terms: str | None = None
    lines: list[InvoiceLine] = Field(default_factory=list)
    charges: list[Charge] = Field(default_factory=list)
    total_amount: Number | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)


Document = Order | PoAck | ShipNotice | Invoice

#: canonical type name (the ``type`` of ``edigw translate`` output) -> model
DOCUMENT_TYPES: dict[str, type[_Model]] = {
    "order": Order,
    "po_ack": PoAck,
    "ship_notice": ShipNotice,
    "invoice": Invoice,
}


_CONTAINERS = (dict, list)
_EMPTIABLE = (dict, list, str)


def _prune(value: Any) -> Any:
    """Drop None and empty values from dicts, recursively (leaves are not visited)."""
    if type(value) is dict:
        out = {}
        for k, v in value.items():
            if v is None:
                continue
            if type(v) in _CONTAINERS:
                v = _prune(v)
            if type(v) in _EMPTIABLE and not v:
                continue
            out[k] = v
        return out
    if type(value) is list:
        return [_prune(v) if type(v) in _CONTAINERS else v for v in value]
    return value


def dump(model: BaseModel) -> dict[str, Any]:
    """``model`` as a JSON-ready dict with Decimal kept as Decimal and empty keys omitted.

    pydantic drops the unset (default) fields in Rust first, so the Python prune only
    walks what is left (empty strings, empty values inside ``extensions``).
    """
    return _prune(model.model_dump(mode="python", exclude_defaults=True))


class _Shape:
    """What :func:`canonical` needs of one model: field order, nested models, required
    fields and the values of its ``Literal`` fields."""

    __slots__ = ("index", "nested", "required", "choices")

    def __init__(self, model: type[BaseModel]) -> None:
        self.index = {name: i for i, name in enumerate(model.model_fields)}
        self.required = tuple(name for name, f in model.model_fields.items() if f.is_required())
        self.nested: dict[str, _Shape] = {}
        self.choices = {
            name: frozenset(get_args(f.annotation))
            for name, f in model.model_fields.items()
            if get_origin(f.annotation) is Literal
        }
        for name, f in model.model_fields.items():
            for arg in (f.annotation, *get_args(f.annotation)):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    self.nested[name] = _shape(arg)


_SHAPES: dict[type[BaseModel], _Shape] = {}


def _shape(model: type[BaseModel]) -> _Shape:
    shape = _SHAPES.get(model)
    if shape is None:
        shape = _SHAPES[model] = _Shape(model)
    return shape


class _Unfit(Exception):
    pass


def canonical(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any] | None:
    """``dump(model.model_validate(data))`` for a dict a trusted mapper built, without pydantic.

    For the X12 readers, which build plain dicts of already typed values (Decimal, date,
    str): ordering the keys as the model does and dropping empty ones is all validation
    would change, at a fraction of its cost. None when ``data`` is not plainly such a
    document (a required field missing, an unknown key, a nested value of the wrong
    kind, a value outside a ``Literal``); the caller then validates it with pydantic,
    for the precise error. The tests hold the mappers to ``canonical(...) ==
    dump(model_validate(...))``, keys in the same order.
    """
    try:
        return _canonical(_shape(model), data)
    except _Unfit:
        return None


def _canonical(shape: _Shape, data: Any) -> dict[str, Any]:
    if type(data) is not dict:
        raise _Unfit
    index, nested = shape.index, shape.nested
    try:
        keys = sorted(data, key=index.__getitem__)
    except KeyError:
        raise _Unfit from None
    out = {}
    for key in keys:
        value = data[key]
        if value is None:
            continue
        sub = nested.get(key)
        if sub is not None:
            value = [_canonical(sub, v) for v in value] if type(value) is list else _canonical(sub, value)
        elif type(value) in _CONTAINERS:
            value = _prune(value)
        if type(value) in _EMPTIABLE and not value:
            continue
        out[key] = value
    for key in shape.required:
        if key not in out:
            raise _Unfit
    for key, allowed in shape.choices.items():
        if key in out and out[key] not in allowed:
            raise _Unfit
    return out


def to_json(data: Any, indent: int | None = 2) -> str:
    """Serialize canonical data (a model or a dumped dict) with Decimals as exact JSON numbers.

    orjson writes the text (``indent=2`` gives the same text as ``json.dumps(indent=2,
    ensure_ascii=False)``; ``indent=None`` is compact, without spaces). Decimals are
    handed to it as pre-serialized fragments of their plain text: exact, no float.
    """
    if isinstance(data, BaseModel):
        data = dump(data)
    return json_text(data, indent, default=_encode)


def _encode(value: Any) -> Any:
    """Nested models (a document holding a model rather than its dump)."""
    if isinstance(value, BaseModel):
        return dump(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
