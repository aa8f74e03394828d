"""Run every benchmark in turn (``./run bench``); each prints its own figures and ratios."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["x12_parse.py", "translate.py", "as2_gateway.py", "pipeline.py"]

if __name__ == "__main__":
    failed = 0
    for name in BENCHMARKS:
        print(f"== bench/{name}", flush=True)
        failed += subprocess.call([sys.executable, str(HERE / name), *sys.argv[1:]]) != 0
    sys.exit(1 if failed else 0)
