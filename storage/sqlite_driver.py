"""aiosqlite with one thread hand-off per statement, for SQLAlchemy's aiosqlite dialect.

aiosqlite runs every sqlite3 call in the connection's own thread. SQLAlchemy's adapter makes
three or four such calls for each statement (open a cursor, execute, fetch the rows, close the
cursor) and one more each time a connection goes back to the pool (a rollback, with or without
an open transaction). Each call hands the GIL to that thread and back: on two busy cores ~25
futex waits and wake-ups a sent message, about a tenth of the sender's CPU
(``bench/delivery_bench.py`` (b)).

Here a statement is one call: the thread opens a cursor, executes, fetches every row and closes
it, and the cursor SQLAlchemy holds is a plain holder of that result. A rollback or commit with
no transaction open is answered without a call (``in_transaction`` reads SQLite's autocommit
flag, safe from any thread). SQLAlchemy fetches every row of a statement anyway: Loa streams no
results (the queue is read in batches with LIMIT).
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import URL

Description = tuple[tuple[str, None, None, None, None, None, None], ...] | None
Outcome = tuple[Description, int, int | None, list[Any]]


def _run(connection: sqlite3.Connection, sql: str, parameters: Any, many: bool = False) -> Outcome:
    """In the connection's thread: the whole statement, cursor closed before returning."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(sql, parameters)
        elif parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class Cursor:
    """What SQLAlchemy's adapter needs of an aiosqlite cursor, over one statement's result."""

    arraysize = 1

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.description: Description = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: deque[Any] = deque()

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        return self._took(await self._connection.run_statement(sql, parameters))

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        return self._took(await self._connection.run_statement(sql, parameters, many=True))

    def _took(self, outcome: Outcome) -> Cursor:
        self.description, self.rowcount, self.lastrowid, rows = outcome
        self._rows = deque(rows)
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> Sequence[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class Connection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors cost one hand-off per statement."""

    def cursor(self) -> Cursor:  # type: ignore[override]
        return Cursor(self)

    async def run_statement(self, sql: str, parameters: Any, *, many: bool = False) -> Outcome:
        # aiosqlite's own methods queue their work the same way (``_execute`` is untyped).
        result: Outcome = await self._execute(_run, self._conn, sql, parameters, many)  # type: ignore[no-untyped-call]
        return result

    async def commit(self) -> None:
        if self._conn.in_transaction:
            await super().commit()

    async def rollback(self) -> None:
        if self._conn.in_transaction:
            await super().rollback()


def creator(url: URL, **options: Any) -> Callable[[], Connection]:
    """SQLAlchemy's ``async_creator`` for ``url``: the dialect's own connect arguments (file,
    ``uri``, ``check_same_thread``) plus ``options`` (sqlite3.connect keywords)."""
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(url)
    kwargs.update(options)
    database = str(args[0])

    def connect() -> Connection:
        connection = Connection(lambda: sqlite3.connect(database, **kwargs), iter_chunk_size=64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's: never blocks exit
        return connection

    return connect
