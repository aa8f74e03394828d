"""The operations and finance dashboard served at ``/`` (server-rendered, a little vanilla JS).

``setup(app)`` mounts the pages, the static files and the session signer; the pages
live in ``gateway.web.pages``, the numbers they show in ``gateway.web.data``.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from aiohttp import web

from gateway.http.keys import RUNTIME
from gateway.web import pages
from gateway.web.charts import PALETTE
from gateway.web.keys import SIGNER, TEMPLATES
from gateway.web.session import SessionSigner, load_secret

__all__ = ["setup"]

HERE = Path(__file__).resolve().parent


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(pages.FILTERS)
    env.globals["palette"] = PALETTE
    return env


def setup(app: web.Application) -> None:
    app[SIGNER] = SessionSigner(load_secret(app[RUNTIME].settings.home))
    app[TEMPLATES] = _templates()
    app.add_routes(pages.routes)
    app.router.add_static("/static/", HERE / "static", name="static")
