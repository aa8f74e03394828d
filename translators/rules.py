"""Apply a partner profile's rules (``partners.profile.Rules``) to canonical documents.

The profile holds the rule *definitions* as data; this module gives them meaning on
the canonical models. Order matters and is fixed:

1. qualifier mapping (party id qualifiers; item id qualifiers promoted from
   ``other_ids`` to canonical item fields),
2. unit-of-measure mapping (every ``uom`` in the document),
3. item cross-reference (fills missing buyer_part / vendor_part / sku / upc / gtin;
   a contradiction or, when ``required``, an unknown item is a failure),
4. defaults (only where the document has no value, e.g. a ship-to),
5. required fields, last, so the steps above can supply them;
6. with ``gs1_check_digits``: every SSCC, GTIN and UPC has its right check digit
   (:func:`gs1_problems`, also run on what we send the partner).

Every problem is collected and raised once as :class:`RuleViolation`, which names the
partner, the document type and, per problem, the concrete field path (``lines[2].item
.vendor_part``) and value: what a partner manager needs to fix either side.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from partners.profile import Profile
from partners.xref import ID_COLUMNS, ItemXref, XrefError, load_xref

from .canonical import DOCUMENT_TYPES, Document, Item, Pack, Party
from .gs1 import gtin_problem, sscc_problem
from .result import Source, TranslationError

__all__ = ["RuleProblem", "RuleViolation", "apply_rules", "check_rules", "document_type_of", "gs1_problems"]

_TYPE_OF: dict[type, str] = {model: name for name, model in DOCUMENT_TYPES.items()}


@dataclass(frozen=True, slots=True)
class RuleProblem:
    field: str
    value: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "value": self.value, "message": self.message}


class RuleViolation(Exception):
    """A document broke its partner's rules; ``problems`` lists each field at fault."""

    def __init__(self, partner_id: str, document_type: str, problems: list[RuleProblem]) -> None:
        self.partner_id = partner_id
        self.document_type = document_type
        self.problems = problems
        lines = "; ".join(f"{p.field}: {p.message}" for p in problems)
        super().__init__(f"partner {partner_id!r} {document_type}: {lines}")

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def value(self) -> Any:
        return self.problems[0].value

    def as_error(self, source: Source | None = None) -> TranslationError:
        """The ``errors`` entry of a translation result (business rule, so no X12 ack code)."""
        return TranslationError(
            message=str(self), source=source, codes=["RULE"], details=[p.as_dict() for p in self.problems]
        )


def document_type_of(document: BaseModel) -> str:
    return _TYPE_OF[type(document)]


# --------------------------------------------------------------------------- paths


def _parts(path: str) -> list[tuple[str, bool]]:
    """``"lines[].item.uom"`` -> ``[("lines", True), ("item", False), ("uom", False)]``."""
    return [(p.removesuffix("[]"), p.endswith("[]")) for p in path.split(".")]


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _missing(obj: Any, parts: list[tuple[str, bool]], prefix: str = "") -> Iterator[str]:
    """Concrete paths where ``parts`` has no value in ``obj``."""
    (name, each), rest = parts[0], parts[1:]
    here = _join(prefix, name)
    value = getattr(obj, name, None)
    if _empty(value):
        yield here
        return
    elements = list(enumerate(value)) if each else [(None, value)]
    for index, element in elements:
        where = f"{here}[{index}]" if index is not None else here
        if not rest:
            if _empty(element):
                yield where
        else:
            yield from _missing(element, rest, where)


def _parents(obj: Any, parts: list[tuple[str, bool]]) -> Iterator[Any]:
    """Every existing object that should own the last part of ``parts``."""
    if len(parts) == 1:
        yield obj
        return
    (name, each), rest = parts[0], parts[1:]
    value = getattr(obj, name, None)
    if value is None:
        return
    for element in value if each else [value]:
        if element is not None:
            yield from _parents(element, rest)


def _models(obj: Any, path: str = "") -> Iterator[tuple[str, BaseModel]]:
    """(path, model) for ``obj`` and every model nested in it, depth first."""
    if isinstance(obj, BaseModel):
        yield path, obj
        for name in type(obj).model_fields:
            yield from _models(getattr(obj, name), _join(path, name))
    elif isinstance(obj, list):
        for i, element in enumerate(obj):
            yield from _models(element, f"{path}[{i}]")


@cache
def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    return TypeAdapter(model.model_fields[name].annotation)


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(model class inside ``annotation``, whether it is a list) for path checking."""
    is_list = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is list:
            is_list, annotation = True, typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return None, is_list
        else:
            break
    return (annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None), is_list


def _check_path(model: type[BaseModel], path: str) -> tuple[type[BaseModel], str] | str:
    """(owning model, last field name) for ``path`` on ``model``, or an error message."""
    parts = _parts(path)
    current: type[BaseModel] = model
    for depth, (name, each) in enumerate(parts):
        field = current.model_fields.get(name)
        if field is None:
            return f"{current.__name__} has no field {name!r}"
        nested, is_list = _nested_model(field.annotation)
        if each and not is_list:
            return f"{name!r} is not a list (drop the [])"
        if is_list and not each and depth < len(parts) - 1:
            return f"{name!r} is a list: write {name}[]"
        if depth < len(parts) - 1:
            if nested is None:
                return f"{name!r} has no fields below it"
            current = nested
    return current, parts[-1][0]


def check_rules(profile: Profile) -> list[tuple[str, str]]:
    """(profile field path, message) for rule paths or default values the canonical model rejects.

    ``edigw partners validate`` runs this on top of the schema, so a typo such as
    ``lines[].item.vendr_part`` fails at onboarding, not on the first live order.
    """
    out: list[tuple[str, str]] = []
    for doc_type, paths in profile.rules.required.items():
        for i, path in enumerate(paths):
            found = _check_path(DOCUMENT_TYPES[doc_type], path)
            if isinstance(found, str):
                out.append((f"rules.required.{doc_type}[{i}]", f"{path}: {found}"))
    for doc_type, defaults in profile.rules.defaults.items():
        for path, value in defaults.items():
            where = f"rules.defaults.{doc_type}.{path}"
            found = _check_path(DOCUMENT_TYPES[doc_type], path)
            if isinstance(found, str):
                out.append((where, found))
                continue
            owner, name = found
            try:
                _adapter(owner, name).validate_python(value)
            except ValidationError as exc:
                out.append((where, f"invalid value: {exc.errors()[0]['msg']}"))
    return out


# --------------------------------------------------------------------------- applying


def apply_rules(document: Document, profile: Profile, xref: ItemXref | None = None) -> Document:
    """A copy of ``document`` with ``profile``'s rules applied; :class:`RuleViolation` on failure.

    ``xref`` defaults to the profile's table (loaded once per file version).
    """
    doc_type = document_type_of(document)
    rules = profile.rules
    doc = document.model_copy(deep=True)
    problems: list[RuleProblem] = []

    party_q, item_q = rules.qualifiers.party_id, rules.qualifiers.item_id
    for _path, model in _models(doc):
        if isinstance(model, Party) and model.id_qualifier in party_q:
            model.id_qualifier = party_q[model.id_qualifier]
        if isinstance(model, Item):
            for qualifier, field in item_q.items():
                if qualifier in model.other_ids and not getattr(model, field):
                    setattr(model, field, model.other_ids.pop(qualifier))
        uom = getattr(model, "uom", None)
        if isinstance(uom, str) and uom in rules.uom:
            model.uom = rules.uom[uom]  # type: ignore[attr-defined]

    if rules.item_xref is not None:
        if xref is None:
            try:
                xref = load_xref(profile.path(rules.item_xref.file))
            except XrefError as exc:
                problems.append(RuleProblem("rules.item_xref", rules.item_xref.file, str(exc)))
        if xref is not None:
            problems.extend(_cross_reference(doc, xref, rules.item_xref.required))

    for path, value in rules.defaults.get(doc_type, {}).items():
        parts = _parts(path)
        name = parts[-1][0]
        for parent in _parents(doc, parts):
            if not _empty(getattr(parent, name, None)):
                continue
            try:
                setattr(parent, name, _adapter(type(parent), name).validate_python(value))
            except (KeyError, ValidationError) as exc:  # check_rules catches these at onboarding
                problems.append(RuleProblem(f"rules.defaults.{doc_type}.{path}", value, f"bad default: {exc}"))

    for path in rules.required.get(doc_type, []):
        for where in _missing(doc, _parts(path)):
            problems.append(RuleProblem(where, None, "required by the partner profile but missing"))

    if rules.gs1_check_digits:
        problems.extend(gs1_problems(doc))

    if problems:
        raise RuleViolation(profile.id, doc_type, problems)
    return doc


def gs1_problems(doc: BaseModel) -> Iterator[RuleProblem]:
    """Every SSCC (a pack's), GTIN and UPC (an item's) of ``doc`` that is not a GS1 code
    with its right check digit, at its field path."""
    for path, model in _models(doc):
        checks = [("sscc", sscc_problem)] if isinstance(model, Pack) else []
        if isinstance(model, Item):
            checks = [("gtin", gtin_problem), ("upc", gtin_problem)]
        for name, problem_of in checks:
            value = getattr(model, name)
            problem = problem_of(value) if value else None
            if problem is not None:
                yield RuleProblem(_join(path, name), value, problem)


def _cross_reference(doc: BaseModel, xref: ItemXref, required: bool) -> Iterator[RuleProblem]:
    for path, item in _models(doc):
        if not isinstance(item, Item):
            continue
        ids = {c: getattr(item, c) for c in ID_COLUMNS}
        if not any(ids.values()):
            continue
        row = xref.lookup(ids)
        if row is None:
            if required:
                shown = next(f"{c} {v}" for c, v in ids.items() if v)
                yield RuleProblem(path, shown, "item not in the partner's item cross-reference")
            continue
        for column, expected in row.items():
            current = getattr(item, column)
            if _empty(current):
                setattr(item, column, expected)
            elif column in ids and current != expected:
                yield RuleProblem(f"{path}.{column}", current, f"item cross-reference says {expected!r} for this item")
