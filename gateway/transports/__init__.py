"""File transports to and from partners (SFTP poller and pusher, with a lease per partner)."""

from __future__ import annotations

from .errors import (
    ConnectionLost,
    HostKeyRefused,
    RemoteFileExists,
    RemoteNameRejected,
    SftpConnectError,
    SftpError,
    TransportError,
)
from .sftp import SftpEndpoint, endpoint_from_profile, open_sftp
from .sftp_hostkey import PinnedHostKeyPolicy, fingerprint
from .sftp_lease import Lease, SqlLease, create_lease_table, partner_leases
from .sftp_poll import CommitResult, FileOutcome, Outcome, PollReport, RemoteFile, SftpPoller
from .sftp_push import SftpPusher

__all__ = [
    "TransportError",
    "SftpError",
    "HostKeyRefused",
    "SftpConnectError",
    "ConnectionLost",
    "RemoteNameRejected",
    "RemoteFileExists",
    "SftpEndpoint",
    "endpoint_from_profile",
    "open_sftp",
    "PinnedHostKeyPolicy",
    "fingerprint",
    "Lease",
    "SqlLease",
    "create_lease_table",
    "partner_leases",
    "RemoteFile",
    "CommitResult",
    "Outcome",
    "FileOutcome",
    "PollReport",
    "SftpPoller",
    "SftpPusher",
]
