"""Control number allocation for outbound interchanges, groups and sets.

The ack writer and outbound builders take an allocator instead of inventing numbers.
The in-memory one serves tests and the CLI; the store provides a durable one (unique
per partner pair, monotonic, never reused, safe under concurrent workers).
"""

from __future__ import annotations

import threading
from typing import Protocol

__all__ = ["ControlNumberAllocator", "InMemoryAllocator", "MAX_CONTROL"]

#: ISA13 is 9 digits; GS06 up to 9 digits; ST02 4..9 characters.
MAX_CONTROL = 999_999_999


class ControlNumberAllocator(Protocol):
    def next(self, kind: str, sender: str, receiver: str) -> int:
        """Next number for ``kind`` ("interchange" | "group" | "set") between the pair."""
        ...


class InMemoryAllocator:
    """Monotonic counters per (kind, sender, receiver), wrapping after 999,999,999."""

    def __init__(self, start: int = 1) -> None:
        self._start = start
        self._counters: dict[tuple[str, str, str], int] = {}
        self._lock = threading.Lock()

    def next(self, kind: str, sender: str, receiver: str) -> int:
        key = (kind, sender, receiver)
        with self._lock:
            value = self._counters.get(key, self._start - 1) + 1
            if value > MAX_CONTROL:
                value = 1
            self._counters[key] = value
            return value
