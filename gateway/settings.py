"""Runtime settings from the environment (DESIGN.md "Runtime conventions").

A frozen dataclass read once at startup and passed down (app factory, workers, CLI), so
nothing reads ``os.environ`` deep inside the code. The defaults are the embedded mode:
everything lives under ``EDIGW_HOME`` and no external service is needed.

Variables: ``EDIGW_HOME`` (default ``./var``), ``EDIGW_DATABASE_URL`` (default SQLite
``$EDIGW_HOME/edigw.sqlite3``), ``EDIGW_BROKER_URL`` (default kombu's SQLAlchemy transport
on ``$EDIGW_HOME/broker.sqlite3``, its own file so broker polling never waits on the
store's write lock), ``EDIGW_PARTNERS`` (default the bundled
``samples/partners``), ``EDIGW_PORT`` (default 8080), ``EDIGW_MAX_BODY_BYTES`` and
``EDIGW_MAX_FILE_BYTES`` (default 50M; accept ``K``/``M``/``G`` suffixes, powers of 1024),
``EDIGW_OUTBOUND`` (``transport`` or ``file``), ``EDIGW_PUBLIC_URL`` (our address for async MDNs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Settings", "SettingsError", "parse_size"]

_BUNDLED_PARTNERS = Path(__file__).resolve().parents[1] / "samples" / "partners"
_SIZE = re.compile(r"^\s*(\d+)\s*([KMG]?)i?B?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
DEFAULT_MAX_BYTES = 50 * 1024**2


class SettingsError(ValueError):
    """An environment variable has a value we cannot use; the message names it."""


def parse_size(value: str, name: str = "size") -> int:
    """``"20000"``, ``"512K"``, ``"50M"``, ``"1GiB"`` -> bytes."""
    match = _SIZE.match(value)
    if not match:
        raise SettingsError(f"{name} must be a byte count like 52428800 or 50M, got {value!r}")
    return int(match.group(1)) * _UNITS[match.group(2).upper()]


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    database_url: str
    broker_url: str
    partners_dir: Path
    port: int = 8080
    max_body_bytes: int = DEFAULT_MAX_BYTES
    max_file_bytes: int = DEFAULT_MAX_BYTES
    #: "transport": send over the partner's AS2/SFTP; "file": drop outbound files under
    #: ``$EDIGW_HOME/outbox/<partner>/`` (testing, demos, manual exchange).
    outbound_mode: str = "transport"
    #: How partners and callbacks reach us (async MDN URL in outbound AS2), if public.
    public_url: str | None = None
    #: Redis broker: seconds before a task a dead worker held is delivered again.
    broker_visibility_timeout: int = 3600

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def embedded(self) -> bool:
        """True when the database is the SQLite default (no external services)."""
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("EDIGW_HOME") or "var").expanduser().resolve()
        port_text = env.get("EDIGW_PORT") or "8080"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise SettingsError(f"EDIGW_PORT must be a TCP port number (1-65535), got {port_text!r}")
        return cls(
            home=home,
            database_url=env.get("EDIGW_DATABASE_URL") or f"sqlite:///{home / 'edigw.sqlite3'}",
            broker_url=env.get("EDIGW_BROKER_URL") or f"sqla+sqlite:///{home / 'broker.sqlite3'}",
            partners_dir=Path(env.get("EDIGW_PARTNERS") or _BUNDLED_PARTNERS).expanduser().resolve(),
            port=int(port_text),
            max_body_bytes=_size(env, "EDIGW_MAX_BODY_BYTES"),
            max_file_bytes=_size(env, "EDIGW_MAX_FILE_BYTES"),
            outbound_mode=_choice(env, "EDIGW_OUTBOUND", ("transport", "file")),
            public_url=env.get("EDIGW_PUBLIC_URL") or None,
            broker_visibility_timeout=_int(env, "EDIGW_BROKER_VISIBILITY_TIMEOUT", 3600),
        )


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SettingsError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = env.get(name) or choices[0]
    if value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _size(env: Mapping[str, str], name: str) -> int:
    text = env.get(name)
    return DEFAULT_MAX_BYTES if not text else parse_size(text, name)
