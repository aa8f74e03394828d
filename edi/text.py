"""Partner text made safe to hand on: what could not be decoded shown, never passed raw.

The X12 reader decodes input as UTF-8 with ``surrogateescape`` so that every byte is
kept and written back exactly (a Latin-1 ``é`` becomes the lone surrogate ``\\udce9``).
Validation rejects such elements (AK4 ``6``), but envelope fields and error texts can
still carry them, and neither JSON (orjson, PostgreSQL ``jsonb``) nor a UTF-8 stream
accepts a lone surrogate. :func:`as_text` turns them into a visible ``\\xe9``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["as_text", "as_text_json"]


def as_text(value: str) -> str:
    """``value`` unchanged when it is valid Unicode; else each undecodable byte as ``\\xNN``."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        pass
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        return value.encode("utf-8", "backslashreplace").decode("utf-8")


def as_text_json(data: Any) -> Any:
    """A copy of JSON-like ``data`` (dicts, lists, strings, ...) with every string :func:`as_text`."""
    if isinstance(data, str):
        return as_text(data)
    if isinstance(data, dict):
        return {as_text(k) if isinstance(k, str) else k: as_text_json(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [as_text_json(v) for v in data]
    return data
