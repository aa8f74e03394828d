"""The CMS operations of S/MIME for AS2: sign, verify, encrypt, decrypt, compress, decompress.

Built on ``cryptography`` and ``asn1crypto`` rather than oscrypto (see :mod:`edi.as2`).
CMS structures are assembled and read with ``asn1crypto``; every cryptographic
operation (RSA/ECDSA, AES/3DES-CBC, hashing) is done by ``cryptography``.
``cryptography``'s own PKCS7 builders are not used because AS2 partners still send and
expect what they refuse: SHA-1 signatures (PKCS7SignatureBuilder allows SHA-224 and
up) and 3DES envelopes (PKCS7EnvelopeBuilder offers AES only); one code path per
operation beats two. Verification checks the content digest and the signature
separately, so the two failure kinds map to distinct MDN modifiers.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
import zlib
from collections.abc import Sequence
from functools import lru_cache

from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from cryptography.hazmat.primitives.padding import PKCS7

from edi.as2.algorithms import CIPHERS, cipher_for_oid_name, hash_algorithm, normalize_cipher, normalize_digest
from edi.as2.errors import (
    AuthenticationFailed,
    DecompressionFailed,
    DecryptionFailed,
    InsufficientMessageSecurity,
    IntegrityCheckFailed,
)
from edi.as2.keys import PrivateKey

__all__ = ["content_kind", "sign", "verify", "encrypt", "decrypt", "compress", "decompress"]

_KINDS = {"enveloped_data": "enveloped-data", "signed_data": "signed-data", "compressed_data": "compressed-data"}
_ASN1_ERRORS = (ValueError, TypeError, KeyError)  # what asn1crypto raises, lazily, on broken DER


def _content(der: bytes, content_type: str) -> asn1_cms.Asn1Value:
    """The inner structure of a ContentInfo of the expected type (ValueError otherwise)."""
    info = asn1_cms.ContentInfo.load(der)
    if info["content_type"].native != content_type:
        raise ValueError(f"CMS content is {info['content_type'].native}, expected {content_type}")
    return info["content"]


def content_kind(der: bytes) -> str | None:
    """``"enveloped-data"`` / ``"signed-data"`` / ``"compressed-data"`` for a CMS blob, None if unreadable.

    Used when a peer omits the ``smime-type`` parameter.
    """
    try:
        return _KINDS.get(asn1_cms.ContentInfo.load(der)["content_type"].native)
    except _ASN1_ERRORS:
        return None


@lru_cache(maxsize=256)
def _issuer_and_serial(certificate_der: bytes) -> bytes:
    """DER IssuerAndSerialNumber of a certificate, cached: building it is most of a signature's cost."""
    certificate = asn1_x509.Certificate.load(certificate_der)
    fields = {"issuer": certificate.issuer, "serial_number": certificate.serial_number}
    return asn1_cms.IssuerAndSerialNumber(fields).dump()


def _der(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.DER)


def sign(data: bytes, key: PrivateKey, certificate: x509.Certificate, digest: str) -> bytes:
    """Detached SignedData (DER) over ``data`` exactly as given (no MIME canonicalization here).

    Signed attributes are content-type, signing-time and message-digest, in DER order
    (strict verifiers re-encode the SET before checking it).
    """
    digest = normalize_digest(digest)
    algorithm = hash_algorithm(digest)
    asn1_digest = digest.replace("-", "")
    attributes = [
        asn1_cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        asn1_cms.CMSAttribute(
            {"type": "signing_time", "values": [asn1_cms.Time({"utc_time": dt.datetime.now(dt.UTC)})]}
        ),
        asn1_cms.CMSAttribute({"type": "message_digest", "values": [_digest(data, algorithm)]}),
    ]
    signed_attrs = asn1_cms.CMSAttributes(sorted(attributes, key=lambda attr: attr.dump()))
    to_sign = signed_attrs.dump()
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(to_sign, padding.PKCS1v15(), algorithm)
        signature_algorithm = "rsassa_pkcs1v15"
    else:
        signature = key.sign(to_sign, ec.ECDSA(algorithm))
        signature_algorithm = f"{asn1_digest}_ecdsa"
    certificate_der = _der(certificate)
    signer = asn1_cms.SignerInfo(
        {
            "version": "v1",
            "sid": asn1_cms.SignerIdentifier.load(_issuer_and_serial(certificate_der)),
            "digest_algorithm": {"algorithm": asn1_digest},
            "signed_attrs": signed_attrs,
            "signature_algorithm": {"algorithm": signature_algorithm},
            "signature": signature,
        }
    )
    signed_data = asn1_cms.SignedData(
        {
            "version": "v1",
            "digest_algorithms": [{"algorithm": asn1_digest}],
            "encap_content_info": {"content_type": "data"},
            "certificates": [asn1_cms.CertificateChoices.load(certificate_der)],
            "signer_infos": [signer],
        }
    )
    return asn1_cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def _digest(data: bytes, algorithm: hashes.HashAlgorithm) -> bytes:
    h = hashes.Hash(algorithm)
    h.update(data)
    return h.finalize()


def _signer_digest_name(signer: asn1_cms.SignerInfo) -> str:
    name = signer["digest_algorithm"]["algorithm"].native
    try:
        return normalize_digest(name)
    except ValueError as exc:
        raise InsufficientMessageSecurity(f"signature digest algorithm {name!r} is not accepted") from exc


def _check_signature(public_key: object, signer: asn1_cms.SignerInfo, signed: bytes, digest: str) -> None:
    """Raise InvalidSignature (or TypeError for a key of the wrong kind) unless the signature holds."""
    signature = signer["signature"].native
    algo = signer["signature_algorithm"].signature_algo
    if algo == "rsassa_pkcs1v15" and isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, signed, padding.PKCS1v15(), hash_algorithm(digest))
    elif algo == "rsassa_pss" and isinstance(public_key, rsa.RSAPublicKey):
        params = signer["signature_algorithm"]["parameters"]
        pss_hash = hash_algorithm(params["hash_algorithm"]["algorithm"].native)
        mgf_hash = hash_algorithm(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
        pss = padding.PSS(mgf=padding.MGF1(mgf_hash), salt_length=params["salt_length"].native)
        public_key.verify(signature, signed, pss, pss_hash)
    elif algo == "ecdsa" and isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, signed, ec.ECDSA(hash_algorithm(digest)))
    else:
        raise TypeError(f"signature algorithm {algo} does not fit the key")


def verify(signature_der: bytes, content: bytes, certificates: Sequence[x509.Certificate]) -> str:
    """Check a detached signature over ``content``; returns the signer's digest name (e.g. ``"sha-256"``).

    A digest mismatch means the content changed: IntegrityCheckFailed. An intact digest
    whose signature no given certificate verifies means someone else signed:
    AuthenticationFailed. Several certificates allow a partner's key rollover.
    """
    try:
        signers = list(_content(signature_der, "signed_data")["signer_infos"])
        for signer in signers:
            signer.native  # noqa: B018 - parse the (small) signer infos now, so broken DER fails here
    except _ASN1_ERRORS as exc:
        raise IntegrityCheckFailed(f"unreadable signature: {exc}") from exc
    if not signers:
        raise IntegrityCheckFailed("SignedData has no signer")
    digest_checked = False
    for signer in signers:
        digest = _signer_digest_name(signer)
        signed_attrs = signer["signed_attrs"]
        if signed_attrs:
            digest_checked = True
            attrs = {attr["type"].native: attr["values"] for attr in signed_attrs}
            claimed = attrs["message_digest"][0].native if "message_digest" in attrs else b""
            if not hmac.compare_digest(claimed, _digest(content, hash_algorithm(digest))):
                raise IntegrityCheckFailed("message digest does not match the signed content")
            signed = signed_attrs.untag().dump()
        else:
            signed = content
        for certificate in certificates:
            try:
                _check_signature(certificate.public_key(), signer, signed, digest)
                return digest
            except (InvalidSignature, TypeError, ValueError):
                continue
    if not digest_checked:
        raise IntegrityCheckFailed(
            "signature does not verify (without signed attributes tampering and a wrong key look alike)"
        )
    raise AuthenticationFailed("signature was not made with the trading partner's certificate")


def encrypt(data: bytes, certificate: x509.Certificate, cipher: str) -> bytes:
    """EnvelopedData (DER) for one RSA recipient, key transport RSAES-PKCS1-v1_5 (what AS2 peers expect)."""
    spec = CIPHERS[normalize_cipher(cipher)]
    public_key = certificate.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ValueError("encryption needs an RSA recipient certificate")
    key = os.urandom(spec.key_size)
    iv = os.urandom(spec.algorithm.block_size // 8)
    padder = PKCS7(spec.algorithm.block_size).padder()
    encryptor = Cipher(spec.algorithm(key), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()
    ktri = asn1_cms.KeyTransRecipientInfo(
        {
            "version": "v0",
            "rid": asn1_cms.RecipientIdentifier.load(_issuer_and_serial(_der(certificate))),
            "key_encryption_algorithm": {"algorithm": "rsaes_pkcs1v15"},
            "encrypted_key": public_key.encrypt(key, padding.PKCS1v15()),
        }
    )
    enveloped = asn1_cms.EnvelopedData(
        {
            "version": "v0",
            "recipient_infos": [asn1_cms.RecipientInfo(name="ktri", value=ktri)],
            "encrypted_content_info": {
                "content_type": "data",
                "content_encryption_algorithm": {"algorithm": spec.oid_name, "parameters": iv},
                "encrypted_content": ciphertext,
            },
        }
    )
    return asn1_cms.ContentInfo({"content_type": "enveloped_data", "content": enveloped}).dump()


def _addressed_to(ktri: asn1_cms.KeyTransRecipientInfo, certificate: x509.Certificate) -> bool:
    rid = ktri["rid"]
    if rid.name == "issuer_and_serial_number":
        return rid.chosen.dump() == _issuer_and_serial(_der(certificate))
    try:
        ski = certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    except x509.ExtensionNotFound:
        return False
    return rid.chosen.native == ski


def _unwrap_key(ktri: asn1_cms.KeyTransRecipientInfo, key: rsa.RSAPrivateKey) -> bytes:
    algorithm = ktri["key_encryption_algorithm"]
    encrypted_key = ktri["encrypted_key"].native
    if algorithm["algorithm"].native == "rsaes_oaep":
        params = algorithm["parameters"]
        oaep_hash = hash_algorithm(params["hash_algorithm"]["algorithm"].native)
        mgf_hash = hash_algorithm(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
        return key.decrypt(encrypted_key, padding.OAEP(mgf=padding.MGF1(mgf_hash), algorithm=oaep_hash, label=None))
    return key.decrypt(encrypted_key, padding.PKCS1v15())


def decrypt(der: bytes, key: PrivateKey, certificate: x509.Certificate) -> tuple[bytes, str]:
    """Decrypt EnvelopedData addressed to ``certificate``; returns (content, cipher name).

    Every key or padding failure is the same DecryptionFailed with no detail about the
    step, so the MDN cannot serve as a padding oracle (OpenSSL 3.2+, bundled with
    ``cryptography``, also applies implicit rejection to RSA PKCS#1 v1.5 key unwrapping).
    """
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DecryptionFailed("decryption needs an RSA private key")
    try:
        enveloped = _content(der, "enveloped_data")
        ktris = [ri.chosen for ri in enveloped["recipient_infos"] if ri.name == "ktri"]
        candidates = [k for k in ktris if _addressed_to(k, certificate)] or ktris
        content_info = enveloped["encrypted_content_info"]
        algorithm = content_info["content_encryption_algorithm"]
        oid_name = algorithm["algorithm"].native
        ciphertext = content_info["encrypted_content"].native
        iv = algorithm["parameters"].native
    except _ASN1_ERRORS as exc:
        raise DecryptionFailed("unreadable enveloped data") from exc
    spec = cipher_for_oid_name(oid_name)
    if spec is None:
        raise InsufficientMessageSecurity(f"content encryption {oid_name!r} is not accepted")
    for ktri in candidates:
        try:
            content_key = _unwrap_key(ktri, key)
            if len(content_key) != spec.key_size or not ciphertext:
                continue
            decryptor = Cipher(spec.algorithm(content_key), modes.CBC(iv)).decryptor()
            padded = decryptor.update(ciphertext) + decryptor.finalize()
            unpadder = PKCS7(spec.algorithm.block_size).unpadder()
            return unpadder.update(padded) + unpadder.finalize(), spec.name
        except _ASN1_ERRORS:
            continue
    raise DecryptionFailed("message cannot be decrypted with our key")


def compress(data: bytes) -> bytes:
    """RFC 3274 CompressedData (DER), zlib."""
    compressed = asn1_cms.CompressedData(
        {
            "version": "v0",
            "compression_algorithm": {"algorithm": "zlib"},
            "encap_content_info": {"content_type": "data", "content": zlib.compress(data)},
        }
    )
    return asn1_cms.ContentInfo({"content_type": "compressed_data", "content": compressed}).dump()


def decompress(der: bytes, limit: int | None = None) -> bytes:
    """Inflate RFC 3274 CompressedData; ``limit`` caps the output size (zip-bomb guard)."""
    try:
        compressed = _content(der, "compressed_data")
        if compressed["compression_algorithm"]["algorithm"].native != "zlib":
            raise DecompressionFailed("only zlib compression is supported")
        inflater = zlib.decompressobj()
        data = inflater.decompress(compressed["encap_content_info"]["content"].native, limit or 0)
    except (*_ASN1_ERRORS, zlib.error) as exc:
        raise DecompressionFailed(f"unreadable compressed data: {exc}") from exc
    if inflater.unconsumed_tail:
        raise DecompressionFailed(f"decompressed content exceeds {limit} bytes")
    if not inflater.eof or inflater.unused_data:
        raise DecompressionFailed("compressed data is truncated or has trailing bytes")
    return data
