"""``edigw partners list|validate`` through the click entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import cli
from tests.unit.test_partners_support import copy_samples, edited, read, write


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_bundled_samples(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EDIGW_PARTNERS", raising=False)
    result = runner.invoke(cli, ["partners", "validate"])
    assert result.exit_code == 0, result.output
    assert "profile(s) valid" in result.stderr and "bigbox" in result.stderr


def test_validate_reports_file_and_field(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    write(folder, "bigbox", edited(read(folder, "bigbox"), "transports.as2.url", "nope"))
    result = runner.invoke(cli, ["partners", "validate", str(folder)])
    assert result.exit_code == 1
    assert f"{folder / 'bigbox.yaml'}: transports.as2.url: " in result.stdout


def test_validate_runs_rule_path_checks(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    data = edited(read(folder, "bigbox"), "rules.required", {"order": ["lines[].item.vendr_part"]})
    write(folder, "bigbox", data)
    result = runner.invoke(cli, ["partners", "validate", str(folder / "bigbox.yaml")])
    assert result.exit_code == 1
    expected = "bigbox.yaml: rules.required.order[0]: lines[].item.vendr_part: Item has no field 'vendr_part'"
    assert expected in result.stdout


def test_validate_missing_path(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["partners", "validate", str(tmp_path / "nope")])
    assert result.exit_code == 2


def test_list_table(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDIGW_PARTNERS", str(copy_samples(tmp_path)))
    result = runner.invoke(cli, ["partners", "list"])
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "NAME", "STATUS", "TRANSPORTS", "DOCUMENTS"]
    bigbox = next(r for r in rows if r.startswith("bigbox "))
    assert "testing" in bigbox and "as2" in bigbox and "in: 850/004010" in bigbox


def test_list_invalid_folder_fails(runner: CliRunner, tmp_path: Path) -> None:
    folder = copy_samples(tmp_path)
    write(folder, "bigbox", edited(read(folder, "bigbox"), "status", "maybe"))
    result = runner.invoke(cli, ["partners", "list", str(folder)])
    assert result.exit_code == 1 and "bigbox.yaml: status:" in result.stderr
