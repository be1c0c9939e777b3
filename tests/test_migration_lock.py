"""Migrations under a lock: commands started together on a fresh database all succeed."""

from __future__ import annotations

import asyncio
import fcntl
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from storage.db import open_database, upgrade
from storage.locks import sidecar, sqlite_file
from tests.conftest import PG_URL, _dsn
from tests.e2e_support import Loa

# A mix of what an operator (or a cron job) might start at once on a fresh database.
COMMANDS = [
    ("articles",),
    ("stats", "--json"),
    ("db", "upgrade"),
    ("sources",),
    ("articles", "--json"),
    ("stats", "--json"),
]


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite+aiosqlite:///loa.db", "loa.db"),
        ("sqlite+aiosqlite:////srv/loa/loa.db", "/srv/loa/loa.db"),
        ("sqlite:///data/x.sqlite", "data/x.sqlite"),
        ("sqlite+aiosqlite:///file:loa.db?uri=true", "loa.db"),
        ("sqlite+aiosqlite://", None),
        ("sqlite+aiosqlite:///:memory:", None),
        ("sqlite+aiosqlite:///file:mem?mode=memory&cache=shared&uri=true", None),
        ("postgresql+asyncpg://loa@db:5432/loa", None),
    ],
)
def test_sqlite_file(url: str, file: str | None) -> None:
    assert sqlite_file(url) == (Path(file) if file else None)


def test_sidecar_sits_beside_the_database() -> None:
    assert sidecar(Path("/srv/loa/loa.db"), "migrate") == Path("/srv/loa/loa.db.migrate.lock")


async def test_at_head_takes_no_lock(tmp_path: Path) -> None:
    """Every command pays the check: at head it must not wait for a migration lock (held
    here, as by a process migrating another way) nor write anything."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
    async with open_database(url) as engine:
        fd = os.open(sidecar(tmp_path / "loa.db", "migrate"), os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            await asyncio.wait_for(upgrade(engine), 10)
        finally:
            os.close(fd)


async def test_a_waiting_upgrade_migrates_once_the_lock_is_free(tmp_path: Path) -> None:
    """A fresh database whose migration lock is held: upgrade waits, then migrates."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
    fd = os.open(sidecar(tmp_path / "loa.db", "migrate"), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    async with open_database(url, migrate=False) as engine:
        waiting = asyncio.create_task(upgrade(engine))
        done, _ = await asyncio.wait({waiting}, timeout=0.3)
        assert not done  # blocked on the lock, not migrating beside its holder
        os.close(fd)
        await asyncio.wait_for(waiting, 30)
        async with engine.connect() as connection:
            version = await connection.scalar(text("SELECT version_num FROM alembic_version"))
        assert version


async def start_together(tmp: Path, url: str) -> None:
    config = tmp / "loa.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
    loa = Loa(tmp, config)
    results = await asyncio.gather(*(loa.cli_async(*args, within=60) for args in COMMANDS))
    failed = [
        f"loa {' '.join(args)} → {status}\n{err}"
        for args, (status, _out, err) in zip(COMMANDS, results, strict=True)
        if status != 0
    ]
    assert not failed, "\n".join(failed)


async def test_commands_started_together_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    await start_together(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}")


@pytest.fixture
async def fresh_pg_database() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database (not the suite's shared one), dropped afterwards."""
    if PG_URL is None:
        pytest.skip("LOA_TEST_DATABASE_URL is not set")
    name = f"loa_race_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_dsn(PG_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_URL.rsplit("/", 1)[0] + "/" + name
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def test_commands_started_together_on_a_fresh_postgresql_database(
    tmp_path: Path, fresh_pg_database: str
) -> None:
    await start_together(tmp_path, fresh_pg_database)
