"""storage.inline_writes: the sender's sent rows recorded on the event loop's thread (SQLite)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Collection, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import make_url, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from base.config import SenderSettings
from bot.channel import Channel, Reply
from jobs.send import Sender
from storage import inline_writes
from storage.db import open_database, session_factory
from storage.inline_writes import InlineWrites
from storage.models import Delivery, DeliveryState, Priority, Resident, utcnow

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[tuple[str, AsyncEngine]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
    async with open_database(url) as engine:
        yield url, engine


@pytest.fixture
def writes(database: tuple[str, AsyncEngine]) -> Iterator[InlineWrites]:
    found = InlineWrites.for_url(make_url(database[0]))
    assert found is not None
    yield found
    found.close()


async def _queue(sessions: Sessions, count: int) -> list[int]:
    """``count`` answers queued (payload rows: no article needed)."""
    async with sessions.begin() as session:
        residents = [Resident(channel="zalo", chat_id=str(i)) for i in range(count)]
        session.add_all(residents)
        await session.flush()
        rows = [
            Delivery(
                resident_id=r.id,
                channel="zalo",
                priority=Priority.ANSWER.value,
                payload='{"html": "Chào"}',
            )
            for r in residents
        ]
        session.add_all(rows)
        await session.flush()
        return [row.id for row in rows]


async def _rows(sessions: Sessions) -> list[Delivery]:
    async with sessions() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.id)))


async def test_sent_rows_are_marked_as_the_session_would(
    database: tuple[str, AsyncEngine], writes: InlineWrites
) -> None:
    sessions = session_factory(database[1])
    ids = await _queue(sessions, 3)
    now = utcnow()
    assert writes.mark_sent(ids[:2], now)
    rows = await _rows(sessions)
    assert [r.state for r in rows] == ["sent", "sent", "pending"]
    assert [r.attempts for r in rows] == [1, 1, 0]
    assert rows[0].sent_at == now and rows[2].sent_at is None
    # Only pending rows change: marking again touches nothing.
    assert writes.mark_sent(ids[:1], utcnow())
    assert (await _rows(sessions))[0].attempts == 1


async def test_a_locked_database_is_refused_at_once_and_nothing_changes(
    database: tuple[str, AsyncEngine], writes: InlineWrites, tmp_path: Path
) -> None:
    sessions = session_factory(database[1])
    ids = await _queue(sessions, 2)
    with writes._engine.connect() as connection:  # the settings are the point
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 0
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    other = sqlite3.connect(tmp_path / "loa.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # someone else holds the write lock
        assert writes.mark_sent(ids, utcnow()) is False
        other.execute("ROLLBACK")
    finally:
        other.close()
    assert [r.state for r in await _rows(sessions)] == ["pending", "pending"]
    assert writes.mark_sent(ids, utcnow())  # free again: it records


async def test_only_sqlite_files_in_wal_mode(tmp_path: Path) -> None:
    assert InlineWrites.for_url(make_url("sqlite+aiosqlite:///:memory:")) is None
    assert InlineWrites.for_url(make_url("postgresql+asyncpg://postgres@127.0.0.1/test")) is None
    plain = tmp_path / "plain.db"
    with sqlite3.connect(plain) as connection:  # a rollback journal: commits would fsync
        connection.execute("CREATE TABLE deliveries (id INTEGER PRIMARY KEY)")
    found = InlineWrites.for_url(make_url(f"sqlite+aiosqlite:///{plain}"))
    assert found is not None
    try:
        assert found.mark_sent([1], utcnow()) is False
    finally:
        found.close()


def test_a_checkpoint_is_asked_for_every_so_many_commits(
    monkeypatch: pytest.MonkeyPatch, writes: InlineWrites
) -> None:
    monkeypatch.setattr(inline_writes, "CHECKPOINT_EVERY", 2)
    asked = []
    for _ in range(5):
        assert writes.mark_sent([], utcnow())
        asked.append(writes.needs_checkpoint())
    assert asked == [False, True, False, True, False]


class Accepting(Channel):
    """A channel that accepts everything: the sender's recording is what is under test."""

    name = "zalo"
    max_text_length = 2000

    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.sent.append(chat_id)
        return str(len(self.sent))


def _sender(sessions: Sessions, channel: Channel) -> Sender:
    settings = SenderSettings(concurrency=4, idle_poll_seconds=0.05)
    return Sender(channel, sessions, settings, rate_per_second=None, per_chat_interval=0)


async def _until_nothing_pending(sessions: Sessions, sender: Sender) -> list[Delivery]:
    await sender.start()
    try:
        for _ in range(500):  # 10 s at most; the database has no change events
            rows = await _rows(sessions)
            if all(r.state != DeliveryState.PENDING.value for r in rows):
                return rows
            await asyncio.sleep(0.02)
        raise AssertionError("deliveries still pending after 10 s")
    finally:
        await sender.stop()


async def test_the_sender_records_inline_and_checkpoints(
    database: tuple[str, AsyncEngine],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    sessions = session_factory(database[1])
    await _queue(sessions, 12)
    monkeypatch.setattr(inline_writes, "CHECKPOINT_EVERY", 1)
    inline, checkpoints = [], []
    mark_sent, checkpoint = InlineWrites.mark_sent, Sender._checkpoint

    def spy_mark(self: InlineWrites, ids: Collection[int], now: datetime) -> bool:
        done = mark_sent(self, ids, now)
        inline.append((len(ids), done))
        return done

    async def spy_checkpoint(self: Sender) -> None:
        checkpoints.append(1)
        await checkpoint(self)

    monkeypatch.setattr(InlineWrites, "mark_sent", spy_mark)
    monkeypatch.setattr(Sender, "_checkpoint", spy_checkpoint)
    channel = Accepting()
    rows = await _until_nothing_pending(sessions, _sender(sessions, channel))
    assert sorted(channel.sent) == sorted(str(i) for i in range(12))
    assert all(r.state == "sent" and r.attempts == 1 and r.sent_at for r in rows)
    assert sum(n for n, done in inline if done) == 12  # every row recorded inline
    assert len(checkpoints) == len(inline)
    assert "checkpoint failed" not in caplog.text


async def test_a_locked_database_makes_the_sender_record_through_its_session(
    database: tuple[str, AsyncEngine], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    sessions = session_factory(database[1])
    await _queue(sessions, 6)
    refused = asyncio.Event()
    mark_sent = InlineWrites.mark_sent

    def spy_mark(self: InlineWrites, ids: Collection[int], now: datetime) -> bool:
        done = mark_sent(self, ids, now)
        if not done:
            refused.set()
        return done

    monkeypatch.setattr(InlineWrites, "mark_sent", spy_mark)
    other = sqlite3.connect(tmp_path / "loa.db", isolation_level=None, check_same_thread=False)
    sender = _sender(sessions, Accepting())
    try:
        # Someone else writes for a while: the sender's inline write is refused, and its
        # session waits for the lock in the connection's thread (busy timeout), not the loop.
        other.execute("BEGIN IMMEDIATE")
        await sender.start()
        await asyncio.wait_for(refused.wait(), 10)
        other.execute("COMMIT")
    finally:
        other.close()
    rows = await _until_nothing_pending(sessions, sender)
    assert all(r.state == "sent" and r.attempts == 1 for r in rows)
