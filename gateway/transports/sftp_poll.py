"""Poll a partner's inbound SFTP folder: download, let the caller commit, then archive or delete.

The order is the reliability contract (DESIGN.md "Message lifecycle"): a remote file is
touched only after ``commit`` returned, i.e. after the caller's database commit. A crash
before that leaves the file for the next poll; a crash after it means the next poll
hands the same bytes to ``commit`` again, which answers "duplicate" (dedupe by sha256),
and the file is then archived. Nothing is ever removed that is not durable.

A file is taken only when it is a regular file, old enough (``min_file_age_seconds``),
not growing (same size and mtime at listing and just before download, and exactly that
many bytes read) and within ``max_file_size``. Names starting with a dot are the usual
"upload in progress" convention and are left alone.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import stat
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import paramiko

from edi.text import as_text

from .errors import RemoteNameRejected, SftpError
from .sftp import REMOTE_ERRORS, SftpEndpoint, connection_failed, list_folder, open_sftp, remote_exists, remote_path
from .sftp_lease import Lease

__all__ = ["RemoteFile", "CommitResult", "Commit", "Outcome", "FileOutcome", "PollReport", "SftpPoller"]

log = logging.getLogger(__name__)

_CHUNK = 256 * 1024


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A file in the partner's inbound folder as listed; ``name`` is data, never a local path."""

    name: str
    path: str
    size: int
    mtime: int | None


@dataclass(frozen=True, slots=True)
class CommitResult:
    """What the caller's store did with a file; a duplicate is a success too."""

    message_id: str
    duplicate: bool = False


#: Stores the file durably and returns only after the database commit; raises to refuse it.
Commit = Callable[[RemoteFile, bytes], CommitResult]


class Outcome(StrEnum):
    ARCHIVED = "archived"
    DELETED = "deleted"
    #: committed, but someone else already moved the remote file (nothing left to do).
    GONE_AFTER_COMMIT = "gone_after_commit"
    NOT_A_FILE = "not_a_file"
    HIDDEN = "hidden"
    BAD_NAME = "bad_name"
    TOO_YOUNG = "too_young"
    GROWING = "growing"
    TOO_LARGE = "too_large"
    VANISHED = "vanished"
    DOWNLOAD_FAILED = "download_failed"
    COMMIT_FAILED = "commit_failed"
    #: committed, but archive/delete failed: the next poll re-commits (a duplicate) and retries it.
    REMOTE_ACTION_FAILED = "remote_action_failed"


DONE = frozenset({Outcome.ARCHIVED, Outcome.DELETED, Outcome.GONE_AFTER_COMMIT})
FAILED = frozenset({Outcome.BAD_NAME, Outcome.DOWNLOAD_FAILED, Outcome.COMMIT_FAILED, Outcome.REMOTE_ACTION_FAILED})


@dataclass(frozen=True, slots=True)
class FileOutcome:
    name: str
    outcome: Outcome
    detail: str = ""
    commit: CommitResult | None = None
    archived_as: str | None = None


@dataclass(slots=True)
class PollReport:
    """What one poll did, file by file; ``error`` is set when the poll ended early."""

    partner_id: str
    lease_held: bool = False
    files: list[FileOutcome] = field(default_factory=list)
    error: str | None = None

    def names(self, *outcomes: Outcome) -> list[str]:
        return [f.name for f in self.files if f.outcome in outcomes]

    @property
    def done(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome in DONE]

    @property
    def failed(self) -> list[FileOutcome]:
        return [f for f in self.files if f.outcome in FAILED]

    @property
    def ok(self) -> bool:
        return self.lease_held and self.error is None and not self.failed


def default_holder() -> str:
    """A lease holder id unique to this process (host, pid, random)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SftpPoller:
    """One partner's inbound folder; call :meth:`poll_once` on a schedule.

    ``lease_ttl`` must exceed the time to handle one file (download + commit); the lease is
    renewed before a file once a quarter of it has passed, and released when the poll
    ends, so instances take turns.
    File age compares the server's mtime with ``clock``: keep both clocks in sync (NTP).
    """

    def __init__(
        self,
        endpoint: SftpEndpoint,
        *,
        partner_id: str,
        lease: Lease,
        holder: str | None = None,
        lease_ttl: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.endpoint = endpoint
        self.partner_id = partner_id
        self.holder = holder or default_holder()
        self.lease_ttl = lease_ttl
        self._lease = lease
        self._clock = clock

    def poll_once(self, commit: Commit) -> PollReport:
        """Take every ready file once, in mtime order; remote trouble ends up in the report.

        Only the lease store's own errors (the database) and a ``BaseException`` from
        ``commit`` propagate; the lease is released either way.
        """
        report = PollReport(self.partner_id)
        if not self._lease.acquire(self.partner_id, self.holder, self.lease_ttl):
            log.debug("sftp poll skipped: partner %s leased by another instance", self.partner_id)
            return report
        report.lease_held = True
        renewed = time.monotonic()
        try:
            with open_sftp(self.endpoint) as sftp:
                for remote in self._ready_files(sftp, report):
                    # Start a file only with at least 3/4 of the TTL left; renewing is a database write.
                    if time.monotonic() - renewed >= self.lease_ttl / 4:
                        if not self._lease.renew(self.partner_id, self.holder, self.lease_ttl):
                            report.error = "lease lost; stopping so that another instance can take over"
                            break
                        renewed = time.monotonic()
                    try:
                        report.files.append(self._take(sftp, remote, commit))
                    except _SessionBroken as broken:
                        report.files.append(broken.outcome)
                        report.error = f"connection lost while handling {remote.name!r}: {broken.outcome.detail}"
                        break
        except (SftpError, *REMOTE_ERRORS) as exc:
            report.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._lease.release(self.partner_id, self.holder)
        if report.error or report.failed:
            log.warning("sftp poll of %s: %s; failed files %s", self.partner_id, report.error, report.failed)
        return report

    def _ready_files(self, sftp: paramiko.SFTPClient, report: PollReport) -> list[RemoteFile]:
        """List the inbound folder (oldest first) and keep what may be taken now; report the rest."""
        inbound = self.endpoint.inbound_dir
        now = self._clock()
        ready: list[RemoteFile] = []
        for attr in sorted(list_folder(sftp, inbound), key=lambda a: (a.st_mtime or 0, a.filename)):
            try:
                name = attr.filename.decode("utf-8")
            except UnicodeDecodeError:  # reported and left; the partner's other files still go
                shown = as_text(attr.filename.decode("utf-8", "surrogateescape"))
                report.files.append(FileOutcome(shown, Outcome.BAD_NAME, "file name is not UTF-8"))
                continue
            try:
                path = remote_path(inbound, name)
            except RemoteNameRejected as exc:
                report.files.append(FileOutcome(name, Outcome.BAD_NAME, str(exc)))
                continue
            size, mtime = attr.st_size or 0, attr.st_mtime
            skip: tuple[Outcome, str] | None = None
            if not stat.S_ISREG(attr.st_mode or 0):
                skip = (Outcome.NOT_A_FILE, "")
            elif name.startswith("."):
                skip = (Outcome.HIDDEN, "dot-file: upload in progress by convention")
            elif mtime is not None and now - mtime < self.endpoint.min_file_age_seconds:
                skip = (Outcome.TOO_YOUNG, f"modified {now - mtime:.0f}s ago")
            elif size > self.endpoint.max_file_size:
                skip = (Outcome.TOO_LARGE, f"{size} bytes > {self.endpoint.max_file_size}")
            if skip:
                report.files.append(FileOutcome(name, *skip))
            else:
                ready.append(RemoteFile(name, path, size, mtime))
        return ready

    def _take(self, sftp: paramiko.SFTPClient, remote: RemoteFile, commit: Commit) -> FileOutcome:
        try:
            current = sftp.stat(remote.path)
        except FileNotFoundError:
            return FileOutcome(remote.name, Outcome.VANISHED, "gone before download")
        except REMOTE_ERRORS as exc:
            return _remote_failure(sftp, remote, Outcome.DOWNLOAD_FAILED, exc)
        if (current.st_size, current.st_mtime) != (remote.size, remote.mtime):
            return FileOutcome(remote.name, Outcome.GROWING, f"size {remote.size} -> {current.st_size}")
        try:
            data = self._download(sftp, remote)
        except REMOTE_ERRORS as exc:
            return _remote_failure(sftp, remote, Outcome.DOWNLOAD_FAILED, exc)
        if len(data) != remote.size:
            outcome = Outcome.TOO_LARGE if len(data) > self.endpoint.max_file_size else Outcome.GROWING
            return FileOutcome(remote.name, outcome, f"listed {remote.size} bytes, read {len(data)}")
        try:
            result = commit(remote, data)
        except Exception as exc:  # noqa: BLE001 - whatever the store raised, the remote file must stay
            log.exception("commit of %s from partner %s failed; file left in place", remote.name, self.partner_id)
            return FileOutcome(remote.name, Outcome.COMMIT_FAILED, f"{type(exc).__name__}: {exc}")
        return self._after_commit(sftp, remote, result)

    def _download(self, sftp: paramiko.SFTPClient, remote: RemoteFile) -> bytes:
        """The whole file, reading at most one byte past ``max_file_size``."""
        limit = self.endpoint.max_file_size + 1
        data = bytearray()
        with sftp.open(remote.path, "rb") as fh:
            fh.prefetch(min(remote.size, limit))  # pipelined reads: loopback-fast even on high-latency links
            while len(data) < limit and (chunk := fh.read(min(_CHUNK, limit - len(data)))):
                data += chunk
        return bytes(data)

    def _after_commit(self, sftp: paramiko.SFTPClient, remote: RemoteFile, result: CommitResult) -> FileOutcome:
        """Archive or delete the remote file; only ever called after a successful commit."""
        try:
            if self.endpoint.after_download == "delete":
                sftp.remove(remote.path)
                return FileOutcome(remote.name, Outcome.DELETED, commit=result)
            target = self._archive(sftp, remote)
            return FileOutcome(remote.name, Outcome.ARCHIVED, commit=result, archived_as=target)
        except REMOTE_ERRORS as exc:
            failure = _remote_failure(sftp, remote, Outcome.REMOTE_ACTION_FAILED, exc, result)
            if not remote_exists(sftp, remote.path):  # another instance moved it after its own commit
                return dataclasses.replace(failure, outcome=Outcome.GONE_AFTER_COMMIT)
            return failure

    def _archive(self, sftp: paramiko.SFTPClient, remote: RemoteFile) -> str:
        """Move into the archive folder; a name already there gets a unique suffix, never overwritten.

        Plain SFTP rename does not replace an existing target (OpenSSH links, then unlinks).
        """
        assert self.endpoint.archive_dir is not None  # checked by SftpEndpoint
        target = remote_path(self.endpoint.archive_dir, remote.name)
        try:
            sftp.rename(remote.path, target)
            return target
        except OSError:
            if not (remote_exists(sftp, target) and remote_exists(sftp, remote.path)):
                raise
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = remote_path(self.endpoint.archive_dir, f"{remote.name}.{stamp}-{uuid.uuid4().hex[:8]}")
        sftp.rename(remote.path, target)
        return target


class _SessionBroken(Exception):
    """The session died while handling a file: record its outcome and end the poll."""

    def __init__(self, outcome: FileOutcome) -> None:
        super().__init__(outcome.detail)
        self.outcome = outcome


def _remote_failure(
    sftp: paramiko.SFTPClient,
    remote: RemoteFile,
    outcome: Outcome,
    exc: BaseException,
    commit: CommitResult | None = None,
) -> FileOutcome:
    """The outcome of a failed remote operation; raises :class:`_SessionBroken` when the session is gone."""
    failed = FileOutcome(remote.name, outcome, f"{type(exc).__name__}: {exc}", commit=commit)
    if connection_failed(sftp, exc):
        raise _SessionBroken(failed) from exc
    return failed
