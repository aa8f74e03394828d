"""Specs for repeatable segments that collect into lists: N3 street lines, PER contacts,
SAC charges, MSG/NTE notes."""

from __future__ import annotations

from collections.abc import Callable

from edi.x12.model import Segment

from .codes import CONTACT_NUMBERS
from .core import Ctx, Data, Spec, element_key, get_path, set_path
from .mapping import Elements

__all__ = ["Lines", "Contacts", "ListOf", "Notes"]


class Lines(Spec):
    """A repeatable segment whose elements append to one list field (N3 -> address.street)."""

    def __init__(self, seg_id: str, attr: str, width: int = 2) -> None:
        self.seg_id = seg_id
        self.path = tuple(attr.split("."))
        self.width = width

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        if len(seg) > self.width + 1:
            return False
        values = [v for v in seg[1:] if v]
        current = get_path(ctx.data, self.path)
        if current is None:
            set_path(ctx.data, self.path, values)
        else:
            current.extend(values)
        return True

    def write(self, data: Data) -> list[Segment]:
        values = get_path(data, self.path) or []
        w = self.width
        return [Segment([self.seg_id, *values[i : i + w]]) for i in range(0, len(values), w)]


class Contacts(Spec):
    """PER -> ``contacts`` list of ``{"function", "name", "phone", "email", ...}``."""

    seg_id = "PER"
    _names = {"1": "function", "2": "name"}

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        contact: dict[str, str] = {}
        if seg.get(1):
            contact["function"] = seg[1]
        if seg.get(2):
            contact["name"] = seg[2]
        for pos in range(3, min(len(seg), 9), 2):
            qual, number = seg[pos], seg.get(pos + 1)
            if qual and number:
                key = CONTACT_NUMBERS.get(qual, qual)
                if key in contact:
                    return False
                contact[key] = number
            elif qual or number:
                return False
        if len(seg) > 9 and any(seg[9:]):
            contact.update({element_key("PER", p): seg[p] for p in range(9, len(seg)) if seg[p]})
        ctx.data.setdefault("contacts", []).append(contact)
        return True

    def write(self, data: Data) -> list[Segment]:
        reverse = {v: k for k, v in CONTACT_NUMBERS.items()}
        out = []
        for contact in data.get("contacts") or []:
            # PER01 is mandatory: "IC" (information contact) when another format gave none.
            values: list[str] = ["PER", contact.get("function", "IC"), contact.get("name", "")]
            extra: dict[int, str] = {}
            for key, value in contact.items():
                if key in ("function", "name"):
                    continue
                if key.startswith("PER") and key[3:].isdigit():
                    extra[int(key[3:])] = value
                else:
                    values += [reverse.get(key, key), value]
            for pos in sorted(extra):
                values += [""] * (pos - len(values)) + [extra[pos]]
            while len(values) > 1 and not values[-1]:
                values.pop()
            out.append(Segment(values))
        return out


class ListOf(Spec):
    """Each matching segment becomes a new dict appended to a list field (SAC -> charges)."""

    def __init__(self, attr: str, spec: Elements, when: Callable[[Segment], bool]) -> None:
        self.seg_id = spec.seg_id
        self.attr = attr
        self.spec = spec
        self.when = when

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        if not self.when(seg):
            return False
        item = Ctx()
        self.spec.read(seg, item)
        ctx.data.setdefault(self.attr, []).append(item.data)
        return True

    def write(self, data: Data) -> list[Segment]:
        return [s for item in data.get(self.attr) or [] for s in self.spec.write(item)]


class Notes(Spec):
    """Free-text notes: MSG (and NTE, whose NTE01 reference code is not kept) -> ``notes``.

    Written as ``N9*L1*NOTES`` followed by one MSG per note, the 850 way; an ``N9*L1``
    with that default text is consumed on reading.
    """

    seg_id = "MSG"
    seg_ids = ("N9", "MSG", "NTE")  # type: ignore[assignment]
    header = Segment(["N9", "L1", "NOTES"])

    def read(self, seg: Segment, ctx: Ctx) -> bool:
        sid = seg[0]
        if sid == "N9":
            if seg.get(1) != "L1" or seg.get(2) != "NOTES" or len(seg) > 3:
                return False
        elif sid in ("MSG", "NTE"):
            pos = 1 if sid == "MSG" else 2
            text = seg.get(pos)
            if not text or len(seg) > pos + 1:
                return False
            ctx.data.setdefault("notes", []).append(text)
        else:
            return False
        return True

    def write(self, data: Data) -> list[Segment]:
        notes = data.get("notes") or []
        if not notes:
            return []
        return [Segment(self.header), *(Segment(["MSG", n]) for n in notes)]
