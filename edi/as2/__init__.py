"""AS2 (RFC 4130) protocol layer: build and parse signed/encrypted/compressed messages and MDNs.

Pure: no network, files or database. Keys and certificates come in as ``cryptography``
objects (:mod:`edi.as2.keys` has PEM loaders); partner and key lookups are callbacks
(``find_our_key(as2_to)``, ``find_partner(as2_from)``), as in pyas2lib. Every parse
error is an :class:`~edi.as2.errors.AS2Error` carrying its MDN disposition modifier.

Modules, one stage each: ``mime`` (byte-exact entities), ``cms`` (sign, verify,
encrypt, decrypt, compress), ``smime`` (multipart/signed), ``mic``, ``algorithms``,
``envelope`` (AS2 headers), ``build`` (outbound), ``parse`` (inbound), ``mdn`` (build
and read receipts).

Why not pyas2lib at run time
    pyas2lib 1.4.4 depends on oscrypto, whose last release (1.3.0) cannot read
    OpenSSL version strings with a two-digit part such as "3.0.19"; importing it
    fails with "Error detecting the version of libcrypto" (oscrypto #75/#78, fixed
    only on unreleased master). ``oscrypto.use_openssl()`` only chooses which library
    to load, not how its version is read, so it cannot help; the PyPI forks carrying
    the fix (``elements-oscrypto`` 1.4.0b1, ``oscrypto-snowflake-patch``) are
    unofficial and install over the same ``oscrypto`` package. A fresh
    ``pip install`` must work, so the S/MIME layer is built on ``cryptography``
    (PKCS7 signing, RSA and block-cipher primitives) and ``asn1crypto`` (reading and
    writing SignedData, EnvelopedData and CompressedData).

pyas2lib stays an independent interop peer in the tests only:
``tests/support/oscrypto_compat.py`` installs an import hook that applies oscrypto
master's version-regex fix in memory when pyas2lib is imported by a test, without
editing site-packages; ``tests/unit/test_as2_interop.py`` checks both directions.
"""

from __future__ import annotations

from edi.as2.build import Compression, MdnMode, OutboundMessage, SendOptions, build_message
from edi.as2.envelope import Envelope, MdnRequest, read_envelope
from edi.as2.errors import (
    AS2Error,
    AuthenticationFailed,
    DecompressionFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
    MalformedMessage,
    UnknownTradingPartner,
)
from edi.as2.keys import LocalIdentity, Partner, load_certificate_pem, load_private_key_pem
from edi.as2.mdn import Disposition, MdnMessage, MdnResult, MdnStatus, build_mdn, parse_mdn
from edi.as2.mic import Mic
from edi.as2.parse import InboundMessage, parse_message

__all__ = [
    "AS2Error",
    "AuthenticationFailed",
    "Compression",
    "DecompressionFailed",
    "DecryptionFailed",
    "Disposition",
    "Envelope",
    "InboundMessage",
    "InsufficientMessageSecurity",
    "IntegrityCheckFailed",
    "LocalIdentity",
    "MalformedMessage",
    "MdnMessage",
    "MdnMode",
    "MdnRequest",
    "MdnResult",
    "MdnStatus",
    "Mic",
    "OutboundMessage",
    "Partner",
    "SendOptions",
    "UnknownTradingPartner",
    "build_mdn",
    "build_message",
    "load_certificate_pem",
    "load_private_key_pem",
    "parse_mdn",
    "parse_message",
    "read_envelope",
]
