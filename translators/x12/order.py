"""850 purchase order <-> :class:`~translators.canonical.Order` (mapping tables only)."""

from __future__ import annotations

from translators.canonical import Order

from .codes import ORDER_TYPE
from .common import DESCRIPTION, PURPOSE_CODES, TERMS, currency, line_count, priced_line
from .core import F
from .document import FlatDocument, Roles, sequence
from .mapping import Elements, Qualified
from .repeats import Notes
from .values import DATE, DECIMAL, codes

__all__ = ["ORDER"]

ORDER = FlatDocument(
    set_id="850",
    functional_id="PO",
    doc_type="order",
    model=Order,
    header=(
        Elements(
            "BEG",
            [
                F(1, "purpose", PURPOSE_CODES),
                F(2, "order_type", codes(ORDER_TYPE)),
                F(3, "po_number"),
                F(5, "po_date", DATE),
            ],
            defaults={2: ("SA", 3)},  # BEG02 is mandatory: stand-alone unless said otherwise
        ),
        currency("BY"),
        Qualified("REF"),
        TERMS,
        Qualified("DTM", {"002": F(2, "requested_delivery_date", DATE), "010": F(2, "requested_ship_date", DATE)}),
        Elements("TD5", [F(5, "carrier")]),
        Notes(),
    ),
    roles=Roles(
        {"buyer": ("BY",), "seller": ("SE", "SU", "VN"), "ship_to": ("ST",), "bill_to": ("BT",)},
    ),
    line=(
        priced_line("PO1"),
        DESCRIPTION,
        Qualified("DTM", {"002": F(2, "requested_delivery_date", DATE)}),
    ),
    summary=(line_count(), Qualified("AMT", {"TT": F(2, "total_amount", DECIMAL)})),
    summary_start=frozenset({"CTT"}),
    header_order=sequence(
        "BEG CUR REF PER TAX FOB CTP PAM CSH TC2 SAC ITD DIS INC DTM LDT LIN SI PID MEA PWK PKG TD1 TD5 TD3 TD4 "
        "MAN PCT CTB TXI AMT N9 MSG N1"
    ),
    line_order=sequence(
        "PO1 LIN SI CUR CN1 PO3 CTP PID MEA PWK PO4 REF PER SAC IT8 CSH ITD DIS INC TAX FOB SDQ IT3 DTM LDT SCH "
        "TC2 TD1 TD5 TD3 TD4 PCT MAN MSG SPI TXI CTB QTY N9 N1 SLN AMT"
    ),
)
