"""SFTP endpoint settings, the pinned-key session, and the rule that remote names are data.

The poller (:mod:`.sftp_poll`) and the pusher (:mod:`.sftp_push`) share this module's
session: one short SSH connection per poll or push, host key pinned, every SFTP request
bounded by a timeout, so a hung partner server costs one poll, never a stuck worker.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import paramiko

from partners.profile import SftpTransport

from .errors import RemoteNameRejected, SftpConnectError
from .sftp_hostkey import PinnedHostKeyPolicy, normalize_fingerprint

__all__ = [
    "AfterDownload",
    "SftpEndpoint",
    "endpoint_from_profile",
    "open_sftp",
    "session_alive",
    "connection_failed",
    "remote_exists",
    "check_remote_name",
    "remote_path",
    "REMOTE_ERRORS",
]

AfterDownload = Literal["archive", "delete"]

#: What a remote operation may raise: SFTP status errors (OSError), a closed channel
#: (EOFError), protocol or transport failures (SSHException), timeouts (OSError).
REMOTE_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, paramiko.SSHException)


@dataclass(frozen=True, slots=True, kw_only=True)
class SftpEndpoint:
    """Where and how to reach one partner's SFTP account.

    ``host_key_fingerprint`` is OpenSSH's ``SHA256:...``; ``None`` is allowed here so a
    half-configured partner loads, but every connection to it is then refused.
    """

    host: str
    username: str
    private_key: Path | paramiko.PKey = field(repr=False)
    host_key_fingerprint: str | None
    inbound_dir: str
    outbound_dir: str
    archive_dir: str | None = None
    port: int = 22
    private_key_passphrase: str | None = field(default=None, repr=False)
    #: files modified more recently than this may still be being written; skip them this round.
    min_file_age_seconds: float = 30.0
    after_download: AfterDownload = "archive"
    #: larger files are reported and left alone (never read into memory).
    max_file_size: int = 64 * 1024 * 1024
    connect_timeout: float = 15.0
    #: bound on each SFTP request; a stalled server fails the operation instead of hanging it.
    operation_timeout: float = 60.0

    def __post_init__(self) -> None:
        if self.host_key_fingerprint is not None:
            object.__setattr__(self, "host_key_fingerprint", normalize_fingerprint(self.host_key_fingerprint))
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port out of range: {self.port}")
        if self.after_download not in ("archive", "delete"):
            raise ValueError(f"after_download must be 'archive' or 'delete', got {self.after_download!r}")
        if self.after_download == "archive" and not self.archive_dir:
            raise ValueError("after_download='archive' needs an archive_dir")
        folders = [self.inbound_dir, self.outbound_dir] + ([self.archive_dir] if self.archive_dir else [])
        if not all(folders):
            raise ValueError("inbound_dir and outbound_dir must be given")
        if len({posixpath.normpath(f) for f in folders}) != len(folders):
            raise ValueError("inbound, outbound and archive must be different folders")
        if self.min_file_age_seconds < 0 or self.max_file_size <= 0:
            raise ValueError("min_file_age_seconds must be >= 0 and max_file_size > 0")
        if self.connect_timeout <= 0 or self.operation_timeout <= 0:
            raise ValueError("timeouts must be positive")

    def load_key(self) -> paramiko.PKey:
        if isinstance(self.private_key, paramiko.PKey):
            return self.private_key
        return paramiko.PKey.from_path(self.private_key, password=self.private_key_passphrase)


def endpoint_from_profile(
    transport: SftpTransport, private_key: Path | paramiko.PKey, *, passphrase: str | None = None
) -> SftpEndpoint:
    """Endpoint for a partner profile's ``transports.sftp`` (the caller resolves its key secret)."""
    return SftpEndpoint(
        host=transport.host,
        port=transport.port,
        username=transport.user,
        private_key=private_key,
        private_key_passphrase=passphrase,
        host_key_fingerprint=transport.host_key_fingerprint,
        inbound_dir=transport.inbound,
        outbound_dir=transport.outbound,
        archive_dir=transport.archive,
        min_file_age_seconds=transport.min_file_age_seconds,
        after_download=transport.after_download,
    )


@contextmanager
def open_sftp(endpoint: SftpEndpoint) -> Iterator[paramiko.SFTPClient]:
    """An SFTP session to ``endpoint`` with its host key pinned; closed on exit.

    Raises :class:`HostKeyRefused` for a wrong or unpinned key (never wrapped: it is a
    security or configuration problem, not a transient one) and :class:`SftpConnectError`
    for anything else that stops the session from opening.
    """
    client = paramiko.SSHClient()  # no known_hosts loaded: the policy sees every key
    client.set_missing_host_key_policy(PinnedHostKeyPolicy(endpoint.host_key_fingerprint))
    try:
        try:
            client.connect(
                endpoint.host,
                endpoint.port,
                username=endpoint.username,
                pkey=endpoint.load_key(),
                timeout=endpoint.connect_timeout,
                banner_timeout=endpoint.connect_timeout,
                auth_timeout=endpoint.connect_timeout,
                channel_timeout=endpoint.connect_timeout,
                look_for_keys=False,
                allow_agent=False,
            )
            sftp = client.open_sftp()
        except REMOTE_ERRORS as exc:
            raise SftpConnectError(f"{endpoint.username}@{endpoint.host}:{endpoint.port}: {exc}") from exc
        sftp.get_channel().settimeout(endpoint.operation_timeout)
        yield sftp
    finally:
        client.close()


def session_alive(sftp: paramiko.SFTPClient) -> bool:
    """False once the SFTP channel or the SSH transport under it has ended."""
    channel = sftp.get_channel()
    transport = channel.get_transport() if channel is not None else None
    return transport is not None and transport.is_active() and not (channel.closed or channel.eof_received)


def connection_failed(sftp: paramiko.SFTPClient, exc: BaseException) -> bool:
    """Whether ``exc`` ended the session (drop, protocol error, timeout) rather than one request.

    SFTP status errors (no such file, permission denied, failure) arrive as plain
    ``OSError`` on a live session; everything else means the session is gone or stalled.
    """
    broken = (paramiko.SSHException, EOFError, TimeoutError, ConnectionError)
    return isinstance(exc, broken) or not session_alive(sftp)


def check_remote_name(name: str) -> str:
    """Return ``name`` if it is a plain file name; a partner's names never choose a folder."""
    if not name or name in (".", "..") or len(name) > 255:
        raise RemoteNameRejected(f"not a plain file name: {name!r}")
    if any(ch in name for ch in "/\\") or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise RemoteNameRejected(f"file name contains a separator or control character: {name!r}")
    return name


def list_folder(sftp: paramiko.SFTPClient, folder: str) -> list[paramiko.SFTPAttributes]:
    """``sftp.listdir_attr(folder)``, with each ``filename`` as the server sent it: bytes.

    paramiko decodes names as strict UTF-8, so a single file named in Latin-1 (a Windows
    partner's ``commande-\xe9.edi``) fails the whole listing, and with it every poll of
    that partner's folder, for good. SFTP v3 fixes no encoding for names. This is
    paramiko's own ``listdir_attr`` loop on its request layer (as ``listdir_attr`` itself
    runs), keeping the names undecoded; the SFTP tests run it against OpenSSH.
    """
    from paramiko.sftp import CMD_CLOSE, CMD_HANDLE, CMD_NAME, CMD_OPENDIR, CMD_READDIR

    kind, msg = sftp._request(CMD_OPENDIR, folder)
    if kind != CMD_HANDLE:
        raise paramiko.SFTPError("expected a handle")
    handle = msg.get_binary()
    listed: list[paramiko.SFTPAttributes] = []
    try:
        while True:
            try:
                kind, msg = sftp._request(CMD_READDIR, handle)
            except EOFError:  # the end of the folder
                break
            if kind != CMD_NAME:
                raise paramiko.SFTPError("expected a name response")
            for _ in range(msg.get_int()):
                name, longname = msg.get_string(), msg.get_string()
                attr = paramiko.SFTPAttributes._from_msg(msg, name, longname)
                if name not in (b".", b".."):
                    listed.append(attr)
    finally:
        sftp._request(CMD_CLOSE, handle)
    return listed


def remote_path(folder: str, name: str) -> str:
    """``folder/name`` on the server, after :func:`check_remote_name`."""
    return posixpath.join(folder, check_remote_name(name))


def remote_exists(sftp: paramiko.SFTPClient, path: str) -> bool:
    """False only when the server says the path is absent; any other answer counts as "may exist"."""
    try:
        sftp.stat(path)
    except FileNotFoundError:
        return False
    except REMOTE_ERRORS:
        return True
    return True
