"""Golden files of the cXML samples: ``samples/cxml/<DocType>/foo.xml`` -> ``foo.canonical.json``.

The golden is the ``edigw translate`` JSON of the sample (for ``Response`` samples, the
parsed status), so a reviewer sees exactly what the gateway would hand downstream.
Goldens change only through ``regenerate`` (wired into ``scripts/regen_goldens.py``).
"""

from __future__ import annotations

from pathlib import Path

from ..canonical import to_json
from .status import parse_status
from .translate import translate_cxml

__all__ = ["SAMPLES", "sample_files", "golden_path", "render_golden", "regenerate"]

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "cxml"
GOLDEN_SUFFIX = ".canonical.json"


def sample_files(root: Path = SAMPLES) -> list[Path]:
    return sorted(root.glob("*/*.xml"))


def golden_path(sample: Path) -> Path:
    return sample.with_name(sample.stem + GOLDEN_SUFFIX)


def render_golden(sample: Path) -> str:
    """The golden text for one sample (JSON, trailing newline)."""
    data = sample.read_bytes()
    if sample.parent.name == "Response":
        return to_json(parse_status(data).as_dict()) + "\n"
    return to_json(translate_cxml(data).as_dict()) + "\n"


def regenerate(root: Path = SAMPLES, *, check: bool = False) -> list[Path]:
    """Rewrite every golden under ``root``; returns the goldens that changed (with ``check``, only report them)."""
    changed = []
    for sample in sample_files(root):
        golden = golden_path(sample)
        text = render_golden(sample)
        if not golden.is_file() or golden.read_text(encoding="utf-8") != text:
            changed.append(golden)
            if not check:
                golden.write_text(text, encoding="utf-8")
    return changed
