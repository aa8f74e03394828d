"""Property: generated canonical documents survive canonical -> cXML -> canonical unchanged.

The strategies cover what the cXML mapping carries (see translators/cxml/*.py); fields
cXML cannot hold (e.g. Item.upc) are left out on purpose.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translators.canonical import (
    Address,
    Charge,
    Invoice,
    InvoiceLine,
    Item,
    Order,
    OrderLine,
    Pack,
    Party,
    PoAck,
    PoAckLine,
    ShipItem,
    ShipNotice,
    ShipOrder,
    dump,
)
from translators.cxml import CxmlOptions, render_cxml, translate_cxml
from translators.cxml.codes import CONFIRMATION_TYPE, INVOICE_PURPOSE, LINE_STATUS, OPERATION, ORDER_TYPE

OPTIONS = CxmlOptions.simple("AN-A", "AN-B", "secret", payload_id="p@test")
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-./#éü"), min_size=1, max_size=12)
texts = st.lists(words, min_size=1, max_size=4).map(" ".join)
maybe = st.none() | texts
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
money = st.decimals(min_value=Decimal("-99999"), max_value=Decimal("99999"), places=2, allow_nan=False)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3, allow_nan=False)
line_numbers = st.integers(1, 999).map(str)
currencies = st.sampled_from(["USD", "EUR", "GBP"])
terms = st.none() | st.sampled_from(["net 30", "2% 10, net 30", "1.5% 15, net 60", "Due on receipt"])
uoms = st.sampled_from(["EA", "BX", "CS", "KGM"])


def values(code_map) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(code_map._read.values()))


addresses = st.builds(
    Address,
    street=st.lists(texts, max_size=2),
    city=texts,
    state=maybe,
    postal_code=st.none() | st.text("0123456789", min_size=5, max_size=5),
    country=st.none() | st.sampled_from(["US", "DE", "FR"]),
)
contacts = st.lists(
    st.fixed_dictionaries(
        {}, optional={"email": words.map(lambda w: f"{w}@example.com"), "phone": st.just("+1 312 5550142")}
    ),
    max_size=1,
).map(lambda cs: [c for c in cs if c])


def parties(role: str) -> st.SearchStrategy[Party]:
    return st.builds(
        Party, role=st.just(role), name=texts, id=st.none() | words, address=st.none() | addresses, contacts=contacts
    )


items = st.builds(
    Item,
    vendor_part=st.none() | words,
    buyer_part=st.none() | words,
    upc=st.none() | st.text("0123456789", min_size=12, max_size=12),
    sku=st.none() | words,
    description=maybe,
    other_ids=st.fixed_dictionaries(
        {},
        optional={"classification:UNSPSC": st.text("0123456789", min_size=8, max_size=8), "MG": words, "VP": words},
    ),
)
gtin_items = st.builds(
    lambda item, gtin: item.model_copy(update={"gtin": gtin}),
    items,
    st.none() | st.text("0123456789", min_size=13, max_size=13),
)

orders = st.builds(
    Order,
    po_number=words,
    po_date=st.none() | dates,
    purpose=values(OPERATION),
    order_type=st.none() | values(ORDER_TYPE),
    currency=currencies,
    ship_to=st.none() | parties("ST"),
    bill_to=st.none() | parties("BT"),
    buyer=st.none() | parties("BY"),
    requested_delivery_date=st.none() | dates,
    requested_ship_date=st.none() | dates,
    carrier=maybe,
    terms=terms,
    notes=st.lists(texts, max_size=2),
    total_amount=st.none() | money,
    lines=st.lists(
        st.builds(
            OrderLine,
            line_number=line_numbers,
            quantity=quantities,
            uom=uoms,
            unit_price=st.none() | money,
            item=gtin_items,
            requested_delivery_date=st.none() | dates,
        ),
        max_size=5,
    ),
)

acks = st.builds(
    PoAck,
    po_number=words,
    ack_type=values(CONFIRMATION_TYPE),
    ack_date=st.none() | dates,
    po_date=st.none() | dates,
    purpose=st.none() | values(OPERATION),
    seller_order_number=st.none() | words,
    seller=st.none() | parties("SU"),
    ship_to=st.none() | parties("ST"),
    lines=st.lists(
        st.builds(
            PoAckLine,
            line_number=line_numbers,
            status=values(LINE_STATUS),
            quantity=quantities,
            uom=uoms,
            unit_price=st.none() | money,
            scheduled_date=st.none() | dates,
            item=items,
        ),
        max_size=5,
        # lines sharing a number are statuses of one PO line: cXML writes them under one
        # ConfirmationItem, and a status without an item of its own reads back with the line's
        unique_by=lambda line: line.line_number,
    ),
)

ship_items = st.builds(ShipItem, line_number=line_numbers, item=items, quantity_shipped=quantities, uom=uoms)


@st.composite
def ship_orders(draw) -> ShipOrder:
    ssccs = draw(st.lists(st.text("0123456789", min_size=18, max_size=18), max_size=3, unique=True))
    packs = [Pack(sscc=s, items=draw(st.lists(ship_items, min_size=1, max_size=3))) for s in ssccs]
    return ShipOrder(
        po_number=draw(words),
        po_date=draw(st.none() | dates),
        packs=packs,
        items=draw(st.lists(ship_items, max_size=3)),
    )


@st.composite
def ship_notices(draw) -> ShipNotice:
    weight = draw(st.none() | quantities)
    return ShipNotice(
        shipment_id=draw(words),
        ship_date=draw(st.none() | dates),
        estimated_delivery=draw(st.none() | dates),
        purpose=draw(st.none() | values(OPERATION)),
        carrier_scac=draw(st.none() | st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=4)),
        bill_of_lading=draw(st.none() | words),
        tracking_number=draw(st.none() | words),
        ship_from=draw(st.none() | parties("SF")),
        ship_to=draw(st.none() | parties("ST")),
        weight=weight,
        weight_uom=draw(uoms) if weight is not None else None,
        packaging_code=draw(st.none() | st.sampled_from(["CTN", "PLT"])),
        lading_quantity=draw(st.none() | st.integers(1, 99).map(Decimal)),
        orders=draw(st.lists(ship_orders(), max_size=3)),
    )


@st.composite
def invoices(draw) -> Invoice:
    known = [("charge", "tax"), ("charge", "special_handling"), ("charge", "shipping"), ("allowance", "discount")]
    chosen = [k for k in known if draw(st.booleans())]
    charges = [Charge(type=t, code=c, description=draw(maybe), amount=draw(money)) for t, c in chosen]
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["charge", "allowance"]))
        charges.append(Charge(type=kind, code=draw(words), description=draw(maybe), amount=draw(money)))
    po_number = draw(words)
    lines = []
    for index in range(draw(st.integers(0, 4))):
        ext = {}
        if index and draw(st.booleans()):
            ext["order"] = {"po_number": po_number + "-B"}
        lines.append(
            InvoiceLine(
                line_number=str(index + 1),
                quantity=draw(quantities),
                uom=draw(uoms),
                unit_price=draw(st.none() | money),
                item=draw(items),
                extensions=ext,
            )
        )
    return Invoice(
        invoice_number=draw(words),
        invoice_date=draw(st.none() | dates),
        po_number=po_number,
        po_date=draw(st.none() | dates),
        purpose=draw(values(INVOICE_PURPOSE)),
        currency=draw(currencies),
        seller=draw(st.none() | parties("II")),
        buyer=draw(st.none() | parties("SO")),
        remit_to=draw(st.none() | parties("RI")),
        ship_to=draw(st.none() | parties("ST")),
        terms=draw(terms),
        lines=lines,
        charges=charges,
        total_amount=draw(st.none() | money),
    )


def round_trip(doc_type: str, document) -> None:
    result = translate_cxml(render_cxml(doc_type, document, options=OPTIONS))
    assert result.errors == []
    assert dump(result.documents[0].document) == dump(document)


@SETTINGS
@given(orders)
def test_orders_round_trip(order: Order) -> None:
    round_trip("order", order)


@SETTINGS
@given(acks)
def test_acks_round_trip(ack: PoAck) -> None:
    round_trip("po_ack", ack)


@SETTINGS
@given(ship_notices())
def test_ship_notices_round_trip(notice: ShipNotice) -> None:
    round_trip("ship_notice", notice)


@SETTINGS
@given(invoices())
def test_invoices_round_trip(invoice: Invoice) -> None:
    round_trip("invoice", invoice)
