"""Item cross-reference tables (buyer part <-> vendor part / SKU / UPC / GTIN) from CSV.

A retailer orders by its own item number; our ERP knows our SKU. The partner manager
exports the mapping as CSV next to the profile::

    buyer_part,vendor_part,sku,upc,description
    100234,AC-4410,SKU-4410,012345678905,Widget blue

The header needs ``buyer_part`` and at least one other identifier column. An
identifier that maps to two different rows is refused at load (the lookup would be a
guess). Tables are loaded once per file version (path, mtime, size) and shared.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["ID_COLUMNS", "COLUMNS", "ItemXref", "XrefError", "load_xref"]

#: Identifier columns in lookup order.
ID_COLUMNS: tuple[str, ...] = ("buyer_part", "vendor_part", "sku", "upc", "gtin")
COLUMNS: tuple[str, ...] = (*ID_COLUMNS, "description")


class XrefError(ValueError):
    """The CSV cannot serve as a cross-reference (message names the line)."""


@dataclass(frozen=True, slots=True)
class ItemXref:
    path: Path
    rows: tuple[dict[str, str], ...]
    _index: dict[str, dict[str, int]] = field(repr=False)

    def lookup(self, item: Mapping[str, str | None]) -> dict[str, str] | None:
        """The row of the first identifier of ``item`` (in :data:`ID_COLUMNS` order) found."""
        for column in ID_COLUMNS:
            value = item.get(column)
            if value and (row := self._index.get(column, {}).get(value)) is not None:
                return self.rows[row]
        return None

    def __len__(self) -> int:
        return len(self.rows)


def load_xref(path: Path) -> ItemXref:
    """Load ``path`` (cached until the file changes); :class:`XrefError` when malformed."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise XrefError(f"cannot read {path}: {exc}") from exc
    return _load(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load(path: Path, mtime_ns: int, size: int) -> ItemXref:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in reader.fieldnames or []]
            unknown = [h for h in header if h not in COLUMNS]
            if unknown:
                raise XrefError(f"unknown column {unknown[0]!r} (allowed: {', '.join(COLUMNS)})")
            if "buyer_part" not in header or not set(header) & set(ID_COLUMNS[1:]):
                raise XrefError("header needs buyer_part and at least one of vendor_part, sku, upc, gtin")
            rows: list[dict[str, str]] = []
            lines: list[int] = []
            index: dict[str, dict[str, int]] = {c: {} for c in ID_COLUMNS if c in header}
            for line, raw in enumerate(reader, start=2):
                row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None and (v or "").strip()}
                if not row:
                    continue
                if not row.get("buyer_part"):
                    raise XrefError(f"line {line}: buyer_part is empty")
                for column, values in index.items():
                    value = row.get(column)
                    if value and value in values:
                        raise XrefError(f"line {line}: {column} {value!r} already on line {lines[values[value]]}")
                    if value:
                        values[value] = len(rows)
                rows.append(row)
                lines.append(line)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise XrefError(f"cannot read {path}: {exc}") from exc
    return ItemXref(path, tuple(rows), index)
