"""Realistic 850 purchase orders as a retailer sends them, and dropping files for SFTP pickup.

The default lines are items of BigBox's item cross-reference
(``samples/partners/bigbox/items.csv``), so a generated order passes that partner's
rules and reaches the sinks in the demo. Envelope counts (SE01, GE01, IEA01) are
computed, never typed, so every generated file validates.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from edi.x12.model import Delimiters, Segment
from edi.x12.serialize import format_isa, serialize_segments, to_bytes
from translators.canonical import decimal_text

__all__ = ["Line850", "CATALOG", "make_850", "drop_sftp"]


@dataclass(frozen=True, slots=True)
class Line850:
    buyer_part: str
    vendor_part: str
    upc: str
    description: str
    quantity: Decimal = Decimal(12)
    unit_price: Decimal = Decimal("9.99")
    uom: str = "EA"

    @property
    def amount(self) -> Decimal:
        return self.quantity * self.unit_price


#: BigBox items known to its item cross-reference, with plausible prices
CATALOG: tuple[Line850, ...] = (
    Line850("100234", "AC-4410", "012345678905", "WIDGET BLUE 4IN", Decimal(24), Decimal("12.50")),
    Line850("100235", "AC-4411", "012345678912", "WIDGET RED 4IN", Decimal(36), Decimal("12.50")),
    Line850("100240", "AC-5520", "012345678929", "GADGET DELUXE", Decimal(6), Decimal("129.00")),
    Line850("100251", "AC-7001", "012345678936", "SPROCKET KIT 12PC", Decimal(10), Decimal("48.75")),
)


def make_850(
    po_number: str,
    lines: int | Sequence[Line850] = 3,
    *,
    sender: str = "BIGBOXSTORES",
    receiver: str = "EDIGW",
    version: str = "004010",
    control_number: int = 1,
    po_date: dt.date | None = None,
    usage: str = "P",
) -> bytes:
    """One interchange holding one 850 for ``po_number``.

    ``lines``: a count (items cycle through :data:`CATALOG`) or the lines themselves.
    ``version`` is the GS08 (``004010`` or ``005010``); ISA12 and the repetition
    separator follow it. ``control_number`` is used for ISA13 and GS06 (ST02 is 0001).
    """
    items = [CATALOG[i % len(CATALOG)] for i in range(lines)] if isinstance(lines, int) else list(lines)
    if not items:
        raise ValueError("an order needs at least one line")
    now = dt.datetime.now(dt.UTC)
    ordered = po_date or now.date()
    five = version >= "005010"
    d = Delimiters(element="*", component=">", segment="~", repetition="^" if five else None, suffix="\n")
    body = _order_segments(po_number, items, ordered)
    st = [Segment(["ST", "850", "0001"]), *body]
    st.append(Segment(["SE", str(len(st) + 1), "0001"]))
    isa = format_isa(
        ["ISA", "00", "", "00", "", "ZZ", sender, "ZZ", receiver, f"{now:%y%m%d}", f"{now:%H%M}",
         "^" if five else "U", "00501" if five else "00401", str(control_number), "0", usage, ">"],
        d,
    )  # fmt: skip
    gs = Segment(["GS", "PO", sender, receiver, f"{now:%Y%m%d}", f"{now:%H%M}", str(control_number), "X", version])
    trailer = [Segment(["GE", "1", str(control_number)]), Segment(["IEA", "1", f"{control_number:09d}"])]
    return to_bytes(serialize_segments([isa, gs, *st, *trailer], d))


def _order_segments(po_number: str, items: list[Line850], ordered: dt.date) -> list[Segment]:
    ship = ordered + dt.timedelta(days=7)
    segs = [
        ["BEG", "00", "SA", po_number, "", f"{ordered:%Y%m%d}"],
        ["CUR", "BY", "USD"],
        ["REF", "DP", "092"],
        ["PER", "BD", "JANE BUYER", "TE", "5015550100"],
        ["DTM", "002", f"{ship + dt.timedelta(days=3):%Y%m%d}"],
        ["DTM", "010", f"{ship:%Y%m%d}"],
        ["TD5", "O", "2", "FDEG", "M", "FEDEX GROUND"],
        ["N1", "BY", "BIGBOX STORES INC", "92", "0001"],
        ["N1", "ST", "BIGBOX DC 0452", "92", "0452"],
        ["N3", "1200 DISTRIBUTION PKWY"],
        ["N4", "BENTONVILLE", "AR", "72712", "US"],
    ]
    for number, line in enumerate(items, 1):
        segs.append(
            ["PO1", str(number), decimal_text(line.quantity), line.uom, decimal_text(line.unit_price), "PE",
             "BP", line.buyer_part, "VN", line.vendor_part, "UP", line.upc]
        )  # fmt: skip
        segs.append(["PID", "F", "", "", "", line.description])
    total = sum((line.amount for line in items), Decimal(0))
    segs += [["CTT", str(len(items))], ["AMT", "TT", decimal_text(total)]]
    return [Segment(s) for s in segs]


def drop_sftp(folder: Path, payload: bytes, filename: str) -> Path:
    """Put ``payload`` into ``folder`` as ``filename``, visible only when complete.

    Written under a dot-name first (pollers skip those: upload in progress), flushed,
    then renamed in one step, so a poller never picks up half a file.
    """
    if not filename or filename.startswith(".") or "/" in filename or "\\" in filename:
        raise ValueError(f"not a plain file name: {filename!r}")
    folder.mkdir(parents=True, exist_ok=True)
    final, partial = folder / filename, folder / f".{filename}.part"
    with partial.open("wb") as fh:
        fh.write(payload)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(partial, final)
    return final
