"""SFTP into the gateway: a real sshd, the partner's profile, commit before archive."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.sftp_service import SftpService, poll_partner
from gateway.store import Message, current_status
from samples.simulators.sshd import SshdServer
from tests.support.gateway_server import RunningGateway, running_gateway
from tests.support.partner_folder import copy_partners

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "samples/partners/northwind-dist/samples/po-NW-55821.edi"


@pytest.fixture
def gateway(tmp_path: Path, sshd: SshdServer) -> Iterator[tuple[RunningGateway, Path]]:
    area = sshd.root / f"nw-{tmp_path.name}"
    for sub in ("in", "out", "archive"):
        (area / sub).mkdir(parents=True)
    home = tmp_path / "home"
    (home / "keys").mkdir(parents=True)
    shutil.copy(sshd.client_key_path, home / "keys" / "northwind-sftp.key")
    os.chmod(home / "keys" / "northwind-sftp.key", 0o600)
    sftp = {
        "host": "127.0.0.1",
        "port": sshd.port,
        "user": sshd.username,
        "key": {"file": "${EDIGW_HOME}/keys/northwind-sftp.key"},
        "host_key_fingerprint": sshd.host_key_fingerprint,
        "inbound": str(area / "in"),
        "outbound": str(area / "out"),
        "archive": str(area / "archive"),
        "poll_interval_seconds": 5,
        "min_file_age_seconds": 0,
        "after_download": "archive",
    }
    partners = copy_partners(tmp_path / "partners", {"northwind-dist": {"transports": {"sftp": sftp}}})
    with running_gateway(home, partners=partners) as gw:
        yield gw, area


def test_poll_commits_then_archives_and_dedupes(gateway: tuple[RunningGateway, Path]) -> None:
    gw, area = gateway
    profile = gw.runtime.registry.get("northwind-dist")
    (area / "in" / "po-1.edi").write_bytes(SAMPLE.read_bytes())
    old = time.time() - 120
    os.utime(area / "in" / "po-1.edi", (old, old))

    report = poll_partner(gw.runtime, profile, "test-holder")
    assert report.error is None and report.lease_held
    assert not (area / "in" / "po-1.edi").exists()
    assert [p.name for p in (area / "archive").iterdir()] == ["po-1.edi"]
    with gw.runtime.sessions() as session:
        [message] = session.scalars(select(Message).where(Message.partner_id == "northwind-dist")).all()
        assert message.raw == SAMPLE.read_bytes() and message.transport == "sftp" and message.file_name == "po-1.edi"
        assert current_status(session, message.id) == "received"

    # the partner uploads the same file again: recorded as a duplicate, archived, not processed twice
    (area / "in" / "po-1-again.edi").write_bytes(SAMPLE.read_bytes())
    os.utime(area / "in" / "po-1-again.edi", (old, old))
    poll_partner(gw.runtime, profile, "test-holder")
    with gw.runtime.sessions() as session:
        messages = session.scalars(select(Message).where(Message.partner_id == "northwind-dist")).all()
        assert len(messages) == 2
        assert sum(1 for m in messages if m.duplicate_of is not None) == 1


def test_service_polls_in_the_background(gateway: tuple[RunningGateway, Path]) -> None:
    gw, area = gateway
    (area / "in" / "po-2.edi").write_bytes(SAMPLE.read_bytes().replace(b"NW-55821", b"NW-55822"))
    old = time.time() - 120
    os.utime(area / "in" / "po-2.edi", (old, old))
    service = SftpService(gw.runtime)
    assert service.start() == 1
    try:
        deadline = time.time() + 20
        while (area / "in" / "po-2.edi").exists() and time.time() < deadline:
            time.sleep(0.2)
    finally:
        service.stop()
    assert (area / "archive" / "po-2.edi").exists()
