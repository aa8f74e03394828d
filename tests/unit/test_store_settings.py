"""Settings from the environment: the embedded defaults and clear errors for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.settings import Settings, SettingsError, parse_size


def test_defaults_are_the_embedded_mode_under_edigw_home(tmp_path: Path) -> None:
    settings = Settings.from_env({"EDIGW_HOME": str(tmp_path / "home")})
    assert settings.home == tmp_path / "home"
    assert settings.database_url == f"sqlite:///{tmp_path / 'home' / 'edigw.sqlite3'}"
    assert settings.broker_url == f"sqla+sqlite:///{tmp_path / 'home' / 'broker.sqlite3'}"
    assert settings.embedded and settings.port == 8080
    assert settings.keys_dir == tmp_path / "home" / "keys"
    assert settings.partners_dir.name == "partners"


def test_home_defaults_to_var_in_the_working_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}).home == tmp_path / "var"


def test_production_urls_and_limits_come_from_the_environment(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "EDIGW_HOME": str(tmp_path),
            "EDIGW_DATABASE_URL": "postgresql+psycopg://edigw@db/edigw",
            "EDIGW_BROKER_URL": "redis://redis:6379/0",
            "EDIGW_PORT": "9090",
            "EDIGW_MAX_BODY_BYTES": "10M",
            "EDIGW_MAX_FILE_BYTES": "2048",
            "EDIGW_PARTNERS": str(tmp_path / "partners"),
        }
    )
    assert not settings.embedded
    assert (settings.port, settings.max_body_bytes, settings.max_file_bytes) == (9090, 10 * 1024**2, 2048)
    assert settings.broker_url == "redis://redis:6379/0"
    assert settings.partners_dir == tmp_path / "partners"


@pytest.mark.parametrize(("text", "size"), [("0", 0), ("512K", 524288), ("50m", 52428800), ("1GiB", 1073741824)])
def test_sizes(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize(
    ("name", "value"), [("EDIGW_PORT", "http"), ("EDIGW_PORT", "70000"), ("EDIGW_MAX_BODY_BYTES", "lots")]
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
