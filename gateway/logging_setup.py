"""Structured logs: one JSON object per line, with the correlation id on every line.

The correlation id lives in a contextvar (structlog's contextvars), so it follows a
message through awaits and ``asyncio.to_thread`` without being passed around: bind it
where a message enters (receipt, a task starting) and every line logged until it is
unbound carries it, whether written with structlog or the stdlib ``logging`` the rest
of the code uses (both go through the same processors).
"""

from __future__ import annotations

import logging
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import structlog
from structlog.contextvars import bind_contextvars, bound_contextvars, merge_contextvars, unbind_contextvars

__all__ = ["configure_logging", "bind_correlation", "unbind_correlation", "correlation", "get_logger"]


def _shared_processors() -> list[Any]:
    return [
        merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]


def configure_logging(json: bool = True, level: int | str = "INFO", stream: TextIO | None = None) -> None:
    """Route structlog and stdlib logging to ``stream`` (stderr) as JSON lines (or readable text)."""
    renderer: Any = structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_edigw", False)]:
        root.removeHandler(old)
    handler._edigw = True  # type: ignore[attr-defined]  # so a second call replaces, not duplicates
    root.addHandler(handler)
    root.setLevel(level)
    structlog.configure(
        processors=[*_shared_processors(), structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def bind_correlation(correlation_id: uuid.UUID | str | None) -> None:
    """Put the correlation id on every following log line of this context (None clears it)."""
    if correlation_id is None:
        unbind_correlation()
    else:
        bind_contextvars(correlation_id=str(correlation_id))


def unbind_correlation() -> None:
    unbind_contextvars("correlation_id")


@contextmanager
def correlation(correlation_id: uuid.UUID | str) -> Iterator[None]:
    """``with correlation(cid):`` binds for the block and restores what was bound before."""
    with bound_contextvars(correlation_id=str(correlation_id)):
        yield


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
