"""Dashboard pages: login, overview, message search and detail, replay, reconciliation.

Every page needs a session (``@page``); every POST also needs the session's CSRF
token and, when the browser sends one, an Origin of this host. Partner scoping is the
API's (``gateway.http.auth``): the same token record, the same ``allowed`` check.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import secrets
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

from aiohttp import web
from sqlalchemy.orm import Session

from gateway.http.auth import PRINCIPAL, allowed, lookup_token, lookup_token_id, scope
from gateway.http.keys import RUNTIME
from gateway.reconcile import Status, has_status, summarize, write_csv
from gateway.reconcile_query import reconcile_store, registry_tolerances
from gateway.replay import replay_message
from gateway.runtime import Runtime
from gateway.store import Message, search_messages
from gateway.web import charts, data
from gateway.web.keys import SESSION, SIGNER, TEMPLATES
from gateway.web.session import COOKIE, LOGIN_COOKIE, MAX_AGE

__all__ = ["routes", "FILTERS"]

routes = web.RouteTableDef()
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SEARCH_FIELDS = ("number", "control_number", "correlation_id", "partner", "status", "type", "since", "until")


# -- helpers ----------------------------------------------------------------------------
def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _when(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return value
    return "" if value is None else str(value)


FILTERS: dict[str, Callable[..., Any]] = {"duration": _duration, "percent": _percent, "when": _when}


def _render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    session = request.get(SESSION)
    context.setdefault("user", request.get(PRINCIPAL))
    context.setdefault("csrf", request.app[SIGNER].csrf(session) if session else "")
    context.setdefault("path", request.path)
    html = request.app[TEMPLATES].get_template(name).render(**context)
    response = web.Response(text=html, content_type="text/html", status=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
    )
    return response


async def _db(request: web.Request, fn: Callable[[Session], Any]) -> Any:
    runtime: Runtime = request.app[RUNTIME]

    def run() -> Any:
        with runtime.sessions() as session:
            return fn(session)

    return await asyncio.to_thread(run)


def _same_origin(request: web.Request) -> bool:
    origin = request.headers.get("Origin")
    return origin is None or urlsplit(origin).netloc == request.host


def _safe_next(value: str | None) -> str:
    """Only local paths: a login link must not bounce to another site."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def page(handler: Handler) -> Handler:
    """Require a dashboard session (redirect to the login form); POSTs also need CSRF and same origin."""

    async def wrapped(request: web.Request) -> web.StreamResponse:
        signer = request.app[SIGNER]
        session = signer.read(request.cookies.get(COOKIE))
        record = await lookup_token_id(request.app[RUNTIME], session.token_id) if session else None
        if session is None or record is None:
            if request.method != "GET":
                raise web.HTTPForbidden(text="session expired: log in again")
            raise web.HTTPSeeOther(f"/login?next={quote(request.path_qs, safe='')}")
        request[SESSION], request[PRINCIPAL] = session, record
        if request.method == "POST":
            form = await request.post()
            token = form.get("csrf")
            if not _same_origin(request) or not signer.check_csrf(session, token if isinstance(token, str) else None):
                raise web.HTTPForbidden(text="CSRF check failed: reload the page and try again")
        return await handler(request)

    return wrapped


# -- login ------------------------------------------------------------------------------
def _login_form(request: web.Request, error: str | None = None, status: int = 200) -> web.Response:
    nonce = secrets.token_urlsafe(16)
    response = _render(
        request, "login.html", status=status, login_csrf=nonce, error=error, next=_safe_next(request.query.get("next"))
    )
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="Strict", path="/login", max_age=3600)
    return response


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    return _login_form(request)


@routes.post("/login")
async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    expected = request.cookies.get(LOGIN_COOKIE, "")
    presented = form.get("csrf")
    if not expected or not isinstance(presented, str) or not secrets.compare_digest(expected, presented):
        return _login_form(request, "The form expired; please try again.", status=403)
    token = form.get("token")
    record = await lookup_token(request.app[RUNTIME], token) if isinstance(token, str) and token.strip() else None
    if record is None:
        return _login_form(request, "Unknown or revoked token.", status=401)
    next_url = form.get("next")
    response = web.HTTPSeeOther(_safe_next(next_url if isinstance(next_url, str) else None))
    response.set_cookie(
        COOKIE,
        request.app[SIGNER].issue(record.id),
        httponly=True,
        samesite="Strict",
        secure=request.secure,
        path="/",
        max_age=MAX_AGE,
    )
    response.del_cookie(LOGIN_COOKIE, path="/login")
    raise response


@routes.post("/logout")
@page
async def logout(request: web.Request) -> web.StreamResponse:
    response = web.HTTPSeeOther("/login")
    response.del_cookie(COOKIE, path="/")
    raise response


# -- overview ---------------------------------------------------------------------------
@routes.get("/")
@page
async def index(request: web.Request) -> web.Response:
    runtime: Runtime = request.app[RUNTIME]
    window = request.query.get("window", "24h")
    if window not in data.WINDOWS:
        window = "24h"
    view = await _db(request, lambda s: data.overview(s, runtime.registry, scope(request), data.WINDOWS[window]))
    return _render(
        request,
        "overview.html",
        view=view,
        window=window,
        windows=list(data.WINDOWS),
        partner_chart=charts.stacked_bars(view.buckets, view.by_partner, "Documents by partner"),
        type_chart=charts.stacked_bars(view.buckets, view.by_type, "Documents by type"),
        failure_chart=charts.rate_line(view.buckets, view.failure_rate, "Failed transactions"),
    )


# -- messages ---------------------------------------------------------------------------
def _parse_time(value: str) -> dt.datetime:
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@routes.get("/messages")
@page
async def messages(request: web.Request) -> web.Response:
    q = {name: request.query.get(name, "").strip() for name in SEARCH_FIELDS}
    limit_to = scope(request)
    errors: list[str] = []
    filters: dict[str, Any] = {"limit": 200}
    for name, key in (("number", "number"), ("control_number", "control_number"), ("status", "status")):
        filters[key] = q[name] or None
    filters["doc_type"] = q["type"] or None
    filters["partner"] = limit_to or q["partner"] or None
    if q["correlation_id"]:
        try:
            filters["correlation_id"] = uuid.UUID(q["correlation_id"])
        except ValueError:
            errors.append("correlation id must be a UUID")
    for name in ("since", "until"):
        if q[name]:
            try:
                filters[name] = _parse_time(q[name])
            except ValueError:
                errors.append(f"{name} must be a date such as 2024-05-01 or 2024-05-01T12:00")
    searched = any(q.values())

    def run(session: Session) -> list[dict[str, Any]]:
        if errors or (limit_to and q["partner"] not in ("", limit_to)):
            return []
        return [data.message_json(session, m, detail=True) for m in search_messages(session, **filters)]

    found = await _db(request, run)
    runtime: Runtime = request.app[RUNTIME]
    partners = [p.id for p in runtime.registry if limit_to in (None, p.id)]
    return _render(request, "messages.html", q=q, found=found, errors=errors, searched=searched, partners=partners)


def _message_detail(session: Session, request: web.Request, message_id: uuid.UUID) -> dict[str, Any] | None:
    message = session.get(Message, message_id)
    if message is None or not allowed(request, message.partner_id):
        return None
    return data.message_detail(session, message)


def _message_id(request: web.Request) -> uuid.UUID:
    try:
        return uuid.UUID(request.match_info["message_id"])
    except ValueError as exc:
        raise web.HTTPNotFound(text="no such message") from exc


@routes.get("/messages/{message_id}")
@page
async def message_page(request: web.Request) -> web.Response:
    message_id = _message_id(request)
    detail = await _db(request, lambda s: _message_detail(s, request, message_id))
    if detail is None:
        return _render(request, "not_found.html", status=404, what="message")
    return _render(request, "message.html", m=detail, replayed=request.query.get("replayed"))


@routes.post("/messages/{message_id}/replay")
@page
async def replay(request: web.Request) -> web.StreamResponse:
    runtime: Runtime = request.app[RUNTIME]
    message_id = _message_id(request)
    partner = await _db(request, lambda s: getattr(s.get(Message, message_id), "partner_id", None))
    if partner is None or not allowed(request, partner):
        raise web.HTTPNotFound(text="no such message")
    by = f"dashboard:{request[PRINCIPAL].name}"
    done = await asyncio.to_thread(replay_message, runtime.sessions, message_id, by)
    runtime.wake_relay()
    raise web.HTTPSeeOther(f"/messages/{message_id}?replayed={quote(done or 'nothing to replay')}")


# -- reconciliation ---------------------------------------------------------------------
async def _reconcile(request: web.Request) -> tuple[dict[str, str], list[Any], list[str]]:
    runtime: Runtime = request.app[RUNTIME]
    q = {name: request.query.get(name, "").strip() for name in ("partner", "since", "status")}
    limit_to = scope(request)
    errors: list[str] = []
    since = None
    if q["since"]:
        try:
            since = _parse_time(q["since"])
        except ValueError:
            errors.append("since must be a date such as 2024-05-01")
    if errors or (limit_to and q["partner"] not in ("", limit_to)):
        return q, [], errors
    tolerances = registry_tolerances(runtime.registry)
    partner = limit_to or q["partner"] or None

    def run(session: Session) -> list[Any]:
        return reconcile_store(session, partner=partner, since=since, tolerance_for=tolerances)

    lines = await _db(request, run)
    return q, lines, errors


@routes.get("/reconciliation")
@page
async def reconciliation(request: web.Request) -> web.Response:
    q, lines, errors = await _reconcile(request)
    counts = summarize(lines, every_exception=True)
    shown = [line for line in lines if not q["status"] or has_status(line, q["status"])]
    runtime: Runtime = request.app[RUNTIME]
    partners = [p.id for p in runtime.registry if scope(request) in (None, p.id)]
    return _render(
        request,
        "reconciliation.html",
        q=q,
        lines=shown,
        counts=counts,
        errors=errors,
        statuses=[s.value for s in Status],
        partners=partners,
        export=request.rel_url.with_path("/reconciliation.csv").query_string,
    )


@routes.get("/reconciliation.csv")
@page
async def reconciliation_csv(request: web.Request) -> web.Response:
    q, lines, _ = await _reconcile(request)
    out = io.StringIO()
    write_csv([line for line in lines if not q["status"] or has_status(line, q["status"])], out)
    return web.Response(
        text=out.getvalue(),
        content_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="reconciliation.csv"'},
    )
