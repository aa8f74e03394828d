"""Issue #4 benchmark: X12 and cXML to canonical JSON.

Measured in one process, best of N:
  floor     - bytes.split on the terminator, then on the element separator (as in
              bench/x12_parse.py): the least work that yields every element;
  850 / 856 - a ~10 MB file of each to canonical JSON (parse, validate, translate,
              serialize every document): documents/s, MB/s and the ratio to the floor
              (goal: at least 25% of the floor);
  ceiling   - the 850 file through a throwaway translator written for exactly its
              shape (split, the validator's content regex, a segment-order lookup,
              fixed element positions, orjson): not a translator, an upper bound on
              what any CPython one that validates can reach, to read the goal against;
  cXML      - a realistic 10-line OrderRequest to a canonical order, one core
              (goal: at least 2,000 documents/s).

    .venv/bin/python bench/translate.py [--megabytes 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.gen_x12 import generate  # noqa: E402
from bench.x12_parse import best_of, floor  # noqa: E402
from edi.x12.model import Delimiters  # noqa: E402
from edi.x12.schema import get_schema  # noqa: E402
from edi.x12.segment_pattern import set_matcher  # noqa: E402
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


def ceiling_850(path: Path) -> int:
    """The generated 850s (bench/gen_x12.py) to JSON with nothing general left: see the module doc.

    Every set is checked as the validator's fast path checks it (one regex over the
    body for element contents, a known segment-id sequence for the order), then mapped
    by fixed positions. What it leaves out (code lists to names, dates to ISO, parties
    by role, extensions, terms text, error positions) only makes it cheaper.
    """
    text = path.read_bytes().decode("latin-1")
    element, component, terminator = text[3], text[104], text[105]
    between = terminator + ("\n" if text[106] == "\n" else "")
    delimiters = Delimiters(element, component, terminator)
    match = set_matcher(get_schema("850", "004010"), delimiters, between)
    assert match is not None
    orders: set[tuple[str, ...]] = set()
    documents = 0
    st, se = between + "ST" + element, between + "SE" + element
    at = text.find(st)
    while at >= 0:  # set by set: a few KB at a time stay in the CPU cache, as the floor's chunks do
        start = text.index(between, at + len(st)) + len(between)  # after the ST segment
        end = text.index(se, start) + len(between)  # the body with its last terminator
        body_text = text[start:end]
        if match(body_text) is None:
            raise ValueError("set fails its content check")
        body = body_text.split(between)
        body.pop()
        ids = tuple(s.split(element, 1)[0] for s in body)
        if ids not in orders:
            orders.add(ids)
        orjson.dumps(_fixed_850(body, element))
        documents += 1
        at = text.find(st, end)
    return documents


def _fixed_850(body: list[str], element: str) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    parties: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    line: dict[str, Any] = {}
    for seg in body:
        e = seg.split(element)
        sid = e[0]
        if sid == "PO1":
            line = {"line_number": e[1], "quantity": orjson.Fragment(e[2]), "uom": e[3],
                    "unit_price": orjson.Fragment(e[4]), "item": {"buyer_part": e[7], "vendor_part": e[9],
                    "upc": e[11]}, "extensions": {"PO105": e[5]}}  # fmt: skip
            lines.append(line)
        elif sid == "PID":
            line["item"]["description"] = e[5]
        elif sid == "BEG":
            doc.update(po_number=e[3], po_date=e[5], purpose=e[1], order_type=e[2])
        elif sid == "N1":
            parties.append({"role": e[1], "name": e[2], "id_qualifier": e[3], "id": e[4]})
        elif sid == "N3":
            parties[-1]["address"] = {"street": e[1:]}
        elif sid == "N4":
            parties[-1]["address"].update(city=e[1], state=e[2], postal_code=e[3], country=e[4])
        elif sid == "CUR":
            doc["currency"] = e[2]
        elif sid == "DTM":
            doc["requested_delivery_date"] = e[2]
        elif sid == "TD5":
            doc["carrier"] = e[5]
    doc["parties"] = parties
    doc["lines"] = lines
    return {"type": "order", "document": doc}


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
        if kind == "850":
            assert ceiling_850(path) == docs
            t_ceiling = best_of(lambda p=path: ceiling_850(p), args.runs)
            print(
                f"       ceiling (fixed-shape throwaway, see module doc): {size / 1e6 / t_ceiling:6.1f} MB/s   "
                f"ratio {t_floor / t_ceiling:6.1%}"
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
