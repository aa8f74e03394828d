"""856 ship notice <-> :class:`~translators.canonical.ShipNotice`, walking the HL tree.

HL levels are linked by HL02 (parent id), not by their order in the file, so
S/O/P/I, S/O/I, S/T/P/I, S/O/T/P/I and partner variations all land in the same
canonical shape:

* S (shipment) -> the document (TD1, TD5, REF BM/CN, DTM 011/017, N1 loops);
* O (order) -> ``orders[]`` (PRF po_number/po_date);
* T (tare) -> a pack with ``extensions.HL03 = "T"``; P (pack) -> ``packs[]`` with
  MAN*GM as ``sscc``; a pack inside a tare has ``extensions.tare`` = the tare's SSCC
  (or ``#n``, its position among the order's tares, when the tare has none);
* I (item) -> ``items[]`` of its pack, or of its order when it hangs off the order;
* packs and items with no O above them go to an order made from the first PRF found
  below them (or at shipment level), so an order-less S/T/P/I keeps its PO number;
* other HL levels are transparent: their segments are kept raw where they hang.

Writing always produces S/O/[T/]P/I (or S/O/I), HL04 child codes and CTT01 (= number
of HL segments) computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from edi.x12.model import Segment
from translators.canonical import ShipNotice

from .common import DESCRIPTION, PURPOSE_CODES
from .core import Ctx, Data, F, MappingError
from .document import PartyReader, Roles, sequence, write_parties
from .mapping import Elements, Qualified, apply, spec_index
from .raw import keep_raw, ordered, raw_blocks
from .values import DATE, DECIMAL

__all__ = ["SHIP_NOTICE", "ShipNoticeMapping"]

_SHIPMENT = (
    Elements("BSN", [F(1, "purpose", PURPOSE_CODES), F(2, "shipment_id")], defaults={1: ("00", 2)}),
    Elements(
        "TD1",
        [F(1, "packaging_code"), F(2, "lading_quantity", DECIMAL), F(7, "weight", DECIMAL), F(8, "weight_uom")],
        defaults={6: ("G", 7)},
    ),
    Elements("TD5", [F(3, "carrier_scac")], defaults={2: ("2", 3)}),
    Qualified("REF", {"BM": F(2, "bill_of_lading"), "CN": F(2, "tracking_number")}),
    Qualified("DTM", {"011": F(2, "ship_date", DATE), "017": F(2, "estimated_delivery", DATE)}),
)
_ORDER = (Elements("PRF", [F(1, "po_number"), F(4, "po_date", DATE)]), Qualified("REF"), Qualified("DTM"))
_PACK = (Qualified("MAN", {"GM": F(2, "sscc")}),)
_ITEM = (
    Elements("LIN", [F(1, "line_number")], ids_from=2, ids_end=31),
    Elements("SN1", [F(1, "line_number", write=False), F(2, "quantity_shipped", DECIMAL), F(3, "uom")]),
    DESCRIPTION,
    Qualified("REF"),
    Qualified("DTM"),
)
_ROLES = Roles({"ship_from": ("SF",), "ship_to": ("ST",)})
_SHIPMENT_ORDER = sequence("BSN TD1 TD5 TD3 TD4 REF PER LH1 CLD MAN DTM FOB N1")
_LEVEL_ORDER = sequence("LIN SN1 SLN PRF PO4 PID MEA PWK PKG TD1 TD5 TD3 TD4 REF PER CLD MAN DTM FOB N1")


@dataclass(eq=False)
class _Node:
    id: str
    level: str
    position: int
    segments: list[tuple[int, Segment]] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)


class ShipNoticeMapping:
    """Reader/writer of the 856 (same interface as :class:`~.document.FlatDocument`)."""

    set_id = "856"
    functional_id = "SH"
    doc_type = "ship_notice"
    model = ShipNotice

    def __init__(self) -> None:
        self._shipment = spec_index(_SHIPMENT)
        self._order = spec_index(_ORDER)
        self._pack = spec_index(_PACK)
        self._item = spec_index(_ITEM)

    # -- reading -------------------------------------------------------------------------

    def read(self, segments: Iterable[Segment], component: str) -> Data:
        doc = Ctx()
        parties = PartyReader(_ROLES)
        roots: list[_Node] = []
        nodes: dict[str, _Node] = {}
        current: _Node | None = None
        in_summary = False
        for position, seg in enumerate(segments, start=2):
            sid = seg[0]
            if sid == "HL" and not in_summary:
                node = _Node(seg.get(1), seg.get(3), position)
                parent = nodes.get(seg.get(2)) if seg.get(2) else None
                (parent.children if parent is not None else roots).append(node)
                if node.id:
                    nodes.setdefault(node.id, node)
                current = node
            elif sid == "CTT" or in_summary:
                in_summary = True
                if sid != "CTT":
                    self._apply(self._shipment, seg, position, doc, component)
            elif current is None:
                self._apply(self._shipment, seg, position, doc, component)
            else:
                current.segments.append((position, seg))
        walker = _Walker(self, doc, parties, component)
        for root in roots:
            walker.walk(root, None, None)
        parties.file_into(doc.data)
        if walker.orders:
            doc.data["orders"] = walker.orders
        return doc.data

    @staticmethod
    def _apply(index, seg: Segment, position: int, ctx: Ctx, component: str) -> None:  # type: ignore[no-untyped-def]
        try:
            apply(index, seg, ctx, component)
        except MappingError as exc:
            exc.position = position
            raise

    # -- writing -------------------------------------------------------------------------

    def write(self, data: Data) -> list[Segment]:
        out: list[Segment] = []
        counter = iter(range(1, 1_000_000))

        def hl(parent: str, level: str, has_children: bool) -> str:
            hid = str(next(counter))
            out.append(Segment(["HL", hid, parent, level, "1" if has_children else "0"]))
            return hid

        header = [s for s in _SHIPMENT[0].write(data)]
        out.extend(header)
        orders = data.get("orders") or []
        ship_id = hl("", "S", bool(orders))
        blocks = [spec.write(data) for spec in _SHIPMENT[1:]] + write_parties(data, _ROLES)
        out.extend(ordered(blocks, _SHIPMENT_ORDER, raw_blocks(data)))
        for order in orders:
            packs, items = order.get("packs") or [], order.get("items") or []
            order_id = hl(ship_id, "O", bool(packs or items))
            out.extend(self._level(_ORDER, order))
            tares: dict[str, str] = {}
            for pack in packs:
                ext = pack.get("extensions") or {}
                is_tare = ext.get("HL03") == "T"
                parent = tares.get(ext.get("tare", ""), order_id) if not is_tare else order_id
                pack_id = hl(parent, "T" if is_tare else "P", True)
                if is_tare:
                    tares[pack.get("sscc") or f"#{len(tares) + 1}"] = pack_id
                out.extend(self._level(_PACK, pack))
                for item in pack.get("items") or []:
                    hl(pack_id, "I", False)
                    out.extend(self._level(_ITEM, item))
            for item in items:
                hl(order_id, "I", False)
                out.extend(self._level(_ITEM, item))
        out.append(Segment(["CTT", str(next(counter) - 1)]))
        return out

    @staticmethod
    def _level(specs, data: Data) -> list[Segment]:  # type: ignore[no-untyped-def]
        return ordered([spec.write(data) for spec in specs], _LEVEL_ORDER, raw_blocks(data))


class _Walker:
    """Depth-first walk of the HL tree that files each level into the canonical dict."""

    def __init__(self, mapping: ShipNoticeMapping, doc: Ctx, parties: PartyReader, component: str) -> None:
        self.m = mapping
        self.doc = doc
        self.parties = parties
        self.component = component
        self.orders: list[Data] = []
        self._implicit: dict[tuple[str, ...] | None, Ctx] = {}
        self._defining: dict[int, Segment] = {}  # id(order ctx) -> the PRF it was made from
        self._tares: dict[int, int] = {}

    def _fill(self, index, node: _Node, ctx: Ctx, skip: Segment | None = None) -> None:  # type: ignore[no-untyped-def]
        for position, seg in node.segments:
            if skip is not None and seg == skip:
                continue
            self.m._apply(index, seg, position, ctx, self.component)

    def _implicit_order(self, node: _Node) -> Ctx:
        """The order for levels with no O above them, keyed by the first PRF below (or at S level)."""
        prf = _first_prf(node)
        if prf is None:
            kept = (self.doc.data.get("extensions") or {}).get("segments") or []
            for row in kept:
                if row and row[0] == "PRF" and all(isinstance(v, str) for v in row):
                    kept.remove(row)
                    prf = Segment(row)
                    break
        key = tuple(prf) if prf is not None else None
        if key not in self._implicit:
            order = Ctx()
            if prf is not None:
                apply(self.m._order, prf, order, self.component)
                self._defining[id(order)] = prf
            self.orders.append(order.data)
            self._implicit[key] = order
        return self._implicit[key]

    def walk(self, node: _Node, order: Ctx | None, pack: Ctx | None, tare_ref: str | None = None) -> None:
        level = node.level
        skip: Segment | None = None
        if level in ("T", "P", "I"):
            if order is None:
                order = self._implicit_order(node)
            skip = self._defining.get(id(order))
        if level == "S":
            for position, seg in node.segments:
                if not self.parties.take(seg, self.component):
                    self.m._apply(self.m._shipment, seg, position, self.doc, self.component)
            self.parties.close()
        elif level == "O":
            order = Ctx()
            self.orders.append(order.data)
            self._fill(self.m._order, node, order)
            pack = None
        elif level in ("T", "P"):
            assert order is not None
            new = Ctx()
            self._fill(self.m._pack, node, new, skip)
            if level == "T":
                new.ext["HL03"] = "T"
                count = self._tares[id(order)] = self._tares.get(id(order), 0) + 1
                tare_ref = new.data.get("sscc") or f"#{count}"
            elif tare_ref is not None:
                new.ext["tare"] = tare_ref
            order.data.setdefault("packs", []).append(new.data)
            pack = new
        elif level == "I":
            assert order is not None
            item = Ctx()
            self._fill(self.m._item, node, item, skip)
            target = pack if pack is not None else order
            target.data.setdefault("items", []).append(item.data)
        else:  # a level the canonical model has no place for: keep its segments where it hangs
            holder = pack or order or self.doc
            for _, seg in node.segments:
                keep_raw(seg, holder, self.component)
        for child in node.children:
            self.walk(child, order, pack, tare_ref if level == "T" else None)


def _first_prf(node: _Node) -> Segment | None:
    for _, seg in node.segments:
        if seg[0] == "PRF":
            return seg
    for child in node.children:
        found = _first_prf(child)
        if found is not None:
            return found
    return None


SHIP_NOTICE = ShipNoticeMapping()
