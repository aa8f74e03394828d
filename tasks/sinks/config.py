"""Sink definitions as data: ``EDIGW_SINKS`` (YAML) or the bundled ``samples/sinks.yaml``.

Secrets (tokens, passwords, HMAC keys) are references to environment variables or
files, never inline, as in partner profiles.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator

from partners.refs import SecretRef

__all__ = ["SinkAuth", "SinkConfig", "SinksFile", "load_sinks", "expand", "BUNDLED_SINKS"]

BUNDLED_SINKS = Path(__file__).resolve().parents[2] / "samples" / "sinks.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SinkAuth(_Strict):
    type: Literal["none", "bearer", "basic", "hmac"] = "none"
    token: SecretRef | None = None  # bearer
    username: str | None = None  # basic
    password: SecretRef | None = None  # basic
    secret: SecretRef | None = None  # hmac: X-Edigw-Signature: sha256=<hex of HMAC(secret, timestamp.body)>

    @model_validator(mode="after")
    def _complete(self) -> SinkAuth:
        needed = {"bearer": ("token",), "basic": ("username", "password"), "hmac": ("secret",)}.get(self.type, ())
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"auth type {self.type!r} needs {', '.join(missing)}")
        return self


class SinkConfig(_Strict):
    name: str
    kind: Literal["erp", "wms", "shop", "other"] = "other"
    base_url: HttpUrl
    #: canonical document type -> path under base_url (e.g. order: /orders)
    paths: dict[str, str]
    auth: SinkAuth = Field(default_factory=SinkAuth)
    timeout_seconds: Annotated[float, Field(gt=0, le=300)] = 10.0
    #: top-level canonical field -> the sink's field name (others pass through unchanged)
    fields: dict[str, str] = Field(default_factory=dict)
    #: wrap the document under this key ({"order": {...}}), with "partner" and "type" beside it
    envelope: str | None = None
    max_attempts: Annotated[int, Field(ge=1, le=100)] = 8
    #: retry delays: base * 2**(attempt-1), capped, times a random jitter in [0.5, 1.5)
    backoff_base_seconds: Annotated[float, Field(ge=0, le=3600)] = 2.0
    backoff_max_seconds: Annotated[float, Field(ge=0, le=86400)] = 300.0

    def url_for(self, doc_type: str) -> str:
        try:
            path = self.paths[doc_type]
        except KeyError:
            raise KeyError(f"sink {self.name!r} takes no {doc_type!r} documents") from None
        return str(self.base_url).rstrip("/") + "/" + path.lstrip("/")


class SinksFile(_Strict):
    sinks: list[SinkConfig]

    @model_validator(mode="after")
    def _unique(self) -> SinksFile:
        names = [s.name for s in self.sinks]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"sink names must be unique: {', '.join(dupes)}")
        return self

    def get(self, name: str) -> SinkConfig:
        for sink in self.sinks:
            if sink.name == name:
                return sink
        raise KeyError(f"no sink named {name!r}")


_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def expand(value: str, environ: Mapping[str, str] | None = None) -> str:
    """``${VAR}`` and ``${VAR:-default}`` from the environment (unset without default: empty)."""
    env = os.environ if environ is None else environ
    return _VAR.sub(lambda m: env.get(m.group(1)) or (m.group(2) or ""), value)


def load_sinks(path: Path | None = None) -> SinksFile:
    """Read the sinks file (``EDIGW_SINKS`` or the bundled one); ``${VAR:-default}`` in URLs is expanded."""
    path = path or Path(os.environ.get("EDIGW_SINKS") or BUNDLED_SINKS)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for sink in data.get("sinks", []):
        if isinstance(sink, dict) and isinstance(sink.get("base_url"), str):
            sink["base_url"] = expand(sink["base_url"])
    return SinksFile.model_validate(data, context={"base_dir": path.parent, "root": path.parent})
