"""The published JSON Schema (docs/schema) matches the canonical models, and documents validate against it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from translators.canonical import to_json
from translators.schema import SCHEMA_DIR, main, schemas
from translators.translate import translate_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "x12"


def test_docs_schema_is_current() -> None:
    assert main(["--check"]) == 0, "run: python -m translators.schema"


@pytest.mark.parametrize("name", sorted(schemas()))
def test_schema_names_every_contract_field(name: str) -> None:
    schema = json.loads((SCHEMA_DIR / name).read_text())
    key = {"order": "po_number", "po_ack": "po_number", "ship_notice": "shipment_id", "invoice": "invoice_number"}
    assert key[name.split(".")[0]] in schema["required"]


def test_translated_samples_validate_against_the_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    checked = 0
    for path in sorted(SAMPLES.glob("*/*.edi")):
        if path.name.count(".") > 1:
            continue  # goldens (.997.edi ...)
        for item in translate_bytes(path.read_bytes()).documents:
            data = json.loads(to_json(item.as_dict()["document"]))  # the JSON the contract promises
            jsonschema.validate(data, json.loads((SCHEMA_DIR / f"{item.type}.schema.json").read_text()))
            checked += 1
    assert checked >= 20
