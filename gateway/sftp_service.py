"""SFTP for partners: a poller per partner in ``edigw serve``, and outbound pushes.

Each partner with ``transports.sftp`` gets a thread that polls its inbound folder every
``poll_interval_seconds`` while holding the partner's lease (so several gateway
instances never take the same file twice), stores each file through the common
inbound path (commit first), and only then lets the poller archive or delete it.
Key material comes from the profile's secret reference, loaded per poll so a rotated
key is picked up.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import threading

import paramiko

from gateway.inbound import store_inbound
from gateway.runtime import Runtime
from gateway.transports.errors import SftpError
from gateway.transports.sftp import SftpEndpoint, endpoint_from_profile
from gateway.transports.sftp_lease import SqlLease
from gateway.transports.sftp_poll import CommitResult, PollReport, RemoteFile, SftpPoller
from gateway.transports.sftp_push import SftpPusher
from partners.profile import Profile

__all__ = ["SftpService", "endpoint_for", "push_to_partner", "poll_partner"]

log = logging.getLogger("edigw.sftp")


def _load_key(data: bytes) -> paramiko.PKey:
    text = data.decode("utf-8")
    for kind in (paramiko.Ed25519Key, paramiko.ECDSAKey, paramiko.RSAKey):
        try:
            return kind.from_private_key(io.StringIO(text))
        except (paramiko.SSHException, ValueError):
            continue
    raise SftpError("the partner's SFTP key is not an ed25519, ECDSA or RSA private key")


def endpoint_for(runtime: Runtime, profile: Profile) -> SftpEndpoint:
    sftp = profile.transports.sftp
    if sftp is None:
        raise SftpError(f"partner {profile.id!r} has no SFTP transport")
    return endpoint_from_profile(sftp, _load_key(sftp.key.read(runtime.settings.home)))


def poll_partner(runtime: Runtime, profile: Profile, holder: str) -> PollReport:
    """One poll of one partner's inbound folder, files committed through the inbound path."""

    def commit(remote: RemoteFile, data: bytes) -> CommitResult:
        name = remote.name[:255]  # metadata only: never a local path
        stored = store_inbound(runtime.sessions, partner_id=profile.id, transport="sftp", raw=data, file_name=name)
        runtime.wake_relay()
        return CommitResult(str(stored.message_id), duplicate=stored.duplicate_of is not None)

    endpoint = endpoint_for(runtime, profile)
    poller = SftpPoller(endpoint, partner_id=profile.id, lease=SqlLease(runtime.engine), holder=holder)
    return poller.poll_once(commit)


def push_to_partner(runtime: Runtime, profile: Profile, name: str, data: bytes) -> str:
    """Upload an outbound file (write a temporary name, then rename); returns the remote path."""
    return SftpPusher(endpoint_for(runtime, profile)).push(name, data)


class SftpService:
    """Poller threads for every SFTP partner that is not paused; stop() ends them."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.holder = f"{socket.gethostname()}:{os.getpid()}"

    def start(self) -> int:
        for profile in self._runtime.registry:
            if profile.transports.sftp is not None and profile.status != "paused":
                thread = threading.Thread(target=self._loop, args=(profile.id,), name=f"sftp-{profile.id}", daemon=True)
                thread.start()
                self._threads.append(thread)
        return len(self._threads)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(30)

    def _loop(self, partner_id: str) -> None:
        while not self._stopping.is_set():
            interval = 60.0
            try:
                profile = self._runtime.registry.get(partner_id)  # the current profile (reloads apply)
                sftp = profile.transports.sftp
                if sftp is not None and profile.status != "paused":
                    interval = float(sftp.poll_interval_seconds)
                    report = poll_partner(self._runtime, profile, self.holder)
                    if report.error:
                        log.warning("SFTP poll of %s ended early: %s", partner_id, report.error)
            except Exception:  # noqa: BLE001 - one partner's failure never stops the others
                log.exception("SFTP poll of %s failed", partner_id)
            self._stopping.wait(interval)
