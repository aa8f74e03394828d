"""Generate realistic 004010 850 files for benchmarks (deterministic, any size).

Each PO has 10-30 PO1 lines with buyer/vendor/UPC qualifiers, N1 loops with N3/N4,
DTM, TD5, PID descriptions and a CTT: the shape big-box retailers send.

    python bench/gen_x12.py 10 bench/data/850-10mb.edi [856]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from samples.simulators.gs1 import sscc18  # noqa: E402

ISA = "ISA*00*          *00*          *ZZ*BIGBOXRETAIL   *ZZ*ACMESUPPLY     *240101*1200*U*00401*{ic:09d}*0*P*>~\n"


def purchase_order(rng: random.Random, n: int) -> list[str]:
    lines = rng.randint(10, 30)
    segs = [
        f"ST*850*{n:04d}",
        f"BEG*00*SA*PO{n:08d}**20240{rng.randint(1, 9)}{rng.randint(10, 28)}",
        "CUR*BY*USD",
        f"REF*DP*{rng.randint(100, 999)}",
        f"REF*IA*{rng.randint(10000, 99999)}",
        "ITD*01*3*2**30**60",
        f"DTM*002*2024{rng.randint(10, 12)}{rng.randint(10, 28)}",
        "TD5*O*2*UPSN*M*UPS GROUND",
        "N1*BY*BIG BOX RETAIL INC*92*0001",
        f"N1*ST*STORE {rng.randint(1, 2000)}*92*{rng.randint(1000, 9999)}",
        f"N3*{rng.randint(1, 9999)} MAIN STREET",
        f"N4*SPRINGFIELD*IL*{rng.randint(60000, 62999)}*US",
    ]
    for i in range(1, lines + 1):
        qty = rng.randint(1, 500)
        price = f"{rng.randint(1, 500)}.{rng.randint(0, 99):02d}"
        segs.append(
            f"PO1*{i}*{qty}*EA*{price}*PE*BP*{rng.randint(10**7, 10**8 - 1)}*VP*ACM-{rng.randint(1000, 9999)}"
            f"*UP*{rng.randint(10**11, 10**12 - 1)}"
        )
        segs.append(f"PID*F****WIDGET MODEL {rng.randint(1, 999)} {rng.choice(['RED', 'BLUE', 'GREEN'])}")
    segs.append(f"CTT*{lines}")
    segs.append(f"SE*{len(segs) + 1}*{n:04d}")
    return segs


def ship_notice(rng: random.Random, n: int) -> list[str]:
    """An 856 with the S/O/P/I hierarchy: 2-6 cartons (SSCC-18 with a valid check digit), 1-4 items each."""
    segs = [
        f"ST*856*{n:04d}",
        f"BSN*00*ASN{n:08d}*20240120*1430*0001",
        "HL*1**S",
        f"TD1*CTN25*{rng.randint(2, 6)}****G*{rng.randint(10, 400)}.5*LB",
        "TD5**2*FDEG",
        f"REF*BM*BOL{n:08d}",
        f"REF*CN*1Z{rng.randint(10**9, 10**10 - 1)}",
        "DTM*011*20240120",
        "N1*SF*ACME SUPPLY CO*92*77881",
        "N1*ST*BIG BOX DC 0452*92*0452",
        "HL*2*1*O",
        f"PRF*PO{n:08d}***20240110",
    ]
    hl = 2
    for carton in range(rng.randint(2, 6)):
        hl += 1
        pack = hl
        segs += [f"HL*{hl}*2*P", f"MAN*GM*{sscc18('0614141', n * 10 + carton)}"]
        for item in range(1, rng.randint(1, 4) + 1):
            hl += 1
            segs += [
                f"HL*{hl}*{pack}*I",
                f"LIN*{item}*BP*{100000 + item}*VP*ACM-{item:04d}*UP*{rng.randint(10**11, 10**12 - 1)}",
                f"SN1**{rng.randint(1, 50)}*EA",
            ]
    segs.append(f"CTT*{hl}")
    segs.append(f"SE*{len(segs) + 1}*{n:04d}")
    return segs


def generate(path: Path, megabytes: float, seed: int = 850, kind: str = "850") -> dict[str, int]:
    """Write about ``megabytes`` MB of 850s (or 856s) in one interchange and group; return counts."""
    rng = random.Random(seed)
    build, functional_id = (purchase_order, "PO") if kind == "850" else (ship_notice, "SH")
    target = int(megabytes * 1_000_000)
    path.parent.mkdir(parents=True, exist_ok=True)
    sets = segments = 0
    with path.open("w", encoding="ascii", newline="") as fh:
        fh.write(ISA.format(ic=1))
        fh.write(f"GS*{functional_id}*BIGBOXRETAIL*ACMESUPPLY*20240101*1200*1*X*004010~\n")
        written = 0
        while written < target:
            sets += 1
            segs = build(rng, sets % 10000 or 10000)
            chunk = "".join(s + "~\n" for s in segs)
            fh.write(chunk)
            written += len(chunk)
            segments += len(segs)
        fh.write(f"GE*{sets}*1~\nIEA*1*{1:09d}~\n")
    return {"sets": sets, "segments": segments + 4, "bytes": path.stat().st_size}


if __name__ == "__main__":
    kind = sys.argv[3] if len(sys.argv) > 3 else "850"
    print(generate(Path(sys.argv[2]), float(sys.argv[1]), kind=kind))
