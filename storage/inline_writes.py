"""Recording sent messages on the event loop's own thread (SQLite only).

Every statement through aiosqlite runs in the connection's thread: the GIL goes there and back,
a dozen futex waits and wake-ups while the event loop is busy sending. At full speed the
sender's group commits (one UPDATE by primary key and a COMMIT, every few messages) were ~20 % of
its CPU (``bench/delivery_bench.py`` (b)); the same UPDATE and COMMIT take ~0.1 ms on the loop's
thread in WAL mode, which writes them to the log without an fsync.

So the sender records its sent rows here first, and through its async session only when this
says no. It never blocks the event loop: the busy timeout is 0, so when anyone else holds the
write lock (a poll storing articles, another process) the attempt fails at once and the rows go
the normal way, which waits for the lock in its own thread; and it never checkpoints the log (a
checkpoint copies pages and may fsync): ``needs_checkpoint`` tells the caller when to run one
through its async session, where SQLite's automatic checkpoints would have happened anyway.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

from storage.locks import sqlite_file
from storage.outbox import MARK_SENT, mark_sent_parameters

log = logging.getLogger(__name__)

# SQLite's own automatic checkpoint runs at 1000 pages of log; a group commit of the sender
# writes a few pages, so this many of them are about that much.
CHECKPOINT_EVERY = 250


class InlineWrites:
    """One synchronous connection to an SQLite file, for the sender's sent rows."""

    def __init__(self, url: URL) -> None:
        self._engine: Engine = create_engine(
            url.set(drivername="sqlite"),
            poolclass=StaticPool,  # one connection, used only from the event loop's thread
            connect_args={"timeout": 0, "check_same_thread": False},
        )
        event.listen(self._engine, "connect", _pragmas)
        self._usable: bool | None = None  # decided at the first write: WAL mode or nothing
        self._commits = 0

    @classmethod
    def for_url(cls, url: URL) -> InlineWrites | None:
        """For an SQLite file; None for other databases (their drivers need no thread) and
        in-memory SQLite (a second connection would see another database)."""
        return cls(url) if sqlite_file(url) is not None else None

    def mark_sent(self, ids: Collection[int], now: datetime) -> bool:
        """Mark ``ids`` sent and commit; False when the database is locked (nothing done)."""
        if self._usable is None:
            self._usable = self._in_wal_mode()
        if not self._usable:
            return False
        try:
            with self._engine.begin() as connection:
                connection.execute(MARK_SENT, mark_sent_parameters(ids, now))
        except OperationalError as exc:
            if _locked(exc):
                return False
            raise
        self._commits += 1
        return True

    def needs_checkpoint(self) -> bool:
        """True once every ``CHECKPOINT_EVERY`` commits (then counting again)."""
        if self._commits < CHECKPOINT_EVERY:
            return False
        self._commits = 0
        return True

    def close(self) -> None:
        self._engine.dispose()

    def _in_wal_mode(self) -> bool:
        # In rollback-journal mode every commit would fsync on the loop's thread: not here.
        with self._engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        if mode != "wal":
            log.info("SQLite journal mode %s: the sender records through its session", mode)
        return mode == "wal"


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")  # per connection: as the async engine's
    cursor.execute("PRAGMA wal_autocheckpoint=0")  # the caller checkpoints (see above)
    cursor.close()


def _locked(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlite_errorcode", None)  # extended: SQLITE_BUSY_SNAPSHOT is 517
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc.orig)
