"""docker-compose.yml, checked without a Docker engine: every command our services run
parses with our own command lines, the workers reach the simulators' ports with the
secrets the simulators check, and the image holds every package."""

from __future__ import annotations

import importlib
import re
import shlex
from typing import Any
from urllib.parse import urlsplit

import click
import pytest
import yaml

from gateway.cli import cli
from samples.simulators.__main__ import DEFAULT_PORTS, _parser
from tasks.sinks.config import expand, load_sinks
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
OURS = sorted(name for name, service in SERVICES.items() if service.get("build"))


def defaults(values: dict[str, str]) -> dict[str, str]:
    """A service's environment as compose gives it when nothing is set: ``${VAR:-default}`` -> default."""
    return {key: expand(str(value), {}) for key, value in values.items()}


def test_the_stack_has_the_services_the_design_names() -> None:
    assert {"postgres", "redis", "gateway", "worker", "beat", "simulators"} <= set(SERVICES)
    assert {"gateway", "worker", "beat", "simulators"} <= set(OURS)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_dependencies_and_volumes_exist(name: str) -> None:
    service = SERVICES[name]
    assert set(service.get("depends_on") or {}) <= set(SERVICES)
    for volume in service.get("volumes") or []:
        source = volume.split(":")[0]
        assert source.startswith(("/", ".")) or source in COMPOSE["volumes"], volume


@pytest.mark.parametrize("name", OURS)
def test_commands_parse(name: str) -> None:
    argv = [expand(str(a), {}) for a in SERVICES[name]["command"]]
    if argv[0] == "edigw":
        ctx = cli.make_context("edigw", argv[1:2], resilient_parsing=False)
        command = cli.get_command(ctx, argv[1])
        assert isinstance(command, click.Command), argv
        command.make_context(argv[1], argv[2:], parent=ctx)  # raises on an unknown option
    elif argv[:3] == ["python", "-m", "samples.simulators"]:
        _parser().parse_args(argv[3:])
    elif argv[:3] == ["python", "-m", "celery"]:
        module, _, attribute = argv[argv.index("-A") + 1].partition(":")
        assert getattr(importlib.import_module(module), attribute).main == "edigw"
    else:
        pytest.fail(f"{name}: unknown command {shlex.join(argv)}")


def test_workers_reach_the_simulators_with_the_secrets_they_check(monkeypatch: pytest.MonkeyPatch) -> None:
    worker = defaults(SERVICES["worker"]["environment"])
    simulators = defaults(SERVICES["simulators"]["environment"])
    ports = {int(p) for spec in SERVICES["simulators"]["ports"] for p in _port_range(spec)}
    for key, value in worker.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("EDIGW_SINKS", raising=False)
    for sink in load_sinks().sinks:
        url = urlsplit(str(sink.base_url))
        assert (url.hostname, url.port) == ("simulators", DEFAULT_PORTS[sink.kind]), sink.name
        assert url.port in ports
        for ref in (sink.auth.token, sink.auth.password, sink.auth.secret):
            if ref is not None:
                assert ref.env in worker and worker[ref.env] == simulators.get(ref.env), ref.env


def _port_range(spec: str) -> range:
    low, _, high = spec.split(":")[-1].partition("-")
    return range(int(low), int(high or low) + 1)


def test_the_image_holds_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY (\w+) \1$", dockerfile, re.MULTILINE))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    packages = set(re.findall(r'"(\w+)\*"', pyproject))
    assert packages and packages <= copied
    assert all((ROOT / p).is_dir() for p in copied)
