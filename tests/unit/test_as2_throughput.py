"""Throughput of a full AS2 exchange with a 20 KB payload.

Sign + compress + encrypt -> decrypt + decompress + verify -> signed MDN -> MDN verify
and MIC match. Run ``.venv/bin/python -m tests.unit.test_as2_throughput`` for the number;
the test only guards against an order-of-magnitude regression on a shared machine.
"""

from __future__ import annotations

import time

from edi.as2 import MdnStatus
from tests.support.as2_exchange import Exchange

PAYLOAD = (b"ST*850*0001~BEG*00*SA*PO-4711**20260101~PO1*1*10*EA*9.99**VP*ABC-123~" * 300)[: 20 * 1024]
OPTIONS = dict(sign=True, encrypt=True, compression="before-signing", digest="sha-256", cipher="aes256-cbc")


def round_trip(exchange: Exchange) -> None:
    sent = exchange.send(PAYLOAD, **OPTIONS)
    inbound = exchange.receive(sent.headers, sent.body)
    assert inbound.payload == PAYLOAD
    assert exchange.read_mdn(exchange.answer(inbound), sent).status is MdnStatus.DELIVERED


def measure(seconds: float) -> float:
    """Round trips per second over about ``seconds`` of wall time (after one warm-up)."""
    exchange = Exchange.default()
    round_trip(exchange)
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        round_trip(exchange)
        count += 1
    return count / elapsed


def test_round_trip_throughput_floor() -> None:
    assert measure(0.5) > 5


if __name__ == "__main__":
    print(f"{len(PAYLOAD)} byte payload: {measure(5.0):.1f} round trips/s (1 process)")
