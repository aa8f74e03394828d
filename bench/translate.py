"""Issue #4 benchmark: X12 and cXML to canonical JSON.

Measured in one process, best of N:
  floor     - bytes.split on the terminator, then on the element separator (as in
              bench/x12_parse.py): the least work that yields every element;
  850 / 856 - a ~10 MB file of each to canonical JSON (parse, validate, translate,
              serialize every document): documents/s, MB/s and the ratio to the floor
              (goal: at least 25% of the floor);
  cXML      - a realistic 10-line OrderRequest to a canonical order, one core
              (goal: at least 2,000 documents/s).

    .venv/bin/python bench/translate.py [--megabytes 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.gen_x12 import generate  # noqa: E402
from bench.x12_parse import best_of, floor  # noqa: E402
from translators.canonical import to_json  # noqa: E402
from translators.cxml import translate_cxml  # noqa: E402
from translators.cxml.bench import order_with_lines  # noqa: E402
from translators.x12.inbound import translate_x12  # noqa: E402

DATA = ROOT / "bench" / "data"


def to_canonical_json(path: Path) -> int:
    result = translate_x12(path)
    assert not result.errors, result.errors[:1]
    for item in result.documents:
        to_json(item.as_dict(), indent=None)
    return len(result.documents)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--megabytes", type=float, default=10)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"X12 -> canonical JSON, ~{args.megabytes:g} MB files, best of {args.runs}, one process")
    for kind in ("850", "856"):
        path = DATA / f"{kind}-{args.megabytes:g}mb.edi"
        info = generate(path, args.megabytes, kind=kind)
        size = info["bytes"]
        t_floor = best_of(lambda p=path: floor(p), args.runs)
        docs = to_canonical_json(path)
        t = best_of(lambda p=path: to_canonical_json(p), args.runs)
        print(
            f"  {kind}: {docs:,} documents  {docs / t:8.0f} docs/s  {size / 1e6 / t:6.1f} MB/s   "
            f"floor {size / 1e6 / t_floor:6.1f} MB/s   ratio {t_floor / t:6.1%}  (goal >= 25%)"
        )
    order = order_with_lines(10)
    assert translate_cxml(order).documents
    count, start = 0, time.process_time()
    while time.process_time() - start < 3.0:
        translate_cxml(order)
        count += 1
    rate = count / (time.process_time() - start)
    print(f"  cXML OrderRequest (10 lines, {len(order):,} bytes): {rate:8.0f} docs/s per CPU-second  (goal >= 2,000)")


if __name__ == "__main__":
    main()
