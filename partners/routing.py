"""Per-partner routing: canonical document type -> the sinks that receive it.

YAML shape (keys are canonical types, X12 set ids or cXML request names, or
``default``)::

    routing:
      order: [erp, wms]
      "856": [wms]
      default: [erp]

A route key that names the same document type as another (``"850"`` and ``order``),
an unknown key, an empty list or a sink listed twice is refused at load: a document
must never be delivered twice or silently dropped because of how a profile was typed.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PrivateAttr, RootModel, StringConstraints, model_validator

from .doctypes import DOCUMENT_TYPES, document_type_of
from .errors import NoRoute

__all__ = ["SinkName", "Routing", "DEFAULT_ROUTE"]

DEFAULT_ROUTE = "default"
SinkName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.-]{0,63}$")]


class Routing(RootModel[dict[str, list[SinkName]]]):
    """Route table; use :meth:`sinks_for` rather than reading the raw mapping."""

    root: dict[str, list[SinkName]] = {}
    _table: dict[str, tuple[str, ...]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _text_keys(cls, data: Any) -> Any:
        """``850: [erp]`` unquoted is an int key in YAML; it still names the 850."""
        if isinstance(data, dict):
            return {str(k) if isinstance(k, int) and not isinstance(k, bool) else k: v for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _normalise(self) -> Routing:
        table: dict[str, tuple[str, ...]] = {}
        origin: dict[str, str] = {}
        for key, sinks in self.root.items():
            key = str(key)
            doc_type = DEFAULT_ROUTE if key == DEFAULT_ROUTE else document_type_of(key)
            if doc_type is None:
                known = ", ".join((*DOCUMENT_TYPES, DEFAULT_ROUTE))
                raise ValueError(f"unknown document type {key!r} (use one of {known}, or an X12/cXML transaction name)")
            if doc_type in origin:
                raise ValueError(f"routes {origin[doc_type]!r} and {key!r} both name document type {doc_type!r}")
            if not sinks:
                raise ValueError(f"route {key!r} lists no sinks")
            dupes = sorted({s for s in sinks if sinks.count(s) > 1})
            if dupes:
                raise ValueError(f"route {key!r} lists sink {dupes[0]!r} more than once")
            origin[doc_type] = key
            table[doc_type] = tuple(sinks)
        self._table = table
        return self

    @property
    def default(self) -> tuple[str, ...]:
        return self._table.get(DEFAULT_ROUTE, ())

    def routed_types(self) -> set[str]:
        """Document types with their own route (not counting the default)."""
        return set(self._table) - {DEFAULT_ROUTE}

    def has_route(self, document_type: str) -> bool:
        return document_type in self._table or DEFAULT_ROUTE in self._table

    def sinks_for(self, document_type: str, partner_id: str = "?") -> tuple[str, ...]:
        """Sinks for ``document_type`` (its own route, else the default); :class:`NoRoute` if none."""
        sinks = self._table.get(document_type) or self._table.get(DEFAULT_ROUTE)
        if not sinks:
            raise NoRoute(partner_id, document_type)
        return sinks
