"""Regenerate golden files next to the samples they come from.

    .venv/bin/python scripts/regen_goldens.py acks        # one generator
    .venv/bin/python scripts/regen_goldens.py --check     # every generator, write nothing

Goldens are only ever written by running this on purpose; the tests compare them to
fresh output and point here on a mismatch. Output is deterministic: a fixed clock and a
fresh :class:`~edi.x12.control.InMemoryAllocator` per sample.

Each generator is one :class:`Generator` in :data:`GENERATORS` (name -> generator): which
samples it reads (a glob under ``samples/``), which golden suffixes it owns, and a
function from a sample to ``{suffix: bytes}``. Goldens of a sample that a generator no
longer produces are deleted. To add one (say ``canonical``: ``foo.edi`` ->
``foo.canonical.json``), write its function and add one :func:`register` line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from edi.x12.ack import AckWriter, iter_validated  # noqa: E402
from edi.x12.control import InMemoryAllocator  # noqa: E402
from edi.x12.errors import X12SyntaxError  # noqa: E402

SAMPLES = ROOT / "samples"
#: Every golden claims to be written at this moment.
GOLDEN_CLOCK = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Generator:
    name: str
    pattern: str  # glob under samples/ selecting candidate inputs
    suffixes: tuple[str, ...]  # golden suffixes it owns: "foo.edi" -> "foo" + suffix
    make: Callable[[Path], dict[str, bytes]]  # sample -> {suffix: content}


GENERATORS: dict[str, Generator] = {}


def register(generator: Generator) -> Generator:
    GENERATORS[generator.name] = generator
    return generator


def is_golden(path: Path) -> bool:
    """True for any generator's output, so goldens are never taken as inputs."""
    return any(path.name.endswith(s) for g in GENERATORS.values() for s in g.suffixes)


def inputs(generator: Generator, root: Path = SAMPLES) -> list[Path]:
    return sorted(p for p in root.glob(generator.pattern) if p.is_file() and not is_golden(p))


def golden_path(sample: Path, suffix: str) -> Path:
    return sample.with_name(sample.name[: -len(sample.suffix)] + suffix)


def expected(generator: Generator, sample: Path) -> dict[Path, bytes]:
    """Fresh output for ``sample``, keyed by the golden path it belongs in."""
    return {golden_path(sample, suffix): data for suffix, data in generator.make(sample).items()}


def on_disk(generator: Generator, sample: Path) -> dict[Path, bytes]:
    """The goldens of ``sample`` currently committed for ``generator``."""
    paths = (golden_path(sample, s) for s in generator.suffixes)
    return {p: p.read_bytes() for p in paths if p.is_file()}


def regenerate(generator: Generator, write: bool = True, root: Path = SAMPLES) -> list[str]:
    """Bring every golden of ``generator`` up to date; returns what changed (or would)."""
    changes = []
    for sample in inputs(generator, root):
        fresh, old = expected(generator, sample), on_disk(generator, sample)
        for path, data in fresh.items():
            if old.get(path) != data:
                changes.append(f"{'new' if path not in old else 'changed'}: {path.relative_to(root.parent)}")
                if write:
                    path.write_bytes(data)
        for path in old.keys() - fresh.keys():
            changes.append(f"stale: {path.relative_to(root.parent)}")
            if write:
                path.unlink()
    return changes


# -- generators --------------------------------------------------------------------
def make_acks(sample: Path) -> dict[str, bytes]:
    """TA1 / 997 / 999 due for ``sample``, as ``edigw validate`` would send them.

    Several interchanges in one sample give one concatenated golden per kind; a sample
    that is not X12 at all has nothing to acknowledge (no ISA to answer to).
    """
    writer = AckWriter(InMemoryAllocator(), clock=lambda: GOLDEN_CLOCK)
    out: dict[str, list[bytes]] = {}
    try:
        for result, envelope in iter_validated(sample):
            for ack in writer.write(result, envelope):
                out.setdefault(f".{ack.kind}.edi", []).append(ack.to_bytes())
    except X12SyntaxError:
        return {}
    return {suffix: b"".join(parts) for suffix, parts in out.items()}


register(Generator("acks", "x12/**/*.edi", (".997.edi", ".999.edi", ".ta1.edi"), make_acks))


def make_canonical(sample: Path) -> dict[str, bytes]:
    """The ``documents`` of ``edigw translate`` for an 850/855/856/810 sample (JSON, exact decimals)."""
    from translators.canonical import to_json
    from translators.translate import translate_bytes

    result = translate_bytes(sample.read_bytes())
    return {".canonical.json": (to_json([d.as_dict() for d in result.documents]) + "\n").encode()}


register(Generator("canonical", "x12/8[15][056]/*.edi", (".canonical.json",), make_canonical))


def make_cxml(sample: Path) -> dict[str, bytes]:
    """``edigw translate`` JSON of a cXML sample (for Response samples: the parsed status)."""
    from translators.cxml.goldens import render_golden

    return {".canonical.json": render_golden(sample).encode("utf-8")}


register(Generator("cxml", "cxml/*/*.xml", (".canonical.json",), make_cxml))


def make_mapped_xml(sample: Path) -> dict[str, bytes]:
    """``edigw translate`` JSON of a partner XML sample, with its ``<partner>.mapping.yaml``."""
    from translators.canonical import to_json
    from translators.xml_mapping import load_mapping, translate_mapped_xml

    mapping = sample.with_name(sample.name.split("-", 1)[0] + ".mapping.yaml")
    if not mapping.is_file():
        return {}
    result = translate_mapped_xml(sample.read_bytes(), load_mapping(mapping))
    return {".canonical.json": (to_json(result.as_dict()) + "\n").encode("utf-8")}


register(Generator("xml", "xml/*.xml", (".canonical.json",), make_mapped_xml))


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="GENERATOR", help=f"one of: {', '.join(GENERATORS)}")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a golden is out of date")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.names and not args.check:
        parser.error("name the generator(s) to run, e.g. 'acks' (goldens are never rewritten by default)")
    unknown = [n for n in args.names if n not in GENERATORS]
    if unknown:
        parser.error(f"unknown generator(s) {', '.join(unknown)}; known: {', '.join(GENERATORS)}")
    changes = []
    for name in args.names or list(GENERATORS):
        changes.extend(regenerate(GENERATORS[name], write=not args.check))
    print("\n".join(changes) if changes else "goldens up to date")
    return 1 if args.check and changes else 0


if __name__ == "__main__":
    sys.exit(main())
