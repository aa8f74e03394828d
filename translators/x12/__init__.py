"""X12 <-> canonical translators for 850, 855, 856 and 810 (004010 and 005010).

:func:`to_canonical` maps one parsed transaction set; :func:`to_segments` maps a
canonical document back to the body of a set; :mod:`.envelope` wraps bodies in
ISA/GS/ST..SE/GE/IEA; :mod:`.inbound` translates whole files with validation.
The mappings are tables of specs (see :mod:`.mapping`), one module per set.
"""

from __future__ import annotations

from typing import Any

from edi.x12.model import Segment, TransactionSet
from translators.canonical import DOCUMENT_TYPES, Document, canonical, dump

from .core import MappingError
from .document import FlatDocument
from .invoice import INVOICE
from .order import ORDER
from .po_ack import PO_ACK
from .ship_notice import SHIP_NOTICE, ShipNoticeMapping

__all__ = ["MAPPINGS", "BY_DOC_TYPE", "MappingError", "to_canonical", "to_segments", "Mapping"]

Mapping = FlatDocument | ShipNoticeMapping

#: ST01 -> mapping. Sets not listed here are not translated (see inbound.py).
MAPPINGS: dict[str, Mapping] = {m.set_id: m for m in (ORDER, PO_ACK, SHIP_NOTICE, INVOICE)}
#: canonical type ("order", ...) -> mapping
BY_DOC_TYPE: dict[str, Mapping] = {m.doc_type: m for m in MAPPINGS.values()}


def to_canonical(ts: TransactionSet) -> tuple[str, dict[str, Any]]:
    """``(type, document)`` for a set whose ST01 is in :data:`MAPPINGS` (KeyError otherwise);
    the document as its JSON-ready dict (what :func:`~translators.canonical.dump` gives).

    The mapping's plain dict is shaped by :func:`~translators.canonical.canonical`, not
    validated by pydantic, which only sees the documents that shaping refuses.
    Raises :class:`MappingError` when a value cannot be converted (with its AK3/AK4 place)
    and ``pydantic.ValidationError`` when a required field (PO number...) is missing.
    """
    mapping = MAPPINGS[ts.id]
    data = mapping.read(ts.segments, ts.delimiters.component)
    shaped = canonical(mapping.model, data)
    return mapping.doc_type, shaped if shaped is not None else dump(mapping.model.model_validate(data))


def to_segments(doc_type: str, document: Document | dict[str, Any]) -> tuple[str, str, list[Segment]]:
    """``(set id, functional id, body segments)`` of a canonical document (a model or a JSON dict)."""
    mapping = BY_DOC_TYPE[doc_type]
    model = DOCUMENT_TYPES[doc_type]
    if not isinstance(document, model):
        document = model.model_validate(document)  # type: ignore[assignment]
    return mapping.set_id, mapping.functional_id, mapping.write(dump(document))  # type: ignore[arg-type]
