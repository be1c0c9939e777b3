"""Alembic environment: migrations run on a connection Loa hands over (see storage.db.upgrade)."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import Connection

from storage.db import create_engine
from storage.models import Base
from storage.search import include_object

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_object=include_object,  # the search index is not in the ORM metadata
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone() -> None:
    # Used by the plain `alembic` command (e.g. autogenerate while developing).
    engine = create_engine(os.environ.get("LOA_DATABASE_URL", "sqlite+aiosqlite:///loa.db"))
    async with engine.begin() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    asyncio.run(_run_standalone())
