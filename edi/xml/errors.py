"""Why an XML document was refused.

The tree is small on purpose so callers can tell a partner "your file is broken"
(``XmlSyntaxError``) from "your file looks like an attack or is too big"
(``XmlSecurityError`` and its limit subclasses)::

    XmlError (ValueError)
    ├── XmlSyntaxError          not well-formed XML
    └── XmlSecurityError        entity declarations (billion laughs, XXE)
        ├── XmlSizeError        more bytes than XmlLimits.max_bytes
        └── XmlDepthError       elements nested deeper than XmlLimits.max_depth
"""

from __future__ import annotations

__all__ = ["XmlError", "XmlSyntaxError", "XmlSecurityError", "XmlSizeError", "XmlDepthError"]


class XmlError(ValueError):
    """Base class: the document was not turned into a tree."""

    #: short machine-readable reason, used in error codes (``xml:<reason>``)
    reason = "error"

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class XmlSyntaxError(XmlError):
    """The bytes are not well-formed XML (position in ``line``/``column`` when known)."""

    reason = "syntax"


class XmlSecurityError(XmlError):
    """The document uses a feature that is refused for untrusted input (entity declarations)."""

    reason = "security"


class XmlSizeError(XmlSecurityError):
    """The document is larger than the configured byte limit."""

    reason = "size"


class XmlDepthError(XmlSecurityError):
    """Elements are nested deeper than the configured limit."""

    reason = "depth"
