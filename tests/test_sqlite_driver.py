"""storage.sqlite_driver: SQLAlchemy over aiosqlite with one thread hand-off per statement."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import sqlite_driver
from storage.db import create_engine, open_database, session_factory
from storage.models import Resident, Source, utcnow


@pytest.fixture
def hand_offs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The name of every call queued to a connection's thread."""
    calls: list[str] = []
    queue: Callable[..., Awaitable[Any]] = sqlite_driver.Connection._execute

    async def counted(self: sqlite_driver.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await queue(self, fn, *args, **kwargs)

    monkeypatch.setattr(sqlite_driver.Connection, "_execute", counted)
    yield calls


@pytest.fixture
async def lean(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with open_database(f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}") as engine:
        yield engine


async def test_the_engine_uses_the_lean_connection(lean: AsyncEngine) -> None:
    async with lean.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, sqlite_driver.Connection)
        # The pragmas of storage.db still apply to it.
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_a_read_is_one_hand_off_and_a_write_two(
    lean: AsyncEngine, hand_offs: list[str]
) -> None:
    sessions = session_factory(lean)
    async with sessions() as session:  # warm the pool: connecting has calls of its own
        await session.execute(text("SELECT 1"))
    hand_offs.clear()
    async with sessions() as session:
        assert (await session.execute(text("SELECT 40 + 2"))).scalar() == 42
    # One call for the statement; none to close the cursor, none for the pool's rollback
    # (no transaction was open).
    assert hand_offs == ["_run"]
    hand_offs.clear()
    async with sessions.begin() as session:
        await session.execute(insert(Source).values(name="portal", url="http://portal.test/"))
    assert hand_offs == ["_run", "commit"]


async def test_rows_counts_ids_and_returning_come_through(lean: AsyncEngine) -> None:
    sessions = session_factory(lean)
    async with sessions.begin() as session:
        source = Source(name="portal", url="http://portal.test/")
        session.add(source)
        await session.flush()  # the ORM reads the new primary key back
        assert source.id is not None
        await session.execute(
            insert(Resident),
            [
                {
                    "channel": "zalo",
                    "chat_id": str(i),
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                }
                for i in range(5)
            ],
        )  # executemany
        changed = await session.execute(
            update(Resident).where(Resident.chat_id.in_(["1", "2", "9"])).values(active=False)
        )
        assert changed.rowcount == 2  # type: ignore[attr-defined]
        returned = await session.execute(
            insert(Resident)
            .values(channel="telegram", chat_id="77", created_at=utcnow(), updated_at=utcnow())
            .returning(Resident.id, Resident.chat_id)
        )
        assert returned.one().chat_id == "77"
    async with sessions() as session:
        rows = (await session.execute(select(Resident.chat_id, Resident.active))).all()
        assert {r.chat_id: r.active for r in rows} == {
            "0": True,
            "1": False,
            "2": False,
            "3": True,
            "4": True,
            "77": True,
        }
        first = (await session.execute(select(Resident).order_by(Resident.id))).scalars().first()
        assert first is not None and first.chat_id == "0"


async def test_a_rollback_undoes_an_open_transaction_and_errors_are_sqlalchemys(
    lean: AsyncEngine,
) -> None:
    sessions = session_factory(lean)
    async with sessions() as session:
        session.add(Source(name="kept out", url="http://x.test/"))
        await session.flush()
        await session.rollback()
    async with sessions.begin() as session:
        session.add(Source(name="portal", url="http://portal.test/"))
    with pytest.raises(IntegrityError):
        async with sessions.begin() as session:
            session.add(Source(name="portal", url="http://other.test/"))  # the name is unique
    async with sessions() as session:
        assert list(await session.scalars(select(Source.name))) == ["portal"]


async def test_memory_databases_still_work() -> None:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    try:
        sessions: async_sessionmaker[AsyncSession] = session_factory(engine)
        async with sessions() as session:
            assert (await session.execute(text("SELECT 'a' || 'b'"))).scalar() == "ab"
    finally:
        await engine.dispose()
