"""References from a profile to files and secrets, and the refusal of inline secrets.

Profiles are reviewed, committed and shown on screens, so they never hold key
material or passwords. A secret (or a certificate) is a reference:

* ``{env: NAME}``: the value of environment variable ``NAME`` at use time;
* ``{file: PATH}``: a file. ``PATH`` is either ``${EDIGW_HOME}/...`` (deployment
  specific: the keys ``edigw serve`` generates live in ``$EDIGW_HOME/keys/``) or a path
  relative to the profile file that stays inside the partners folder. Absolute paths
  and ``..`` escapes are refused so a profile folder is portable and cannot point at
  arbitrary files. ``${EDIGW_HOME}`` is expanded when the file is used, not when the
  profile is loaded, so the same profile works on every machine.

Plain data files a profile names (item cross-reference CSV, XML mapping) follow the
same relative-path rule (:func:`resolve_inside`) and must exist at load time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationInfo, model_validator

__all__ = [
    "HOME_VAR",
    "edigw_home",
    "SecretRef",
    "resolve_inside",
    "find_inline_secrets",
    "context_dirs",
]

HOME_VAR = "${EDIGW_HOME}"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: Field names whose plain string value can only be an inline secret.
_SECRET_NAME = re.compile(r"(^|_)(password|passphrase|secret|token|api_key|key)$", re.IGNORECASE)
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")


def edigw_home() -> Path:
    """``$EDIGW_HOME`` or ``./var`` (DESIGN.md runtime conventions)."""
    return Path(os.environ.get("EDIGW_HOME") or "var")


def context_dirs(info: ValidationInfo) -> tuple[Path, Path] | None:
    """(profile folder, partners root) from the validation context, when given."""
    ctx = info.context or {}
    base, root = ctx.get("base_dir"), ctx.get("root")
    if base is None or root is None:
        return None
    return Path(base), Path(root)


def resolve_inside(value: str, base: Path | None, root: Path | None, *, must_exist: bool = True) -> Path:
    """Resolve ``value`` against ``base``; refuse absolute paths and escapes from ``root``.

    Without a base (a profile built in code) only the syntax is checked.
    """
    if not value or not value.strip():
        raise ValueError("path is empty")
    pure = PurePosixPath(value.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", value):
        raise ValueError(f"absolute path {value!r} refused: use a path relative to the profile file")
    if base is None or root is None:
        if ".." in pure.parts:
            raise ValueError(f"path {value!r} leaves the partners folder")
        return Path(value)
    resolved = (base / Path(*pure.parts)).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ValueError(f"path {value!r} leaves the partners folder")
    if must_exist and not resolved.is_file():
        raise ValueError(f"file {value!r} not found (looked at {resolved})")
    return resolved


class SecretRef(BaseModel):
    """``{env: NAME}`` or ``{file: PATH}``; see the module docstring for PATH rules."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    env: str | None = None
    file: str | None = None
    _base: Path | None = PrivateAttr(default=None)
    _root: Path | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _must_be_reference(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("must be a reference {env: NAME} or {file: PATH}; inline values are refused")
        return data

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> SecretRef:
        if (self.env is None) == (self.file is None):
            raise ValueError("give exactly one of env or file")
        if self.env is not None and not _ENV_NAME.match(self.env):
            raise ValueError(f"env {self.env!r} is not a valid environment variable name")
        if self.file is not None:
            dirs = context_dirs(info)
            self._base, self._root = dirs if dirs else (None, None)
            if self.file.startswith(HOME_VAR):
                rest = self.file[len(HOME_VAR) :].lstrip("/")
                if not rest or ".." in PurePosixPath(rest).parts:
                    raise ValueError(f"file {self.file!r} must name a file below {HOME_VAR} without '..'")
            elif "$" in self.file:
                raise ValueError(f"file {self.file!r}: only {HOME_VAR} is expanded in paths")
            else:
                resolve_inside(self.file, self._base, self._root, must_exist=False)
        return self

    def location(self, home: Path | None = None) -> Path | None:
        """The file this reference names (None for env references); expands ``${EDIGW_HOME}``."""
        if self.file is None:
            return None
        if self.file.startswith(HOME_VAR):
            return (home or edigw_home()) / self.file[len(HOME_VAR) :].lstrip("/")
        return resolve_inside(self.file, self._base, self._root, must_exist=False)

    def read(self, home: Path | None = None) -> bytes:
        """The secret's bytes now; KeyError/OSError when the variable or file is missing."""
        if self.env is not None:
            return os.environ[self.env].encode()
        path = self.location(home)
        assert path is not None
        return path.read_bytes()

    def __str__(self) -> str:
        return f"env:{self.env}" if self.env is not None else f"file:{self.file}"


def find_inline_secrets(data: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, message) for every inline private key or password in raw profile data.

    Runs on the raw YAML before schema validation so the refusal is explicit even in
    fields the schema does not know (a misspelled key still must not carry a secret).
    """
    if isinstance(data, dict):
        for key, value in data.items():
            sub = f"{path}.{key}" if path else str(key)
            scalar = isinstance(value, (str, int, float)) and not isinstance(value, bool)
            pem = isinstance(value, str) and _PRIVATE_KEY.search(value)
            if scalar and not pem and _SECRET_NAME.search(str(key)) and str(value).strip():
                yield sub, "inline secret refused: reference it as {env: NAME} or {file: PATH}"
                continue
            yield from find_inline_secrets(value, sub)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from find_inline_secrets(value, f"{path}[{i}]")
    elif isinstance(data, str) and _PRIVATE_KEY.search(data):
        yield path, "inline private key refused: reference it as {file: PATH} (e.g. ${EDIGW_HOME}/keys/ID.key)"
