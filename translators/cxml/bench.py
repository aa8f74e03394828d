"""How many cXML OrderRequests per second one core turns into canonical orders (and back).

    .venv/bin/python -m translators.cxml.bench [--lines 10] [--seconds 3]

The input is the project's ``new-multi-line`` sample grown to ``--lines`` ItemOut lines
(its own lines repeated with new line numbers): a realistic order with ShipTo/BillTo,
contacts, payment terms, comments and extrinsics. Goal (issue #4): >= 2,000 docs/s for
10 lines.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import time
from collections.abc import Callable

from lxml import etree

from edi.xml import parse_xml

from .envelope import CxmlOptions
from .goldens import SAMPLES
from .render import render_cxml
from .translate import translate_cxml

__all__ = ["order_with_lines", "rate", "main"]


def order_with_lines(lines: int) -> bytes:
    """The new-multi-line OrderRequest sample with exactly ``lines`` ItemOut elements."""
    data = (SAMPLES / "OrderRequest" / "new-multi-line.xml").read_bytes()
    root = parse_xml(data)
    request = root.find("Request/OrderRequest")
    items = request.findall("ItemOut")
    for item in items:
        request.remove(item)
    for number in range(1, lines + 1):
        item = copy.deepcopy(items[(number - 1) % len(items)])
        item.set("lineNumber", str(number))
        request.append(item)
    doctype = root.getroottree().docinfo.doctype
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=doctype, pretty_print=True)


def rate(func: Callable[[], object], seconds: float) -> tuple[float, float]:
    """Calls per second of ``func`` over about ``seconds``: (per CPU second of this process, per wall second).

    On a shared machine the CPU-time rate is the one-core figure; wall time also counts
    the time other processes held the core.
    """
    for _ in range(50):
        func()
    count, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(100):
            func()
        count += 100
    return count / (time.process_time() - cpu_start), count / elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    data = order_with_lines(args.lines)
    result = translate_cxml(data)
    assert not result.errors and len(result.documents[0].document.lines) == args.lines
    order = result.documents[0].document
    options = CxmlOptions.simple("AN-A", "AN-B", "s", payload_id="bench@edigw", timestamp=dt.datetime.now(dt.UTC))
    inbound = rate(lambda: translate_cxml(data), args.seconds)
    outbound = rate(lambda: render_cxml("order", order, options=options), args.seconds)
    print(f"OrderRequest, {args.lines} lines, {len(data)} bytes, one core (per CPU second; wall clock in brackets):")
    for label, (cpu, wall) in (("cXML -> canonical", inbound), ("canonical -> cXML", outbound)):
        print(f"  {label}: {cpu:,.0f} docs/s, {1e6 / cpu:.0f} us/doc ({wall:,.0f} docs/s wall)")


if __name__ == "__main__":
    main()
