"""Debian's headless Chromium driven by selenium, logged in to a running gateway's dashboard."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from gateway.store import create_token, transaction
from tests.support.gateway_server import RunningGateway

__all__ = ["By", "WebDriverWait", "expected_conditions", "chromium_missing", "logged_in", "shot", "SCREENSHOTS"]

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
#: Chromium as the machine probe runs it: no background networking on a closed network.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--window-size=1400,1000",
)


def chromium_missing() -> str | None:
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return (
            "Chromium or chromedriver missing (/usr/bin/chromium, /usr/bin/chromedriver): run scripts/setup-system.sh"
        )
    return None


@contextmanager
def logged_in(gateway: RunningGateway, partner: str | None = None) -> Iterator[Any]:
    """A Chromium session logged in to the dashboard with a new token (operator by default)."""
    profile = tempfile.mkdtemp(prefix="edigw-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    with transaction(gateway.runtime.sessions) as session:
        token = create_token(session, "browser", partner).token
    try:
        driver.get(gateway.url + "/")
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "login").click()
        WebDriverWait(driver, 10).until(expected_conditions.presence_of_element_located((By.ID, "queues")))
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def shot(driver: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
