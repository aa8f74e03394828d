"""SFTP pieces that need no server: fingerprints, host key policy, remote names, endpoint settings."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import paramiko
import pytest

from gateway.transports import HostKeyRefused, PinnedHostKeyPolicy, SftpEndpoint, endpoint_from_profile, fingerprint
from gateway.transports.errors import RemoteNameRejected
from gateway.transports.sftp import check_remote_name, remote_path
from gateway.transports.sftp_hostkey import normalize_fingerprint
from partners.registry import load_profile
from samples.simulators.sshd import write_ed25519_key
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def host_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[paramiko.PKey, Path]:
    path = tmp_path_factory.mktemp("keys") / "host_ed25519"
    return write_ed25519_key(path), path


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen (openssh-client) not installed")
def test_fingerprint_is_what_ssh_keygen_prints(host_key: tuple[paramiko.PKey, Path]) -> None:
    key, path = host_key
    out = subprocess.run(["ssh-keygen", "-lf", str(path.with_suffix(".pub"))], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[1] == fingerprint(key)


def test_fingerprint_padding_is_optional() -> None:
    bare = "SHA256:" + "A" * 43
    assert normalize_fingerprint(bare + "=") == bare == normalize_fingerprint(f" {bare} ")


@pytest.mark.parametrize("bad", ["", "MD5:aa:bb", "SHA256:short", "sha256:" + "A" * 43, "SHA256:" + "!" * 43])
def test_malformed_fingerprints_are_rejected(bad: str) -> None:
    with pytest.raises(ValueError):
        normalize_fingerprint(bad)


def test_policy_accepts_only_the_pinned_key(host_key: tuple[paramiko.PKey, Path]) -> None:
    key, _ = host_key
    PinnedHostKeyPolicy(fingerprint(key)).missing_host_key(paramiko.SSHClient(), "h", key)
    for pinned in ("SHA256:" + "A" * 43, None):
        with pytest.raises(HostKeyRefused) as refused:
            PinnedHostKeyPolicy(pinned).missing_host_key(paramiko.SSHClient(), "h", key)
        assert refused.value.offered == fingerprint(key) and refused.value.host == "h"


@pytest.mark.parametrize("name", ["850_0001.edi", "a b.x12", ".hidden", "ä.edi", "..x"])
def test_plain_names_pass(name: str) -> None:
    assert remote_path("/in", name) == f"/in/{name}"


@pytest.mark.parametrize(
    "name", ["", ".", "..", "../etc/passwd", "a/b", "/abs", "a\\b", "nul\x00", "line\nbreak", "x" * 256]
)
def test_names_that_could_leave_their_folder_are_rejected(name: str) -> None:
    with pytest.raises(RemoteNameRejected):
        check_remote_name(name)


def endpoint(**changes: object) -> SftpEndpoint:
    settings: dict[str, object] = {
        "host": "sftp.example",
        "username": "edigw",
        "private_key": Path("/nonexistent"),
        "host_key_fingerprint": "SHA256:" + "A" * 43 + "=",
        "inbound_dir": "/in",
        "outbound_dir": "/out",
        "archive_dir": "/archive",
    }
    return SftpEndpoint(**(settings | changes))  # type: ignore[arg-type]


def test_endpoint_normalizes_the_fingerprint_and_hides_the_key() -> None:
    made = endpoint()
    assert made.host_key_fingerprint == "SHA256:" + "A" * 43
    assert "private_key" not in repr(made)


@pytest.mark.parametrize(
    "changes",
    [
        {"archive_dir": None},
        {"after_download": "move"},
        {"outbound_dir": "/in/"},
        {"archive_dir": "/out"},
        {"port": 0},
        {"max_file_size": 0},
        {"min_file_age_seconds": -1},
        {"operation_timeout": 0},
        {"host_key_fingerprint": "nope"},
    ],
)
def test_endpoint_rejects_bad_settings(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        endpoint(**changes)


def test_delete_mode_needs_no_archive() -> None:
    assert endpoint(archive_dir=None, after_download="delete").archive_dir is None


def test_endpoint_from_a_partner_profile() -> None:
    profile, errors = load_profile(SAMPLES / "partners" / "northwind-dist.yaml", SAMPLES / "partners")
    assert profile and not errors and profile.transports.sftp
    made = endpoint_from_profile(profile.transports.sftp, Path("/keys/northwind.key"))
    assert (made.host, made.port, made.username) == ("sftp.northwind-dist.example", 22, "edigw")
    assert made.host_key_fingerprint == profile.transports.sftp.host_key_fingerprint.rstrip("=")
    assert (made.inbound_dir, made.archive_dir, made.min_file_age_seconds) == (
        "/to_supplier",
        "/to_supplier/archive",
        60,
    )
