"""``edigw partners test``: replaying a partner's samples and comparing with goldens."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import cli
from gateway.commands.partners import run_test
from partners.registry import Registry
from tests.unit.test_partners_support import copy_samples, edited, read, write
from translators.canonical import Item, Order, OrderLine
from translators.result import Source, Translated, TranslationResult

pytest.importorskip("edi.x12.ack", reason="X12 ack writer not present")
if not hasattr(importlib.import_module("edi.x12.ack"), "iter_validated"):  # pragma: no cover
    pytest.skip("edi.x12.ack.iter_validated not built yet", allow_module_level=True)

from gateway.commands.partners_replay import replay_partner, sample_files  # noqa: E402

HAS_TRANSLATE = importlib.util.find_spec("translators.translate") is not None


def fake_translate(data: bytes, partner_id: str) -> TranslationResult:
    """One order with one line per PO1 ``IN`` id: enough to exercise rules and routing."""
    parts = [seg.split("*")[7] for seg in data.decode().split("~") if seg.strip().startswith("PO1")]
    lines = [
        OrderLine(line_number=str(i), quantity=1, uom="CA", unit_price=1, item=Item(buyer_part=part))
        for i, part in enumerate(parts)
    ]
    order = Order(po_number="PO-1", po_date="2026-11-20", ship_to={"name": "Store"}, lines=lines)
    return TranslationResult(documents=[Translated("order", order, Source("x12", "850", "004010"))])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return copy_samples(tmp_path)


def test_samples_exclude_goldens(folder: Path) -> None:
    names = [p.name for p in sample_files(folder / "bigbox" / "samples")]
    assert names == ["po-4500012345.edi", "po-4500012399-unknown-item.edi"]


def test_update_then_compare_passes(folder: Path) -> None:
    registry = Registry.load(folder)
    written = replay_partner(registry, "bigbox", fake_translate, write_goldens=True)
    assert [o.sample.name for o in written] == ["po-4500012345.edi", "po-4500012399-unknown-item.edi"]
    outcomes = replay_partner(registry, "bigbox", fake_translate)
    assert all(o.passed for o in outcomes), [o.failures for o in outcomes]
    first, second = outcomes
    assert first.partner == "bigbox" and first.validation == "A" and list(first.acks) == ["997"]
    assert first.result["documents"][0]["sinks"] == ["erp"]
    assert first.result["documents"][0]["document"].lines[0].uom == "CS"  # rules applied
    assert second.result["documents"] == [] and second.result["errors"][0]["codes"] == ["RULE"]


def test_changed_output_fails_with_a_diff(folder: Path) -> None:
    registry = Registry.load(folder)
    replay_partner(registry, "bigbox", fake_translate, write_goldens=True)
    write(folder, "bigbox", edited(read(folder, "bigbox"), "rules.uom", {"CA": "BX"}))
    outcomes = replay_partner(Registry.load(folder), "bigbox", fake_translate)
    assert not outcomes[0].passed
    assert "po-4500012345.expected.json differs" in outcomes[0].failures
    assert '+          "uom": "BX"' in outcomes[0].diffs[0] or '"BX"' in outcomes[0].diffs[0]


def test_changed_ack_fails(folder: Path) -> None:
    registry = Registry.load(folder)
    replay_partner(registry, "bigbox", fake_translate, write_goldens=True)
    write(folder, "bigbox", edited(read(folder, "bigbox"), "documents.ack", "999"))
    outcome = replay_partner(Registry.load(folder), "bigbox", fake_translate)[0]
    assert "expected a 997 but none was produced" in outcome.failures
    assert any("no golden po-4500012345.999.edi" in f for f in outcome.failures)


def test_missing_golden_fails(folder: Path) -> None:
    for golden in (folder / "bigbox" / "samples").glob("*.expected.json"):
        golden.unlink()
    outcomes = replay_partner(Registry.load(folder), "bigbox", fake_translate)
    assert all(any("run with --update" in f for f in o.failures) for o in outcomes)


def test_sample_of_another_partner_fails(folder: Path) -> None:
    source = folder / "northwind-dist" / "samples" / "po-NW-55821.edi"
    (folder / "bigbox" / "samples" / "stray.edi").write_bytes(source.read_bytes())
    outcomes = replay_partner(Registry.load(folder), "bigbox", fake_translate, write_goldens=True)
    stray = next(o for o in outcomes if o.sample.name == "stray.edi")
    assert stray.partner == "northwind-dist" and "attributed to northwind-dist, not bigbox" in stray.failures


def test_unreadable_sample_fails(folder: Path) -> None:
    (folder / "bigbox" / "samples" / "junk.edi").write_text("hello")
    outcome = next(
        o for o in replay_partner(Registry.load(folder), "bigbox", fake_translate) if o.sample.name == "junk.edi"
    )
    assert "neither X12 nor XML" in outcome.failures


def test_cli_exit_codes(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_test("bigbox", str(folder), update=True, translate=fake_translate) == 0
    assert run_test("bigbox", str(folder), update=False, translate=fake_translate) == 0
    out = capsys.readouterr().out
    assert "po-4500012345.edi" in out and "PASS" in out
    assert run_test("nobody", str(folder), update=False, translate=fake_translate) == 2
    for sample in (folder / "acme-supply" / "samples").iterdir():
        sample.unlink()
    assert run_test("acme-supply", str(folder), update=False, translate=fake_translate) == 2
    write(folder, "bigbox", edited(read(folder, "bigbox"), "rules.uom", {"CA": "BX"}))
    assert run_test("bigbox", str(folder), update=False, translate=fake_translate) == 1
    assert "FAIL" in capsys.readouterr().out


@pytest.mark.skipif(not HAS_TRANSLATE, reason="translators.translate not built yet")
def test_bundled_samples_pass_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDIGW_PARTNERS", raising=False)
    runner = CliRunner()
    for partner in ("bigbox", "northwind-dist", "acme-supply"):
        result = runner.invoke(cli, ["partners", "test", partner])
        assert result.exit_code == 0, result.output
        assert "FAIL" not in result.stdout
