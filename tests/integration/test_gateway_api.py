"""REST API on a running gateway: auth, partner scoping, upload, search, views, replay."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gateway.store import create_token, transaction
from tests.support.gateway_server import RunningGateway, running_gateway

pytestmark = pytest.mark.integration

FILE = (
    b"ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*EDIGW          *240101*1200*^*00501*000000777*0*P*:~"
    b"GS*PO*NORTHWIND*EDIGW*20240101*1200*777*X*005010~ST*850*0001~BEG*00*SA*PO-API-1**20240101~"
    b"PO1*1*1*EA*1**VP*X~CTT*1~SE*5*0001~GE*1*777~IEA*1*000000777~"
)


@pytest.fixture(scope="module")
def gw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningGateway]:
    with running_gateway(tmp_path_factory.mktemp("home")) as gateway:
        yield gateway


def token(gw: RunningGateway, partner: str | None = None) -> str:
    with transaction(gw.runtime.sessions) as session:
        return create_token(session, "test", partner).token


def test_health_and_openapi_need_no_token(gw: RunningGateway) -> None:
    assert gw.json("GET", "/healthz") == (200, {"status": "ok"})
    status, ready = gw.json("GET", "/readyz")
    assert status == 200 and ready["partners"] >= 3
    status, spec = gw.json("GET", "/api/v1/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.") and "/api/v1/messages" in spec["paths"]
    status, _, body = gw.request("GET", "/metrics")
    assert status == 200 and b"python_info" in body


@pytest.mark.parametrize("auth", [None, "Bearer nope", "Basic abc"])
def test_api_requires_a_valid_bearer_token(gw: RunningGateway, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    status, _, body = gw.request("GET", "/api/v1/messages", headers=headers)
    assert status == 401 and b"error" in body


def test_upload_search_views_and_replay(gw: RunningGateway) -> None:
    admin = token(gw)
    status, created = gw.json(
        "POST", "/api/v1/partners/northwind-dist/messages?filename=../../x.edi", body=FILE, token=admin
    )
    assert status == 202 and created["duplicate_of"] is None
    mid = created["message_id"]
    status, again = gw.json("POST", "/api/v1/partners/northwind-dist/messages", body=FILE, token=admin)
    assert status == 202 and again["duplicate_of"] == mid  # same bytes: recorded, not processed twice

    status, found = gw.json("GET", f"/api/v1/messages?correlation_id={created['correlation_id']}", token=admin)
    assert [m["id"] for m in found["messages"]] == [mid]
    assert found["messages"][0]["status"] == "received"

    status, raw_headers, raw = gw.request("GET", f"/api/v1/messages/{mid}/raw", token=admin)
    assert status == 200 and raw == FILE
    status, parsed = gw.json("GET", f"/api/v1/messages/{mid}/parsed", token=admin)
    assert [s[0] for s in parsed["segments"]] == ["ISA", "GS", "ST", "BEG", "PO1", "CTT", "SE", "GE", "IEA"]
    status, events = gw.json("GET", f"/api/v1/messages/{mid}/events", token=admin)
    assert [e["state"] for e in events["events"]] == ["received"]

    status, replay = gw.json("POST", f"/api/v1/messages/{mid}/replay", token=admin)
    assert status == 202
    status, events = gw.json("GET", f"/api/v1/messages/{mid}/events", token=admin)
    assert [e["state"] for e in events["events"]] == ["received", "replayed"]


def test_partner_tokens_see_only_their_partner(gw: RunningGateway) -> None:
    admin, bigbox, northwind = token(gw), token(gw, "bigbox"), token(gw, "northwind-dist")
    status, created = gw.json(
        "POST", "/api/v1/partners/northwind-dist/messages", body=FILE.replace(b"PO-API-1", b"PO-API-2"), token=admin
    )
    mid = created["message_id"]
    assert gw.json("GET", f"/api/v1/messages/{mid}", token=northwind)[0] == 200
    assert gw.json("GET", f"/api/v1/messages/{mid}", token=bigbox)[0] == 404
    assert gw.json("GET", f"/api/v1/messages/{mid}/raw", token=bigbox)[0] == 404
    status, listed = gw.json("GET", "/api/v1/messages?partner=northwind-dist", token=bigbox)
    assert listed["messages"] == []
    status, listed = gw.json("GET", "/api/v1/messages", token=bigbox)
    assert all(m["partner"] == "bigbox" for m in listed["messages"])
    status, _ = gw.json("POST", "/api/v1/partners/northwind-dist/messages", body=FILE, token=bigbox)
    assert status == 404


def test_bad_requests_are_clear(gw: RunningGateway) -> None:
    admin = token(gw)
    assert gw.json("GET", "/api/v1/messages/not-a-uuid", token=admin)[0] == 400
    assert gw.json("GET", "/api/v1/messages?since=yesterday", token=admin)[0] == 400
    assert gw.json("POST", "/api/v1/partners/nobody/messages", body=b"x", token=admin)[0] == 404
    assert gw.json("POST", "/api/v1/partners/bigbox/messages", body=b"", token=admin)[0] == 400
    # a NUL, which PostgreSQL text cannot hold, is a bad request rather than a 500
    for query in ("number=a%00b", "partner=%00", "control_number=%00"):
        status, answer = gw.json("GET", f"/api/v1/messages?{query}", token=admin)
        assert (status, answer) == (400, {"error": "NUL characters are not allowed in the path or the query"})
    event = b'{"po_number": "PO\\u00001", "ack_type": "AD", "po_date": "2026-11-01"}'
    status, answer = gw.json("POST", "/api/v1/partners/bigbox/outbound/po_ack", body=event, token=admin)
    assert status == 422 and "NUL" in answer["error"]
