"""Logging: DEBUG shows Loa's lines, not the libraries' internals; no secret in any line."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from base.config import parse_settings
from loa.logs import LIBRARY_LEVELS, RedactSecrets, configure_logging, setup_logging

TOKEN = "123456:AAE_telegram-token"
ZALO_TOKEN = "zalo-token-777"
TG_SECRET = "tg-webhook-secret-1"
ZALO_SECRET = "zalo-webhook-secret-2"
CONFIG = f"""
[database]
url = "postgresql://loa:db-pass-word@127.0.0.1:5432/loa"
[telegram]
token = "{TOKEN}"
webhook_url = "https://loa.example.org/telegram/webhook"
webhook_secret = "{TG_SECRET}"
[zalo]
token = "{ZALO_TOKEN}"
webhook_url = "https://loa.example.org/zalo/webhook"
webhook_secret = "{ZALO_SECRET}"
[logging]
level = "debug"
"""
LIBRARIES = ["aiosqlite", "asyncpg", "sqlalchemy.engine.Engine", "httpcore.http11", "telegram.ext"]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in [*LIBRARY_LEVELS, "loa"]}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)


@pytest.mark.parametrize("library", LIBRARIES)
def test_debug_hides_library_internals_by_default(library: str) -> None:
    setup_logging("DEBUG")
    assert logging.getLogger("loa.runtime").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("loa.test.anything").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger(library).isEnabledFor(logging.DEBUG)
    assert logging.getLogger(library).isEnabledFor(logging.WARNING)


@pytest.mark.parametrize("library", LIBRARIES)
def test_debug_libraries_turns_them_on(library: str) -> None:
    setup_logging("DEBUG", debug_libraries=True)
    assert logging.getLogger(library).isEnabledFor(logging.DEBUG)


def test_quieter_levels_keep_libraries_as_quiet() -> None:
    setup_logging("ERROR")
    for name in LIBRARY_LEVELS:
        assert not logging.getLogger(name).isEnabledFor(logging.WARNING), name
    setup_logging("INFO", debug_libraries=True)  # only DEBUG turns library internals on
    assert not logging.getLogger("aiosqlite").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)


def test_every_secret_of_the_settings_is_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    settings = parse_settings(CONFIG, Path("loa.toml"), env={})
    configure_logging(settings)
    log = logging.getLogger("telegram.ext.ExtBot")
    logging.getLogger("loa.test").debug(
        "secrets %s %s %s %s %s", TOKEN, ZALO_TOKEN, TG_SECRET, ZALO_SECRET, "db-pass-word"
    )
    log.warning(
        "Calling Bot API endpoint `setWebhook` with parameters `%s`",
        {"url": "https://loa.example.org/telegram/webhook", "secret_token": TG_SECRET},
    )
    err = capsys.readouterr().err
    assert err.count("<redacted>") >= 6, err
    for secret in (TOKEN, ZALO_TOKEN, TG_SECRET, ZALO_SECRET, "db-pass-word"):
        assert secret not in err


@pytest.mark.parametrize(
    "line",
    [
        "setWebhook {'url': 'https://x/hook', 'secret_token': 'unknown-secret'}",
        'headers: {"X-Telegram-Bot-Api-Secret-Token": "unknown-secret"}',
        "POST http://127.0.0.1:8081/bot999:unknown-secret/getMe",
        "url=https://x/hook&secret_token=unknown-secret&max=1",
    ],
)
def test_secret_shapes_are_redacted_even_when_not_configured(line: str) -> None:
    assert "unknown-secret" not in RedactSecrets().redact(line)


def test_debug_stats_shows_no_library_lines_and_no_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``level = "debug"`` used to flood ``loa stats`` with aiosqlite's internals."""
    from loa.cli import main

    for name in ("LOA_DATABASE_URL", "LOA_TELEGRAM_TOKEN", "LOA_ZALO_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "loa.toml"
    path.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path / "loa.db"}"\n[logging]\nlevel = "DEBUG"\n'
        f'[telegram]\nwebhook_url = "https://x.example/hook"\nwebhook_secret = "{TG_SECRET}"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(path), "stats"]) == 0
    err = capsys.readouterr().err
    noisy = [line for line in err.splitlines() if any(n in line for n in ("aiosqlite", "sqlalch"))]
    assert noisy == [], err
    assert TG_SECRET not in err
