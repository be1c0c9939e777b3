"""The migrations own the schema; the ORM mappings must agree with them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import upgrade
from storage.models import Base
from storage.search import include_object


async def test_migrations_match_models(engine: AsyncEngine) -> None:
    def diff(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        differences = await connection.run_sync(diff)
    if engine.dialect.name == "sqlite":
        # SQLite's reflection drops an index column's DESC, so the queue index (priority DESC)
        # reads as changed; its order is tested by plan in tests/test_lean_deliveries.py.
        differences = [d for d in differences if not _is_queue_index(d)]
    assert differences == []


def _is_queue_index(difference: object) -> bool:
    return (
        isinstance(difference, tuple)
        and difference[0] in ("add_index", "remove_index")
        and difference[1].name == "ix_deliveries_queue"
    )


async def test_upgrade_is_idempotent(engine: AsyncEngine) -> None:
    await upgrade(engine)  # already at head: must not fail or change anything
    async with engine.connect() as connection:
        tables = await connection.run_sync(
            lambda c: set(c.dialect.get_table_names(c))  # type: ignore[no-any-return]
        )
    assert {"articles", "sources", "residents", "subscriptions", "deliveries"} <= tables
