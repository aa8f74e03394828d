"""``edigw reconcile`` and ``edigw messages list|show|replay`` on a seeded SQLite home."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import cli
from gateway.runtime import Runtime
from gateway.settings import Settings
from gateway.store import history
from tests.support.dashboard_seed import Seeded, seed
from tests.support.gateway_server import BUNDLED_PARTNERS


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], Seeded, Runtime]:
    path = tmp_path_factory.mktemp("home")
    env = {"EDIGW_HOME": str(path), "EDIGW_PARTNERS": str(BUNDLED_PARTNERS)}
    runtime = Runtime.open(Settings.from_env(env), generate_keys=False)
    seeded = seed(runtime.sessions)
    return env, seeded, runtime


def invoke(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_reconcile_table_csv_and_exit_codes(home: tuple[dict[str, str], Seeded, Runtime], tmp_path: Path) -> None:
    env, _, _ = home
    out = tmp_path / "exceptions.csv"
    code, stdout, stderr = invoke(env, "reconcile", "--export", str(out))
    assert code == 1  # exceptions present
    header, *rows = stdout.splitlines()
    assert header.split()[:3] == ["partner", "PO", "line"]
    assert rows[-1].split()[-1] == "matched"  # exceptions first
    assert any("PO-3001" in r and "short_shipped (+invoice_not_posted)" in r for r in rows)
    assert "price_variance" in stderr and "PO lines" in stderr
    with out.open(newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert len(lines) == len(rows) == 5
    variance = next(line for line in lines if line["status"] == "price_variance")
    assert (variance["po_number"], variance["line_number"], variance["invoiced_price"]) == ("PO-1001", "2", "11.75")

    code, stdout, _ = invoke(env, "reconcile", "--partner", "acme-supply")
    assert code == 1 and "bigbox" not in stdout
    code, _, stderr = invoke(env, "reconcile", "--since", "2999-01-01")
    assert code == 0 and "0 PO lines" in stderr  # nothing to reconcile: nothing wrong
    assert invoke(env, "reconcile", "--since", "yesterday")[0] == 2
    assert invoke(env, "reconcile", "--partner", "nobody")[0] == 2


def test_messages_list_show_replay(home: tuple[dict[str, str], Seeded, Runtime]) -> None:
    env, seeded, runtime = home
    code, stdout, _ = invoke(env, "messages", "list", "--number", "PO-1001", "--type", "order")
    assert code == 0 and str(seeded.bigbox_order) in stdout and "order:PO-1001" in stdout
    code, stdout, _ = invoke(env, "messages", "list", "--control-number", "101", "--json")
    assert code == 0 and str(seeded.bigbox_order) in stdout
    assert invoke(env, "messages", "list", "--since", "nope")[0] == 2

    code, stdout, _ = invoke(env, "messages", "show", str(seeded.bigbox_order))
    assert code == 0 and "\nBEG*00*SA*PO-1001**20240101\n" in stdout and "delivery: PO-1001 -> erp: delivered" in stdout
    assert invoke(env, "messages", "show", "00000000-0000-0000-0000-000000000000")[0] == 1
    assert invoke(env, "messages", "show", "x")[0] == 2

    code, stdout, _ = invoke(env, "messages", "replay", "--dead-letters", "--partner", "northwind-dist")
    assert code == 0 and f"{seeded.dead_letter}: 1 dead-lettered deliveries queued" in stdout
    assert str(seeded.acme_invoice) not in stdout
    with runtime.sessions() as session:
        replayed = [e for e in history(session, seeded.dead_letter) if e.state == "replayed"]
    assert replayed and replayed[0].detail == {"by": "cli", "deliveries": 1}
    assert invoke(env, "messages", "replay")[0] == 2
