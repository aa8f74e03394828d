"""A real OpenSSH ``sshd`` on loopback for SFTP tests, plus a TCP relay that can cut a session.

The server runs in the foreground (``-D -e``) as our child with a throwaway ed25519
host key and an authorized client key made at start, a config of its own in a temp
folder (internal-sftp, public key only), and a free 127.0.0.1 port. The temp folder is
also the working area: tests create files there directly and reach them over SFTP by
absolute path. ``/usr/sbin/sshd`` comes from ``scripts/setup-system.sh``. Used by the SFTP tests and by
``edigw demo`` (the SFTP partner leg), hence here rather than under ``tests/``.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from gateway.transports.sftp_hostkey import fingerprint

__all__ = ["SSHD", "sshd_unavailable", "SshdServer", "start_sshd", "write_ed25519_key", "CuttingRelay"]

SSHD = Path("/usr/sbin/sshd")
#: sshd refuses to start without its privilege separation folder (made by the service unit normally).
PRIVSEP_DIR = Path("/run/sshd")


def sshd_unavailable() -> str | None:
    """Why a test sshd cannot run here, or None."""
    if not SSHD.is_file() or not os.access(SSHD, os.X_OK):
        return f"{SSHD} not installed (scripts/setup-system.sh installs openssh-server)"
    if os.geteuid() != 0:
        return "the test sshd needs root (privilege separation)"
    try:
        PRIVSEP_DIR.mkdir(mode=0o755, exist_ok=True)
    except OSError as exc:
        return f"cannot create {PRIVSEP_DIR}: {exc}"
    return None


def write_ed25519_key(path: Path) -> paramiko.Ed25519Key:
    """A new ed25519 private key at ``path`` (OpenSSH format, 0600) and ``path.pub``."""
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    path.write_bytes(private)
    path.chmod(0o600)
    path.with_suffix(".pub").write_bytes(public + b" edigw-test\n")
    return paramiko.Ed25519Key.from_private_key_file(str(path))


@dataclass
class SshdServer:
    root: Path
    port: int
    username: str
    client_key: paramiko.PKey
    client_key_path: Path
    host_key_fingerprint: str
    process: subprocess.Popen[bytes]
    log_path: Path
    host: str = "127.0.0.1"
    _stopped: bool = field(default=False, repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(base: Path, port: int, user: str) -> str:
    return "\n".join(
        [
            "ListenAddress 127.0.0.1",
            f"Port {port}",
            f"HostKey {base / 'host_ed25519'}",
            "PidFile none",
            f"AuthorizedKeysFile {base / 'authorized_keys'}",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes no",
            "UseDNS no",
            f"AllowUsers {user}",
            "Subsystem sftp internal-sftp",
            "LogLevel VERBOSE",
            "",
        ]
    )


def start_sshd(base: Path, *, timeout: float = 10.0, attempts: int = 3) -> SshdServer:
    """Start sshd with everything under ``base``; returns once it answers with an SSH banner."""
    base.mkdir(parents=True, exist_ok=True)
    host_key = write_ed25519_key(base / "host_ed25519")
    client_key_path = base / "client_ed25519"
    client_key = write_ed25519_key(client_key_path)
    shutil.copyfile(client_key_path.with_suffix(".pub"), base / "authorized_keys")
    user = getpass.getuser()
    for _ in range(attempts):
        port = _free_port()
        config = base / "sshd_config"
        config.write_text(_config(base, port, user))
        log_path = base / "sshd.log"
        with log_path.open("ab") as log:
            process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)], stdout=log, stderr=log)
        server = SshdServer(base, port, user, client_key, client_key_path, fingerprint(host_key), process, log_path)
        if _wait_ready(server, timeout):
            return server
        server.stop()
        if "Address already in use" not in server.log():
            break
    raise RuntimeError(f"sshd did not start; its log:\n{server.log()}")


def _wait_ready(server: SshdServer, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with socket.create_connection((server.host, server.port), timeout=1) as sock:
                if sock.recv(4).startswith(b"SSH-"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


class CuttingRelay:
    """TCP relay in front of a server that cuts each connection after ``cut_after`` bytes downstream.

    Stands in for a network drop in the middle of a transfer, at a byte count rather
    than a time, so the test is deterministic. ``cut_after`` applies to connections
    opened after it is set; ``None`` relays everything.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.cut_after: int | None = None
        self.cuts = 0
        #: bytes relayed from server to client over all connections (to size ``cut_after``).
        self.downstream = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closing = False
        self._thread = threading.Thread(target=self._accept, name="cutting-relay", daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not
        self._listener.close()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, downstream: bool) -> None:
        budget = self.cut_after if downstream else None
        try:
            while data := src.recv(65536):
                if budget is not None and len(data) >= budget:
                    dst.sendall(data[:budget])
                    self.cuts += 1
                    break
                dst.sendall(data)
                if downstream:
                    self.downstream += len(data)
                if budget is not None:
                    budget -= len(data)
        except OSError:
            pass  # the other pump closed the sockets
        for sock in (src, dst):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
