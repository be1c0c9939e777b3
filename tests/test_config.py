"""Settings: typed, with errors that name the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from base.config import (
    TELEGRAM_API,
    ZALO_API,
    ConfigError,
    load_settings,
    parse_settings,
    resolve_path,
)

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


# --- forms that are accepted, and what they become ---------------------------------------


@pytest.mark.parametrize(
    ("written", "used"),
    [
        ("sqlite:///loa.db", "sqlite+aiosqlite:///loa.db"),
        ("sqlite:///./loa.db", "sqlite+aiosqlite:///./loa.db"),
        ("sqlite:////var/lib/loa/loa.db", "sqlite+aiosqlite:////var/lib/loa/loa.db"),
        ("sqlite+aiosqlite:///loa.db", "sqlite+aiosqlite:///loa.db"),
        ("postgresql://u:p@h:5432/loa", "postgresql+asyncpg://u:p@h:5432/loa"),
        ("postgres://u@h/loa", "postgresql+asyncpg://u@h/loa"),
        ("postgresql+psycopg://u@h/loa", "postgresql+asyncpg://u@h/loa"),
        ("postgresql+psycopg2://u@h/loa", "postgresql+asyncpg://u@h/loa"),
        ("postgresql+asyncpg://u@h/loa", "postgresql+asyncpg://u@h/loa"),
        ("postgresql://u@h/loa?sslmode=require", "postgresql+asyncpg://u@h/loa?ssl=require"),
    ],
)
def test_database_urls_as_people_write_them(written: str, used: str) -> None:
    from_file = parse_settings(f'[database]\nurl = "{written}"\n', Path("loa.toml"), env={})
    from_env = parse_settings("", Path("loa.toml"), env={"LOA_DATABASE_URL": written})
    assert from_file.database.url == from_env.database.url == used


@pytest.mark.parametrize(
    ("written", "telegram", "zalo"),
    [
        ("https://api.example.org", "https://api.example.org/bot", "https://api.example.org"),
        ("https://api.example.org/", "https://api.example.org/bot", "https://api.example.org"),
        ("https://api.example.org/bot", "https://api.example.org/bot", "https://api.example.org"),
        ("https://api.example.org/bot/", "https://api.example.org/bot", "https://api.example.org"),
        ("http://127.0.0.1:8081/tg", "http://127.0.0.1:8081/tg/bot", "http://127.0.0.1:8081/tg"),
        ("HTTP://127.0.0.1:8081/bot", "http://127.0.0.1:8081/bot", "http://127.0.0.1:8081"),
    ],
)
def test_api_base_url_with_or_without_bot(written: str, telegram: str, zalo: str) -> None:
    """One convention: the server's base URL; a trailing /bot is tolerated on both channels.

    Telegram keeps the "/bot" python-telegram-bot appends the token to; ZaloBotApi adds its own.
    """
    text = f'[telegram]\napi_base_url = "{written}"\n[zalo]\napi_base_url = "{written}"\n'
    settings = parse_settings(text, Path("loa.toml"), env={})
    assert settings.telegram.api_base_url == telegram
    assert settings.zalo.api_base_url == zalo


def test_default_api_base_urls() -> None:
    settings = parse_settings("", Path("loa.toml"), env={})
    # The platforms' own servers (named once, in base.config; no test contacts them).
    assert settings.telegram.api_base_url == f"{TELEGRAM_API}/bot"
    assert settings.zalo.api_base_url == ZALO_API


def test_a_token_with_a_trailing_newline_is_stripped_with_a_warning() -> None:
    text = '[telegram]\ntoken = "123456:AAE_secret-x\\n"\n'
    env = {"LOA_ZALO_TOKEN": " 987:zalo-secret\n"}
    settings = parse_settings(text, Path("loa.toml"), env=env)
    assert settings.telegram.token == "123456:AAE_secret-x"
    assert settings.zalo.token == "987:zalo-secret"
    warnings = settings.load_warnings()
    assert len(warnings) == 2
    assert "key 'telegram.token'" in warnings[0] and "LOA_ZALO_TOKEN" in warnings[1]
    assert not any("secret" in w for w in warnings)


@pytest.mark.parametrize("written", ["debug", "Debug", "INFO", "warning", "warn", " error "])
def test_log_level_any_case(written: str) -> None:
    settings = parse_settings(f'[logging]\nlevel = "{written}"\n', Path("loa.toml"), env={})
    assert settings.logging.level in {"DEBUG", "INFO", "WARNING", "ERROR"}
    assert settings.logging.level.lower().startswith(written.strip().lower())
    assert settings.logging.debug_libraries is False


_SOURCE = '[[sources]]\nname = "xa"\ntype = "html"\nurl = "https://xa.example.org/"\n'


def test_a_source_commune_by_its_old_name_is_stored_as_todays_unit() -> None:
    settings = parse_settings(_SOURCE + 'commune = "Pom Lót"\n', Path("loa.toml"), env={})
    assert settings.sources[0].commune == "Sam Mứn"
    [warning] = settings.load_warnings()
    assert "sources.[0].commune" in warning and "Pom Lót" in warning and "Sam Mứn" in warning


@pytest.mark.parametrize("written", ["Sam Mứn", "xã Sam Mứn", "sam mun", "Xa Sam Mun"])
def test_a_source_commune_written_any_way_is_todays_name(written: str) -> None:
    settings = parse_settings(_SOURCE + f'commune = "{written}"\n', Path("loa.toml"), env={})
    assert settings.sources[0].commune == "Sam Mứn"
    assert settings.load_warnings() == []


def test_valid_selectors_load() -> None:
    text = _SOURCE + (
        '[sources.selectors]\nitem = "div.news-item a[href]"\nnext_page = "a.next, .pager a"\n'
        'title = "h1.title"\ndate = "span[class*=date]"\nbody = "#content > div"\n'
    )
    settings = parse_settings(text, Path("loa.toml"), env={})
    assert settings.sources[0].selectors.item == "div.news-item a[href]"


def test_the_example_loads_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from loa.cli import main

    for name in ("LOA_DATABASE_URL", "LOA_TELEGRAM_TOKEN", "LOA_ZALO_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    example = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    (tmp_path / "loa.toml").write_text(example, encoding="utf-8")
    assert main(["--config", "loa.toml", "stats"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_source_needs_only_a_name_and_an_address(tmp_path: Path) -> None:
    text = '[[sources]]\nname = "bao-tinh"\nurl = "https://baotinh.example.vn/"\n'
    settings = parse_settings(text, tmp_path / "a.toml", env={})
    assert settings.sources[0].type == "auto"
    example = load_settings(ROOT / "config.example.toml", env={})
    auto = {s.name for s in example.sources if s.type == "auto"}
    assert {"dien-bien-tv", "bao-dien-bien-phu", "phuong-muong-thanh"} <= auto
