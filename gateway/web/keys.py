"""Typed keys for what the dashboard keeps on the app and on each request."""

from __future__ import annotations

import jinja2
from aiohttp import web

from gateway.web.session import SessionData, SessionSigner

SIGNER = web.AppKey("dashboard_signer", SessionSigner)
TEMPLATES = web.AppKey("dashboard_templates", jinja2.Environment)
SESSION = web.RequestKey("dashboard_session", SessionData)
