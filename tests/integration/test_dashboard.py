"""Dashboard on a running gateway: login, CSRF, partner scoping, pages, replay, reconciliation API, metrics."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookies import SimpleCookie

import pytest

from gateway.store import create_token, history, transaction
from tests.support.dashboard_seed import Seeded, seed
from tests.support.gateway_server import RunningGateway, running_gateway

pytestmark = pytest.mark.integration


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """Just enough of a browser: a cookie jar by name, no redirect following, form posts."""

    def __init__(self, gw: RunningGateway) -> None:
        self.gw = gw
        self.cookies: dict[str, str] = {}
        self.set_cookies: list[str] = []  # raw Set-Cookie headers, to check their attributes
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        all_headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if data is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.gw.url + path, data=data, headers=all_headers, method=method)
        try:
            resp = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as exc:
            resp = exc
        body = resp.read().decode("utf-8", "replace")
        for raw in resp.headers.get_all("Set-Cookie") or []:
            self.set_cookies.append(raw)
            jar = SimpleCookie()
            jar.load(raw)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return resp.status, dict(resp.headers.items()), body

    def login(self, token: str) -> int:
        _, _, page = self.request("GET", "/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf is not None
        status, _, _ = self.request("POST", "/login", {"csrf": csrf.group(1), "token": token, "next": "/"})
        return status

    def csrf(self, path: str = "/") -> str:
        _, _, page = self.request("GET", path)
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found is not None
        return found.group(1)


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningGateway, Seeded]]:
    with running_gateway(tmp_path_factory.mktemp("home")) as gateway:
        yield gateway, seed(gateway.runtime.sessions)


def token(gw: RunningGateway, partner: str | None = None) -> str:
    with transaction(gw.runtime.sessions) as session:
        return create_token(session, f"dash-{partner or 'admin'}", partner).token


def test_pages_need_a_login_and_the_cookie_is_strict_and_opaque(gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, _ = gw
    browser = Browser(gateway)
    status, headers, _ = browser.request("GET", "/messages?number=PO-1001")
    assert status == 303 and headers["Location"].startswith("/login?next=")
    assert browser.login("edigw_nope_nope") == 401
    _, _, page = browser.request("GET", "/login?next=//evil.example/x")
    assert 'name="next" value="/"' in page  # never bounce to another site after login
    admin = token(gateway)
    browser = Browser(gateway)
    assert browser.login(admin) == 303
    raw_cookie = next(c for c in browser.set_cookies if c.startswith("edigw_session="))
    assert "HttpOnly" in raw_cookie and "SameSite=Strict" in raw_cookie
    assert admin not in raw_cookie and admin.split("_", 2)[2] not in raw_cookie
    status, _, page = browser.request("GET", "/")
    assert status == 200 and "Retry and dead-letter queues" in page and "<svg" in page


def test_login_form_itself_is_csrf_protected(gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, _ = gw
    browser = Browser(gateway)
    browser.request("GET", "/login")
    status, _, _ = browser.request("POST", "/login", {"csrf": "forged", "token": token(gateway)})
    assert status == 403 and "edigw_session" not in browser.cookies


def test_replay_needs_csrf_and_same_origin_then_replays(gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, seeded = gw
    browser = Browser(gateway)
    browser.login(token(gateway))
    path = f"/messages/{seeded.retrying}/replay"
    assert browser.request("POST", path, {"csrf": "nope"})[0] == 403
    csrf = browser.csrf(f"/messages/{seeded.retrying}")
    assert browser.request("POST", path, {"csrf": csrf}, {"Origin": "http://evil.example"})[0] == 403
    with gateway.runtime.sessions() as session:
        assert "replayed" not in [e.state for e in history(session, seeded.retrying)]
    status, headers, _ = browser.request("POST", path, {"csrf": csrf}, {"Origin": gateway.url})
    assert status == 303 and headers["Location"].startswith(f"/messages/{seeded.retrying}?replayed=")
    with gateway.runtime.sessions() as session:
        assert "replayed" in [e.state for e in history(session, seeded.retrying)]
    # Without a session a POST is refused outright (no redirect a form could follow).
    assert Browser(gateway).request("POST", path, {"csrf": csrf})[0] == 403


def test_search_and_message_page(gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, seeded = gw
    browser = Browser(gateway)
    browser.login(token(gateway))
    status, _, page = browser.request("GET", "/messages?number=PO-1001")
    assert status == 200 and f"/messages/{seeded.bigbox_order}" in page and "PO-2001" not in page
    status, _, page = browser.request("GET", "/messages?control_number=101")
    assert f"/messages/{seeded.bigbox_order}" in page
    status, _, page = browser.request("GET", f"/messages/{seeded.bigbox_order}")
    assert status == 200
    assert "\nBEG*00*SA*PO-1001**20240101\n" in page  # one segment per line
    assert "&#34;po_number&#34;: &#34;PO-1001&#34;" in page or "&quot;po_number&quot;" in page  # canonical JSON
    assert "erp" in page and "delivered" in page and "translated" in page
    assert browser.request("GET", "/messages/not-a-uuid")[0] == 404
    assert browser.request("GET", "/messages?correlation_id=zzz")[0] == 200


def test_partner_login_sees_only_its_partner(gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, seeded = gw
    browser = Browser(gateway)
    browser.login(token(gateway, "northwind-dist"))
    status, _, page = browser.request("GET", "/")
    assert status == 200 and "northwind-dist" in page and "bigbox" not in page and "acme-supply" not in page
    assert browser.request("GET", f"/messages/{seeded.bigbox_order}")[0] == 404
    _, _, page = browser.request("GET", "/messages?number=PO-1001&partner=bigbox")
    assert f"/messages/{seeded.bigbox_order}" not in page
    csrf = browser.csrf()
    assert browser.request("POST", f"/messages/{seeded.bigbox_order}/replay", {"csrf": csrf})[0] == 404
    _, _, page = browser.request("GET", "/reconciliation")
    assert "PO-2001" in page and "PO-1001" not in page
    _, _, csv_text = browser.request("GET", "/reconciliation.csv")
    assert csv_text.startswith("partner,po_number,line_number") and "bigbox" not in csv_text


def test_reconciliation_api_and_page(gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, _ = gw
    admin = token(gateway)
    status, body = gateway.json("GET", "/api/v1/reconciliation", token=admin)
    assert status == 200
    lines = {(line["po_number"], line["line_number"]): line for line in body["lines"]}
    assert lines[("PO-1001", "1")]["status"] == "matched"
    assert lines[("PO-1001", "2")]["status"] == "price_variance"
    assert lines[("PO-1001", "2")]["invoiced_price"] == "11.75"
    assert lines[("PO-2001", "1")]["status"] == "asn_missing"
    assert lines[("PO-3001", "1")]["exceptions"] == ["short_shipped", "invoice_not_posted"]
    status, body = gateway.json("GET", "/api/v1/reconciliation?partner=bigbox", token=token(gateway, "acme-supply"))
    assert body["lines"] == []
    status, body = gateway.json("GET", "/api/v1/reconciliation", token=token(gateway, "acme-supply"))
    assert {line["partner"] for line in body["lines"]} == {"acme-supply"}
    assert gateway.json("GET", "/api/v1/reconciliation?since=soon", token=admin)[0] == 400

    browser = Browser(gateway)
    browser.login(admin)
    _, _, page = browser.request("GET", "/reconciliation?status=price_variance")
    assert "PO-1001" in page and "11.75" in page and "PO-2001</a>" not in page
    _, _, page = browser.request("GET", "/reconciliation?status=invoice_not_posted")
    assert "PO-3001</a>" in page and "PO-1001</a>" not in page  # its first exception is short_shipped
    _, _, csv_text = browser.request("GET", "/reconciliation.csv?status=invoice_not_posted")
    assert [row.split(",")[1] for row in csv_text.splitlines()[1:]] == ["PO-3001"]


def test_overview_numbers(gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, _ = gw
    browser = Browser(gateway)
    browser.login(token(gateway, "bigbox"))
    _, _, page = browser.request("GET", "/?window=7d")
    assert "41 min" in page  # PO-1001: 850 received, 855 built 40 min later and sent 30 s after
    assert "997" in page  # the overdue ack


def test_metrics_come_from_the_store(gw: tuple[RunningGateway, Seeded]) -> None:
    gateway, _ = gw
    status, _, body = gateway.request("GET", "/metrics")
    text = body.decode()
    assert status == 200
    assert 'edigw_messages_received_total{partner="northwind-dist",transport="sftp"} 2.0' in text
    assert re.search(r'edigw_deliveries_total\{outcome="dead_letter",sink="erp"\} [1-9]', text)
    assert "edigw_dead_letter_queue 2.0" in text
    assert 'edigw_overdue_acks{kind="997",partner="bigbox"} 1.0' in text
    assert 'edigw_documents_total{status="translated",type="order"}' in text or "edigw_documents_total" in text
    assert "# TYPE edigw_processing_seconds gauge" in text  # quantiles; values need processed events
