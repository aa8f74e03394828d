"""Idempotency-Key registry: a repeated key gets the first answer again, never a second effect.

Only successful (2xx) answers are remembered, as payment APIs do: a request that failed
had no effect, so its retry must be processed. A repeat that arrives while the first
request is still being handled waits for it instead of running the handler twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

__all__ = ["IdempotencyRegistry", "StoredResponse", "REPLAYED_HEADER"]

REPLAYED_HEADER = "Idempotent-Replayed"
_NOT_REPLAYED = frozenset({"content-length", "date", "server", "transfer-encoding", "connection"})


@dataclass(frozen=True, slots=True)
class StoredResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @classmethod
    def capture(cls, response: web.StreamResponse) -> StoredResponse | None:
        """What to replay for ``response``; None when it is not a successful, fully built answer."""
        if not isinstance(response, web.Response) or not 200 <= response.status < 300:
            return None
        body = response.body
        if not isinstance(body, bytes | bytearray | type(None)):
            return None
        headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _NOT_REPLAYED)
        return cls(response.status, headers, bytes(body or b""))

    def replay(self) -> web.Response:
        response = web.Response(status=self.status, body=self.body)
        for name, value in self.headers:
            response.headers[name] = value
        response.headers[REPLAYED_HEADER] = "true"
        return response


class IdempotencyRegistry:
    """Per-simulator memory of keys; ``duplicates`` counts the repeats answered from it."""

    def __init__(self) -> None:
        self._done: dict[str, StoredResponse] = {}
        self._running: dict[str, asyncio.Future[StoredResponse | None]] = {}
        self.duplicates = 0

    def __len__(self) -> int:
        return len(self._done)

    def __contains__(self, key: str) -> bool:
        return key in self._done

    def clear(self) -> None:
        self._done.clear()
        self.duplicates = 0

    async def run(self, key: str, handle: Callable[[], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
        """The remembered answer for ``key``, or ``handle()``'s (remembered when successful)."""
        while True:
            stored = self._done.get(key)
            if stored is not None:
                self.duplicates += 1
                return stored.replay()
            running = self._running.get(key)
            if running is None:
                break
            await asyncio.shield(running)  # the first request's outcome decides; then look again
        future: asyncio.Future[StoredResponse | None] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        stored = None
        try:
            response = await handle()
            stored = StoredResponse.capture(response)
            if stored is not None:
                self._done[key] = stored
            return response
        finally:
            del self._running[key]
            future.set_result(stored)
