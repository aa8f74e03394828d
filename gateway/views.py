"""Read-only views of stored messages for people: parsed segments, pretty XML."""

from __future__ import annotations

from typing import Any

from edi.x12.errors import X12Error
from edi.x12.model import FunctionalGroup, Interchange, Segment, TransactionSet
from edi.x12.parse import read

__all__ = ["parsed_view", "MAX_VIEW_SEGMENTS"]

MAX_VIEW_SEGMENTS = 20_000


def _segments_of(kind: str, obj: object) -> list[Segment]:
    if isinstance(obj, TransactionSet):
        return obj.all_segments()
    if isinstance(obj, (Interchange, FunctionalGroup)):
        seg = obj.header if kind in ("interchange", "group") else obj.trailer
        return [seg] if seg is not None else []
    return [obj] if isinstance(obj, Segment) else []


def parsed_view(raw: bytes) -> dict[str, Any]:
    """X12 as ``{"standard": "x12", "segments": [[id, e1, ...], ...]}``; XML as text; else an error."""
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    if head.startswith(b"ISA"):
        segments: list[list[str]] = []
        try:
            for kind, obj in read(raw):
                segments.extend(list(s) for s in _segments_of(kind, obj))
                if len(segments) >= MAX_VIEW_SEGMENTS:
                    return {"standard": "x12", "segments": segments, "truncated": True}
        except X12Error as exc:
            return {"standard": "x12", "segments": segments, "error": str(exc)}
        return {"standard": "x12", "segments": segments}
    if head.startswith(b"<"):
        return {"standard": "xml", "text": raw[:2_000_000].decode("utf-8", "replace")}
    return {"standard": "unknown", "error": "neither X12 nor XML"}
