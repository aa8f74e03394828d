"""``edigw reconcile [--partner ID] [--since DATE] [--export FILE.csv]``: three-way match report.

A table of PO lines on stdout (exceptions first), counts per status on stderr, and
with ``--export`` one CSV row per PO line. Exit 0 when every line matched, 1 when any
line is an exception, 2 on usage errors.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from gateway.reconcile import LineResult, Status, summarize, write_csv
from gateway.reconcile_query import reconcile_store, registry_tolerances
from gateway.runtime import Runtime
from gateway.settings import Settings

__all__ = ["run", "parse_since", "table"]

COLUMNS = (
    ("partner", "partner"),
    ("po_number", "PO"),
    ("line_number", "line"),
    ("item", "item"),
    ("ordered_quantity", "ordered"),
    ("shipped_quantity", "shipped"),
    ("invoiced_quantity", "invoiced"),
    ("ordered_price", "PO price"),
    ("invoiced_price", "inv price"),
    ("status", "status"),
)


def parse_since(value: str | None) -> dt.datetime | None:
    """ISO date or time (UTC when no zone is given); ValueError when unreadable."""
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def table(results: list[LineResult]) -> str:
    rows = [{key: str(value if value is not None else "-") for key, value in r.as_dict().items()} for r in results]
    for row, result in zip(rows, results, strict=True):
        if len(result.exceptions) > 1:
            row["status"] += f" (+{', '.join(e.value for e in result.exceptions[1:])})"
    widths = [max([len(title), *(len(row[key]) for row in rows)]) for key, title in COLUMNS]
    lines = ["  ".join(title.ljust(w) for (_, title), w in zip(COLUMNS, widths, strict=True))]
    lines += ["  ".join(row[key].ljust(w) for (key, _), w in zip(COLUMNS, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def run(partner: str | None, since: str | None, export: str | None) -> int:
    try:
        since_at = parse_since(since)
    except ValueError:
        print(f"edigw reconcile: --since {since!r} is not an ISO date such as 2024-05-01", file=sys.stderr)
        return 2
    runtime = Runtime.open(Settings.from_env(), generate_keys=False)
    try:
        if partner is not None and partner not in runtime.registry:
            print(f"edigw reconcile: no partner {partner!r}", file=sys.stderr)
            return 2
        with runtime.sessions() as session:
            results = reconcile_store(
                session, partner=partner, since=since_at, tolerance_for=registry_tolerances(runtime.registry)
            )
    finally:
        runtime.close()
    results.sort(key=lambda r: r.status == Status.MATCHED)  # exceptions first, stable otherwise
    if export:
        with Path(export).open("w", newline="", encoding="utf-8") as fh:
            write_csv(results, fh)
    print(table(results))
    counts = {name: n for name, n in summarize(results).items() if n}
    print(
        f"{len(results)} PO lines: " + (", ".join(f"{n} {name}" for name, n in counts.items()) or "none"),
        file=sys.stderr,
    )
    return 1 if any(r.exceptions for r in results) else 0
