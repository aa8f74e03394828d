"""Issue #6 benchmark: signed+encrypted 20 KB 850s over AS2 -> committed + signed MDN.

Measured in one process:
  bare     - pyas2lib parsing the same messages (decrypt, verify, decompress) and
             building its signed MDN: the protocol cost alone, no HTTP, no database;
  gateway  - our gateway on loopback HTTP: unwrap, commit message + dedupe keys +
             outbox row, build/sign/store the MDN, return it; with SQLite (embedded
             default) and with PostgreSQL (127.0.0.1:5432) when reachable.
Goal: gateway messages/s >= 50% of the bare pyas2lib rate. Also prints p50/p99 MDN
latency as seen by the sending client.

    .venv/bin/python bench/as2_gateway.py [--messages 300] [--clients 4]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization  # noqa: E402

from edi.as2 import LocalIdentity, MdnMode, Partner, SendOptions, build_message  # noqa: E402
from edi.as2.build import Compression  # noqa: E402
from samples.simulators.as2_peer import load_identity  # noqa: E402
from tests.support.gateway_server import running_gateway  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def po_850(n: int, size: int = 20 * 1024) -> bytes:
    head = (
        f"ISA*00*          *00*          *ZZ*BIGBOXSTORES   *ZZ*EDIGW          *240101*1200*U*00401*{n:09d}*0*P*>~\n"
        f"GS*PO*BIGBOXSTORES*EDIGW*20240101*1200*{n}*X*004010~\nST*850*0001~\nBEG*00*SA*PO{n:08d}**20240101~\n"
    )
    lines, i = [], 0
    while len(head) + sum(map(len, lines)) < size - 200:
        i += 1
        lines.append(f"PO1*{i}*{i % 50 + 1}*EA*{i % 90 + 1}.25**BP*{100000 + i}*VP*ACM-{i:05d}*UP*0{i:011d}~\n")
    tail = f"CTT*{i}~\nSE*{i + 4}*0001~\nGE*1*{n}~\nIEA*1*{n:09d}~\n"
    return (head + "".join(lines) + tail).encode()


def build_all(keys: Path, count: int, offset: int) -> list[tuple[dict[str, str], bytes]]:
    sender, ours = load_identity(keys, "BIGBOX-AS2"), load_identity(keys, "EDIGW-AS2")
    partner = Partner(ours.as2_id, verify_certificates=(ours.certificate,), encryption_certificate=ours.certificate)
    options = SendOptions(compression=Compression.BEFORE_SIGNING, mdn=MdnMode.SYNC, mdn_signed=True, filename="po.edi")
    out = []
    for i in range(count):
        msg = build_message(po_850(offset + i), sender, partner, options)
        out.append((msg.headers, msg.body))
    return out


def bare_pyas2lib(keys: Path, messages: list[tuple[dict[str, str], bytes]]) -> float:
    """Messages/s for pyas2lib's parse + signed MDN of the same messages, or 0 when unavailable."""
    from tests.support import oscrypto_compat

    try:
        as2 = oscrypto_compat.import_pyas2lib()
    except ImportError as exc:
        print(f"  pyas2lib unavailable: {exc}")
        return 0.0

    def pem(ident: LocalIdentity, key: bool) -> bytes:
        cert = ident.certificate.public_bytes(serialization.Encoding.PEM)
        if not key:
            return cert
        fmt = serialization.PrivateFormat.PKCS8
        return ident.private_key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()) + cert

    ours, theirs = load_identity(keys, "EDIGW-AS2"), load_identity(keys, "BIGBOX-AS2")
    org = as2.Organization(as2_name=ours.as2_id, sign_key=pem(ours, True), decrypt_key=pem(ours, True))
    partner = as2.Partner(
        as2_name=theirs.as2_id, verify_cert=pem(theirs, False), encrypt_cert=pem(theirs, False), sign=True, encrypt=True
    )
    start = time.perf_counter()
    for headers, body in messages:
        raw = b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n" + body
        status, (error, _trace), mdn = as2.Message().parse(
            raw, find_org_cb=lambda _n: org, find_partner_cb=lambda _n: partner
        )
        assert status == "processed" and mdn is not None, error
    return len(messages) / (time.perf_counter() - start)


def gateway_run(home: Path, database_url: str | None, count: int, clients: int, label: str) -> float:
    with running_gateway(home, database_url) as gw:
        keys = home / "keys"
        messages = build_all(keys, count, offset=1000 if database_url else 1)
        warm = build_all(keys, 5, offset=900_000 + (1000 if database_url else 0))
        for headers, body in warm:
            gw.request("POST", "/as2", body=body, headers=headers)

        def post(item: tuple[dict[str, str], bytes]) -> float:
            start = time.perf_counter()
            status, _, mdn = gw.request("POST", "/as2", body=item[1], headers=item[0])
            assert status == 200 and b"processed" in mdn and b"error" not in mdn, mdn[:300]
            return time.perf_counter() - start

        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            latencies = sorted(pool.map(post, messages))
        elapsed = time.perf_counter() - start
    rate = count / elapsed
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    print(f"  gateway {label:<10} {rate:8.1f} msg/s   p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   ({clients} clients)")
    return rate


def postgres_url() -> str | None:
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        name = f"edigw_bench_{uuid.uuid4().hex[:8]}"
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    except Exception as exc:  # noqa: BLE001 - the PostgreSQL run is skipped, and says why
        print(f"  PostgreSQL unavailable: {exc}")
        return None


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=300)
    ap.add_argument("--clients", type=int, default=4)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "sqlite"
        print(f"AS2 signed+encrypted+compressed 20 KB 850s, {args.messages} messages, one process")
        sqlite_rate = gateway_run(home, None, args.messages, args.clients, "SQLite")
        bare = bare_pyas2lib(home / "keys", build_all(home / "keys", min(args.messages, 200), offset=500_000))
        if bare:
            print(f"  bare pyas2lib parse + signed MDN: {bare:8.1f} msg/s")
            print(f"  ratio gateway(SQLite) / bare = {sqlite_rate / bare:6.1%}   (goal >= 50%)")
        url = postgres_url()
        if url:
            pg_home = Path(tmp) / "pg"
            pg_rate = gateway_run(pg_home, url, args.messages, args.clients, "PostgreSQL")
            if bare:
                print(f"  ratio gateway(PostgreSQL) / bare = {pg_rate / bare:6.1%}   (goal >= 50%)")


if __name__ == "__main__":
    main()
