"""A broadcast's life from the CLI: queued only with a live sender, cancelled (``loa broadcasts
cancel``, Ctrl+C, a sender gone when the wait ends) and never sent afterwards, listed, and
drafts that expire. On every backend."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import SenderSettings, Settings
from bot import texts
from bot.catalog import Catalog, build_catalog
from bot.channel import Channel, Incoming, Reply
from bot.commands import Commands
from jobs.send import Sender
from loa.cli import main
from loa.cmd.broadcast import follow
from storage import broadcasts
from storage.broadcast_targets import Target
from storage.models import Broadcast, Delivery, Resident, utcnow
from tests.test_cli_broadcast import add_instance

Sessions = async_sessionmaker[AsyncSession]
ROOT = Path(__file__).resolve().parent.parent
SENDERS = ["telegram:sender", "zalo:sender"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


@pytest.fixture
async def config(tmp_path: Path, database_url: str, sessions: Sessions) -> Path:
    """A settings file on this backend, with four residents (two per bot)."""
    async with sessions.begin() as session:
        for channel, chat in [("telegram", "1"), ("zalo", "2"), ("zalo", "3"), ("telegram", "4")]:
            session.add(Resident(channel=channel, chat_id=chat))
    path = tmp_path / "loa.toml"
    path.write_text(f'[database]\nurl = "{database_url}"\n', "utf-8")
    return path


class Recording(Channel):
    """A channel that keeps what it was asked to send."""

    max_text_length = 4096

    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[tuple[str, str]] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.sent.append((chat_id, reply.html))
        return str(len(self.sent))


async def cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def _states(sessions: Sessions) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.broadcast_id.is_not(None))
            .group_by(Delivery.state)
        )
        return {state: int(count) for state, count in rows.all()}


async def _broadcast(sessions: Sessions) -> Broadcast:
    """The newest broadcast."""
    async with sessions() as session:
        rows = await session.execute(select(Broadcast).order_by(Broadcast.id.desc()).limit(1))
        return rows.scalar_one()


async def _queue(config: Path, sessions: Sessions, *words: str) -> int:
    """``loa broadcast --yes --wait 0``: queued for the four residents; the broadcast's id."""
    assert await cli("--config", str(config), "broadcast", "--yes", "--wait", "0", *words) == 0
    assert await _states(sessions) == {"pending": 4}
    return (await _broadcast(sessions)).id


async def _run_senders(sessions: Sessions, seconds: float = 0.6) -> list[Recording]:
    """A later ``loa run``: both bots' senders, for a moment."""
    channels = [Recording("telegram"), Recording("zalo")]
    settings = SenderSettings(idle_poll_seconds=0.05)
    senders = [
        Sender(c, sessions, settings, rate_per_second=None, per_chat_interval=0) for c in channels
    ]
    for sender in senders:
        await sender.start()
    await asyncio.sleep(seconds)
    for sender in senders:
        await sender.stop()
    return channels


async def test_cancel_drops_the_pending_deliveries_and_no_later_sender_sends_them(
    config: Path, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await add_instance(sessions, SENDERS)
    broadcast_id = await _queue(config, sessions, "Họp", "dân")
    # One had gone out before the operator cancelled.
    async with sessions.begin() as session:
        first = await session.scalar(select(func.min(Delivery.id)))
        await session.execute(update(Delivery).where(Delivery.id == first).values(state="sent"))
    capsys.readouterr()
    assert await cli("--config", str(config), "broadcasts", "cancel", str(broadcast_id)) == 0
    out = capsys.readouterr().out
    assert f"broadcast #{broadcast_id} cancelled: sent 1 before the cancel" in out
    assert "3 pending deliveries dropped" in out
    assert await _states(sessions) == {"sent": 1, "failed": 3}
    async with sessions() as session:
        errors = set(
            await session.scalars(select(Delivery.last_error).where(Delivery.state == "failed"))
        )
    assert errors == {"cancelled by the operator"}
    stored = await _broadcast(sessions)
    assert stored.state == "cancelled"
    report = json.loads(stored.report or "{}")
    assert (report["sent"], report["failed"], report["cancelled"]) == (1, 0, 3)

    channels = await _run_senders(sessions)
    assert [c.sent for c in channels] == [[], []]
    assert await _states(sessions) == {"sent": 1, "failed": 3}


async def test_cancel_refuses_an_unknown_or_finished_broadcast(
    config: Path, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("--config", str(config), "broadcasts", "cancel", "99") == 2
    assert "there is no broadcast #99" in capsys.readouterr().err
    await add_instance(sessions, SENDERS)
    broadcast_id = await _queue(config, sessions, "x")
    assert await cli("--config", str(config), "broadcasts", "cancel", str(broadcast_id)) == 0
    capsys.readouterr()
    assert await cli("--config", str(config), "broadcasts", "cancel", str(broadcast_id)) == 2
    assert f"broadcast #{broadcast_id} is already cancelled" in capsys.readouterr().err
    async with sessions.begin() as session:
        await session.execute(update(Broadcast).values(state="done"))
    assert await cli("--config", str(config), "broadcasts", "cancel", str(broadcast_id)) == 2
    assert "is already done: nothing to cancel" in capsys.readouterr().err


async def test_cancel_a_draft_in_preview(
    config: Path, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    async with sessions.begin() as session:
        draft = await broadcasts.create_preview(
            session, text="x", target=Target(), emergency=False, created_by="cli"
        )
    assert await cli("--config", str(config), "broadcasts", "cancel", str(draft.id)) == 0
    assert "cancelled before it was sent: nothing was sent" in capsys.readouterr().out
    async with sessions.begin() as session:  # Gửi afterwards queues nothing
        assert await broadcasts.confirm(session, draft.id) is None
    assert await _states(sessions) == {}


async def test_list_json_shape_newest_first(
    config: Path, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await add_instance(sessions, SENDERS)
    sending = await _queue(config, sessions, "Cắt", "điện")
    async with sessions.begin() as session:
        draft = await broadcasts.create_preview(
            session,
            text="Họp\ndân",
            target=Target(commune="Sam Mứn", topic="canh-bao"),
            emergency=True,
            created_by="telegram:7",
        )
        await session.execute(
            update(Delivery).where(Delivery.resident_id == 1).values(state="sent")
        )
    capsys.readouterr()
    assert await cli("--config", str(config), "broadcasts", "--json") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [b["id"] for b in lines] == [draft.id, sending]
    newest, older = lines
    assert set(newest) == {
        "id",
        "state",
        "expired",
        "created_by",
        "author",
        "author_name",
        "scope",
        "created_at",
        "confirmed_at",
        "finished_at",
        "expires_at",
        "commune",
        "topic",
        "emergency",
        "text",
        "counts",
        "progress",
        "report",
    }
    assert (newest["state"], newest["created_by"], newest["emergency"]) == (
        "preview",
        "telegram:7",
        True,
    )
    assert (newest["commune"], newest["topic"], newest["counts"]) == ("Sam Mứn", "canh-bao", {})
    assert newest["expires_at"] > newest["created_at"] and newest["progress"] is None
    assert (older["state"], older["created_by"], older["text"]) == ("sending", "cli", "Cắt điện")
    assert older["counts"] == {"telegram": 2, "zalo": 2}
    assert older["progress"] == {
        "sent": 1,
        "failed": 0,
        "pending": 3,
        "held": 0,  # for residents' quiet hours: none here
        "held_until": None,
    }
    assert older["confirmed_at"] and older["expires_at"] is None

    assert await cli("--config", str(config), "broadcasts") == 0
    human = capsys.readouterr().out.splitlines()
    assert human[0].startswith(f"#{draft.id}") and "preview!" in human[0] and "+07" in human[0]
    assert "to Sam Mứn + topic canh-bao" in human[0] and "«Họp dân»" in human[0]
    assert "sent 1 failed 0 pending 3" in human[1] and "by cli" in human[1]


async def test_listing_expires_old_drafts(
    config: Path, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    async with sessions.begin() as session:
        for _ in range(2):
            await broadcasts.create_preview(
                session, text="x", target=Target(), emergency=False, created_by="cli"
            )
        await session.execute(
            update(Broadcast)
            .where(Broadcast.id == 1)
            .values(created_at=utcnow() - timedelta(hours=25))
        )
    assert await cli("--config", str(config), "broadcasts", "--json") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(b["id"], b["state"], b["expired"]) for b in lines] == [
        (2, "preview", False),
        (1, "cancelled", True),
    ]
    assert lines[1]["report"] == {"reason": "expired"}


# ---------------------------------------------------------------- waiting, Ctrl+C, timeouts


async def _confirmed(sessions: Sessions) -> int:
    async with sessions.begin() as session:
        draft = await broadcasts.create_preview(
            session, text="x", target=Target(), emergency=False, created_by="cli"
        )
        assert await broadcasts.confirm(session, draft.id) == 4
    return draft.id


async def test_ctrl_c_without_a_terminal_cancels_and_says_so(
    config: Path, sessions: Sessions
) -> None:
    await add_instance(sessions, SENDERS)
    argv = ["-m", "loa.cli", "--config", str(config), "broadcast", "--yes", "Lũ"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *argv,
        stdin=asyncio.subprocess.DEVNULL,  # not a terminal: Ctrl+C cancels without asking
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        async with asyncio.timeout(60):
            head = b""
            while b"deliveries queued" not in head:
                line = await process.stdout.readline()
                assert line, await process.stderr.read()
                head += line
            await asyncio.sleep(0.3)  # waiting for the report now
            process.send_signal(signal.SIGINT)
            rest, err = await process.communicate()
    finally:
        if process.returncode is None:
            process.kill()
    out = (head + rest).decode()
    assert process.returncode == 1, err.decode()
    assert "Ctrl+C: broadcast #1 cancelled; sent 0 before the cancel" in out
    assert b"Traceback" not in err
    assert await _states(sessions) == {"failed": 4}
    assert (await _broadcast(sessions)).state == "cancelled"
    assert [c.sent for c in await _run_senders(sessions)] == [[], []]


async def test_ctrl_c_on_a_terminal_asks_whether_to_cancel(
    config: Path,
    sessions: Sessions,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await add_instance(sessions, SENDERS)
    broadcast_id = await _confirmed(sessions)
    answers = iter(["n", "y"])  # first "go on waiting", then "cancel"
    asked: list[str] = []

    def answer(prompt: str) -> str:
        asked.append(prompt)
        interrupted.set()  # after "n", Ctrl+C comes again
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    interrupted = asyncio.Event()
    interrupted.set()
    code = await follow(
        sessions,
        broadcast_id,
        ["telegram", "zalo"],
        30,
        interactive=lambda: True,
        interrupted=interrupted,
    )
    assert code == 1
    assert asked == [f"Cancel broadcast #{broadcast_id}? [y/N] "] * 2
    assert "cancelled; sent 0 before the cancel" in capsys.readouterr().out
    assert await _states(sessions) == {"failed": 4}


async def test_ctrl_c_twice_on_a_terminal_leaves_it_to_loa_run(
    config: Path,
    sessions: Sessions,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    await add_instance(sessions, SENDERS)
    broadcast_id = await _confirmed(sessions)

    def interrupted_again(prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupted_again)
    interrupted = asyncio.Event()
    interrupted.set()
    code = await follow(
        sessions,
        broadcast_id,
        ["telegram"],
        30,
        interactive=lambda: True,
        interrupted=interrupted,
    )
    assert code == 130
    assert f"loa broadcasts cancel {broadcast_id}" in capsys.readouterr().err
    assert await _states(sessions) == {"pending": 4}


async def test_a_wait_that_ends_without_a_sender_cancels(
    config: Path, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    broadcast_id = await _confirmed(sessions)  # its loa run died meanwhile: no instance row
    assert await follow(sessions, broadcast_id, ["telegram", "zalo"], 0.2) == 1
    out = capsys.readouterr().out
    assert "no running `loa run` sends on telegram, zalo" in out and "cancelled" in out
    assert await _states(sessions) == {"failed": 4}


async def test_a_wait_that_ends_with_a_live_sender_leaves_it_sending(
    config: Path, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await add_instance(sessions, SENDERS)
    broadcast_id = await _confirmed(sessions)
    assert await follow(sessions, broadcast_id, ["telegram", "zalo"], 0.2) == 1
    assert "not finished after 0.2 s" in capsys.readouterr().out
    assert await _states(sessions) == {"pending": 4}
    assert (await _broadcast(sessions)).state == "sending"


# ---------------------------------------------------------------- drafts in chat that expire


def _said(text: str = "", data: str | None = None) -> Incoming:
    return Incoming(
        channel="telegram",
        chat_id="admin",
        user_id="7",
        text=text,
        callback_data=data,
        message_id="5",
    )


def _data(reply: Reply, label: str) -> str:
    return next(b.data for row in reply.buttons for b in row if b.label == label)


@pytest.fixture
def commands(sessions: Sessions, catalog: Catalog) -> Commands:
    settings = Settings.model_validate(
        {"telegram": {"admins": [7]}, "broadcasts": {"preview_expiry_hours": 2}}
    )
    return Commands(sessions, catalog, settings)


async def _age(sessions: Sessions, broadcast_id: int, hours: float) -> None:
    async with sessions.begin() as session:
        await session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id)
            .values(created_at=utcnow() - timedelta(hours=hours))
        )


async def test_gui_on_an_expired_preview_says_it_expired(
    commands: Commands, sessions: Sessions, config: Path
) -> None:
    _, question = await commands.handle(_said("/thongbao Họp dân"))
    await _age(sessions, 1, hours=2.5)  # configured: 2 hours
    (answer,) = await commands.handle(_said(data=_data(question, "Gửi")))
    assert answer.html == texts.BROADCAST_EXPIRED
    assert await _states(sessions) == {}
    assert (await _broadcast(sessions)).state == "cancelled"
    async with sessions() as session:
        assert await broadcasts.is_expired(session, 1)
    (again,) = await commands.handle(_said(data=_data(question, "Gửi")))
    assert again.html == texts.BROADCAST_EXPIRED


async def test_a_preview_within_the_configured_time_is_sent(
    commands: Commands, sessions: Sessions, config: Path
) -> None:
    _, question = await commands.handle(_said("/thongbao Họp dân"))
    await _age(sessions, 1, hours=1.5)
    (answer,) = await commands.handle(_said(data=_data(question, "Gửi")))
    assert answer.html == texts.broadcast_queued(4)


async def test_huy_on_one_of_two_drafts_leaves_the_other_until_it_expires(
    commands: Commands, sessions: Sessions, config: Path
) -> None:
    _, first = await commands.handle(_said("/thongbao Một"))
    _, second = await commands.handle(_said("/thongbao Hai"))
    (cancelled,) = await commands.handle(_said(data=_data(first, "Hủy")))
    assert cancelled.html == texts.BROADCAST_CANCELLED
    async with sessions() as session:
        states = dict((await session.execute(select(Broadcast.id, Broadcast.state))).all())
    assert states == {1: "cancelled", 2: "preview"}  # Hủy is per draft
    await _age(sessions, 2, hours=3)
    # The next draft (or `loa broadcasts`) marks the abandoned one expired.
    await commands.handle(_said("/thongbao Ba"))
    async with sessions() as session:
        states = dict((await session.execute(select(Broadcast.id, Broadcast.state))).all())
        assert await broadcasts.is_expired(session, 2)
        assert not await broadcasts.is_expired(session, 1)
    assert states == {1: "cancelled", 2: "cancelled", 3: "preview"}
    (late,) = await commands.handle(_said(data=_data(second, "Gửi")))
    assert late.html == texts.BROADCAST_EXPIRED
