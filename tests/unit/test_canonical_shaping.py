"""``canonical()``: pydantic's dump of a dict of typed values, without pydantic, or a refusal.

The property: for any dict whose leaves have the types the model declares (what the X12
readers build), ``canonical`` either returns exactly ``dump(model_validate(data))``, keys
in the same order, or returns None; and it returns None whenever pydantic would refuse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args, get_origin

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from translators.canonical import DOCUMENT_TYPES, Charge, Invoice, Order, canonical, dump, to_json

words = st.sampled_from(["", "A", "PO-1", "BIG BOX", "Ü"])
decimals = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
extensions = st.dictionaries(st.sampled_from(["BEG04", "REF", "x"]), st.one_of(words, st.just({}), st.just([])))


def _value(annotation: Any, depth: int) -> st.SearchStrategy[Any]:
    """Values of the declared type (or None / empty, which the dump drops)."""
    if get_origin(annotation) is Annotated:  # Number: a Decimal with a range check
        annotation = get_args(annotation)[0]
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is Literal:
        return st.sampled_from([*get_args(annotation), "other"])
    if args and get_origin(annotation) not in (list, dict):  # X | None
        return st.one_of(st.none(), _value(args[0], depth))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _document(annotation, depth + 1)
    if get_origin(annotation) is list:
        return st.lists(_value(args[0], depth), max_size=2 if depth < 2 else 0)
    if get_origin(annotation) is dict:
        return extensions if args[1] is Any else st.dictionaries(words, words, max_size=2)
    return {str: words, Decimal: decimals, dt.date: dates}[annotation]


def _document(model: type[BaseModel], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: _value(f.annotation, depth) for name, f in model.model_fields.items()}
    required = [name for name, f in model.model_fields.items() if f.is_required()]
    optional = {name: s for name, s in fields.items() if name not in required}
    # keys in a shuffled order, a required one sometimes missing, an unknown one sometimes added
    base = st.fixed_dictionaries({k: fields[k] for k in required}, optional=optional)
    return st.tuples(base, st.booleans(), st.booleans(), st.randoms(use_true_random=False)).map(
        lambda t: _disturb(t[0], required, drop=t[1] and t[2], extra=t[1] and not t[2], rng=t[3])
    )


def _disturb(data: dict[str, Any], required: list[str], *, drop: bool, extra: bool, rng: Any) -> dict[str, Any]:
    items = list(data.items())
    rng.shuffle(items)
    out = dict(items)
    if drop and required:
        out.pop(required[0], None)
    if extra:
        out["not_a_field"] = "x"
    return out


@pytest.mark.parametrize("model", [*DOCUMENT_TYPES.values(), Charge])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_canonical_is_pydantic_dump_or_refuses(model: type[BaseModel], data: st.DataObject) -> None:
    document = data.draw(_document(model))
    shaped = canonical(model, document)
    try:
        expected = dump(model.model_validate(document))
    except ValidationError:
        assert shaped is None
        return
    if shaped is not None:
        assert to_json(shaped) == to_json(expected)


def test_canonical_orders_keys_as_the_model_and_drops_empty_values() -> None:
    data = {"lines": [{"item": {}, "extensions": {"PO105": ""}}], "po_number": "1", "currency": "", "buyer": None}
    assert list(canonical(Order, data) or {}) == ["po_number", "lines"]
    assert canonical(Order, data) == {"po_number": "1", "lines": [{}]}


def test_canonical_refuses_what_pydantic_refuses() -> None:
    assert canonical(Order, {"po_date": dt.date(2024, 1, 1)}) is None  # po_number is required
    assert canonical(Order, {"po_number": "1", "colour": "red"}) is None  # unknown key (extra="forbid")
    assert canonical(Invoice, {"invoice_number": "1", "charges": [{"type": "N"}]}) is None  # outside the Literal
    assert canonical(Order, {"po_number": "1", "lines": ["not a line"]}) is None
