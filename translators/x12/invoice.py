"""810 invoice <-> :class:`~translators.canonical.Invoice`.

TDS01 and SAC05 are N2 (two implied decimals) and become exact Decimals; summary SAC
segments with SAC01 A/C become ``charges`` (SAC*N and line-level SACs stay kept raw).
"""

from __future__ import annotations

from translators.canonical import Invoice

from .codes import CHARGE_CODE_ALIASES, CHARGE_TYPE
from .common import DESCRIPTION, PURPOSE_CODES, TERMS, currency, line_count, priced_line
from .core import F
from .document import FlatDocument, Roles, sequence
from .mapping import Elements, Qualified
from .repeats import ListOf
from .values import DATE, IMPLIED2, Conv, codes

__all__ = ["INVOICE"]

#: SAC02 as sent; words other formats use ("tax", "shipping") become codes on writing.
CHARGE_CODES = Conv(str, lambda code: CHARGE_CODE_ALIASES.get(code, code))

CHARGE = Elements(
    "SAC",
    [F(1, "type", codes(CHARGE_TYPE)), F(2, "code", CHARGE_CODES), F(5, "amount", IMPLIED2), F(15, "description")],
)

INVOICE = FlatDocument(
    set_id="810",
    functional_id="IN",
    doc_type="invoice",
    model=Invoice,
    header=(
        Elements(
            "BIG",
            [
                F(1, "invoice_date", DATE),
                F(2, "invoice_number"),
                F(3, "po_date", DATE),
                F(4, "po_number"),
                F(8, "purpose", PURPOSE_CODES),
            ],
        ),
        currency("SE"),
        Qualified("REF"),
        TERMS,
        Qualified("DTM", {"003": F(2, "invoice_date", DATE, write=False)}),
    ),
    roles=Roles({"seller": ("SE", "SU", "VN"), "buyer": ("BY", "BT"), "remit_to": ("RI",), "ship_to": ("ST",)}),
    line=(
        priced_line("IT1"),
        DESCRIPTION,
    ),
    summary=(
        # TDS is mandatory and ends the IT1 loops: written even without a total so the SACs after it
        # read back as charges (an empty TDS01 then fails validation, as it should).
        Elements("TDS", [F(1, "total_amount", IMPLIED2)], always=True),
        ListOf("charges", CHARGE, when=lambda seg: seg.get(1) in CHARGE_TYPE),
        line_count(),
    ),
    summary_start=frozenset({"TDS", "CTT"}),
    header_order=sequence("BIG NTE CUR REF YNQ PER N1 ITD DTM FOB PID MEA PWK PKG L7 BAL INC PAM LM N9 V1 FA1"),
    line_order=sequence(
        "IT1 CRC QTY CUR IT3 TXI CTP PAM MEA PID PWK PKG PO4 ITD REF YNQ PER IT8 VC SAC DTM CAD L7 SR N1 SLN"
    ),
)
