"""Core of the mapping specs: the error, the field descriptor, the reading context.

Documents are built as plain dicts (cheap in the hot loop) and validated into
pydantic models once per document; these helpers read and write those dicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from edi.x12.model import Segment

from .values import TEXT, Conv, ElementValueError

__all__ = [
    "Data",
    "MappingError",
    "F",
    "Ctx",
    "Spec",
    "get_path",
    "set_path",
    "convert",
    "store",
    "build",
    "element_key",
    "ext_elements",
]

Data = dict[str, Any]


class MappingError(Exception):
    """A segment whose data cannot be mapped; carries its AK3/AK4 location and code."""

    def __init__(self, message: str, segment_id: str, element: int | None = None, code: str = "8") -> None:
        super().__init__(message)
        self.segment_id = segment_id
        self.element = element
        self.code = code  # AK403 element code (or AK304 when element is None)
        self.position: int | None = None  # AK302 segment position, set by the document reader


class F:
    """One element <-> one (dotted) attribute path, with its converter.

    ``write=False`` marks a second source of a field that another segment writes
    (e.g. SN101 after LIN01): read when the field is still empty, never written.
    """

    __slots__ = ("pos", "attr", "conv", "write", "path", "key", "derive")

    def __init__(
        self,
        pos: int,
        attr: str,
        conv: Conv = TEXT,
        *,
        write: bool = True,
        derive: Callable[[Segment], str | None] | None = None,
    ) -> None:
        self.pos = pos
        self.attr = attr
        self.conv = conv
        self.write = write
        self.path = tuple(attr.split("."))
        self.key = attr if len(self.path) == 1 else None  # fast path for top-level fields
        self.derive = derive  # fallback value when the element is empty (other elements stay kept)


def get_path(data: Data, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)  # type: ignore[assignment]
        if data is None:
            return None
    return data


def set_path(data: Data, path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value


class Ctx:
    """A mapping target while reading: the dict and which once-only specs it has seen."""

    __slots__ = ("data", "seen")

    def __init__(self, data: Data | None = None) -> None:
        self.data: Data = {} if data is None else data
        self.seen: set[Any] = set()

    @property
    def ext(self) -> Data:
        ext = self.data.get("extensions")
        if ext is None:
            ext = self.data["extensions"] = {}
        return ext


def convert(conv: Conv, value: str, seg: Segment, pos: int) -> Any:
    try:
        return conv.read(value)
    except ElementValueError as exc:
        raise MappingError(f"{seg[0]}{pos:02d}: {exc}", seg[0], pos, exc.code) from None
    except ValueError as exc:
        raise MappingError(f"{seg[0]}{pos:02d}: {exc}", seg[0], pos, "6") from None


def store(ctx: Ctx, f: F, value: Any) -> bool:
    """Set the field unless it already holds a different value (then the caller keeps the raw text)."""
    current = get_path(ctx.data, f.path)
    if current is None:
        set_path(ctx.data, f.path, value)
        return True
    return current == value


def build(seg_id: str, values: Mapping[int, str]) -> Segment:
    width = max((p for p, v in values.items() if v), default=0)
    return Segment([seg_id, *(values.get(p, "") for p in range(1, width + 1))])


def element_key(seg_id: str, pos: int) -> str:
    return f"{seg_id}{pos:02d}"


def ext_elements(ext: Data, seg_id: str) -> dict[int, str]:
    """``{"BEG04": "x"}`` style keys of ``ext`` that belong to ``seg_id``, by position."""
    n = len(seg_id)
    out: dict[int, str] = {}
    for key, value in ext.items():
        if len(key) == n + 2 and key.startswith(seg_id) and key[n:].isdigit() and isinstance(value, str):
            out[int(key[n:])] = value
    return out


class Spec:
    """Base of the mapping specs: ``read`` one segment into a context, ``write`` a dict to segments."""

    seg_id: str

    @property
    def seg_ids(self) -> tuple[str, ...]:
        """Segment ids this spec reads (most read one)."""
        return (self.seg_id,)

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        """Map ``seg`` into ``ctx``; False when this spec does not take it (the caller keeps it raw)."""
        raise NotImplementedError

    def write(self, data: Data) -> list[Segment]:
        raise NotImplementedError
