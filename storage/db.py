"""Engine, sessions and schema migrations.

SQLite (the default) runs in WAL mode with foreign keys on; PostgreSQL is chosen by URL.
The schema is created and changed only by the Alembic migrations beside this module, under a
lock (``upgrade``) so that any number of Loa commands started at once on a fresh database all
succeed: one migrates, the others wait and then find the schema at head.
"""

from __future__ import annotations

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, make_url, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.locks import migration_lock, sqlite_file

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# pg_advisory_xact_lock key of "migrating Loa's schema" (b"Loa-migr" as a signed 64-bit int);
# advisory locks are per database, so Loa databases on one server never wait for each other.
MIGRATION_LOCK_KEY = int.from_bytes(b"Loa-migr", "big", signed=True)


class DatabaseUnavailable(Exception):
    """The database of ``[database] url`` cannot be opened; the message is one line, in English,
    with the reason and the fix, and the URL without its password."""


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unreadable URL)"


def _unavailable(url: str, exc: BaseException) -> DatabaseUnavailable:
    """Why ``url`` could not be opened, from the driver's exception, as one line."""
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    cause: BaseException | None = exc
    chain: list[BaseException] = []
    while cause is not None and len(chain) < 8:
        chain.append(cause)
        cause = getattr(cause, "orig", None) or cause.__cause__
    sqlstate = next(
        (getattr(c, "sqlstate", None) for c in chain if getattr(c, "sqlstate", None)), None
    )
    user = parsed.username or "(none)"
    if parsed.get_backend_name() == "sqlite":
        reason = (
            f"SQLite cannot open {parsed.database!r}: {chain[-1]}; "
            "check the path and its permissions"
        )
    elif sqlstate == "3D000":
        reason = (
            f"database {parsed.database!r} does not exist on {where}; create it "
            f"(createdb -h {parsed.host or 'localhost'} {parsed.database}) or fix the name"
        )
    elif sqlstate == "28P01":
        reason = f"wrong password for user {user!r} on {where}; fix the user or password"
    elif sqlstate and sqlstate.startswith("28"):
        reason = (
            f"the server at {where} refused user {user!r} ({chain[-1]}); "
            "fix the user, or the server's pg_hba.conf"
        )
    elif any(isinstance(c, socket.gaierror) for c in chain):
        reason = f"unknown host {parsed.host!r}; fix the host name"
    elif any(isinstance(c, ConnectionRefusedError) for c in chain):
        reason = (
            f"nothing answers at {where} (connection refused); "
            "is PostgreSQL running, and is the port right?"
        )
    elif any(isinstance(c, TimeoutError) for c in chain):
        reason = f"no answer from {where} (timed out); check the host, the port and any firewall"
    elif any(isinstance(c, OSError) for c in chain):
        reason = f"cannot reach {where}: {chain[-1]}; check the host and the port"
    else:
        reason = f"cannot connect to {where}: {chain[-1]}"
    return DatabaseUnavailable(f"{reason} (url {_safe(url)})")


async def check_database(engine: AsyncEngine) -> None:
    """Connect once, or raise :class:`DatabaseUnavailable` saying why not."""
    url = engine.url.render_as_string(hide_password=False)
    database = sqlite_file(engine.url)
    if database is not None and not database.absolute().parent.is_dir():
        raise DatabaseUnavailable(
            f"the folder {str(database.parent)!r} of the SQLite file does not exist; create it "
            f"or fix the path (url {_safe(url)})"
        )
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (DBAPIError, OSError, TimeoutError) as exc:
        raise _unavailable(url, exc) from None


async def probe_database(url: str) -> None:
    """Open ``url`` once and close it: :class:`DatabaseUnavailable` if it cannot be opened."""
    engine = create_engine(url)
    try:
        await check_database(engine)
    finally:
        await engine.dispose()


def create_engine(url: str) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        from storage import sqlite_driver  # aiosqlite: not imported for PostgreSQL

        engine = create_async_engine(
            url, async_creator=sqlite_driver.creator(make_url(url), timeout=30)
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # JIT off: Loa's statements are short, and the planner's inflated estimate for matching
    # (OR-ed EXISTS) made PostgreSQL compile it first, which cost more than running it.
    return create_async_engine(
        url, pool_pre_ping=True, connect_args={"server_settings": {"jit": "off"}}
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (idempotent; safe from several processes at once).

    Already at head (every command's start) costs one read of the version table and no lock.
    Otherwise the migration runs under a lock — PostgreSQL: a transaction-level advisory lock
    taken in the migration's own transaction; SQLite: an exclusive lock on a file beside the
    database — and Alembic reads the current revision only once the lock is held, so a process
    that waited finds the work done and does nothing.
    """
    if revision == "head" and await _at_head(engine):
        return

    # Alembic (with Mako and Pygments: a tenth of a second of imports) only when migrating.
    from alembic import command

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with migration_lock(engine.url):
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Released at commit, i.e. once the migration (transactional DDL) is visible.
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            await connection.run_sync(run)


async def _at_head(engine: AsyncEngine) -> bool:
    """Whether the schema is at the newest revision (a read; no lock, no writes).

    Every command pays this check, so it reads ``alembic_version`` with plain SQL against the
    heads parsed from the migration files, without importing Alembic; a chain it cannot read
    simply (a merge, a computed revision) is left to Alembic.
    """
    heads = head_revisions()
    if heads is None:
        return await _at_head_by_alembic(engine)
    async with engine.connect() as connection:
        try:
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:
            return False  # no version table yet: a fresh database
        return {str(row[0]) for row in rows} == heads


# ``revision: str = "0007"``, ``down_revision: str | None = "0006"`` (or None): as Alembic writes.
_REVISION = re.compile(
    r"""^(down_revision|revision)\s*(?::[^=]+)?=\s*(?:None|"(\w+)"|'(\w+)')\s*$""", re.MULTILINE
)


@cache
def head_revisions() -> frozenset[str] | None:
    """The revisions no migration builds on (Alembic's heads), read from the files' source;
    None when a file's ``revision``/``down_revision`` is not a plain string literal or None."""
    parents: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found: dict[str, str | None] = {}
        for match in _REVISION.finditer(path.read_text(encoding="utf-8")):
            found[match.group(1)] = match.group(2) or match.group(3)
        revision = found.get("revision")
        if revision is None or "down_revision" not in found:
            return None
        parents[revision] = found["down_revision"]
    heads = frozenset(parents) - {down for down in parents.values() if down}
    return heads or None


async def _at_head_by_alembic(engine: AsyncEngine) -> bool:
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    def current(connection: Connection) -> set[str]:
        return set(MigrationContext.configure(connection).get_current_heads())

    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    async with engine.connect() as connection:
        return await connection.run_sync(current) == heads


@asynccontextmanager
async def open_database(url: str, *, migrate: bool = True) -> AsyncIterator[AsyncEngine]:
    """An engine for ``url``, migrated to head, disposed on exit.

    Raises :class:`DatabaseUnavailable` (a one-line reason) when the database cannot be opened.
    """
    engine = create_engine(url)
    try:
        await check_database(engine)
        if migrate:
            await upgrade(engine)
        yield engine
    finally:
        await engine.dispose()
