"""Push a file to a partner's outbound SFTP folder so that it never sees a partial file.

The bytes go to ``.<name>.<uuid>.part`` (a dot-name partners' pollers skip, unique so two
pushes never share it), are flushed and fsynced where the server offers
``fsync@openssh.com``, checked for size, and only then renamed to the final name. A failed
push removes its temporary file when the connection still allows it.

By default an existing final name is never replaced (a file the partner has not picked up
yet would be lost): :class:`RemoteFileExists` is raised. With ``overwrite=True`` the
rename is atomic via ``posix-rename@openssh.com``; servers without it get remove + rename,
which leaves a moment with no file but never a partial one.
"""

from __future__ import annotations

import logging
import uuid

import paramiko
from paramiko.sftp import CMD_EXTENDED

from .errors import ConnectionLost, RemoteFileExists, SftpError
from .sftp import REMOTE_ERRORS, SftpEndpoint, connection_failed, open_sftp, remote_exists, remote_path, session_alive

__all__ = ["SftpPusher", "part_name"]

log = logging.getLogger(__name__)


def part_name(name: str) -> str:
    """Temporary upload name for ``name``."""
    return f".{name}.{uuid.uuid4().hex}.part"


class SftpPusher:
    def __init__(self, endpoint: SftpEndpoint) -> None:
        self.endpoint = endpoint

    def push(self, name: str, data: bytes, *, overwrite: bool = False) -> str:
        """Upload ``data`` as ``<outbound>/<name>``; returns that remote path.

        Raises :class:`RemoteFileExists`, :class:`ConnectionLost` (retry later) or another
        :class:`SftpError`; after any failure the final name holds either nothing new or
        the complete file.
        """
        outbound = self.endpoint.outbound_dir
        final = remote_path(outbound, name)
        temp = remote_path(outbound, part_name(name))
        with open_sftp(self.endpoint) as sftp:
            try:
                self._upload(sftp, temp, data)
                _publish(sftp, temp, final, overwrite=overwrite)
            except (SftpError, *REMOTE_ERRORS) as exc:
                _discard(sftp, temp)
                if isinstance(exc, SftpError):
                    raise
                if connection_failed(sftp, exc):
                    raise ConnectionLost(f"push of {name!r} to {self.endpoint.host}: {exc}") from exc
                raise SftpError(f"push of {name!r} to {self.endpoint.host}: {exc}") from exc
        return final

    @staticmethod
    def _upload(sftp: paramiko.SFTPClient, temp: str, data: bytes) -> None:
        with sftp.open(temp, "wbx") as fh:  # x = exclusive create: an existing name is never reused
            fh.set_pipelined(True)
            fh.write(data)
            fh.flush()
            _fsync(sftp, fh)
        written = sftp.stat(temp).st_size
        if written != len(data):
            raise SftpError(f"uploaded {written} of {len(data)} bytes to {temp}")


def _fsync(sftp: paramiko.SFTPClient, fh: paramiko.SFTPFile) -> bool:
    """Ask the server to fsync the handle; False when it lacks ``fsync@openssh.com``.

    paramiko has no public call for this extension; the request is built the way its own
    ``SFTPFile.check`` sends ``check-file``.
    """
    try:
        sftp._request(CMD_EXTENDED, "fsync@openssh.com", fh.handle)
    except OSError as exc:
        log.debug("server did not fsync %s: %s", fh.handle, exc)
        return False
    return True


def _publish(sftp: paramiko.SFTPClient, temp: str, final: str, *, overwrite: bool) -> None:
    if overwrite and _posix_rename(sftp, temp, final):
        return
    try:
        sftp.rename(temp, final)  # SFTP v3 rename never replaces an existing file
    except OSError:
        if not remote_exists(sftp, final):
            raise
        if not overwrite:
            raise RemoteFileExists(f"{final} exists (not picked up yet) and overwrite was not asked for") from None
        sftp.remove(final)
        sftp.rename(temp, final)


def _posix_rename(sftp: paramiko.SFTPClient, temp: str, final: str) -> bool:
    """Atomic replace; False when the server does not offer ``posix-rename@openssh.com``."""
    try:
        sftp.posix_rename(temp, final)
    except OSError as exc:
        if "unsupported" in str(exc).lower():
            return False
        raise
    return True


def _discard(sftp: paramiko.SFTPClient, temp: str) -> None:
    """Best-effort removal of a failed upload's temporary file."""
    if not session_alive(sftp):
        return
    try:
        sftp.remove(temp)
    except REMOTE_ERRORS as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("could not remove temporary upload %s: %s", temp, exc)
