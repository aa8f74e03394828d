"""Exceptions raised by the file transports.

TransportError
└── SftpError
    ├── HostKeyRefused        server key not the pinned one, or nothing pinned
    ├── SftpConnectError      could not connect or authenticate
    ├── ConnectionLost        the session died mid-operation (retry on the next poll)
    ├── RemoteNameRejected    a remote file name that is not a plain name
    └── RemoteFileExists      push would overwrite a file the partner has not taken yet
"""

from __future__ import annotations

__all__ = [
    "TransportError",
    "SftpError",
    "HostKeyRefused",
    "SftpConnectError",
    "ConnectionLost",
    "RemoteNameRejected",
    "RemoteFileExists",
]


class TransportError(Exception):
    """Base of every transport failure."""


class SftpError(TransportError):
    """Base of SFTP failures."""


class HostKeyRefused(SftpError):
    """The server's host key does not match the pinned fingerprint (or none is pinned): never connect."""

    def __init__(self, host: str, offered: str, pinned: str | None) -> None:
        self.host, self.offered, self.pinned = host, offered, pinned
        why = "no host key fingerprint is pinned" if pinned is None else f"pinned {pinned}"
        super().__init__(f"refusing host key {offered} of {host}: {why}")


class SftpConnectError(SftpError):
    """Connecting, authenticating or opening the SFTP subsystem failed."""


class ConnectionLost(SftpError):
    """The SSH session broke during an operation; nothing half-done was acted on."""


class RemoteNameRejected(SftpError):
    """A remote name that could escape its folder (separator, ``..``, NUL); file names are data, never paths."""


class RemoteFileExists(SftpError):
    """The target name already exists on the partner's side and overwriting was not asked for."""
