"""Declarative X12 transaction set schemas and their compiled form.

The data (:mod:`.dictionary`, :mod:`.codes`, :mod:`.sets`) reads like the standard's
tables; :mod:`.load` compiles it once per set and release into dict lookups.
"""

from __future__ import annotations

from .load import UNBOUNDED, Child, ElementSpec, LoopSpec, Note, SegmentSpec, SetSchema, get_schema, release_of
from .sets import VERSIONS

__all__ = [
    "UNBOUNDED",
    "VERSIONS",
    "Child",
    "ElementSpec",
    "LoopSpec",
    "Note",
    "SegmentSpec",
    "SetSchema",
    "get_schema",
    "release_of",
]
