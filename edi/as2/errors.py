"""Exceptions of the AS2 layer, each carrying the MDN disposition modifier it maps to.

Exception tree (everything :func:`edi.as2.parse.parse_message` and
:func:`edi.as2.mdn.parse_mdn` raise on bad input)::

    AS2Error                         unexpected-processing-error
    ├── MalformedMessage             unexpected-processing-error  (missing headers, broken MIME)
    ├── UnknownTradingPartner        unknown-trading-partner      (AS2-From/AS2-To not configured)
    ├── DecryptionFailed             decryption-failed
    ├── DecompressionFailed          decompression-failed         (RFC 5402)
    ├── IntegrityCheckFailed         integrity-check-failed       (content digest differs from the signed one)
    ├── AuthenticationFailed         authentication-failed        (signature not made by the partner's certificate)
    └── InsufficientMessageSecurity  insufficient-message-security (unsigned/unencrypted against policy, weak algorithm)

The gateway writes ``error.disposition`` into the MDN as it is, so it never guesses a code.
``unknown-trading-partner`` is not in RFC 4130's list but is what AS2 products (pyas2lib
among them) send for an unknown AS2-From/AS2-To; ``authentication-failed`` would hide
configuration mistakes from the partner.
"""

from __future__ import annotations

__all__ = [
    "AS2Error",
    "MalformedMessage",
    "UnknownTradingPartner",
    "DecryptionFailed",
    "DecompressionFailed",
    "IntegrityCheckFailed",
    "AuthenticationFailed",
    "InsufficientMessageSecurity",
    "MDN_ACTION_MODE",
]

# Every MDN we send is produced without human interaction (RFC 3798 disposition-mode).
MDN_ACTION_MODE = "automatic-action/MDN-sent-automatically"


class AS2Error(Exception):
    """Base of the AS2 layer's exceptions; ``modifier`` is the RFC 4130 disposition modifier."""

    modifier = "unexpected-processing-error"

    @property
    def disposition(self) -> str:
        """The full ``Disposition:`` field value of the error MDN for this exception."""
        return f"{MDN_ACTION_MODE}; processed/error: {self.modifier}"


class MalformedMessage(AS2Error):
    """Required AS2 headers are missing or the MIME/CMS structure cannot be read."""


class UnknownTradingPartner(AS2Error):
    """AS2-From or AS2-To names no configured trading partner / local identity."""

    modifier = "unknown-trading-partner"


class DecryptionFailed(AS2Error):
    """The enveloped data cannot be decrypted with our key (wrong key, corrupt, unsupported cipher)."""

    modifier = "decryption-failed"


class DecompressionFailed(AS2Error):
    """The RFC 3274 compressed data cannot be inflated."""

    modifier = "decompression-failed"


class IntegrityCheckFailed(AS2Error):
    """The signed content was changed after signing (message digest mismatch) or the signature is unreadable."""

    modifier = "integrity-check-failed"


class AuthenticationFailed(AS2Error):
    """The signature is intact but was not made by any of the partner's certificates."""

    modifier = "authentication-failed"


class InsufficientMessageSecurity(AS2Error):
    """The message is less protected than the partner's policy requires, or uses a refused algorithm."""

    modifier = "insufficient-message-security"
