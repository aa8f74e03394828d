"""A non-editable install (the Docker image's ``pip install .``) carries the data it loads at run time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration

CHECK = """
import sys
from pathlib import Path
import gateway, tasks
from tasks.sinks.config import load_sinks
from partners.registry import Registry
from gateway.store.engine import MIGRATIONS, init_db, make_engine
from gateway.web import HERE
site = Path(sys.argv[1])
assert Path(gateway.__file__).is_relative_to(site) and Path(tasks.__file__).is_relative_to(site)
assert MIGRATIONS.is_relative_to(site)
assert [s.name for s in load_sinks().sinks] == ["erp", "wms", "shop"]
registry = Registry.load()
assert sorted(p.id for p in registry) == ["acme-supply", "bigbox", "northwind-dist"], list(registry)
assert (HERE / "templates" / "base.html").is_file()
init_db(make_engine(f"sqlite:///{site.parent / 'store.sqlite3'}"))  # the migrations run from the package
print("ok")
"""


#: not part of a source tree: a build from the checkout itself would reuse a stale build/ directory
_NOT_SOURCE = shutil.ignore_patterns(
    ".*", "build", "*.egg-info", "__pycache__", "bench", "tests", "test-artifacts", "var", "docs"
)


def test_a_wheel_install_finds_its_runtime_data(tmp_path: Path) -> None:
    source, dist, site = tmp_path / "source", tmp_path / "dist", tmp_path / "site"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCE)
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    build = subprocess.run(
        [*pip_wheel, "-w", str(dist), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = dist.glob("edigw-*.whl")
    with zipfile.ZipFile(wheel) as archive:  # a pure-Python wheel installs by unpacking
        archive.extractall(site)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EDIGW_")}
    env["PYTHONPATH"] = str(site)  # ahead of the editable install of this checkout
    run = subprocess.run(
        [sys.executable, "-c", CHECK, str(site)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0 and run.stdout.strip() == "ok", run.stderr[-3000:]
