"""Shared helpers for the test_partners_* modules (no tests here): scratch partners folder, YAML edits."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path
from typing import Any

import yaml

SAMPLE_PARTNERS = Path(__file__).resolve().parents[2] / "samples" / "partners"
DELETE = object()


def copy_samples(dest: Path) -> Path:
    """A writable copy of samples/partners (profiles, xref CSVs, sample files)."""
    folder = dest / "partners"
    shutil.copytree(SAMPLE_PARTNERS, folder)
    return folder


def read(folder: Path, partner_id: str) -> dict[str, Any]:
    return yaml.safe_load((folder / f"{partner_id}.yaml").read_text(encoding="utf-8"))


def write(folder: Path, partner_id: str, data: dict[str, Any], name: str | None = None) -> Path:
    path = folder / (name or f"{partner_id}.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def edited(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of ``data`` with the dotted ``path`` (``a.b[0].c``) set to ``value`` (or deleted)."""
    data = copy.deepcopy(data)
    keys: list[str | int] = []
    for part in path.split("."):
        name, *indexes = re.split(r"\[(\d+)\]", part)
        keys.append(name)
        keys.extend(int(i) for i in indexes if i)
    target: Any = data
    for key in keys[:-1]:
        target = target[key]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return data
