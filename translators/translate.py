"""``translate_bytes``: any inbound file -> canonical documents, the format detected.

X12 is recognised by ``ISA`` after an optional UTF-8 BOM and whitespace, XML by ``<``.
XML goes to :func:`translators.cxml.translate_cxml` (cXML) or, for other roots, to
:mod:`translators.xml_mapping` when that module is present; both are imported lazily
so a build without them still translates X12 and says clearly what it cannot do.
"""

from __future__ import annotations

import importlib
import re

from edi.x12.validate import Validator

from .result import Source, TranslationError, TranslationResult
from .x12.inbound import Known, translate_x12

__all__ = ["UnknownFormat", "detect_format", "translate_bytes"]

_BOM = b"\xef\xbb\xbf"
_CXML_ROOT = re.compile(rb"<cXML[\s>]")


class UnknownFormat(ValueError):
    """The input is neither X12 nor XML (the CLI exits 2: unreadable input)."""


def detect_format(data: bytes) -> str:
    """``"x12"``, ``"cxml"`` or ``"xml"``; raises :class:`UnknownFormat`."""
    head = data[len(_BOM) :] if data.startswith(_BOM) else data
    head = head.lstrip(b" \t\r\n\x00")
    if head.startswith(b"ISA"):
        return "x12"
    if head.startswith(b"<"):
        return "cxml" if _CXML_ROOT.search(head[:4096]) else "xml"
    raise UnknownFormat("input is neither X12 (no ISA at the start) nor XML")


def translate_bytes(
    data: bytes, *, partner: str | None = None, validator: Validator | None = None, known: Known | None = None
) -> TranslationResult:
    """Every document of ``data`` in canonical form, plus an error per set/document that was not.

    ``partner`` (a profile id) is passed to the XML mappings that need it; ``validator``
    is a fresh X12 validator with the partner's options (see
    :func:`translators.pipeline.partner_validator`); ``known`` are X12 set verdicts the
    caller already has (see :func:`translators.x12.inbound.known_verdicts`).
    """
    fmt = detect_format(data)
    if fmt == "x12":
        return translate_x12(data, validator=validator, known=known)
    if fmt == "cxml":
        return _call("translators.cxml", "translate_cxml", data, fmt, partner=None)
    return _call("translators.xml_mapping", "translate_xml", data, fmt, partner=partner)


def _call(module: str, name: str, data: bytes, fmt: str, partner: str | None) -> TranslationResult:
    try:
        func = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        message = f"{fmt} documents cannot be translated: {module}.{name} is not available in this build"
        error = TranslationError(message, Source(standard=fmt, transaction=""), ["unsupported"])
        return TranslationResult(errors=[error])
    return func(data, partner=partner) if partner is not None else func(data)
