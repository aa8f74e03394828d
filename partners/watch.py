"""Hot reload of the partners folder by polling modification times.

Polling (no inotify dependency) is enough: profiles change a few times a day and a
reload costs milliseconds. The fingerprint covers profile YAML files and the CSV/YAML
files beside them (item cross-references, XML mappings), not the sample folders.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from .errors import ProfileError
from .registry import Registry

__all__ = ["FolderWatcher", "watch", "watch_async"]

log = logging.getLogger(__name__)

_WATCHED = (".yaml", ".yml", ".csv")
Fingerprint = tuple[tuple[str, int, int], ...]


class FolderWatcher:
    """Reloads ``registry`` when a watched file under its folder appears, changes or goes."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._last = self.fingerprint()

    def fingerprint(self) -> Fingerprint:
        folder = self.registry.folder
        if not folder.is_dir():
            return ()
        out: list[tuple[str, int, int]] = []
        for path in folder.rglob("*"):
            rel = path.relative_to(folder)
            if path.suffix not in _WATCHED or "samples" in rel.parts[:-1]:
                continue
            try:
                stat = path.stat()
            except OSError:  # removed while scanning; the next poll sees it
                continue
            out.append((rel.as_posix(), stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(out))

    def poll(self) -> list[ProfileError] | None:
        """None when nothing changed; otherwise the reload's problems (empty = reloaded)."""
        current = self.fingerprint()
        if current == self._last:
            return None
        self._last = current
        return self.registry.reload()


def watch(
    registry: Registry,
    interval: float = 2.0,
    stop: threading.Event | None = None,
    on_reload: Callable[[list[ProfileError]], None] | None = None,
) -> None:
    """Poll until ``stop`` is set (run it in a thread); ``on_reload`` gets each reload's problems."""
    watcher = FolderWatcher(registry)
    stop = stop or threading.Event()
    while not stop.wait(interval):
        result = watcher.poll()
        if result is not None and on_reload is not None:
            on_reload(result)


async def watch_async(
    registry: Registry,
    interval: float = 2.0,
    on_reload: Callable[[list[ProfileError]], None] | None = None,
) -> None:
    """Asyncio flavour for ``edigw serve`` (cancel the task to stop); file I/O runs in a thread."""
    watcher = await asyncio.to_thread(FolderWatcher, registry)
    while True:
        await asyncio.sleep(interval)
        result = await asyncio.to_thread(watcher.poll)
        if result is not None and on_reload is not None:
            on_reload(result)
