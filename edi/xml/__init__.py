"""Safe XML parsing for untrusted partner documents (pure: no partners, no I/O)."""

from .errors import XmlDepthError, XmlError, XmlSecurityError, XmlSizeError, XmlSyntaxError
from .safe import DEFAULT_LIMITS, XmlLimits, parse_xml

__all__ = [
    "DEFAULT_LIMITS",
    "XmlDepthError",
    "XmlError",
    "XmlLimits",
    "XmlSecurityError",
    "XmlSizeError",
    "XmlSyntaxError",
    "parse_xml",
]
