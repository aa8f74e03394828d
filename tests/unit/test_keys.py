"""Test key generation for AS2 identities."""

from __future__ import annotations

import stat
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from gateway.keys import ensure_identities, ensure_identity, key_file_stem


def test_generates_0600_key_and_certificate(tmp_path: Path) -> None:
    pair = ensure_identity(tmp_path / "keys", "EDIGW-AS2")
    assert pair.created
    assert pair.key_path.name == "EDIGW-AS2.key" and pair.cert_path.name == "EDIGW-AS2.crt"
    for path in (pair.key_path, pair.cert_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(pair.key_path.read_bytes(), None)
    cert = x509.load_pem_x509_certificate(pair.cert_path.read_bytes())
    assert cert.public_key().public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]
    assert cert.subject.rfc4514_string() == "CN=EDIGW-AS2"


def test_existing_files_are_kept(tmp_path: Path) -> None:
    first = ensure_identity(tmp_path, "A")
    before = first.key_path.read_bytes()
    again = ensure_identities(tmp_path, ["A", "A"])
    assert [p.created for p in again] == [False]
    assert first.key_path.read_bytes() == before


def test_unsafe_ids_never_become_paths() -> None:
    assert key_file_stem("BIGBOX-AS2") == "BIGBOX-AS2"
    for bad in ("../etc/passwd", "a/b", "..", "with space", ""):
        stem = key_file_stem(bad)
        assert stem.startswith("as2-") and "/" not in stem and ".." not in stem
