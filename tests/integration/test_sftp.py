"""SFTP poller and pusher against a real OpenSSH sshd on loopback (samples/simulators/sshd.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.store.engine import make_engine
from gateway.transports import (
    CommitResult,
    ConnectionLost,
    HostKeyRefused,
    Outcome,
    RemoteFile,
    RemoteFileExists,
    SftpEndpoint,
    SftpPoller,
    SftpPusher,
    SqlLease,
    create_lease_table,
    open_sftp,
)
from samples.simulators.sshd import CuttingRelay, SshdServer

pytestmark = pytest.mark.integration

OLD = 3600  # seconds: comfortably past any minimum age used here


@dataclasses.dataclass
class Area:
    """One test's inbound/outbound/archive folders, on the local disk the sshd serves."""

    inbound: Path
    outbound: Path
    archive: Path

    def put(self, name: str, data: bytes, *, age: float = OLD) -> Path:
        path = self.inbound / name
        path.write_bytes(data)
        stamp = time.time() - age
        os.utime(path, (stamp, stamp))
        return path


@pytest.fixture
def area(sshd: SshdServer) -> Area:
    base = sshd.root / f"t-{uuid.uuid4().hex[:8]}"
    folders = Area(base / "inbound", base / "outbound", base / "archive")
    for folder in dataclasses.astuple(folders):
        folder.mkdir(parents=True)
    return folders


@pytest.fixture
def endpoint(sshd: SshdServer, area: Area) -> SftpEndpoint:
    return SftpEndpoint(
        host=sshd.host,
        port=sshd.port,
        username=sshd.username,
        private_key=sshd.client_key_path,
        host_key_fingerprint=sshd.host_key_fingerprint,
        inbound_dir=str(area.inbound),
        outbound_dir=str(area.outbound),
        archive_dir=str(area.archive),
        min_file_age_seconds=60,
        connect_timeout=5,
        operation_timeout=10,
    )


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lease(tmp_path: Path, clock: Clock) -> Iterator[SqlLease]:
    engine = make_engine(f"sqlite:///{tmp_path / 'leases.db'}")
    create_lease_table(engine)
    yield SqlLease(engine, clock=clock)
    engine.dispose()


class Store:
    """Stands in for the message store: durable on return, dedupes by sha256."""

    def __init__(self) -> None:
        self.messages: dict[str, bytes] = {}
        self.calls: list[tuple[str, bytes]] = []

    def commit(self, remote: RemoteFile, data: bytes) -> CommitResult:
        self.calls.append((remote.name, data))
        digest = hashlib.sha256(data).hexdigest()
        duplicate = digest in self.messages
        self.messages.setdefault(digest, data)
        return CommitResult(message_id=digest[:16], duplicate=duplicate)


@pytest.fixture
def store() -> Store:
    return Store()


def make_poller(endpoint: SftpEndpoint, lease: SqlLease, holder: str = "instance-a") -> SftpPoller:
    return SftpPoller(endpoint, partner_id="acme", lease=lease, holder=holder, lease_ttl=60)


def names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# --------------------------------------------------------------------------- host keys


def test_pinned_host_key_is_accepted(endpoint: SftpEndpoint, area: Area) -> None:
    area.put("x.edi", b"x")
    with open_sftp(endpoint) as sftp:
        assert sftp.listdir(endpoint.inbound_dir) == ["x.edi"]


@pytest.mark.parametrize("pinned", ["SHA256:" + "A" * 43, None], ids=["wrong", "unpinned"])
def test_other_or_unpinned_host_key_is_refused(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store, pinned: str | None
) -> None:
    endpoint = dataclasses.replace(endpoint, host_key_fingerprint=pinned)
    with pytest.raises(HostKeyRefused) as refused, open_sftp(endpoint):
        pass
    assert refused.value.pinned == pinned
    area.put("a.edi", b"data")
    report = make_poller(endpoint, lease).poll_once(store.commit)
    assert report.error and "HostKeyRefused" in report.error
    assert store.calls == [] and names(area.inbound) == ["a.edi"]


# --------------------------------------------------------------------------- download, commit, then archive/delete


def test_download_commit_then_archive(endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store) -> None:
    area.put("second.edi", b"ISA*2~", age=OLD)
    area.put("first.edi", b"ISA*1~", age=OLD + 10)
    report = make_poller(endpoint, lease).poll_once(store.commit)
    assert report.ok
    assert [(f.name, f.outcome) for f in report.files] == [("first.edi", Outcome.ARCHIVED), ("second.edi", "archived")]
    assert store.calls == [("first.edi", b"ISA*1~"), ("second.edi", b"ISA*2~")]  # oldest first
    assert names(area.inbound) == []
    assert names(area.archive) == ["first.edi", "second.edi"]
    assert (area.archive / "first.edi").read_bytes() == b"ISA*1~"


def test_download_commit_then_delete(endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store) -> None:
    endpoint = dataclasses.replace(endpoint, after_download="delete")
    area.put("a.edi", b"ISA*1~")
    report = make_poller(endpoint, lease).poll_once(store.commit)
    assert report.names(Outcome.DELETED) == ["a.edi"]
    assert store.calls == [("a.edi", b"ISA*1~")]
    assert names(area.inbound) == [] and names(area.archive) == []


def test_archive_never_overwrites_a_name_already_archived(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store
) -> None:
    (area.archive / "a.edi").write_bytes(b"yesterday")
    area.put("a.edi", b"today")
    report = make_poller(endpoint, lease).poll_once(store.commit)
    [done] = report.files
    assert done.outcome is Outcome.ARCHIVED and done.archived_as
    unique = Path(done.archived_as).name
    assert unique.startswith("a.edi.") and unique != "a.edi"
    assert (area.archive / "a.edi").read_bytes() == b"yesterday"
    assert (area.archive / unique).read_bytes() == b"today"


# --------------------------------------------------------------------------- files not ready or not wanted


def test_fresh_file_waits_for_minimum_age(endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store) -> None:
    path = area.put("fresh.edi", b"ISA~", age=5)
    poller = make_poller(endpoint, lease)
    assert poller.poll_once(store.commit).names(Outcome.TOO_YOUNG) == ["fresh.edi"]
    assert store.calls == [] and names(area.inbound) == ["fresh.edi"]
    os.utime(path, (time.time() - OLD, time.time() - OLD))
    assert poller.poll_once(store.commit).names(Outcome.ARCHIVED) == ["fresh.edi"]


def test_growing_file_is_left_for_the_next_poll(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store
) -> None:
    area.put("a.edi", b"first", age=OLD + 10)
    growing = area.put("b.edi", b"half of it", age=OLD)

    def commit_while_b_grows(remote: RemoteFile, data: bytes) -> CommitResult:
        if remote.name == "a.edi":  # b.edi was listed already; the partner is still appending to it
            with growing.open("ab") as fh:
                fh.write(b" and the rest")
            os.utime(growing, (time.time() - OLD, time.time() - OLD))
        return store.commit(remote, data)

    poller = make_poller(endpoint, lease)
    report = poller.poll_once(commit_while_b_grows)
    assert report.names(Outcome.ARCHIVED) == ["a.edi"] and report.names(Outcome.GROWING) == ["b.edi"]
    assert names(area.inbound) == ["b.edi"] and [name for name, _ in store.calls] == ["a.edi"]
    assert poller.poll_once(store.commit).names(Outcome.ARCHIVED) == ["b.edi"]
    assert store.calls[-1] == ("b.edi", b"half of it and the rest")


def test_oversized_file_is_reported_and_left(endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store) -> None:
    endpoint = dataclasses.replace(endpoint, max_file_size=100)
    area.put("big.edi", b"x" * 101)
    area.put("ok.edi", b"x" * 100)
    report = make_poller(endpoint, lease).poll_once(store.commit)
    assert report.names(Outcome.TOO_LARGE) == ["big.edi"] and report.names(Outcome.ARCHIVED) == ["ok.edi"]
    assert names(area.inbound) == ["big.edi"]


def test_only_plain_regular_files_are_taken(endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store) -> None:
    (area.inbound / "folder").mkdir()
    (area.inbound / "link.edi").symlink_to("/etc/hostname")
    area.put(".upload.part", b"in progress")
    area.put("back\\slash.edi", b"odd name")
    area.put("good.edi", b"ISA~")
    report = make_poller(endpoint, lease).poll_once(store.commit)
    outcomes = {f.name: f.outcome for f in report.files}
    assert outcomes == {
        "folder": Outcome.NOT_A_FILE,
        "link.edi": Outcome.NOT_A_FILE,
        ".upload.part": Outcome.HIDDEN,
        "back\\slash.edi": Outcome.BAD_NAME,
        "good.edi": Outcome.ARCHIVED,
    }
    assert [name for name, _ in store.calls] == ["good.edi"]
    assert names(area.inbound) == [".upload.part", "back\\slash.edi", "folder", "link.edi"]


# --------------------------------------------------------------------------- failures between download and archive


def test_a_name_that_is_not_utf8_is_reported_and_the_other_files_still_go(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store
) -> None:
    """A Windows partner's Latin-1 ``commande-é.edi``: paramiko's own listing fails on it,
    which used to stop every poll of the folder for good."""
    area.put("good.edi", b"ISA*1~")
    area.put(os.fsdecode(b"commande-\xe9.edi"), b"ISA*2~")
    report = make_poller(endpoint, lease).poll_once(store.commit)
    assert report.error is None
    assert store.calls == [("good.edi", b"ISA*1~")]
    [bad] = report.failed
    assert (bad.name, bad.outcome, bad.detail) == ("commande-\\xe9.edi", Outcome.BAD_NAME, "file name is not UTF-8")
    assert names(area.inbound) == [os.fsdecode(b"commande-\xe9.edi")]  # left where it is


def test_commit_failure_leaves_the_remote_file(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store
) -> None:
    area.put("a.edi", b"ISA~")

    def database_down(remote: RemoteFile, data: bytes) -> CommitResult:
        raise ConnectionRefusedError("database unavailable")

    poller = make_poller(endpoint, lease)
    report = poller.poll_once(database_down)
    assert report.names(Outcome.COMMIT_FAILED) == ["a.edi"] and not report.ok
    assert names(area.inbound) == ["a.edi"] and names(area.archive) == []
    assert poller.poll_once(store.commit).names(Outcome.ARCHIVED) == ["a.edi"]


class Crash(BaseException):
    """The process dies (SIGKILL, power) right after the store's commit, before the archive step."""


def test_crash_between_commit_and_archive_repolls_as_duplicate(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store
) -> None:
    area.put("a.edi", b"ISA*once~")

    def commit_then_crash(remote: RemoteFile, data: bytes) -> CommitResult:
        store.commit(remote, data)
        raise Crash

    with pytest.raises(Crash):
        make_poller(endpoint, lease, holder="before-crash").poll_once(commit_then_crash)
    assert names(area.inbound) == ["a.edi"]

    report = make_poller(endpoint, lease, holder="after-restart").poll_once(store.commit)
    [done] = report.files
    assert done.outcome is Outcome.ARCHIVED and done.commit == CommitResult(done.commit.message_id, duplicate=True)
    assert store.calls == [("a.edi", b"ISA*once~")] * 2 and len(store.messages) == 1
    assert names(area.inbound) == [] and names(area.archive) == ["a.edi"]


def test_failed_archive_is_retried_by_the_next_poll(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store
) -> None:
    area.put("a.edi", b"ISA~")
    area.archive.rmdir()
    poller = make_poller(endpoint, lease)
    [failed] = poller.poll_once(store.commit).files
    assert failed.outcome is Outcome.REMOTE_ACTION_FAILED and failed.commit and not failed.commit.duplicate
    assert names(area.inbound) == ["a.edi"]
    area.archive.mkdir()
    [done] = poller.poll_once(store.commit).files
    assert done.outcome is Outcome.ARCHIVED and done.commit and done.commit.duplicate


# --------------------------------------------------------------------------- lease: several gateway instances


def test_only_the_lease_holder_polls(endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store) -> None:
    area.put("a.edi", b"ISA~")
    first, second = make_poller(endpoint, lease, "instance-a"), make_poller(endpoint, lease, "instance-b")
    seen_by_second = []

    def commit_while_second_polls(remote: RemoteFile, data: bytes) -> CommitResult:
        seen_by_second.append(second.poll_once(store.commit))
        return store.commit(remote, data)

    report = first.poll_once(commit_while_second_polls)
    assert report.names(Outcome.ARCHIVED) == ["a.edi"]
    [blocked] = seen_by_second
    assert not blocked.lease_held and blocked.files == []
    assert [name for name, _ in store.calls] == ["a.edi"]
    assert second.poll_once(store.commit).lease_held  # released once the first poll ended


def test_expired_lease_lets_another_instance_take_over(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store, clock: Clock
) -> None:
    area.put("a.edi", b"ISA~")
    assert lease.acquire("acme", "crashed-instance", ttl=60)  # then died without releasing
    survivor = make_poller(endpoint, lease, "instance-b")
    assert not survivor.poll_once(store.commit).lease_held
    clock.now += timedelta(seconds=61)
    report = survivor.poll_once(store.commit)
    assert report.lease_held and report.names(Outcome.ARCHIVED) == ["a.edi"]


class LostLease:
    """A lease granted, then found taken by the time the first file is due."""

    def acquire(self, partner_id: str, holder: str, ttl: float) -> bool:
        return True

    def renew(self, partner_id: str, holder: str, ttl: float) -> bool:
        return False

    def release(self, partner_id: str, holder: str) -> None:
        pass


def test_poll_stops_when_the_lease_is_lost(endpoint: SftpEndpoint, area: Area, store: Store) -> None:
    area.put("a.edi", b"ISA~")
    poller = SftpPoller(endpoint, partner_id="acme", lease=LostLease(), lease_ttl=1e-9)  # renewal due at once
    report = poller.poll_once(store.commit)
    assert report.error and "lease lost" in report.error
    assert store.calls == [] and names(area.inbound) == ["a.edi"]


def test_lease_expiring_during_a_slow_commit_is_still_safe(
    endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store, clock: Clock
) -> None:
    """A commit outlives the lease: another instance takes the file too; one copy is stored, one archive."""
    area.put("a.edi", b"ISA~")
    slow, other = make_poller(endpoint, lease, "slow"), make_poller(endpoint, lease, "other")
    seen_by_other = []

    def slow_commit(remote: RemoteFile, data: bytes) -> CommitResult:
        clock.now += timedelta(seconds=61)  # the database stalled past the lease TTL
        seen_by_other.append(other.poll_once(store.commit))
        return store.commit(remote, data)

    [late] = slow.poll_once(slow_commit).files
    [taken_over] = seen_by_other
    assert taken_over.lease_held and taken_over.names(Outcome.ARCHIVED) == ["a.edi"]
    assert late.outcome is Outcome.GONE_AFTER_COMMIT and late.commit and late.commit.duplicate
    assert len(store.messages) == 1 and names(area.archive) == ["a.edi"]


# --------------------------------------------------------------------------- connection dropped mid-transfer


def test_connection_dropped_mid_transfer(
    sshd: SshdServer, endpoint: SftpEndpoint, area: Area, lease: SqlLease, store: Store
) -> None:
    payload = os.urandom(4 * 1024 * 1024)
    area.put("big.edi", payload)
    relay = CuttingRelay((sshd.host, sshd.port))
    try:
        poller = make_poller(dataclasses.replace(endpoint, port=relay.port), lease)
        relay.cut_after = 1024 * 1024  # handshake and listing are a few KiB; the file is 4 MiB
        report = poller.poll_once(store.commit)
        assert relay.cuts == 1
        assert report.error and report.names(Outcome.DOWNLOAD_FAILED) == ["big.edi"]
        assert store.calls == []
        assert (area.inbound / "big.edi").read_bytes() == payload and names(area.archive) == []

        relay.cut_after = None
        report = poller.poll_once(store.commit)
        assert report.ok and report.names(Outcome.ARCHIVED) == ["big.edi"]
        assert store.calls == [("big.edi", payload)]
    finally:
        relay.close()


# --------------------------------------------------------------------------- outbound push


def test_push_never_shows_a_partial_file(endpoint: SftpEndpoint, area: Area) -> None:
    payload = os.urandom(16 * 1024 * 1024)
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for entry in os.scandir(area.outbound):
                with contextlib.suppress(FileNotFoundError):  # renamed between listing and stat
                    seen.append((entry.name, entry.stat().st_size))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        path = SftpPusher(endpoint).push("855-0001.edi", payload)
    finally:
        stop.set()
        watcher.join()
    assert path == f"{area.outbound}/855-0001.edi"
    assert names(area.outbound) == ["855-0001.edi"]
    assert (area.outbound / "855-0001.edi").read_bytes() == payload
    final_sizes = {size for name, size in seen if name == "855-0001.edi"}
    assert final_sizes <= {len(payload)}, "the final name showed a partial file"
    assert any(name.startswith(".855-0001.edi.") and name.endswith(".part") for name, _ in seen)


def test_push_does_not_replace_a_file_not_yet_picked_up(endpoint: SftpEndpoint, area: Area) -> None:
    pusher = SftpPusher(endpoint)
    pusher.push("997.edi", b"first")
    with pytest.raises(RemoteFileExists):
        pusher.push("997.edi", b"second")
    assert names(area.outbound) == ["997.edi"]  # the temporary file is gone too
    assert (area.outbound / "997.edi").read_bytes() == b"first"
    pusher.push("997.edi", b"second", overwrite=True)
    assert names(area.outbound) == ["997.edi"]
    assert (area.outbound / "997.edi").read_bytes() == b"second"


def test_push_dropped_mid_upload_never_publishes(sshd: SshdServer, endpoint: SftpEndpoint, area: Area) -> None:
    relay = CuttingRelay((sshd.host, sshd.port))
    try:
        pusher = SftpPusher(dataclasses.replace(endpoint, port=relay.port))
        pusher.push("measure.edi", b"x")  # how many bytes the server sends for a tiny push
        handshake = relay.downstream
        relay.cut_after = handshake + 2048  # the write acknowledgements of an 8 MiB upload are far more
        with pytest.raises(ConnectionLost):
            pusher.push("810-0001.edi", os.urandom(8 * 1024 * 1024))
        assert relay.cuts == 1
        assert "810-0001.edi" not in names(area.outbound)
        relay.cut_after = None
        pusher.push("810-0001.edi", b"ISA~")
        assert (area.outbound / "810-0001.edi").read_bytes() == b"ISA~"
    finally:
        relay.close()
