"""The dashboard in a real headless Chromium (Debian's, driven by selenium + chromedriver).

Screenshots go to ``test-artifacts/screenshots/`` (gitignored) for people to look at.
Skips with the reason when Chromium, chromedriver or selenium is missing
(``scripts/setup-system.sh`` installs them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gateway.store import history
from tests.support.dashboard_seed import Seeded, seed
from tests.support.gateway_server import RunningGateway, running_gateway

pytestmark = pytest.mark.integration

pytest.importorskip("selenium.webdriver", reason="selenium not installed (pip install -e .[test])")
from tests.support.browser import By, WebDriverWait, chromium_missing, expected_conditions, logged_in, shot  # noqa: E402

if chromium_missing():
    pytest.skip(chromium_missing() or "", allow_module_level=True)


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningGateway, Seeded]]:
    with running_gateway(tmp_path_factory.mktemp("home")) as gateway:
        yield gateway, seed(gateway.runtime.sessions)


@pytest.fixture(scope="module")
def browser(gw: tuple[RunningGateway, Seeded]) -> Iterator[Any]:
    gateway, _ = gw
    with logged_in(gateway) as driver:
        yield driver


def test_dashboard_loads_with_data(browser: Any, gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, _ = gw
    browser.get(gateway.url + "/")
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart rect"), "throughput bars drawn"
    queues = browser.find_element(By.ID, "queues").text
    assert "dead_letter" in queues and "retrying" in queues and "PO-2001" in queues
    assert "997" in browser.find_element(By.ID, "overdue").text
    shot(browser, "overview")


def test_search_finds_a_po(browser: Any, gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, seeded = gw
    browser.get(gateway.url + "/messages")
    browser.find_element(By.ID, "number").send_keys("PO-1001")
    browser.find_element(By.ID, "search-button").click()
    WebDriverWait(browser, 10).until(lambda d: "number=PO-1001" in d.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "#results tbody tr")
    assert sorted(r.text.split("PO-1001")[0].split()[-1] for r in rows) == ["order", "po_ack"]  # the 850 and our 855
    shot(browser, "search")
    next(r for r in rows if "order PO-1001" in r.text).find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 10).until(expected_conditions.presence_of_element_located((By.ID, "raw")))
    assert "BEG*00*SA*PO-1001**20240101" in browser.find_element(By.ID, "raw").text.splitlines()
    assert str(seeded.bigbox_order) in browser.current_url
    shot(browser, "message")


def test_replay_button_replays_a_dead_letter(browser: Any, gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, seeded = gw
    browser.get(gateway.url + "/")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#queues tbody tr") if "PO-2001" in r.text)
    row.find_element(By.CSS_SELECTOR, "form.replay button").click()
    WebDriverWait(browser, 5).until(expected_conditions.alert_is_present())
    browser.switch_to.alert.accept()  # the "Replay this message?" confirmation
    WebDriverWait(browser, 10).until(lambda d: "replayed=" in d.current_url)
    assert str(seeded.dead_letter) in browser.current_url
    assert "1 dead-lettered deliveries queued" in browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert "replayed" in browser.find_element(By.ID, "timeline").text
    with gateway.runtime.sessions() as session:
        assert "replayed" in [e.state for e in history(session, seeded.dead_letter)]
    shot(browser, "replayed")


def test_reconciliation_shows_a_price_variance(browser: Any, gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, _ = gw
    browser.get(gateway.url + "/reconciliation")
    rows = browser.find_elements(By.CSS_SELECTOR, "#reconciliation tr.rc-price_variance")
    assert len(rows) == 1
    assert "PO-1001" in rows[0].text and "11.75" in rows[0].text and "price_variance" in rows[0].text
    shot(browser, "reconciliation")
