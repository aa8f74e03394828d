"""What a translation of one file returns: the ``edigw translate`` JSON shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .canonical import Document, dump

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


@dataclass(slots=True)
class Translated:
    type: str  # "order" | "ship_notice" | "invoice" | "po_ack"
    document: Document
    source: Source

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "document": dump(self.document), "source": self.source.as_dict()}


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
