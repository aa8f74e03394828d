"""855 purchase order acknowledgment <-> :class:`~translators.canonical.PoAck`.

The PoAck line quantity is the acknowledged one (ACK02); the ordered quantity (PO102)
stays in the line's extensions. ACK04/ACK05 and DTM 068/067 give ``scheduled_date``.
"""

from __future__ import annotations

from translators.canonical import PoAck

from .codes import ACK_TYPE, ACK_TYPE_ALIASES, LINE_STATUS
from .common import DESCRIPTION, PURPOSE_CODES, line_count
from .core import F
from .document import FlatDocument, Roles, sequence
from .mapping import Elements, Qualified
from .values import DATE, DECIMAL, codes

__all__ = ["PO_ACK"]

PO_ACK = FlatDocument(
    set_id="855",
    functional_id="PR",
    doc_type="po_ack",
    model=PoAck,
    header=(
        Elements(
            "BAK",
            [
                F(1, "purpose", PURPOSE_CODES),
                F(2, "ack_type", codes(ACK_TYPE, ACK_TYPE_ALIASES)),
                F(3, "po_number"),
                F(4, "po_date", DATE),
                F(8, "seller_order_number"),
                F(9, "ack_date", DATE),
            ],
        ),
        Qualified("REF"),
        Qualified("DTM"),
    ),
    roles=Roles({"buyer": ("BY",), "seller": ("SE", "SU", "VN"), "ship_to": ("ST",)}),
    line=(
        Elements(
            "PO1", [F(1, "line_number"), F(3, "uom"), F(4, "unit_price", DECIMAL)], ids_from=6, ids_end=25, always=True
        ),
        DESCRIPTION,
        Elements(
            "ACK",
            [F(1, "status", codes(LINE_STATUS)), F(2, "quantity", DECIMAL), F(3, "uom"), F(5, "scheduled_date", DATE)],
            defaults={4: ("068", 5)},
            ids_from=7,
            ids_end=26,
            write_ids=False,
        ),
        Qualified(
            "DTM",
            {"068": F(2, "scheduled_date", DATE, write=False), "067": F(2, "scheduled_date", DATE, write=False)},
        ),
    ),
    summary=(line_count(),),
    summary_start=frozenset({"CTT"}),
    header_order=sequence(
        "BAK CUR REF PER TAX FOB CTP PAM CSH SAC ITD DIS INC DTM LDT LIN SI PID MEA PWK PKG TD1 TD5 TD3 TD4 MAN "
        "N9 MSG N1"
    ),
    line_order=sequence(
        "PO1 LIN SI CUR PO3 CTP PID MEA PWK PO4 REF PER SAC IT8 CSH ITD DIS TAX FOB SDQ DTM FST TD1 TD5 TD3 TD4 "
        "MAN AMT ACK SCH N1 SLN"
    ),
)
