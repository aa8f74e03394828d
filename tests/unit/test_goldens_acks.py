"""Golden acks: every committed ``samples/x12/**/foo.{997,999,ta1}.edi`` equals fresh output.

On a mismatch, look at the diff; if the change is intended, regenerate with
``.venv/bin/python scripts/regen_goldens.py acks`` and commit the goldens with the code.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.util
import sys
from pathlib import Path

import pytest

from edi.x12.ack_read import read_acks
from tests.conftest import CORPUS, ROOT, corpus_rows

REGEN = "run `.venv/bin/python scripts/regen_goldens.py acks`, review `git diff samples/`, commit"


def _load_regen():
    spec = importlib.util.spec_from_file_location("regen_goldens", ROOT / "scripts" / "regen_goldens.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


regen = _load_regen()
ACKS = regen.GENERATORS["acks"]
SAMPLES = regen.inputs(ACKS)


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT / "samples" / "x12"))


def _goldens() -> list[Path]:
    return sorted(p for s in SAMPLES for p in regen.on_disk(ACKS, s))


def test_there_are_samples_in_both_folders() -> None:
    folders = {p.parent.name for p in SAMPLES}
    assert {"envelope", "ack"} <= folders


@pytest.mark.parametrize("sample", SAMPLES, ids=_id)
def test_golden_acks_match_fresh_output(sample: Path) -> None:
    fresh, committed = regen.expected(ACKS, sample), regen.on_disk(ACKS, sample)
    missing = sorted(p.name for p in fresh.keys() - committed.keys())
    stale = sorted(p.name for p in committed.keys() - fresh.keys())
    assert not missing and not stale, f"goldens missing {missing} / no longer produced {stale}: {REGEN}"
    for path, data in fresh.items():
        if committed[path] != data:
            diff = difflib.unified_diff(
                committed[path].decode(errors="replace").splitlines(),
                data.decode(errors="replace").splitlines(),
                f"{path.name} (committed)",
                f"{path.name} (fresh)",
                lineterm="",
            )
            pytest.fail(f"{_id(path)} differs from fresh output:\n" + "\n".join(diff) + f"\n{REGEN}")


def test_goldens_read_back_cleanly() -> None:
    goldens = _goldens()
    assert goldens, f"no golden acks committed: {REGEN}"
    for path in goldens:
        for status in read_acks(path):
            assert not status.issues, (path.name, status.issues)


def test_every_sample_gets_an_acknowledgement() -> None:
    unanswered = [_id(s) for s in SAMPLES if not regen.on_disk(ACKS, s)]
    assert not unanswered, f"samples with no golden ack: {unanswered}"


def test_samples_are_not_corpus_copies() -> None:
    """Samples are written by the project; the corpus keeps its own licenses."""
    rows = corpus_rows()
    if not rows:
        pytest.skip("shared EDI corpus not present")
    corpus = {hashlib.sha256((CORPUS / r["file"]).read_bytes()).hexdigest() for r in rows}
    copies = [_id(p) for p in (ROOT / "samples" / "x12").rglob("*") if p.is_file() and _sha(p) in corpus]
    assert not copies


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: Every code the validator (edi/x12/validate.py and its checks) can put in an ack with
#: its default options. Keep in step with the validator: a new code needs a sample.
#: Not here: set code 18 (a set outside a group also gets TA1 024, which rejects the
#: interchange, so no 997 is sent) and set code 1 (only with ``supported_sets``).
EMITTED = {
    "ta1": {"000", "001", "005", "006", "007", "008", "010", "011", "012", "013", "014", "015", "016", "017", "018"}
    | {"019", "020", "021", "023", "024", "025", "027"},
    "ta1_status": {"A", "E", "R"},
    "group": {"1", "2", "3", "4", "5", "6", "19"},
    "group_status": {"A", "E", "P", "R"},
    "set": {"2", "3", "4", "5", "6", "7", "23"},
    "set_status": {"A", "E", "R"},
    "segment": {"1", "2", "3", "4", "5", "7", "8"},
    "element": {"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "13"},
}


def test_goldens_cover_every_code_the_validator_emits() -> None:
    seen: dict[str, set[str]] = {key: set() for key in EMITTED}
    kinds = set()
    for path in _goldens():
        for status in read_acks(path):
            for ta1 in status.ta1:
                seen["ta1"].add(ta1.note_code)
                seen["ta1_status"].add(ta1.status)
            for group in status.groups:
                kinds.add((group.kind, path.parent.name))
                seen["group"].update(group.codes)
                seen["group_status"].add(group.status)
                for ts in group.sets:
                    seen["set"].update(ts.codes)
                    seen["set_status"].add(ts.status)
                    for seg in ts.segment_errors:
                        seen["segment"].add(seg.code)
                        seen["element"].update(el.code for el in seg.elements)
    missing = {key: sorted(codes - seen[key]) for key, codes in EMITTED.items() if codes - seen[key]}
    assert not missing, f"no golden sample shows these codes: {missing}"
    assert {("997", "ack"), ("999", "ack"), ("997", "envelope"), ("999", "envelope")} <= kinds


def test_regenerate_writes_only_on_purpose_and_removes_stale_goldens(tmp_path: Path) -> None:
    root = tmp_path / "samples"
    (root / "x12").mkdir(parents=True)
    sample = root / "x12" / "a.edi"
    sample.write_bytes(b"ISA")
    stale = root / "x12" / "a.gone.txt"
    stale.write_bytes(b"old")
    fake = regen.Generator("fake", "x12/*.edi", (".out.txt", ".gone.txt"), lambda p: {".out.txt": p.read_bytes()})
    assert regen.regenerate(fake, write=False, root=root) == [
        "new: samples/x12/a.out.txt",
        "stale: samples/x12/a.gone.txt",
    ]
    assert stale.exists() and not (root / "x12" / "a.out.txt").exists()
    regen.regenerate(fake, root=root)
    assert (root / "x12" / "a.out.txt").read_bytes() == b"ISA" and not stale.exists()
    assert regen.regenerate(fake, root=root) == []
    assert regen.is_golden(Path("foo.997.edi")) and not regen.is_golden(Path("foo.edi"))
    assert regen.golden_path(Path("x/foo.edi"), ".ta1.edi") == Path("x/foo.ta1.edi")
