"""Make pyas2lib importable in tests without touching site-packages.

Why: pyas2lib 1.4.4 imports oscrypto 1.3.0 (its last release), whose libcrypto
version detection uses ``\\d\\.\\d\\.\\d`` and so rejects two-digit parts such as
OpenSSL "3.0.19" (oscrypto issues #75/#78, fixed only on unreleased master).
``oscrypto.use_openssl()`` does not help: it only picks *which* libcrypto to load, and
every OpenSSL 3.0.x with x >= 10 reports a version string the regex cannot read.
The PyPI forks that carry the fix (``elements-oscrypto`` 1.4.0b1, a beta, and
``oscrypto-snowflake-patch``) install the same top-level ``oscrypto`` package and would
overwrite the files of the real distribution in a shared environment.

So this module installs a meta-path finder that, for the two modules doing the
detection, reads the installed source, applies exactly the regex change made on
oscrypto master, and executes it in memory (no ``.pyc`` is written). The change is
applied only when the original text is found, so a future oscrypto release with the fix
is imported untouched. Production code never imports pyas2lib or oscrypto: edigw's
S/MIME layer is built on ``cryptography`` + ``asn1crypto`` (see ``edi.as2``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType

__all__ = ["PATCHED_MODULES", "REPLACEMENTS", "install", "import_pyas2lib"]

PATCHED_MODULES = ("oscrypto._openssl._libcrypto_cffi", "oscrypto._openssl._libcrypto_ctypes")

# (original source text, replacement) pairs: the version-detection fix from oscrypto master.
REPLACEMENTS: tuple[tuple[str, str], ...] = (
    (
        r"version_match = re.search('\\b(\\d\\.\\d\\.\\d[a-z]*)\\b', version_string)",
        r"version_match = re.search('\\b(\\d+\\.\\d+\\.\\d+[a-z]*)\\b', version_string)",
    ),
    (
        r"version_match = re.search('(?<=LibreSSL )(\\d\\.\\d(\\.\\d)?)\\b', version_string)",
        r"version_match = re.search('(?<=LibreSSL )(\\d+\\.\\d+(\\.\\d+)?)\\b', version_string)",
    ),
    (
        r"version_parts = re.sub('(\\d)([a-z]+)', '\\1.\\2', version).split('.')",
        r"version_parts = re.sub('(\\d+)([a-z]+)', '\\1.\\2', version).split('.')",
    ),
)


class _FixedSourceLoader(importlib.abc.Loader):
    """Executes the installed module source with the version regexes fixed."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.patched = False

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        with open(self.origin, encoding="utf-8") as fh:
            source = fh.read()
        for old, new in REPLACEMENTS:
            if old in source:
                source = source.replace(old, new)
                self.patched = True
        exec(compile(source, self.origin, "exec", dont_inherit=True), module.__dict__)


class _OscryptoVersionFinder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in PATCHED_MODULES:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.origin is None:
            return None
        return importlib.util.spec_from_file_location(fullname, spec.origin, loader=_FixedSourceLoader(spec.origin))


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (idempotent); must run before oscrypto loads libcrypto."""
    if not any(isinstance(f, _OscryptoVersionFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _OscryptoVersionFinder())


def import_pyas2lib() -> ModuleType:
    """Import and return ``pyas2lib.as2`` with the fix in place (ImportError if pyas2lib is absent)."""
    install()
    return importlib.import_module("pyas2lib.as2")
