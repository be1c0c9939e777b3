"""Migrations 0012 (deliveries without foreign keys, partial unique indexes) and 0016 (the
fan-out's indexes: news resident first, partial queue and held indexes), on every backend:
rows survive them, never-send-twice still holds, and forgetting a resident leaves nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Select, bindparam, func, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from storage import residents
from storage.db import create_engine, open_database, session_factory, upgrade
from storage.models import (
    Article,
    Broadcast,
    Delivery,
    DeliveryState,
    Priority,
    Resident,
    Source,
    UTCDateTime,
    in_state,
    of_resident,
)

Sessions = async_sessionmaker[AsyncSession]
AT = datetime(2025, 8, 1, 7, 30, tzinfo=UTC)

# Plain SQL of the schema at 0011: the ORM mappings follow head, which may move on.
SEED_0011 = [
    "INSERT INTO sources (id, name, url, consecutive_failures, backfilled)"
    " VALUES (1, 'portal', 'https://example.test/', 0, true)",
    "INSERT INTO articles (id, source_id, url, title, summary, body, fetched_at, content_hash,"
    " is_backfill, search_text) VALUES (1, 1, 'https://example.test/a', 'Tin', '', '', :at,"
    " 'x', false, 'tin')",
    "INSERT INTO residents (id, channel, chat_id, active, created_at, updated_at)"
    " VALUES (1, 'telegram', '1', true, :at, :at), (2, 'zalo', '2', true, :at, :at)",
    "INSERT INTO broadcasts (id, created_by, text, emergency, state, created_at, scope, urgent)"
    " VALUES (1, 'cli', 'Thông báo', false, 'sending', :at, 'province', false)",
    # News for both residents, a broadcast sent to one, a held one, an answer (no resident).
    "INSERT INTO deliveries (id, article_id, broadcast_id, resident_id, channel, chat_id,"
    " payload, tag, priority, state, attempts, created_at, next_attempt_at, sent_at) VALUES"
    " (1, 1, NULL, 1, 'telegram', NULL, NULL, NULL, 0, 'sent', 1, :at, NULL, :at),"
    " (2, 1, NULL, 2, 'zalo', NULL, NULL, NULL, 0, 'pending', 0, :at, NULL, NULL),"
    " (3, NULL, 1, 1, 'telegram', NULL, NULL, NULL, 10, 'held', 0, :at, :at, NULL),"
    " (4, NULL, 1, 2, 'zalo', NULL, NULL, NULL, 10, 'failed', 3, :at, NULL, NULL),"
    " (5, NULL, NULL, NULL, 'telegram', '99', '{\"text\": \"Chào\"}', 'progress:1', 30,"
    " 'pending', 0, :at, NULL, NULL)",
]


async def _deliveries(connection: AsyncConnection) -> list[tuple[object, ...]]:
    rows = await connection.execute(text("SELECT * FROM deliveries ORDER BY id"))
    return [tuple(row) for row in rows.all()]


async def test_upgrade_from_0011_keeps_every_delivery(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0011")
        async with engine.begin() as connection:
            for statement in SEED_0011:
                seed = text(statement)
                if ":at" in statement:  # stored as Loa stores instants (naive UTC on SQLite)
                    seed = seed.bindparams(bindparam("at", AT, type_=UTCDateTime))
                await connection.execute(seed)
            before = await _deliveries(connection)
        await upgrade(engine)
        async with engine.connect() as connection:
            after = await _deliveries(connection)
            foreign_keys = await connection.run_sync(
                lambda c: inspect(c).get_foreign_keys("deliveries")
            )
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
    assert len(before) == 5
    assert after == before
    assert foreign_keys == []
    assert version >= "0012"  # 0012 applied (and any later migration)


async def _subjects(sessions: Sessions) -> tuple[int, int, int]:
    """An article, a broadcast and a resident: their ids."""
    async with sessions.begin() as session:
        source = Source(name="portal", url="https://example.test/")
        session.add(source)
        await session.flush()
        article = Article(
            source_id=source.id,
            url="https://example.test/a",
            title="Tin",
            fetched_at=AT,
            content_hash="x",
        )
        broadcast = Broadcast(created_by="cli", text="Thông báo")
        resident = Resident(channel="telegram", chat_id="1")
        session.add_all([article, broadcast, resident])
        await session.flush()
        return article.id, broadcast.id, resident.id


async def _add(sessions: Sessions, channel: str = "telegram", **values: object) -> None:
    async with sessions.begin() as session:
        await session.execute(insert(Delivery).values(channel=channel, **values))


async def test_an_article_or_a_broadcast_is_queued_once_per_resident_and_channel(
    sessions: Sessions,
) -> None:
    article_id, broadcast_id, resident_id = await _subjects(sessions)
    await _add(sessions, article_id=article_id, resident_id=resident_id)
    await _add(sessions, broadcast_id=broadcast_id, resident_id=resident_id)
    with pytest.raises(IntegrityError):
        await _add(sessions, article_id=article_id, resident_id=resident_id)
    with pytest.raises(IntegrityError):
        await _add(sessions, broadcast_id=broadcast_id, resident_id=resident_id)
    await _add(sessions, "zalo", article_id=article_id, resident_id=resident_id)  # another channel


async def test_answers_to_one_chat_are_not_unique(sessions: Sessions) -> None:
    _, _, resident_id = await _subjects(sessions)
    for _ in range(2):
        for resident in (None, resident_id):
            await _add(
                sessions,
                resident_id=resident,
                chat_id="1",
                payload='{"text": "Chào"}',
                priority=Priority.ANSWER.value,
            )
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 4


async def test_delete_all_leaves_no_delivery_of_that_resident(sessions: Sessions) -> None:
    article_id, broadcast_id, gone = await _subjects(sessions)
    async with sessions.begin() as session:
        kept = Resident(channel="telegram", chat_id="2")
        session.add(kept)
        await session.flush()
        kept_id = kept.id
    for resident in (gone, kept_id):
        await _add(sessions, article_id=article_id, resident_id=resident)
        await _add(
            sessions,
            broadcast_id=broadcast_id,
            resident_id=resident,
            state=DeliveryState.HELD.value,
        )
        await _add(sessions, resident_id=resident, chat_id=str(resident), payload="{}")
    async with sessions.begin() as session:
        assert await residents.delete_all(session, "telegram", "1")
    async with sessions() as session:
        left = await session.scalars(select(Delivery.resident_id).order_by(Delivery.id))
        assert list(left) == [kept_id] * 3


async def test_the_next_batch_is_read_off_the_queue_index(sessions: Sessions) -> None:
    """The sender's order (priority first, then oldest) is the index's own: a batch never sorts
    the whole queue, whatever its length."""
    from storage import outbox

    async with sessions.begin() as session:
        resident = Resident(channel="telegram", chat_id="1", active=True)
        session.add(resident)
        await session.flush()
        session.add_all(
            Delivery(channel="telegram", chat_id=str(i), payload="{}", priority=p, state="pending")
            for i, p in enumerate([Priority.NEWS, Priority.ANSWER, Priority.NEWS, Priority.ANSWER])
        )
    async with sessions() as session:
        batch = await outbox.next_batch(session, "telegram", limit=10, now=AT)
        assert [(q.priority, q.chat_id) for q in batch] == [
            (Priority.ANSWER, "1"),
            (Priority.ANSWER, "3"),
            (Priority.NEWS, "0"),
            (Priority.NEWS, "2"),
        ]
        plan = await _plan(session, outbox.next_batch_query("telegram", limit=128, now=AT))
    assert "ix_deliveries_queue" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


async def test_marking_sent_looks_the_ids_up_by_primary_key(tmp_path: Path) -> None:
    """The sender's commit of sent rows costs the same with 100 or 100 000 queued: it finds its
    ids by primary key, never by scanning the pending rows through the queue index, which
    SQLite's planner (no statistics) preferred. PostgreSQL plans by its statistics."""
    from storage import outbox

    assert outbox.MARK_SENT.whereclause is not None
    finding = select(Delivery.id).where(outbox.MARK_SENT.whereclause).params(ids=[3, 5, 8])
    async with open_database(f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}") as engine:
        async with session_factory(engine)() as session:
            plan = await _plan(session, finding)
    assert "ix_deliveries_queue" not in plan, plan
    assert "PRIMARY KEY" in plan, plan


async def _plan(session: AsyncSession, query: Select[Any]) -> str:
    bind = session.get_bind()
    compiled = query.compile(bind, compile_kwargs={"literal_binds": True})
    if bind.dialect.name == "sqlite":
        rows = await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        return "\n".join(str(row[-1]) for row in rows)
    await session.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table: as if large
    rows = await session.execute(text(f"EXPLAIN {compiled}"))
    return "\n".join(str(row[0]) for row in rows)


async def test_unique_and_tag_indexes_are_partial(sessions: Sessions) -> None:
    """Rows without an article (a broadcast, a tag) stay out of that index: less upkeep for
    every fan-out. The ORM mapping does not carry the predicates; the database must."""
    expected = {
        "uq_deliveries_article": "article_id IS NOT NULL",
        "uq_deliveries_broadcast": "broadcast_id IS NOT NULL",
        "ix_deliveries_tag": "tag IS NOT NULL",
        # Migration 0016.
        "ix_deliveries_resident_id": "article_id IS NULL",
        "ix_deliveries_queue": "state = 'pending'",
        "ix_deliveries_held": "state = 'held'",
    }
    async with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        else:
            query = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'deliveries'"
        found = {name: sql for name, sql in (await session.execute(text(query))).all()}
    for name, predicate in expected.items():
        written = found[name].replace("(", "").replace(")", "").replace("::text", "")
        assert predicate in written, found[name]


async def test_a_residents_deliveries_are_found_through_the_two_indexes(
    sessions: Sessions,
) -> None:
    """Migration 0016: news rows are in ``uq_deliveries_article`` (resident first) only, the
    rest in the partial ``ix_deliveries_resident_id``; each half of ``of_resident`` is looked
    up through its index, never by scanning the table."""
    article_id, broadcast_id, resident_id = await _subjects(sessions)
    await _add(sessions, article_id=article_id, resident_id=resident_id)
    await _add(sessions, broadcast_id=broadcast_id, resident_id=resident_id)
    await _add(sessions, resident_id=resident_id, chat_id="1", payload="{}")
    news, rest = of_resident(resident_id)
    async with sessions.begin() as session:
        found = [
            sorted(await session.scalars(select(Delivery.id).where(half))) for half in (news, rest)
        ]
        plans = [await _plan(session, select(Delivery.id).where(half)) for half in (news, rest)]
    assert [len(ids) for ids in found] == [1, 2]
    assert "uq_deliveries_article" in plans[0], plans[0]
    assert "ix_deliveries_resident_id" in plans[1], plans[1]


async def test_migration_0016_goes_down_and_up_again_with_its_rows(database_url: str) -> None:
    """0016 rebuilds indexes only: rows survive a downgrade to 0015 and the upgrade back, and
    0015's never-send-twice index leads with the article again, its queue index with the state."""
    from alembic import command

    from storage.db import alembic_config

    def down(connection: Any) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, "0015")

    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = session_factory(engine)
        article_id, broadcast_id, resident_id = await _subjects(sessions)
        await _add(sessions, article_id=article_id, resident_id=resident_id)
        await _add(sessions, broadcast_id=broadcast_id, resident_id=resident_id)
        async with engine.begin() as connection:
            before = await _deliveries(connection)
            await connection.run_sync(down)
            columns = await connection.run_sync(
                lambda c: {
                    i["name"]: i["column_names"] for i in inspect(c).get_indexes("deliveries")
                }
            )
        assert columns["uq_deliveries_article"] == ["article_id", "resident_id", "channel"]
        assert columns["ix_deliveries_resident_id"] == ["resident_id"]
        assert columns["ix_deliveries_queue"][:2] == ["state", "channel"]
        assert "ix_deliveries_held" not in columns
        await upgrade(engine)
        async with engine.connect() as connection:
            after = await _deliveries(connection)
            columns = await connection.run_sync(
                lambda c: {
                    i["name"]: i["column_names"] for i in inspect(c).get_indexes("deliveries")
                }
            )
    finally:
        await engine.dispose()
    assert after == before and len(after) == 2
    assert columns["uq_deliveries_article"] == ["resident_id", "article_id", "channel"]
    assert columns["ix_deliveries_queue"][0] == "channel"


async def test_held_rows_are_found_by_due_time_through_their_own_index(
    sessions: Sessions,
) -> None:
    """The queue index holds pending rows only (migration 0016); the rhythm's look-ups of held
    rows by due time (``storage.rhythm.due_residents``, ``next_due``) have their own index."""
    held = in_state(DeliveryState.HELD)
    due = (
        select(Delivery.resident_id)
        .where(held, Delivery.next_attempt_at <= AT)
        .group_by(Delivery.resident_id)
        .order_by(func.min(Delivery.next_attempt_at))
        .limit(200)
    )
    async with sessions.begin() as session:
        plans = [
            await _plan(session, query)
            for query in (due, select(func.min(Delivery.next_attempt_at)).where(held))
        ]
    for plan in plans:
        assert "ix_deliveries_held" in plan, plan


def test_the_sender_writes_the_state_its_partial_index_needs_into_the_sql() -> None:
    """A prepared statement's generic plan (PostgreSQL, after five runs) knows no bound value:
    with ``state = $1`` it could not use the partial queue index and would sort the queue."""
    from sqlalchemy.dialects import postgresql

    from storage import outbox

    query = outbox.next_batch_query("telegram", limit=128, now=AT)
    sql = str(
        query.compile(dialect=postgresql.dialect(), compile_kwargs={"render_postcompile": True})
    )
    assert "deliveries.state = 'pending'" in sql, sql
    assert "deliveries.channel = %(channel_1)s" in sql, sql  # the rest stays bound
