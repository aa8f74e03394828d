"""cXML ``InvoiceDetailRequest`` <-> canonical ``Invoice``.

Header: invoiceID -> invoice_number, invoiceDate -> invoice_date, purpose (standard,
creditMemo, ...) -> purpose (standard, credit_memo, ...), operation other than "new" ->
``extensions["operation"]``, InvoicePartner/Contact and InvoiceDetailShipping/Contact ->
parties by role (remitTo -> remit_to, soldTo or buyer -> buyer, issuerOfInvoice or
supplierCorporate -> seller, shipTo -> ship_to; InvoicePartner IdReferences -> the party's
``extensions["id_references"]``), PaymentTerm -> terms, Comments -> ``extensions["notes"]``.

Orders: the first InvoiceDetailOrder's OrderReference (or OrderIDInfo) gives po_number /
po_date; lines of any other order carry ``extensions["order"]`` = {po_number, po_date,
payload_id}, so an invoice backed by several POs keeps each line's PO.
InvoiceDetailItem: invoiceLineNumber -> line_number, quantity, UnitOfMeasure,
UnitPrice/Money, InvoiceDetailItemReference (ItemID, Description, ... and lineNumber ->
``extensions["po_line_number"]`` when it is not the invoice line number), SubtotalAmount and Tax -> ``extensions``.

Summary: ``SUMMARY_CHARGES`` maps Tax / SpecialHandlingAmount / ShippingAmount /
InvoiceDetailDiscount to charges (charge vs allowance), InvoiceHeaderModifications
(AdditionalCost / AdditionalDeduction) to any other charge; DueAmount, else NetAmount ->
total_amount (a different NetAmount stays in ``extensions["net_amount"]``).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import groupby
from typing import Any

from lxml import etree

from ..canonical import Charge, Invoice, InvoiceLine, Party
from .codes import INVOICE_PURPOSE
from .comments import read_comments, write_comments
from .items import has_item_id, read_item, write_description, write_item_extras, write_item_id
from .parties import LANG, assign, read_contact, slotted, write_contact, write_id_references
from .terms import read_terms, write_terms
from .values import (
    CxmlDataError,
    fmt_decimal,
    keep_unmapped,
    read_date,
    read_extrinsics,
    read_money,
    sub,
    text,
    to_date,
    to_decimal,
    write_date,
    write_extrinsics,
    write_money,
    write_unmapped,
)

__all__ = ["read_invoice", "write_invoice", "SUMMARY_CHARGES"]

Element = etree._Element
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Party.role -> Invoice field (first role listed for a field is the one written when a party has none)
_SLOTS = {"RI": "remit_to", "SO": "buyer", "BY": "buyer", "II": "seller", "SU": "seller", "ST": "ship_to"}
_SHIPPING_ROLES = ("SF", "ST")
#: children read by this mapping; others are kept in ``extensions`` (``unmapped``, ``unmapped_summary``)
_HEADER_KNOWN = frozenset(
    {
        "InvoiceDetailHeaderIndicator",
        "InvoiceDetailLineIndicator",
        "InvoicePartner",
        "InvoiceDetailShipping",
        "PaymentTerm",
        "Comments",
        "Extrinsic",
    }
)
_ITEM_KNOWN = frozenset(
    {"UnitOfMeasure", "UnitPrice", "InvoiceDetailItemReference", "SubtotalAmount", "Tax", "Extrinsic"}
)

#: InvoiceDetailSummary element -> (charge type, charge code), in DTD order
SUMMARY_CHARGES: tuple[tuple[str, str, str], ...] = (
    ("Tax", "charge", "tax"),
    ("SpecialHandlingAmount", "charge", "special_handling"),
    ("ShippingAmount", "charge", "shipping"),
    ("InvoiceDetailDiscount", "allowance", "discount"),
)
_BY_CODE = {(kind, code): tag for tag, kind, code in SUMMARY_CHARGES}
_SUMMARY_KNOWN = frozenset(
    {"SubtotalAmount", "InvoiceHeaderModifications", "NetAmount", "DueAmount", *(tag for tag, _, _ in SUMMARY_CHARGES)}
)
_TAX_DETAIL_ATTRS = (("purpose", "purpose"), ("category", "category"))


def read_invoice(request: Element) -> Invoice:
    header = request.find("InvoiceDetailRequestHeader")
    if header is None:
        raise CxmlDataError("InvoiceDetailRequest has no InvoiceDetailRequestHeader", request)
    invoice_number = (header.get("invoiceID") or "").strip()
    if not invoice_number:
        raise CxmlDataError("InvoiceDetailRequestHeader@invoiceID is missing", header)
    ext: dict[str, Any] = {}
    if (operation := header.get("operation")) and operation != "new":
        ext["operation"] = operation
    parties = [_read_partner(p) for p in header.iterfind("InvoicePartner") if p.find("Contact") is not None]
    parties += [read_contact(c) for c in header.iterfind("InvoiceDetailShipping/Contact")]
    placed, rest = assign(parties, _SLOTS)
    if notes := read_comments(header, ext):
        ext["notes"] = notes
    read_extrinsics(header, ext)
    keep_unmapped(header, _HEADER_KNOWN, ext)
    terms = read_terms(header, ext)
    currency: str | None = None
    lines: list[InvoiceLine] = []
    first_order: dict[str, Any] | None = None
    for order in request.iterfind("InvoiceDetailOrder"):
        ref = _read_order_ref(order)
        if first_order is None:
            first_order = ref
        for el in order.iterfind("InvoiceDetailItem"):
            line, line_currency = _read_line(el)
            currency = currency or line_currency
            if ref != first_order:
                line.extensions["order"] = ref
            lines.append(line)
    first_order = first_order or {}
    if first_order.get("payload_id"):
        ext["order_payload_id"] = first_order["payload_id"]
    po_date_stamp = first_order.get("po_date_timestamp")
    if po_date_stamp:
        ext["po_date_timestamp"] = po_date_stamp
    summary = request.find("InvoiceDetailSummary")
    charges: list[Charge] = []
    total = None
    if summary is not None:
        subtotal, summary_currency = read_money(summary.find("SubtotalAmount"))
        currency = summary_currency or currency
        if subtotal is not None:
            ext["subtotal_amount"] = subtotal
        charges = _read_charges(summary)
        keep_unmapped(summary, _SUMMARY_KNOWN, ext, key="unmapped_summary")
        due, _ = read_money(summary.find("DueAmount"))
        net, net_currency = read_money(summary.find("NetAmount"))
        currency = currency or net_currency
        total = due if due is not None else net
        if due is not None and net is not None and net != due:
            ext["net_amount"] = net
    return Invoice(
        invoice_number=invoice_number,
        invoice_date=read_date(header, "invoiceDate", ext, "invoice_date"),
        po_number=first_order.get("po_number"),
        po_date=to_date(first_order.get("po_date"), header, "orderDate"),
        purpose=INVOICE_PURPOSE.read(header.get("purpose") or "standard"),  # what the writer assumes too
        currency=currency,
        terms=terms,
        lines=lines,
        charges=charges,
        total_amount=total,
        parties=rest,
        extensions=ext,
        **placed,
    )


def _read_partner(partner: Element) -> Party:
    party = read_contact(partner.find("Contact"))
    refs = {d: i for r in partner.iterfind("IdReference") if (d := r.get("domain")) and (i := r.get("identifier"))}
    if refs:
        party.extensions["id_references"] = {**party.extensions.get("id_references", {}), **refs}
    return party


def _read_order_ref(order: Element) -> dict[str, Any]:
    info = order.find("InvoiceDetailOrderInfo")
    ref: dict[str, Any] = {}
    if info is None:
        return ref
    reference = info.find("OrderReference")
    holder = reference if reference is not None else info.find("OrderIDInfo")
    if holder is None:
        holder = info.find("MasterAgreementReference")
    if holder is None:
        return ref
    if order_id := (holder.get("orderID") or "").strip():
        ref["po_number"] = order_id
    stamp: dict[str, Any] = {}
    if (day := read_date(holder, "orderDate", stamp, "po_date")) is not None:
        ref["po_date"] = day.isoformat()
        ref.update(stamp)
    doc_ref = holder.find("DocumentReference")
    if doc_ref is not None and doc_ref.get("payloadID"):
        ref["payload_id"] = doc_ref.get("payloadID")
    if holder.tag != "OrderReference":
        ref["reference"] = holder.tag
    return ref


def _read_line(el: Element) -> tuple[InvoiceLine, str | None]:
    ext: dict[str, Any] = {}
    price, currency = read_money(el.find("UnitPrice"))
    reference = el.find("InvoiceDetailItemReference")
    product = read_item(reference.find("ItemID") if reference is not None else None, reference, ext)
    po_line = reference.get("lineNumber") if reference is not None else None
    if po_line and po_line != el.get("invoiceLineNumber"):  # the writer defaults it to the invoice line number
        ext["po_line_number"] = po_line
    subtotal, _ = read_money(el.find("SubtotalAmount"))
    if subtotal is not None:
        ext["subtotal_amount"] = subtotal
    tax = el.find("Tax")
    if tax is not None:
        ext["tax"] = _read_tax(tax)
    read_extrinsics(el, ext)
    keep_unmapped(el, _ITEM_KNOWN, ext)
    line = InvoiceLine(
        line_number=el.get("invoiceLineNumber") or None,
        quantity=to_decimal(el.get("quantity"), el, "@quantity"),
        uom=text(el.find("UnitOfMeasure")),
        unit_price=price,
        item=product,
        extensions=ext,
    )
    return line, currency


def _read_tax(tax: Element) -> dict[str, Any]:
    amount, _ = read_money(tax)
    out: dict[str, Any] = {"amount": amount, "description": text(tax.find("Description"))}
    details = []
    for detail in tax.iterfind("TaxDetail"):
        item: dict[str, Any] = {key: value for attr, key in _TAX_DETAIL_ATTRS if (value := detail.get(attr))}
        if (rate := to_decimal(detail.get("percentageRate"), detail, "@percentageRate")) is not None:
            item["percentage_rate"] = rate
        for tag, key in (("TaxableAmount", "taxable_amount"), ("TaxAmount", "tax_amount")):
            value, _ = read_money(detail.find(tag))
            if value is not None:
                item[key] = value
        if location := text(detail.find("TaxLocation")):
            item["location"] = location
        if description := text(detail.find("Description")):
            item["description"] = description
        details.append(item)
    if details:
        out["details"] = details
    return {k: v for k, v in out.items() if v is not None}


def _read_charges(summary: Element) -> list[Charge]:
    charges = []
    for tag, kind, code in SUMMARY_CHARGES:
        el = summary.find(tag)
        if el is None:
            continue
        if tag == "Tax":
            tax = _read_tax(el)
            amount = tax.pop("amount", None)
            description = tax.pop("description", None)
            charges.append(Charge(type=kind, code=code, description=description, amount=amount, extensions=tax))
            continue
        amount, _ = read_money(el)
        ext: dict[str, Any] = {}
        if tag == "InvoiceDetailDiscount" and (rate := el.get("percentageRate")):
            ext["percentage_rate"] = to_decimal(rate, el, "@percentageRate")
        charges.append(
            Charge(type=kind, code=code, description=text(el.find("Description")), amount=amount, extensions=ext)
        )
    for mod in summary.iterfind("InvoiceHeaderModifications/Modification"):
        detail = mod.find("ModificationDetail")
        code = detail.get("name") if detail is not None else None
        description = text(detail.find("Description")) if detail is not None else None
        cost = mod.find("AdditionalCost")
        if cost is not None:
            charges.append(Charge(type="charge", code=code, description=description, amount=read_money(cost)[0]))
        deduction = mod.find("AdditionalDeduction/DeductionAmount")
        if deduction is not None:
            amount = read_money(deduction)[0]
            charges.append(Charge(type="allowance", code=code, description=description, amount=amount))
    return charges


# -- writing -------------------------------------------------------------------------


def write_invoice(parent: Element, invoice: Invoice) -> None:
    ext = invoice.extensions
    currency = invoice.currency
    request = sub(parent, "InvoiceDetailRequest")
    header = sub(
        request,
        "InvoiceDetailRequestHeader",
        invoiceID=invoice.invoice_number,
        purpose=INVOICE_PURPOSE.write(invoice.purpose) or "standard",
        operation=str(ext.get("operation") or "new"),
        invoiceDate=write_date(invoice.invoice_date, ext, "invoice_date"),
    )
    sub(header, "InvoiceDetailHeaderIndicator")
    sub(header, "InvoiceDetailLineIndicator")
    parties = slotted(invoice, _SLOTS)
    for party in parties:
        if party.role not in _SHIPPING_ROLES:
            partner = sub(header, "InvoicePartner")
            write_contact(partner, party, id_references=False)
            write_id_references(partner, party)
    shipping = [p for p in parties if p.role in _SHIPPING_ROLES]
    if shipping:
        holder = sub(header, "InvoiceDetailShipping")
        for party in shipping:
            write_contact(holder, party)
    free_terms = write_terms(header, invoice.terms)
    write_unmapped(header, ext)
    write_comments(header, ext.get("notes") or [], ext)
    write_extrinsics(header, ext, paymentTerms=free_terms)
    header_ref: dict[str, Any] = {
        "po_number": invoice.po_number,
        "po_date": invoice.po_date.isoformat() if invoice.po_date else None,
        "po_date_timestamp": ext.get("po_date_timestamp"),
        "payload_id": ext.get("order_payload_id"),
    }
    header_ref = {k: v for k, v in header_ref.items() if v}
    groups = [
        (ref, list(g)) for ref, g in groupby(invoice.lines, key=lambda ln: ln.extensions.get("order") or header_ref)
    ]
    if header_ref and (not groups or groups[0][0] != header_ref):  # the first order read is the invoice's PO
        groups.insert(0, (header_ref, []))
    for ref, lines in groups:
        order = sub(request, "InvoiceDetailOrder")
        _write_order_ref(sub(order, "InvoiceDetailOrderInfo"), ref)
        for line in lines:
            _write_line(order, line, currency)
    _write_summary(request, invoice, currency)


def _write_order_ref(info: Element, ref: dict[str, Any]) -> None:
    day = ref.get("po_date")
    stamp = ref.get("po_date_timestamp")
    order_date = stamp if stamp and day and stamp.startswith(day) else (f"{day}T00:00:00+00:00" if day else None)
    holder = sub(
        info, str(ref.get("reference") or "OrderReference"), orderID=ref.get("po_number"), orderDate=order_date
    )
    sub(holder, "DocumentReference", payloadID=str(ref.get("payload_id") or ""))


def _write_line(order: Element, line: InvoiceLine, currency: str | None) -> None:
    ext = line.extensions
    el = sub(order, "InvoiceDetailItem", invoiceLineNumber=line.line_number, quantity=fmt_decimal(line.quantity))
    sub(el, "UnitOfMeasure", line.uom or "")
    write_money(el, "UnitPrice", line.unit_price, currency)
    reference = sub(
        el, "InvoiceDetailItemReference", lineNumber=str(ext.get("po_line_number") or line.line_number or "")
    )
    if has_item_id(line.item, ext):
        write_item_id(reference, line.item, ext)
    write_description(reference, line.item, required=False)
    write_item_extras(reference, line.item, ext)
    write_money(el, "SubtotalAmount", ext.get("subtotal_amount"), currency)
    if tax := ext.get("tax"):
        _write_tax(el, tax, currency)
    write_unmapped(el, ext)
    write_extrinsics(el, ext)


def _write_tax(parent: Element, tax: dict[str, Any], currency: str | None) -> None:
    el = sub(parent, "Tax")
    sub(el, "Money", fmt_decimal(tax.get("amount")), currency=currency or "")
    if tax.get("description") is not None:
        sub(el, "Description", str(tax["description"]), **{_XML_LANG: LANG})
    for item in tax.get("details") or []:
        attrs = {attr: _text(item.get(key)) for attr, key in _TAX_DETAIL_ATTRS}
        detail = sub(el, "TaxDetail", percentageRate=_text(item.get("percentage_rate")), **attrs)
        write_money(detail, "TaxableAmount", item.get("taxable_amount"), currency)
        write_money(detail, "TaxAmount", item.get("tax_amount"), currency)
        if item.get("location"):
            sub(detail, "TaxLocation", str(item["location"]), **{_XML_LANG: LANG})
        if item.get("description"):
            sub(detail, "Description", str(item["description"]), **{_XML_LANG: LANG})


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return fmt_decimal(value) if isinstance(value, Decimal) else str(value)


def _write_summary(request: Element, invoice: Invoice, currency: str | None) -> None:
    ext = invoice.extensions
    summary = sub(request, "InvoiceDetailSummary")
    write_money(summary, "SubtotalAmount", ext.get("subtotal_amount"), currency)
    placed: dict[str, Charge] = {}
    others: list[Charge] = []
    for charge in invoice.charges:
        tag = _BY_CODE.get((charge.type, charge.code or ""))
        if tag and tag not in placed:
            placed[tag] = charge
        else:
            others.append(charge)
    for tag, _, _ in SUMMARY_CHARGES:
        charge = placed.get(tag)
        if charge is None:
            continue
        if tag == "Tax":
            _write_tax(
                summary, {**charge.extensions, "amount": charge.amount, "description": charge.description}, currency
            )
            continue
        rate = charge.extensions.get("percentage_rate")
        el = sub(summary, tag, percentageRate=_text(rate))
        sub(el, "Money", fmt_decimal(charge.amount), currency=currency or "")
        if charge.description is not None:
            sub(el, "Description", charge.description, **{_XML_LANG: LANG})
    if others:
        mods = sub(summary, "InvoiceHeaderModifications")
        for charge in others:
            mod = sub(mods, "Modification")
            holder = (
                sub(mod, "AdditionalCost")
                if charge.type == "charge"
                else sub(sub(mod, "AdditionalDeduction"), "DeductionAmount")
            )
            sub(holder, "Money", fmt_decimal(charge.amount), currency=currency or "")
            detail = sub(mod, "ModificationDetail", name=charge.code or "")
            if charge.description is not None:
                sub(detail, "Description", charge.description, **{_XML_LANG: LANG})
    write_unmapped(summary, ext, key="unmapped_summary")
    net = ext.get("net_amount", invoice.total_amount)  # NetAmount is required, and carries the currency
    sub(sub(summary, "NetAmount"), "Money", fmt_decimal(net), currency=currency or "")
    write_money(summary, "DueAmount", invoice.total_amount, currency)
