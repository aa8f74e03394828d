"""Golden canonical JSON next to each X12 sample (samples/x12/850|855|856|810/foo.canonical.json).

Regenerate on purpose with ``.venv/bin/python scripts/regen_goldens.py canonical`` and
review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from translators.canonical import to_json
from translators.translate import translate_bytes

#: The samples themselves, not the goldens written next to them (foo.997.edi, ...).
SAMPLE_FILES = sorted(
    p for kind in ("850", "855", "856", "810") for p in (SAMPLES / "x12" / kind).glob("*.edi") if p.name.count(".") == 1
)


def test_at_least_five_samples_per_type() -> None:
    for kind in ("850", "855", "856", "810"):
        assert len([p for p in SAMPLE_FILES if p.parent.name == kind]) >= 5, kind


@pytest.mark.parametrize("sample", SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_golden(sample: Path) -> None:
    golden = sample.with_name(sample.stem + ".canonical.json")
    assert golden.is_file(), f"missing {golden.name}: run scripts/regen_goldens.py canonical"
    result = translate_bytes(sample.read_bytes())
    assert not result.errors, [e.as_dict() for e in result.errors]
    fresh = to_json([d.as_dict() for d in result.documents]) + "\n"
    assert fresh == golden.read_text(encoding="utf-8"), (
        f"{golden.name} is out of date: scripts/regen_goldens.py canonical"
    )
