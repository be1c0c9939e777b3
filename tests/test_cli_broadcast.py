"""``loa broadcast`` and ``loa stats`` through ``main(argv)`` on a real database.

The CLI only queues; a running ``loa run`` sends. Here the test plays the sender's part by
marking the queued rows, so what is checked is the CLI: target, confirmation, progress, exit code.
The CLI refuses to queue unless an instance holding ``<channel>:sender`` is alive: tests that
broadcast write such a heartbeat row (``live_sender``). Cancelling, listing and Ctrl+C are in
test_broadcast_lifecycle.py. (The whole path with the real senders and both emulators is in
test_e2e_broadcast.py.)
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from loa.cli import main
from storage import instances
from storage.db import open_database, session_factory
from storage.models import Broadcast, Delivery, Instance, Resident, Subscription, utcnow

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "loa.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n', "utf-8")
    return path


async def add_instance(
    sessions: Sessions, roles: list[str], *, seen_ago: timedelta = timedelta(0), name: str = "run"
) -> None:
    """A ``loa run`` heartbeat row holding the leases of ``roles``, last renewed (and seen)
    ``seen_ago``."""
    now = utcnow()
    async with sessions.begin() as session:
        session.add(
            Instance(
                id=name,
                host="test",
                pid=1,
                started_at=now - seen_ago,
                last_seen=now - seen_ago,
                roles=json.dumps(roles),
            )
        )
        for role in roles:
            await instances.acquire(session, role, name, now - seen_ago, timedelta(seconds=10))


@pytest.fixture
async def live_sender(db: Sessions) -> None:
    await add_instance(db, ["poller", "telegram:sender", "zalo:sender"])


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
    db: Sessions, config: Path, capsys: pytest.CaptureFixture[str], live_sender: None
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
    db: Sessions, config: Path, live_sender: None
) -> None:
    argv = ["--config", str(config), "broadcast", "--yes", "--emergency", "Lũ quét"]
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    await _settle(db, expected=4, state="failed")
    assert await cli == 1


async def test_without_yes_a_refusal_sends_nothing(
    db: Sessions, config: Path, monkeypatch: pytest.MonkeyPatch, live_sender: None
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
        (["--commune", "Hà Nội", "x"], "--commune: 'Hà Nội' is not a commune of Điện Biên;"),
        (["--commune", "sam mun x", "x"], "did you mean: xã Sam Mứn?"),
        (["--topic", "bong-da", "x"], "is not a topic slug"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(
    config: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["--config", str(config), "broadcast", *args]) == 2
    assert message in capsys.readouterr().err


async def test_stats_json_counts_residents_and_deliveries(
    db: Sessions, config: Path, capsys: pytest.CaptureFixture[str], live_sender: None
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


async def test_without_a_sender_it_says_so_at_once_and_queues_nothing(
    db: Sessions, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "broadcast", "--yes", "Họp", "dân"]
    async with asyncio.timeout(10):  # at once: no waiting for a sender that is not there
        assert await asyncio.to_thread(main, argv) == 1
    out, err = capsys.readouterr()
    assert "no running `loa run` sends on telegram, zalo" in err
    assert "telegram:sender, zalo:sender" in err
    assert "was not queued, nothing was sent" in out
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 0
        stored = (await session.execute(select(Broadcast))).scalar_one()
    # Not left in preview or sending: no later `loa run` can send it.
    assert stored.state == "cancelled"
    assert json.loads(stored.report or "{}")["why"] == "cancelled: no sender was running"


@pytest.mark.parametrize(
    ("roles", "seen_ago", "missing"),
    [
        (["telegram:sender", "zalo:sender"], timedelta(minutes=5), "telegram, zalo"),  # stale
        (["telegram:sender", "poller"], timedelta(0), "zalo"),  # one channel has no sender
        (["telegram:updates", "zalo:updates"], timedelta(0), "telegram, zalo"),  # other roles
    ],
)
async def test_a_sender_is_needed_for_every_channel_the_broadcast_reaches(
    db: Sessions,
    config: Path,
    capsys: pytest.CaptureFixture[str],
    roles: list[str],
    seen_ago: timedelta,
    missing: str,
) -> None:
    await add_instance(db, roles, seen_ago=seen_ago)
    argv = ["--config", str(config), "broadcast", "--yes", "x"]
    assert await asyncio.to_thread(main, argv) == 1
    assert f"no running `loa run` sends on {missing} " in capsys.readouterr().err
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 0


async def test_only_the_channels_reached_need_a_sender(
    db: Sessions, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await add_instance(db, ["zalo:sender"])  # Thanh An has one resident, on Zalo
    argv = ["--config", str(config), "broadcast", "--yes", "--commune", "Thanh An", "x"]
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    await _settle(db, expected=1, state="sent")
    assert await cli == 0
    assert "done: sent 1, failed 0" in capsys.readouterr().out


async def test_a_console_left_open_by_a_killed_chat_holds_nothing_back(
    db: Sessions, config: Path, live_sender: None, capsys: pytest.CaptureFixture[str]
) -> None:
    async with db.begin() as session:
        session.add(Resident(channel="console", chat_id="console"))  # loa chat was killed
    argv = ["--config", str(config), "broadcast", "--yes", "x"]
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    await _settle(db, expected=4, state="sent")  # the four residents of the bots
    assert await cli == 0
    async with db() as session:
        console = await session.execute(select(Resident).where(Resident.channel == "console"))
        assert not console.scalar_one().active


async def test_wait_zero_queues_and_returns(
    db: Sessions, config: Path, live_sender: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "broadcast", "--yes", "--wait", "0", "x"]
    assert await asyncio.to_thread(main, argv) == 0
    assert "4 deliveries queued" in capsys.readouterr().out
    async with db() as session:
        assert (await session.execute(select(Broadcast.state))).scalar_one() == "sending"
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 4


async def test_a_commune_nobody_chose_exits_1_with_the_reason_even_with_yes(
    db: Sessions,
    config: Path,
    capsys: pytest.CaptureFixture[str],
    live_sender: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LOA_ZALO_TOKEN", "1234567890:test-token")
    argv = ["--config", str(config), "broadcast", "--yes", "--commune", "Mường Nhé", "Họp"]
    assert await asyncio.to_thread(main, argv) == 1
    out, err = capsys.readouterr()
    assert "target: 0 residents" in out
    assert "nobody to send to: no resident has chosen Mường Nhé yet" in err
    assert "done" not in out
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 0
        assert (await session.execute(select(Broadcast.state))).scalar_one() == "cancelled"


async def test_without_any_bot_and_resident_the_reason_is_the_missing_bot(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--config", str(config), "broadcast", "--yes", "Họp dân"]
    assert await asyncio.to_thread(main, argv) == 1
    err = capsys.readouterr().err
    assert "nobody to send to: no bot is configured; set [zalo] token (LOA_ZALO_TOKEN)" in err
