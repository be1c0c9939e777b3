"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.db import open_database, session_factory

PG_URL = os.environ.get("LOA_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """One PostgreSQL database for this test run (concurrent runs never share one)."""
    if PG_URL is None:
        yield None
        return
    name = f"loa_test_{uuid.uuid4().hex[:12]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(_dsn(PG_URL))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _empty_schema(url: str) -> None:
    # Dropping the schema is much cheaper than a database per test, and just as clean.
    connection = await asyncpg.connect(_dsn(url))
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


# What a migrated PostgreSQL schema is made of (relations and their columns, triggers,
# constraints, functions, the Alembic revision): equal fingerprints mean a schema that emptying
# its tables makes fresh.
_SCHEMA_FINGERPRINT = """
SELECT md5(coalesce(string_agg(part, ',' ORDER BY part), '')) FROM (
  SELECT c.relkind::text || ':' || c.relname || '(' || coalesce((
      SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ','
                        ORDER BY a.attnum)
      FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    ), '') || ')' AS part
  FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'trigger:' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
  WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
  UNION ALL
  SELECT 'constraint:' || conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'function:' || p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
  UNION ALL
  SELECT 'revision:' || version_num FROM alembic_version
) AS parts
"""


class MigratedTemplates:
    """A database at head made once per test process (one Alembic run per backend), and
    each test's fresh copy of it: migrating for every test cost a tenth of a second each."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._sqlite: Path | None = None
        self._pg_fingerprint: str | None = None
        self._pg_truncate = ""

    async def sqlite_copy(self, target: Path) -> None:
        """``target``: a copy of a SQLite file at head."""
        if self._sqlite is None:
            template = self._directory / "template.db"
            async with open_database(f"sqlite+aiosqlite:///{template}"):
                pass
            # Its last connection closed: the WAL is checkpointed into the file and removed.
            assert not template.with_name("template.db-wal").exists()
            self._sqlite = template
        shutil.copyfile(self._sqlite, target)

    async def pg_reset(self, url: str) -> None:
        """The PostgreSQL database at ``url`` (this process's own) at head with empty tables;
        migrated from scratch when a test left its schema other than the migrations made it."""
        connection = await asyncpg.connect(_dsn(url))
        try:
            fingerprint = await self._pg_fingerprint_of(connection)
            if fingerprint is not None and fingerprint == self._pg_fingerprint:
                # Owned sequences restart too: ids begin at 1 as in a new database.
                await connection.execute(self._pg_truncate)
                return
        finally:
            await connection.close()
        await _empty_schema(url)
        async with open_database(url):
            pass
        connection = await asyncpg.connect(_dsn(url))
        try:
            self._pg_fingerprint = await self._pg_fingerprint_of(connection)
            tables = await connection.fetch(
                "SELECT format('%I', tablename) FROM pg_tables"
                " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
            )
            self._pg_truncate = (
                f"TRUNCATE {', '.join(row[0] for row in tables)} RESTART IDENTITY CASCADE"
            )
        finally:
            await connection.close()

    @staticmethod
    async def _pg_fingerprint_of(connection: asyncpg.Connection) -> str | None:
        if await connection.fetchval("SELECT to_regclass('public.alembic_version')") is None:
            return None
        fingerprint: str = await connection.fetchval(_SCHEMA_FINGERPRINT)
        return fingerprint


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> MigratedTemplates:
    return MigratedTemplates(tmp_path_factory.mktemp("migrated"))


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    pg_database: str | None,
    migrated_templates: MigratedTemplates,
) -> AsyncIterator[str]:
    """A URL of a fresh database; every test using it runs once per backend. The database is
    empty, or already at head for a test that uses ``engine`` (which then only checks that)."""
    migrated = "engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "loa.db"
        if migrated:
            await migrated_templates.sqlite_copy(path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    assert pg_database is not None
    if migrated:
        await migrated_templates.pg_reset(pg_database)
    else:
        await _empty_schema(pg_database)
    yield pg_database


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated engine on each backend."""
    async with open_database(database_url) as engine:
        yield engine


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return session_factory(engine)


@pytest.fixture
def fixtures_dir() -> Iterator[Path]:
    yield Path(__file__).parent / "fixtures"


@pytest.fixture
def base_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The test module's ``emulator`` fixture (a Telegram or Zalo emulator, configured there)
    served on 127.0.0.1: its base URL. Modules without an emulator define their own."""
    from tests.support.server import serve  # here: only tests with an emulator load uvicorn

    emulator = request.getfixturevalue("emulator")
    with serve(emulator.app) as url:
        yield url


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """``loa.cli.main`` installs its own stderr handler on the root logger: put pytest's back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


# Modules whose tests start real processes (`loa run`, `loa chat`, several instances): the
# suite's slowest, and the ones whose figures (pacing, failover) a busy neighbour can disturb.
PROCESS_MODULES = frozenset(
    {
        "test_admin_browser",
        "test_broadcast_lifecycle",
        "test_chat_console",
        "test_check",
        "test_cli_output",
        "test_commune_admins_e2e",
        "test_connect",
        "test_console",
        "test_contrib",
        "test_e2e_admin_photo",
        "test_e2e_admin_source",
        "test_e2e_auto_source",
        "test_e2e_broadcast",
        "test_e2e_broadcast_quiet",
        "test_e2e_field_faults",
        "test_e2e_first_subscription",
        "test_e2e_instances",
        "test_e2e_media",
        "test_e2e_own_words",
        "test_e2e_shared_sending",
        "test_e2e_telegram",
        "test_e2e_zalo",
        "test_lean",
        "test_live_check",
        "test_migration_lock",
        "test_offline_start",
        "test_rhythm_e2e",
        "test_run_lock",
    }
)
# Fixtures that mean a database or a served emulator: a test using one is not "quick".
SLOW_FIXTURES = frozenset({"database_url", "pg_database", "base_url"})


# Modules whose tests each start two or three `loa run` against a strict emulator: they run
# one after another, on one xdist worker (see pytest_xdist_make_scheduler).
IN_TURN_MODULES = frozenset({"test_e2e_instances", "test_e2e_shared_sending"})


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the quick tests (pure logic: no database, no server, no process) for `make check`."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        fixtures = set(getattr(item, "fixturenames", ()))
        needs_a_server = item.get_closest_marker("skipif") is not None  # PostgreSQL-only
        if module not in PROCESS_MODULES and not fixtures & SLOW_FIXTURES and not needs_a_server:
            item.add_marker(pytest.mark.quick)


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown without it
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: two workers per core for the suite, whose time goes mostly to waiting on
    real processes, servers and databases, not to computing; one per core for `-m quick`.
    PYTEST_XDIST_AUTO_NUM_WORKERS, when set, still decides (pytest-xdist's own hook)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1
    return cores if config.getoption("markexpr") == "quick" else 2 * cores


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's hook: unknown without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup`: every test on its own, but the IN_TURN_MODULES' tests all together,
    one after another on one worker (sent first: they are the longest unit of work).

    Not by `xdist_group` marks: pytest-xdist 3.8 groups them by rewriting node ids, which
    pytest 9.2 ignores (pytest-dev/pytest-xdist#1386), so the marks silently grouped nothing.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class InTurnScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")
            return "in turn" if module in IN_TURN_MODULES else nodeid

    return InTurnScheduling(config, log)
