"""What a translation of one file returns: the ``edigw translate`` JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .canonical import DOCUMENT_TYPES, Document, dump

__all__ = ["Source", "Translated", "TranslationError", "TranslationResult"]


@dataclass(slots=True)
class Source:
    """Where a document came from (the ``source`` object of DESIGN.md)."""

    standard: str  # "x12" | "cxml" | "xml"
    transaction: str  # "850", "OrderRequest", partner XML root name, ...
    version: str = ""  # GS08 / cXML version / mapping version
    interchange_control: str = ""
    group_control: str = ""
    set_control: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "standard": self.standard,
            "transaction": self.transaction,
            "version": self.version,
            "interchange_control": self.interchange_control,
            "group_control": self.group_control,
            "set_control": self.set_control,
        }


class Translated:
    """One translated document: its type, the document and where it came from.

    ``document`` is given as a model, or as its JSON-ready dict (the X12 readers build
    that directly, see :func:`translators.canonical.canonical`); either form is there
    on demand, made once from the other.
    """

    __slots__ = ("type", "source", "_model", "_data")

    def __init__(self, type: str, document: Document | dict[str, Any], source: Source) -> None:
        self.type = type  # "order" | "ship_notice" | "invoice" | "po_ack"
        self.source = source
        self._model: Document | None = None
        self._data: dict[str, Any] | None = None
        if isinstance(document, dict):
            self._data = document
        else:
            self._model = document

    @property
    def document(self) -> Document:
        if self._model is None:
            self._model = DOCUMENT_TYPES[self.type].model_validate(self._data)  # type: ignore[assignment]
        return self._model  # type: ignore[return-value]

    @property
    def data(self) -> dict[str, Any]:
        """The document as a JSON-ready dict (:func:`~translators.canonical.dump`); do not mutate."""
        if self._data is None:
            self._data = dump(self._model)  # type: ignore[arg-type]
        return self._data

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "document": self.data, "source": self.source.as_dict()}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Translated):
            return NotImplemented
        return (self.type, self.data, self.source) == (other.type, other.data, other.source)

    def __repr__(self) -> str:
        return f"Translated(type={self.type!r}, document={self.data!r}, source={self.source!r})"


@dataclass(slots=True)
class TranslationError:
    """A set/document that was rejected, with the codes that explain why."""

    message: str
    source: Source | None = None
    codes: list[str] = field(default_factory=list)  # e.g. ["AK5:R", "AK502:5", "AK304:3"]
    details: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "codes": self.codes}
        if self.source is not None:
            out["source"] = self.source.as_dict()
        if self.details:
            out["details"] = self.details
        return out


@dataclass(slots=True)
class TranslationResult:
    documents: list[Translated] = field(default_factory=list)
    errors: list[TranslationError] = field(default_factory=list)

    def extend(self, other: TranslationResult) -> None:
        self.documents.extend(other.documents)
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, Any]:
        return {"documents": [d.as_dict() for d in self.documents], "errors": [e.as_dict() for e in self.errors]}
