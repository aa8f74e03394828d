"""A copy of the bundled partner profiles with test endpoints (local SFTP, simulators)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

__all__ = ["copy_partners", "BUNDLED"]

BUNDLED = Path(__file__).resolve().parents[2] / "samples" / "partners"


def copy_partners(dest: Path, changes: dict[str, dict[str, Any]] | None = None) -> Path:
    """Copy ``samples/partners`` to ``dest`` and deep-merge ``changes[partner_id]`` into each profile."""
    shutil.copytree(BUNDLED, dest, dirs_exist_ok=True)
    for partner_id, change in (changes or {}).items():
        path = dest / f"{partner_id}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        _merge(data, change)
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return dest


def _merge(into: dict[str, Any], change: dict[str, Any]) -> None:
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
