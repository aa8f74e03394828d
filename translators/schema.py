"""JSON Schema of the canonical documents, exported to ``docs/schema/`` for integrators.

    python -m translators.schema            # write docs/schema/<type>.schema.json
    python -m translators.schema --check    # exit 1 when the files are not current

A test runs the check in CI, so the published schema never drifts from the models.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from translators.canonical import DOCUMENT_TYPES

__all__ = ["SCHEMA_DIR", "schemas", "main"]

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "docs" / "schema"


def schemas() -> dict[str, str]:
    """File name -> JSON text, one per canonical document type."""
    out = {}
    for doc_type, model in DOCUMENT_TYPES.items():
        # validation mode: amounts are numbers (what `edigw translate` writes; strings are accepted too)
        schema = model.model_json_schema(mode="validation")
        schema["$id"] = f"https://edigw.example/schema/{doc_type}.schema.json"
        schema["title"] = f"edigw canonical {doc_type}"
        out[f"{doc_type}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m translators.schema", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check that docs/schema is current")
    args = ap.parse_args(argv)
    stale = [name for name, text in schemas().items() if _read(SCHEMA_DIR / name) != text]
    if args.check:
        for name in stale:
            print(f"docs/schema/{name} is out of date: run python -m translators.schema", file=sys.stderr)
        return 1 if stale else 0
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        (SCHEMA_DIR / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(schemas())} schemas to {SCHEMA_DIR} ({len(stale)} changed)")
    return 0


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.exists() else None


if __name__ == "__main__":
    sys.exit(main())
