"""``loa residents`` and ``loa residents restore`` as an operator reads them (issue 21)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from base.config import Settings
from loa.cli import main
from loa.cmd.residents import parse_since

ROWS = [
    # channel, chat, active, deactivated_at (as SQLAlchemy stores it on SQLite), by, why
    ("zalo", "z1", 0, "2026-12-06 04:00:00.000000", "sender", "blocked the bot"),
    ("zalo", "z2", 0, "2026-12-06 04:01:00.000000", "sender", "blocked the bot"),
    ("zalo", "z3", 1, None, None, None),
    (
        "telegram",
        "t1",
        0,
        "2026-12-06 04:02:00.000000",
        "member update",
        "blocked or removed the bot",
    ),
    ("telegram", "t2", 0, None, None, None),  # deactivated before migration 0013
]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "loa.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/loa.db"\n', "utf-8")
    assert main(["--config", str(path), "db", "upgrade"]) == 0
    with sqlite3.connect(tmp_path / "loa.db") as db:
        db.executemany(
            "INSERT INTO residents (channel, chat_id, active, created_at, updated_at,"
            " deactivated_at, deactivated_by, deactivated_why)"
            " VALUES (?, ?, ?, '2026-01-01', '2026-01-01', ?, ?, ?)",
            ROWS,
        )
    return path


def test_counts_per_channel_and_reason_zalo_first(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["--config", str(config), "residents"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "zalo: 1 active resident",
        "  inactive 2: blocked the bot (by sender, last 2026-12-06 11:01 +07)",
        "telegram: 0 active residents",
        "  inactive 1: blocked or removed the bot (by member update, last 2026-12-06 11:02 +07)",
        "  inactive 1: no reason recorded (deactivated before Loa kept one)",
    ]


def test_restore_only_the_senders_since_a_local_time(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    since = ["residents", "restore", "--since", "2026-12-06 11:01", "--yes"]
    assert main(["--config", str(config), *since]) == 0
    out = capsys.readouterr().out
    assert "restored 1 resident deactivated by the sender since 2026-12-06 11:01 +07" in out
    with sqlite3.connect(config.parent / "loa.db") as db:
        active = db.execute("SELECT chat_id FROM residents WHERE active ORDER BY 1").fetchall()
    assert active == [("z2",), ("z3",)]  # not z1 (earlier), not t1 (not the sender's)


def test_since_takes_an_age_or_a_time() -> None:
    now = datetime(2026, 12, 6, 5, 0, tzinfo=UTC)
    settings = Settings()
    assert parse_since("90m", settings, now) == now - timedelta(minutes=90)
    assert parse_since("2d", settings, now) == now - timedelta(days=2)
    assert parse_since("2026-12-06 11:00", settings, now) == datetime(2026, 12, 6, 4, tzinfo=UTC)
    assert parse_since("2026-12-06T04:00+00:00", settings, now) == datetime(
        2026, 12, 6, 4, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="--since 'soon'"):
        parse_since("soon", settings, now)
