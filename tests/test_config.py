"""Settings: typed, with errors that name the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from loa.config import ConfigError, load_settings, parse_settings, resolve_path

ROOT = Path(__file__).parent.parent


def test_example_config_is_valid() -> None:
    settings = load_settings(ROOT / "config.example.toml", env={})
    assert settings.database.url.startswith("sqlite")
    assert {s.type for s in settings.sources} == {"html"} or settings.sources


def test_unknown_key_is_named_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "loa.toml"
    path.write_text('[database]\nurll = "sqlite://"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    assert str(path) in str(info.value)
    assert "database.urll" in str(info.value)


def test_missing_required_source_key(tmp_path: Path) -> None:
    text = '[[sources]]\nname = "x"\ntype = "html"\n'
    with pytest.raises(ConfigError) as info:
        parse_settings(text, tmp_path / "a.toml", env={})
    assert "sources.[0].url" in str(info.value)
    assert "required" in str(info.value)


def test_environment_supplies_secrets_and_database() -> None:
    env = {"LOA_DATABASE_URL": "sqlite+aiosqlite:///x.db", "LOA_TELEGRAM_TOKEN": "1:abc"}
    settings = parse_settings("", Path("loa.toml"), env=env)
    assert settings.database.url == "sqlite+aiosqlite:///x.db"
    assert settings.telegram.token == "1:abc"


def test_config_path_precedence() -> None:
    assert resolve_path("a.toml", env={"LOA_CONFIG": "b.toml"}) == Path("a.toml")
    assert resolve_path(None, env={"LOA_CONFIG": "b.toml"}) == Path("b.toml")
    assert resolve_path(None, env={}) == Path("loa.toml")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize("section", ["telegram", "zalo"])
def test_a_webhook_needs_a_secret(section: str) -> None:
    text = f'[{section}]\nwebhook_url = "https://loa.example.org/{section}/webhook"\n'
    with pytest.raises(ConfigError) as info:
        parse_settings(text, Path("loa.toml"), env={})
    assert f"key '{section}'" in str(info.value) and "webhook_secret" in str(info.value)
