"""Constructs whose SQL differs by database: ``INSERT … ON CONFLICT``, and a column no index serves.

SQLAlchemy's generic ``insert`` has no ``on_conflict_do_nothing``; each dialect's has. Only the
dialect in use is imported: the PostgreSQL one alone costs a fifth of SQLAlchemy's import time,
which every ``loa`` command on SQLite would otherwise pay at start.
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy import Integer, String, literal
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


def upsert(session: AsyncSession, table: Any) -> Any:
    """``<dialect>.insert(table)`` for the session's database (PostgreSQL or SQLite)."""
    name = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    return importlib.import_module(f"sqlalchemy.dialects.{name}").insert(table)


class unindexed(FunctionElement[str]):  # lower case, as SQLAlchemy's own SQL constructs
    """A column that SQLite must not pick an index for (``+column``; the column as is elsewhere).

    Without statistics, SQLite's planner takes an equality on an indexed column for a selective
    one: ``id IN (…16 ids…) AND state = 'pending'`` scanned every pending row through
    ``ix_deliveries_queue`` (54 ms a commit with 100 000 queued) instead of looking the 16 ids up.
    """

    type = String()
    inherit_cache = True
    name = "unindexed"


@compiles(unindexed)
def _unindexed(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(element: unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + str(compiler.process(element.clauses, **kw))


class share_of(FunctionElement[int]):  # lower case, as SQLAlchemy's own SQL constructs
    """Which of ``count`` sending shares a chat id falls in (0 … count-1), the same for every
    instance and every row of that chat (PostgreSQL's ``hashtext``; shares need PostgreSQL:
    ``base.config.Settings``)."""

    type = Integer()
    inherit_cache = True
    name = "share_of"

    def __init__(self, chat_id: Any, count: int) -> None:
        super().__init__(chat_id, literal(count, Integer()))


@compiles(share_of, "postgresql")
def _share_of_postgresql(element: share_of, compiler: SQLCompiler, **kw: Any) -> str:
    chat_id, count = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((hashtext({chat_id}) & 2147483647) % {count})"
