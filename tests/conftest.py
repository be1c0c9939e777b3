"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

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


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, pg_database: str | None
) -> AsyncIterator[str]:
    """A URL of an empty database; every test using it runs once per backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
        return
    assert pg_database is not None
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


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the quick tests (pure logic: no database, no server, no process) for `make check`,
    and keep the multi-instance tests on one xdist worker, one after another."""
    for item in items:
        module = item.module.__name__.rsplit(".", 1)[-1] if item.module else ""
        fixtures = set(getattr(item, "fixturenames", ()))
        if module in ("test_e2e_instances", "test_e2e_shared_sending"):
            # Each starts two or three `loa run` against a strict emulator: run them in turn.
            item.add_marker(pytest.mark.xdist_group("instances"))
        needs_a_server = item.get_closest_marker("skipif") is not None  # PostgreSQL-only
        if module not in PROCESS_MODULES and not fixtures & SLOW_FIXTURES and not needs_a_server:
            item.add_marker(pytest.mark.quick)
