"""Partner XML that is neither X12 nor cXML -> canonical documents, driven by a declarative mapping.

A partner's mapping is data (YAML in the partner profile), never code: which documents
the partner sends (canonical type + an XPath the root must match), an XPath per
canonical field, XPaths for repeated parts (lines, orders, packs, ...) with their own
fields, a namespace map, and value transforms from a fixed, safe set::

    name: acme
    version: "2"
    namespaces: {o: "urn:acme:b2b:order:2"}
    documents:
      - type: order
        root: "self::o:PurchaseOrder"
        control: "o:Header/o:MessageId"          # -> Source.interchange_control
        fields:
          po_number: "o:Header/o:OrderNumber"     # a bare string is an XPath
          po_date: {xpath: "o:Header/o:OrderDate", transform: ["date:%Y%m%d"]}
          purpose: {xpath: "o:Header/o:Action", map: {NEW: original, CANCEL: cancel}}
          ship_to.address.street[]: "o:ShipTo/o:Street"   # "[]": a list of every match
        lists:
          lines:
            xpath: "o:Lines/o:Line"
            fields:
              quantity: {xpath: "o:Qty", transform: [decimal]}

Transforms (applied in order after whitespace is stripped; an empty value is no value):
``decimal``, ``date`` (ISO 8601 date or datetime -> date), ``date:<strptime format>``,
``upper``, ``lower``, ``strip`` (whitespace runs -> one space). A field name ending in
``[]`` collects every node its XPath selects into a list; other fields take the first. XPaths are compiled once
when the mapping is validated, so a typo or an undeclared prefix fails
``edigw partners validate`` instead of a production file. XPath evaluation is plain
XPath 1.0 (no extension functions, no document()), and the XML itself goes through the
safe parser.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from edi.xml import DEFAULT_LIMITS, XmlError, XmlLimits, parse_xml

from .canonical import DOCUMENT_TYPES, in_range, to_json
from .result import Source, Translated, TranslationError, TranslationResult

__all__ = [
    "FieldSpec",
    "ListSpec",
    "DocumentSpec",
    "MappingSpec",
    "MappingError",
    "load_mapping",
    "translate_mapped_xml",
    "translate_xml",
    "regenerate_goldens",
]

Element = etree._Element
_TRANSFORMS = ("decimal", "date", "upper", "lower", "strip")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|T)")
_SPACES = re.compile(r"\s+")


class MappingError(ValueError):
    """A value could not be mapped (names the canonical field and the XPath)."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Spec):
    """Where one canonical field comes from: an XPath (relative to its node) or a constant ``value``."""

    xpath: str | None = None
    value: str | None = None
    transform: list[str] = Field(default_factory=list)
    map: dict[str, str] | None = None  # code translation after the transforms; unknown codes pass through
    default: str | None = None

    _compiled: etree.XPath | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> FieldSpec:
        if (self.xpath is None) == (self.value is None):
            raise ValueError("a field needs exactly one of 'xpath' or 'value'")
        for name in self.transform:
            if name not in _TRANSFORMS and not name.startswith("date:"):
                raise ValueError(f"unknown transform {name!r}; allowed: {', '.join(_TRANSFORMS)}, date:<format>")
        return self


class _NodeSpec(_Spec):
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    lists: dict[str, ListSpec] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _bare_xpaths(cls, data: Any) -> Any:
        """``field: "xpath"`` is short for ``field: {xpath: "xpath"}``."""
        if isinstance(data, dict) and isinstance(data.get("fields"), dict):
            fields = {k: {"xpath": v} if isinstance(v, str) else v for k, v in data["fields"].items()}
            data = {**data, "fields": fields}
        return data


class ListSpec(_NodeSpec):
    """A repeated part: one canonical list item per node the XPath selects."""

    xpath: str
    _compiled: etree.XPath | None = PrivateAttr(default=None)


_NodeSpec.model_rebuild()
ListSpec.model_rebuild()


class DocumentSpec(_NodeSpec):
    type: Literal["order", "po_ack", "ship_notice", "invoice"]
    root: str  # XPath, true on the root element of the partner's files of this kind
    each: str = "."  # one document per node selected (a batch file holds many)
    name: str | None = None  # Source.transaction; default: the root element's local name
    control: FieldSpec | None = None  # interchange/message id -> Source.interchange_control

    _root: etree.XPath | None = PrivateAttr(default=None)
    _each: etree.XPath | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _bare_control(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("control"), str):
            data = {**data, "control": {"xpath": data["control"]}}
        return data


class MappingSpec(_Spec):
    """A partner's XML mapping; validating it compiles (and checks) every XPath."""

    name: str
    version: str = ""
    namespaces: dict[str, str] = Field(default_factory=dict)
    documents: list[DocumentSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _compile(self) -> MappingSpec:
        probe = etree.Element("probe")

        def compile_(expr: str, where: str) -> etree.XPath:
            try:
                xpath = etree.XPath(expr, namespaces=self.namespaces)
                xpath(probe)  # undeclared prefixes only show on evaluation
            except etree.XPathError as exc:
                raise ValueError(f"{where}: bad XPath {expr!r}: {exc}") from None
            return xpath

        def check_keys(node: _NodeSpec, where: str) -> None:
            paths = [k.removesuffix("[]") for k in (*node.fields, *node.lists)]
            for path in paths:
                clash = next((p for p in paths if p.startswith(path + ".")), None)
                if clash is not None:
                    raise ValueError(f"{where}: {path!r} and {clash!r} cannot both be set (one holds the other)")

        def walk(node: _NodeSpec, model: Any, where: str) -> None:
            check_keys(node, where)
            for key, spec in node.fields.items():
                _target(model, key, f"{where}.{key}")
                if spec.xpath is not None:
                    spec._compiled = compile_(spec.xpath, f"{where}.{key}")
            for key, sub in node.lists.items():
                sub._compiled = compile_(sub.xpath, f"{where}.{key}")
                walk(sub, _target(model, key, f"{where}.{key}"), f"{where}.{key}")

        for index, doc in enumerate(self.documents):
            where = f"documents[{index}]"
            doc._root = compile_(f"boolean({doc.root})", f"{where}.root")
            doc._each = compile_(doc.each, f"{where}.each")
            if doc.control is not None and doc.control.xpath is not None:
                doc.control._compiled = compile_(doc.control.xpath, f"{where}.control")
            walk(doc, DOCUMENT_TYPES[doc.type], where)
        return self


def _target(model: Any, dotted: str, where: str) -> Any:
    """What ``dotted`` names inside ``model`` (a model class; ``None`` below a free-form dict), so typos fail early."""
    for part in dotted.removesuffix("[]").split("."):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None  # extensions, other_ids, contacts: any key goes
        field = model.model_fields.get(part)
        if field is None:
            raise ValueError(f"{where}: {model.__name__} has no field {part!r}")
        model = _unwrap(field.annotation)
    return model


def _unwrap(annotation: Any) -> Any:
    """``Party | None`` -> Party, ``list[OrderLine]`` -> OrderLine, ``dict[...]`` -> None."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(annotation) is list:
        annotation = typing.get_args(annotation)[0]
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def load_mapping(path: Path | str) -> MappingSpec:
    """A mapping from a YAML file (``yaml.safe_load``: no tags, no objects)."""
    path = Path(path)
    return _load_cached(path.resolve(), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _load_cached(path: Path, mtime_ns: int) -> MappingSpec:
    """Compiled once per file version: partners' files are translated with the same mapping all day."""
    with open(path, encoding="utf-8") as fh:
        return MappingSpec.model_validate(yaml.safe_load(fh))


# -- evaluation ----------------------------------------------------------------------


def _first_text(result: Any) -> str | None:
    if isinstance(result, list):
        if not result:
            return None
        result = result[0]
    if isinstance(result, etree._Element):
        return "".join(result.itertext())
    if isinstance(result, bool):
        return "true" if result else "false"
    if isinstance(result, float):
        if result != result:  # NaN: number() of nothing
            return None
        return str(int(result)) if result.is_integer() else repr(result)
    return None if result is None else str(result)


def _date(raw: str, fmt: str | None) -> dt.date:
    if fmt:
        return dt.datetime.strptime(raw, fmt).date()
    match = _ISO_DATE.match(raw)
    if match is None:
        raise ValueError
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


def _apply(spec: FieldSpec, raw: str | None, where: str) -> Any:
    value: Any = raw.strip() if isinstance(raw, str) else raw
    if not value:
        value = spec.default
        if value is None:
            return None
    for name in spec.transform:
        try:
            if name == "decimal":
                value = Decimal(value)
                if not in_range(value):
                    raise InvalidOperation
            elif name == "date" or name.startswith("date:"):
                value = _date(value, name[5:] or None)
            elif name == "upper":
                value = value.upper()
            elif name == "lower":
                value = value.lower()
            elif name == "strip":
                value = _SPACES.sub(" ", value)
        except (InvalidOperation, ValueError, TypeError, AttributeError):
            raise MappingError(f"{where}: {raw!r} does not pass transform {name!r} (xpath {spec.xpath!r})") from None
    if spec.map is not None and isinstance(value, str):
        value = spec.map.get(value, value)
    return value


def _put(target: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    if last.endswith("[]"):
        target.setdefault(last[:-2], []).append(value)
    else:
        target[last] = value


def _field(spec: FieldSpec, node: Element, where: str) -> Any:
    raw = spec.value if spec._compiled is None else _first_text(spec._compiled(node))
    return _apply(spec, raw, where)


def _texts(result: Any) -> list[str | None]:
    return [_first_text(r) for r in result] if isinstance(result, list) else [_first_text(result)]


def _build(spec: _NodeSpec, node: Element, where: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, field in spec.fields.items():
        if key.endswith("[]") and field._compiled is not None:  # every match, in document order
            for raw in _texts(field._compiled(node)):
                if (value := _apply(field, raw, f"{where}{key}")) is not None:
                    _put(out, key, value)
            continue
        value = _field(field, node, f"{where}{key}")
        if value is not None:
            _put(out, key, value)
    for key, sub in spec.lists.items():
        assert sub._compiled is not None
        found = [n for n in sub._compiled(node) if isinstance(n, etree._Element)]
        items = [_build(sub, n, f"{where}{key}[{i}].") for i, n in enumerate(found)]
        if items:
            _put(out, key, items)
    return out


def _local_name(el: Element) -> str:
    return etree.QName(el).localname


def translate_mapped_xml(
    data: bytes, mapping: MappingSpec | Mapping[str, Any], limits: XmlLimits = DEFAULT_LIMITS
) -> TranslationResult:
    """Translate one partner XML file with the partner's mapping (a ``MappingSpec`` or its dict)."""
    if not isinstance(mapping, MappingSpec):
        mapping = MappingSpec.model_validate(mapping)
    try:
        root = parse_xml(data, limits)
    except XmlError as exc:
        error = TranslationError(str(exc), codes=[f"xml:{exc.reason}"])
        return TranslationResult(errors=[error])
    spec = next((d for d in mapping.documents if d._root is not None and d._root(root)), None)
    if spec is None:
        kinds = ", ".join(d.root for d in mapping.documents)
        message = f"<{_local_name(root)}> matches no document of mapping {mapping.name!r} ({kinds})"
        return TranslationResult(errors=[TranslationError(message, codes=["xml:unmapped"])])
    result = TranslationResult()
    assert spec._each is not None
    for node in (n for n in spec._each(root) if isinstance(n, etree._Element)):
        source = Source("xml", spec.name or _local_name(root), mapping.version)
        try:
            if spec.control is not None:
                source.interchange_control = str(_field(spec.control, node, "control") or "")
            document = DOCUMENT_TYPES[spec.type].model_validate(_build(spec, node, ""))
        except MappingError as exc:
            result.errors.append(TranslationError(str(exc), source=source, codes=["xml:mapping"]))
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            result.errors.append(TranslationError(problems, source=source, codes=["xml:invalid"]))
        else:
            result.documents.append(Translated(spec.type, document, source))
    return result


def translate_xml(data: bytes, *, partner: str | None = None, registry: Any = None) -> TranslationResult:
    """Entry point of ``translators.translate``: the mapping comes from the partner profile's ``xml_mapping``.

    Without ``partner`` every profile that has a mapping is tried and the first whose
    documents match the root is used. ``registry`` defaults to ``partners.Registry.load()``.
    """
    from partners.registry import Registry  # lazy: the profile folder is only read for partner XML

    registry = registry if registry is not None else Registry.load()
    profiles = [registry.get(partner)] if partner is not None else list(registry)
    mappings = [load_mapping(p.path(p.xml_mapping)) for p in profiles if p.xml_mapping is not None]
    if not mappings:
        why = f"partner {partner!r} has no xml_mapping" if partner else "no partner profile has an xml_mapping"
        error = TranslationError(f"partner XML cannot be translated: {why}", codes=["xml:unmapped"])
        return TranslationResult(errors=[error])
    if len(mappings) > 1:
        try:
            root = parse_xml(data)
        except XmlError as exc:
            return TranslationResult(errors=[TranslationError(str(exc), codes=[f"xml:{exc.reason}"])])
        mappings = [m for m in mappings if any(d._root is not None and d._root(root) for d in m.documents)] or mappings
    return translate_mapped_xml(data, mappings[0])


def regenerate_goldens(samples: Path, *, check: bool = False) -> list[Path]:
    """``<partner>-*.xml`` -> ``.canonical.json`` with ``<partner>.mapping.yaml`` (changed goldens returned)."""
    changed = []
    for mapping_file in sorted(samples.glob("*.mapping.yaml")):
        mapping = load_mapping(mapping_file)
        partner = mapping_file.name.removesuffix(".mapping.yaml")
        for sample in sorted(samples.glob(f"{partner}-*.xml")):
            golden = sample.with_name(sample.stem + ".canonical.json")
            text = to_json(translate_mapped_xml(sample.read_bytes(), mapping).as_dict()) + "\n"
            if not golden.is_file() or golden.read_text(encoding="utf-8") != text:
                changed.append(golden)
                if not check:
                    golden.write_text(text, encoding="utf-8")
    return changed
