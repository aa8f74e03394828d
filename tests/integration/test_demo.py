"""``edigw demo`` as a test: the whole story must complete, and the dashboard shows it.

AS2 and SFTP partners, processing on the embedded default with a worker process, the
ERP/WMS/shop simulators, 855/856/810 back to the partners and their 997/999 closing
each one (the demo exits 0 only then). The dashboard, served on the demo's database, is
then checked in headless Chromium (skipped without it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gateway.store import current_status, search_messages
from samples.demo import run_demo
from tests.support.gateway_server import running_gateway

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("demo") / "home"
    assert run_demo(home, orders=2, timeout=120) == 0
    return home


def test_demo_completes_every_purchase_order(demo_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with running_gateway(demo_home, partners=demo_home / "partners") as gw, gw.runtime.sessions() as session:
        orders = search_messages(session, doc_type="order", direction="in", limit=100)
        dead = search_messages(session, status="dead_letter", limit=100)
        confirmations = search_messages(session, doc_type="po_ack", partner="acme-supply", direction="in", limit=10)
        ordered = search_messages(session, partner="acme-supply", direction="out", limit=10)  # the OrderRequest
        statuses = [current_status(session, m.id) for m in ordered]
    assert len(orders) >= 2  # BigBox's over AS2 (and Northwind's over SFTP where sshd runs)
    assert dead == []
    # our order to Acme went over the cXML network and Acme's confirmation came back to POST /cxml
    assert [m.transport for m in confirmations] == ["cxml"] and statuses == ["acknowledged"]


def test_demo_completes_on_postgresql(tmp_path: Path) -> None:
    """The production store: PostgreSQL enforces what SQLite lets pass (column widths, NUL,
    text encodings); every inbound cXML document once failed there and nowhere else."""
    from gateway.store.testing import postgres_unavailable, temporary_postgres_database

    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    with temporary_postgres_database() as url:
        home = tmp_path / "home"
        assert run_demo(home, orders=1, timeout=120, database_url=url) == 0
        gateway = running_gateway(home, database_url=url, partners=home / "partners")
        with gateway as gw, gw.runtime.sessions() as session:
            assert search_messages(session, status="dead_letter", limit=10) == []
            confirmations = search_messages(session, doc_type="po_ack", partner="acme-supply", direction="in")
            assert [m.transport for m in confirmations] == ["cxml"]


def test_dashboard_shows_the_demo_run(demo_home: Path) -> None:
    pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    from tests.support.browser import By, chromium_missing, logged_in, shot

    if chromium_missing():
        pytest.skip(chromium_missing() or "")
    with running_gateway(demo_home, partners=demo_home / "partners") as gw, logged_in(gw) as browser:
        browser.get(gw.url + "/")
        received = browser.find_element(By.TAG_NAME, "body").text
        count = re.search(r"Messages received\s+(\d+)", received)
        assert count and int(count.group(1)) >= 6  # 850s, business events, 997s
        assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect"), "throughput bars drawn"
        shot(browser, "demo-overview")
        with gw.runtime.sessions() as session:
            po = search_messages(session, doc_type="order", partner="bigbox", limit=1)[0]
        browser.get(f"{gw.url}/messages/{po.id}")
        timeline = browser.find_element(By.ID, "timeline").text
        assert "delivered" in timeline and "processed" in timeline
        shot(browser, "demo-message")
