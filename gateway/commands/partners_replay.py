"""``edigw partners test PARTNER``: replay a partner's sample files before go-live.

Every file in ``<partners>/<id>/samples/`` goes through what the gateway would do with
it, in a sandbox (no database, transport, sink or clock): attribute it to a partner by
its identities, validate (X12), write the acknowledgement the profile asks for,
translate, apply the partner's rules and route. The outcome is compared with the
goldens next to the sample:

* ``<stem>.<ack>.edi`` (``997``, ``999``, ``ta1``): the acknowledgement, byte for byte;
* ``<stem>.expected.json``: the documents after rules, each with the sinks it goes to,
  and the errors (translation and rule failures), in the ``edigw translate`` JSON shape.

Goldens are written only by ``--update`` (review them before committing). Acks are
made with a fixed clock and control numbers starting at the profile's
``control_numbers.start``, so they are reproducible.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edi.x12.ack import AckWriter, iter_validated
from edi.x12.control import InMemoryAllocator
from edi.x12.errors import X12Error
from edi.xml import XmlError, parse_xml
from partners.profile import Profile
from partners.registry import Registry
from translators.canonical import to_json
from translators.cxml.envelope import read_envelope
from translators.pipeline import acks_for, attribute, attribute_isa, partner_validator, route_documents
from translators.result import TranslationResult
from translators.translate import UnknownFormat, detect_format

__all__ = ["Outcome", "Translate", "FIXED_CLOCK", "replay_sample", "replay_partner", "sample_files", "GOLDEN_SUFFIXES"]

Translate = Callable[[bytes, str], TranslationResult]
FIXED_CLOCK = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
GOLDEN_SUFFIXES = (".expected.json", ".997.edi", ".999.edi", ".ta1.edi")


@dataclass
class Outcome:
    """What happened to one sample; ``failures`` empty means it passed."""

    sample: Path
    standard: str = "?"
    partner: str = "-"
    validation: str = "-"
    acks: dict[str, str] = field(default_factory=dict)  # kind -> X12 text
    result: dict[str, Any] = field(default_factory=lambda: {"documents": [], "errors": []})
    failures: list[str] = field(default_factory=list)
    diffs: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures

    def row(self) -> dict[str, str]:
        docs = self.result["documents"]
        sinks = sorted({s for d in docs for s in d.get("sinks", [])})
        return {
            "sample": self.sample.name,
            "standard": self.standard,
            "partner": self.partner,
            "validate": self.validation,
            "ack": ",".join(self.acks) or "-",
            "documents": str(len(docs)),
            "errors": str(len(self.result["errors"])),
            "routes": ",".join(sinks) or "-",
            "result": "PASS" if self.passed else "FAIL: " + "; ".join(self.failures),
        }


def sample_files(folder: Path) -> list[Path]:
    """Sample inputs of ``folder`` (goldens, hidden files and READMEs excluded)."""
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and not p.name.lower().startswith("readme")
        and not p.name.endswith(GOLDEN_SUFFIXES)
    )


# --------------------------------------------------------------------------- steps


def _x12_steps(outcome: Outcome, path: Path, registry: Registry, profile: Profile) -> None:
    """Partner attribution, validation and acknowledgements of every interchange in ``path``."""
    writer = AckWriter(InMemoryAllocator(profile.control_numbers.start), clock=lambda: FIXED_CLOCK)
    statuses: list[str] = []
    for result, envelope in iter_validated(path, partner_validator(profile)):
        outcome.partner = attribute_isa(registry, result)
        statuses.append(result.status)
        for ack in acks_for(writer, result, envelope, profile):
            outcome.acks[ack.kind] = outcome.acks.get(ack.kind, "") + ack.text
    outcome.validation = "/".join(statuses) or "empty"


def _xml_steps(outcome: Outcome, data: bytes, registry: Registry, profile: Profile) -> None:
    """Safe parse; a cXML sample is attributed by its From credentials, partner XML by transport."""
    try:
        root = parse_xml(data)
    except XmlError as exc:
        outcome.validation = "unreadable"
        outcome.failures.append(f"XML: {exc}")
        return
    outcome.validation = "ok"
    if outcome.standard != "cxml":
        outcome.partner = profile.id  # partner XML carries no standard identity: the transport names the partner
        return
    envelope = read_envelope(root)
    for cred in envelope.from_:
        outcome.partner = attribute(lambda c=cred: registry.resolve_cxml(c.domain, c.identity))
        if not outcome.partner.startswith("unknown"):
            break


def _translate_steps(outcome: Outcome, data: bytes, profile: Profile, translate: Translate) -> None:
    """Translate, apply rules and route; documents and errors go to ``outcome.result``."""
    routed, errors = route_documents(translate(data, profile.id), profile)
    outcome.result["errors"].extend(e.as_dict() for e in errors)
    for doc in routed:
        item = doc.item
        entry = {"type": item.type, "document": item.document, "source": item.source.as_dict()}
        outcome.result["documents"].append({**entry, "sinks": list(doc.sinks)})


def replay_sample(path: Path, registry: Registry, profile: Profile, translate: Translate) -> Outcome:
    """Run one sample through the pipeline (no comparison with goldens)."""
    outcome = Outcome(path)
    data = path.read_bytes()
    try:
        outcome.standard = detect_format(data)
    except UnknownFormat:
        outcome.failures.append("neither X12 nor XML")
        return outcome
    try:
        if outcome.standard == "x12":
            _x12_steps(outcome, path, registry, profile)
        else:
            _xml_steps(outcome, data, registry, profile)
    except X12Error as exc:
        outcome.validation = "unreadable"
        outcome.failures.append(f"X12: {exc}")
    if outcome.partner != profile.id:
        outcome.failures.append(f"attributed to {outcome.partner}, not {profile.id}")
    _translate_steps(outcome, data, profile, translate)
    return outcome


# --------------------------------------------------------------------------- goldens


def _expected_text(outcome: Outcome) -> str:
    return to_json(_dump(outcome.result)) + "\n"


def _dump(value: Any) -> Any:
    """Canonical models inside the result dict -> JSON-ready dicts."""
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if hasattr(value, "dump"):
        return value.dump()
    return value


def _goldens(outcome: Outcome) -> Iterator[tuple[Path, str]]:
    """(golden path, actual text) pairs for ``outcome``."""
    stem = outcome.sample.with_suffix("")
    for kind, text in outcome.acks.items():
        yield stem.with_name(f"{stem.name}.{kind}.edi"), text
    yield stem.with_name(f"{stem.name}.expected.json"), _expected_text(outcome)


def compare(outcome: Outcome) -> None:
    """Add a failure (and a diff) for each golden that is missing or differs."""
    stem = outcome.sample.with_suffix("")
    expected_acks = {p.name.split(".")[-2] for p in stem.parent.glob(f"{stem.name}.*.edi")}
    for kind in sorted(expected_acks - set(outcome.acks)):
        outcome.failures.append(f"expected a {kind} but none was produced")
    for golden, actual in _goldens(outcome):
        if not golden.is_file():
            outcome.failures.append(f"no golden {golden.name} (run with --update, then review)")
            continue
        expected = golden.read_text(encoding="utf-8")
        same = json.loads(expected) == json.loads(actual) if golden.suffix == ".json" else expected == actual
        if not same:
            outcome.failures.append(f"{golden.name} differs")
            diff = difflib.unified_diff(
                expected.splitlines(), actual.splitlines(), f"{golden.name} (expected)", "actual", lineterm="", n=2
            )
            outcome.diffs.append("\n".join(list(diff)[:60]))


def update(outcome: Outcome) -> list[Path]:
    """Write the goldens of ``outcome`` (explicit ``--update`` only); stale ack goldens are removed."""
    written = []
    stem = outcome.sample.with_suffix("")
    for old in stem.parent.glob(f"{stem.name}.*.edi"):
        if old.name.split(".")[-2] not in outcome.acks:
            old.unlink()
    for golden, actual in _goldens(outcome):
        golden.write_text(actual, encoding="utf-8", newline="")
        written.append(golden)
    return written


def replay_partner(
    registry: Registry, partner_id: str, translate: Translate, *, write_goldens: bool = False
) -> list[Outcome]:
    """Replay every sample of ``partner_id``; compare with (or, with ``write_goldens``, write) goldens."""
    profile = registry.get(partner_id)
    outcomes = []
    for path in sample_files(profile.samples_dir or Path("/nonexistent")):
        outcome = replay_sample(path, registry, profile, translate)
        if write_goldens:
            update(outcome)
        else:
            compare(outcome)
        outcomes.append(outcome)
    return outcomes
