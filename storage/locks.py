"""OS file locks beside an SQLite database file.

Two locks, each on its own sidecar file next to the database (``loa.db.migrate.lock``,
``loa.db.run.lock``), taken with ``flock`` so the kernel releases them when the process dies,
even by ``kill -9``; the sidecar files stay behind (deleting a lock file would race with its
next user) and are harmless.

- ``migration_lock``: held while migrating, so commands started together on a fresh database
  migrate one after another (PostgreSQL uses an advisory lock instead, see ``storage.db``).
- ``hold_run_lock``: held by ``loa run`` for its whole life, because two ``loa run`` on one
  SQLite file would both poll and both send. PostgreSQL allows several instances.

An in-memory database (or a PostgreSQL URL) has no file: both are no-ops there.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from sqlalchemy.engine import URL, make_url


def sqlite_file(url: str | URL) -> Path | None:
    """The database file of an SQLite URL; None for other backends and in-memory databases."""
    parsed = make_url(url) if isinstance(url, str) else url
    if not parsed.get_backend_name() == "sqlite":
        return None
    database = parsed.database or ""
    if database.startswith("file:"):  # a URI filename ("?uri=true"); its query is the URL's
        database = database[len("file:") :].partition("?")[0]
    if database in ("", ":memory:") or parsed.query.get("mode") == "memory":
        return None
    return Path(database)


def sidecar(database: Path, purpose: str) -> Path:
    """``loa.db`` → ``loa.db.<purpose>.lock``, in the database's directory."""
    return database.with_name(f"{database.name}.{purpose}.lock")


@asynccontextmanager
async def migration_lock(url: str | URL) -> AsyncIterator[None]:
    """Wait for, and hold, the exclusive migration lock of an SQLite file database."""
    database = sqlite_file(url)
    if database is None:
        yield
        return
    fd = os.open(sidecar(database, "migrate"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            # Another command is migrating: wait in a thread so the event loop stays free.
            await asyncio.to_thread(fcntl.flock, fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@dataclass(frozen=True, slots=True)
class Holder:
    """The ``loa run`` that holds a database, as it wrote itself into the run lock file."""

    pid: int
    host: str
    started_at: datetime

    def describe(self) -> str:
        since = self.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"pid {self.pid} on host {self.host}, since {since}"

    def dumps(self) -> str:
        return json.dumps(
            {"pid": self.pid, "host": self.host, "started_at": self.started_at.isoformat()}
        )

    @classmethod
    def loads(cls, raw: str) -> Holder | None:
        try:
            data = json.loads(raw)
            started = datetime.fromisoformat(data["started_at"])
            return cls(int(data["pid"]), str(data["host"]), started)
        except (ValueError, KeyError, TypeError):
            return None  # not written yet (the holder is between flock and write) or foreign


class DatabaseInUse(Exception):
    """Another ``loa run`` holds this SQLite database."""

    def __init__(self, database: Path, holder: Holder | None) -> None:
        who = f"another Loa ({holder.describe()})" if holder else "another Loa"
        super().__init__(
            f"{who} is running on {database}; stop it first, or use PostgreSQL for several"
            " instances"
        )
        self.database, self.holder = database, holder


class RunLock:
    """The run lock while held (a no-op without a database file); release by closing."""

    def __init__(self, fd: int | None = None) -> None:
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def hold_run_lock(url: str | URL) -> RunLock:
    """Take the run lock of an SQLite file database without waiting, and write who holds it.

    Raises ``DatabaseInUse`` (naming the holder) when another process has it."""
    database = sqlite_file(url)
    if database is None:
        return RunLock()
    fd = os.open(sidecar(database, "run"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            raw = os.read(fd, 4096).decode("utf-8", "replace")
        finally:
            os.close(fd)
        raise DatabaseInUse(database, Holder.loads(raw)) from None
    except BaseException:
        os.close(fd)
        raise
    me = Holder(os.getpid(), socket.gethostname(), datetime.now(UTC))
    # Only the winner rewrites the file: a second `loa run` that lost reads the holder intact.
    os.ftruncate(fd, 0)
    os.pwrite(fd, me.dumps().encode("utf-8"), 0)
    return RunLock(fd)
