"""Byte-level helpers: multipart splitting, canonicalization, AS2 names, file names, algorithm names."""

from __future__ import annotations

import pytest

from edi.as2 import MalformedMessage, Mic
from edi.as2.algorithms import normalize_cipher, normalize_digest
from edi.as2.mime import (
    build_multipart,
    canonicalize,
    header_value,
    parse_entity,
    quote_as2_name,
    safe_filename,
    split_multipart,
    unquote_as2_name,
)


def test_split_multipart_keeps_exact_part_bytes() -> None:
    parts = [
        b"Content-Type: text/plain\r\n\r\nline1\r\nline2\r\n",
        b"Content-Type: a/b\r\n\r\n\x00\r\n--not-a-boundary",
    ]
    body = b"preamble\r\n" + build_multipart(parts, "B0") + b"epilogue"
    assert split_multipart(body, "B0") == parts


def test_split_multipart_accepts_bare_lf() -> None:
    body = b"--b\nContent-Type: a/b\n\nx\n--b\nContent-Type: c/d\n\ny\n--b--\n"
    assert split_multipart(body, "b") == [b"Content-Type: a/b\n\nx", b"Content-Type: c/d\n\ny"]


def test_split_multipart_without_parts_is_malformed() -> None:
    with pytest.raises(MalformedMessage):
        split_multipart(b"no boundaries here", "b")


def test_parse_entity_headers_and_body() -> None:
    entity = parse_entity(b"Content-Type: application/edi-x12\r\nContent-Transfer-Encoding: base64\r\n\r\nSVNBKjAw\r\n")
    assert entity.content_type == "application/edi-x12"
    assert entity.decoded_body() == b"ISA*00"


def test_canonicalize_only_touches_bare_lf() -> None:
    assert canonicalize(b"a\nb\r\nc\n") == b"a\r\nb\r\nc\r\n"


@pytest.mark.parametrize(
    ("name", "quoted"),
    [("ACME", "ACME"), ("ACME Supply", '"ACME Supply"'), ('a"b', '"a\\"b"'), ("x\\y", '"x\\\\y"')],
)
def test_as2_name_quoting_round_trips(name: str, quoted: str) -> None:
    assert quote_as2_name(name) == quoted
    assert unquote_as2_name(quoted) == name


@pytest.mark.parametrize("bad", ["", "x" * 129, "tab\there", "caf\u00e9"])
def test_invalid_as2_names_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        quote_as2_name(bad)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("po.edi", "po.edi"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("dir/", None),
        ("...", None),
        ("a\x00b\r\nc.edi", "abc.edi"),
        (None, None),
        ("é" * 200, "é" * 127),
    ],
)
def test_safe_filename(raw: str | None, safe: str | None) -> None:
    assert safe_filename(raw) == safe


def test_header_value_quotes_only_when_needed() -> None:
    assert header_value("multipart/signed", {"micalg": "sha-256", "protocol": "application/pkcs7-signature"}) == (
        'multipart/signed; micalg=sha-256; protocol="application/pkcs7-signature"'
    )


@pytest.mark.parametrize("name", ["sha256", "SHA-256", "sha_256", "sha-256"])
def test_digest_names(name: str) -> None:
    assert normalize_digest(name) == "sha-256"


def test_md5_is_refused() -> None:
    with pytest.raises(ValueError):
        normalize_digest("md5")


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("aes_128_cbc", "aes128-cbc"),
        ("AES256", "aes256-cbc"),
        ("tripledes_192_cbc", "3des-cbc"),
        ("des-ede3-cbc", "3des-cbc"),
    ],
)
def test_cipher_names(name: str, canonical: str) -> None:
    assert normalize_cipher(name) == canonical


def test_mic_text_form_round_trips() -> None:
    mic = Mic.compute(b"payload", "sha1")
    assert Mic.parse(str(mic)) == mic and str(mic).endswith(", sha-1")
    with pytest.raises(ValueError):
        Mic.parse("no-algorithm")
    with pytest.raises(ValueError):
        Mic.parse("!!notbase64!!, sha-256")
