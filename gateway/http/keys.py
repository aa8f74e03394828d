"""Typed keys for what the aiohttp application shares with its handlers."""

from __future__ import annotations

from aiohttp import web

from gateway.runtime import Runtime

RUNTIME = web.AppKey("runtime", Runtime)
