"""The one place untrusted XML is parsed.

Partners' XML never reaches lxml with entity expansion, DTD loading, network access or
XInclude enabled. A DOCTYPE that only names an external DTD (every cXML document carries
``<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/...">``) is accepted and never fetched; a
DOCTYPE whose internal subset declares entities (billion laughs, XXE, parameter-entity
tricks) is refused, as are documents over the byte or depth limits. The entity check is
a byte scan before parsing, so libxml2 never sees the declarations; it also refuses the
rare document that merely mentions ``<!ENTITY`` in a comment or CDATA section (and a
check of the parsed DTD covers encodings the byte scan cannot read, such as UTF-16). Comments and
processing instructions are dropped: business data never lives there, and mappings
stay simpler without them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lxml import etree

from .errors import XmlDepthError, XmlSecurityError, XmlSizeError, XmlSyntaxError

__all__ = ["XmlLimits", "DEFAULT_LIMITS", "parse_xml"]


@dataclass(frozen=True, slots=True)
class XmlLimits:
    """Size limits for one document; the defaults fit any sane B2B document with room to spare."""

    max_bytes: int = 10 * 1024 * 1024
    #: element nesting; cXML needs about 12, libxml2 itself stops at 256
    max_depth: int = 64

    def __post_init__(self) -> None:
        if self.max_bytes <= 0 or self.max_depth <= 0:
            raise ValueError("XmlLimits.max_bytes and max_depth must be positive")


DEFAULT_LIMITS = XmlLimits()

_ENTITY_DECL = b"<!ENTITY"
_local = threading.local()  # lxml parsers must not be shared between threads
_depth_checks: dict[int, etree.XPath] = {}


def _parser() -> etree.XMLParser:
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            attribute_defaults=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
            remove_blank_text=True,
        )
        _local.parser = parser
    return parser


def _too_deep(max_depth: int) -> etree.XPath:
    """A compiled XPath that is true when an element sits at depth ``max_depth + 1``."""
    check = _depth_checks.get(max_depth)
    if check is None:
        check = _depth_checks[max_depth] = etree.XPath("boolean(" + "/*" * (max_depth + 1) + ")")
    return check


def parse_xml(data: bytes, limits: XmlLimits = DEFAULT_LIMITS) -> etree._Element:
    """Parse untrusted bytes into an element tree, or raise an ``XmlError`` subclass saying why not."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_xml takes bytes; decoding is the parser's job (encoding declaration, BOM)")
    if len(data) > limits.max_bytes:
        raise XmlSizeError(f"XML document is {len(data)} bytes, over the limit of {limits.max_bytes}")
    if _ENTITY_DECL in data:
        raise XmlSecurityError("XML document declares entities in its DOCTYPE; entity declarations are refused")
    try:
        root = etree.fromstring(bytes(data), _parser())
    except etree.XMLSyntaxError as exc:
        raise _classify(exc) from None
    if root is None:
        raise XmlSyntaxError("XML document has no root element")
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):  # e.g. UTF-16 input the byte scan cannot see
        raise XmlSecurityError("XML document declares entities in its DOCTYPE; entity declarations are refused")
    if _too_deep(limits.max_depth)(root):
        raise XmlDepthError(f"XML elements are nested deeper than the limit of {limits.max_depth}")
    return root


def _classify(exc: etree.XMLSyntaxError) -> XmlSyntaxError | XmlSecurityError:
    message = str(exc.msg or exc)
    line, column = exc.position if exc.position else (None, None)
    lowered = message.lower()
    if "excessive depth" in lowered:
        return XmlDepthError(f"XML elements are nested too deeply: {message}", line=line, column=column)
    if "entity" in lowered and ("amplification" in lowered or "loop" in lowered):
        return XmlSecurityError(f"XML entity expansion refused: {message}", line=line, column=column)
    return XmlSyntaxError(f"XML is not well-formed: {message}", line=line, column=column)
