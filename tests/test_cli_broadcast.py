"""``loa broadcast`` and ``loa stats`` through ``main(argv)`` on a real database.

The CLI only queues; a running ``loa run`` sends. Here the test plays the sender's part by
marking the queued rows, so what is checked is the CLI: target, confirmation, progress, exit code.
(The whole path with the real senders and both emulators is in test_e2e_broadcast.py.)
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from loa.cli import main
from storage.db import open_database, session_factory
from storage.models import Broadcast, Delivery, Resident, Subscription

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "loa.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n', "utf-8")
    return path


@pytest.fixture
async def db(tmp_path: Path, config: Path) -> AsyncIterator[Sessions]:
    async with open_database(f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}") as engine:
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            for chat, channel, commune in [
                ("1", "telegram", "Sam Mứn"),
                ("2", "zalo", "Sam Mứn"),
                ("3", "zalo", "Thanh An"),
                ("4", "telegram", None),
            ]:
                resident = Resident(channel=channel, chat_id=chat)
                session.add(resident)
                await session.flush()
                if commune:
                    session.add(
                        Subscription(resident_id=resident.id, kind="commune", value=commune)
                    )
        yield sessions


async def _settle(sessions: Sessions, expected: int, state: str) -> None:
    """Act as the sender: wait for the queued rows, then mark them ``state``."""
    async with asyncio.timeout(10):
        while True:
            async with sessions.begin() as session:
                queued = await session.scalar(select(func.count()).select_from(Delivery))
                if queued == expected:
                    await session.execute(update(Delivery).values(state=state))
                    return
            await asyncio.sleep(0.05)


async def test_commune_broadcast_with_yes_follows_deliveries_to_the_end(
    db: Sessions, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "broadcast", "--yes", "--commune", "pom lot", "Cắt", "điện"]
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    await _settle(db, expected=2, state="sent")
    assert await cli == 0
    out, err = capsys.readouterr()
    assert "target: 2 residents (telegram 1, zalo 1)" in out
    assert "xã Pom Lót is now part of xã Sam Mứn" in err
    assert "sent 2" in out
    async with db() as session:
        stored = (await session.execute(select(Broadcast))).scalar_one()
    assert (stored.text, stored.commune, stored.state) == ("Cắt điện", "Sam Mứn", "done")
    assert json.loads(stored.report or "{}")["sent"] == 2


async def test_any_failed_delivery_makes_the_exit_status_non_zero(
    db: Sessions, config: Path
) -> None:
    argv = ["--config", str(config), "broadcast", "--yes", "--emergency", "Lũ quét"]
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    await _settle(db, expected=4, state="failed")
    assert await cli == 1


async def test_without_yes_a_refusal_sends_nothing(
    db: Sessions, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code = await asyncio.to_thread(main, ["--config", str(config), "broadcast", "Họp dân"])
    assert code == 1
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 0
        assert (await session.execute(select(Broadcast.state))).scalar_one() == "cancelled"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "empty"),
        (["x" * 1501], "at most 1500"),
        (["--commune", "Hà Nội Mới", "x"], "is not one commune"),
        (["--topic", "bong-da", "x"], "is not a topic slug"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(
    config: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["--config", str(config), "broadcast", *args]) == 2
    assert message in capsys.readouterr().err


async def test_stats_json_counts_residents_and_deliveries(
    db: Sessions, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "broadcast", "--yes", "--commune", "Thanh An", "x"]
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    await _settle(db, expected=1, state="sent")
    assert await cli == 0
    capsys.readouterr()
    assert await asyncio.to_thread(main, ["--config", str(config), "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["residents"] == {
        "telegram": {"active": 2, "inactive": 0},
        "zalo": {"active": 2, "inactive": 0},
    }
    assert stats["communes"] == {"Sam Mứn": 2, "Thanh An": 1}
    assert stats["deliveries"] == {"zalo": {"sent": 1}}
    assert stats["broadcasts"][0]["report"]["sent"] == 1
