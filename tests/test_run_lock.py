"""On SQLite one ``loa run`` holds the database: a second exits with status 2 and says who."""

from __future__ import annotations

import json
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.locks import DatabaseInUse, hold_run_lock, sidecar
from tests.e2e_support import Loa, until


def test_a_second_holder_is_refused_and_told_who(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
    with hold_run_lock(url):
        with pytest.raises(DatabaseInUse) as refused:
            hold_run_lock(url)
        assert refused.value.holder is not None
        assert refused.value.holder.pid == os.getpid()
        assert f"another Loa (pid {os.getpid()} on host " in str(refused.value)
    with hold_run_lock(url):  # released on exit: the next one gets it
        pass


def test_an_unreadable_holder_is_still_refused(tmp_path: Path) -> None:
    """The holder may be between taking the lock and writing itself down."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
    with hold_run_lock(url):
        sidecar(tmp_path / "loa.db", "run").write_text("", encoding="utf-8")
        with pytest.raises(DatabaseInUse, match=r"^another Loa is running on "):
            hold_run_lock(url)


@pytest.mark.parametrize(
    "url", ["postgresql+asyncpg://loa@db:5432/loa", "sqlite+aiosqlite://", "sqlite:///:memory:"]
)
def test_no_file_no_lock(url: str) -> None:
    """Several instances may share PostgreSQL; an in-memory database is one process's own."""
    with hold_run_lock(url), hold_run_lock(url):
        pass


@pytest.fixture
def loa(tmp_path: Path) -> Iterator[Loa]:
    """``loa run`` with no sources and no bot tokens: it only holds its database."""
    config = tmp_path / "loa.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n')
    loa = Loa(tmp_path, config)
    try:
        yield loa
    finally:
        loa.stop()


def holder_pid(tmp: Path) -> int | None:
    try:
        return int(json.loads((tmp / "loa.db.run.lock").read_text("utf-8"))["pid"])
    except (OSError, ValueError, KeyError):
        return None


async def test_second_loa_run_exits_2_until_the_first_is_killed(tmp_path: Path, loa: Loa) -> None:
    loa.start()
    assert loa.process is not None
    first = loa.process.pid
    await until(lambda: holder_pid(tmp_path) == first, 30, loa, "the first loa run holds the lock")
    # Migrated before it is killed: this test is about the run lock, not about a kill in the
    # middle of the first migration.
    migrated = "SELECT version_num FROM alembic_version"
    await until(lambda: loa.one(migrated) is not None, 30, loa, "the first loa run migrated")

    second = await loa.cli_async("run")
    status, out, err = second
    assert status == 2, second
    assert out == ""
    assert re.fullmatch(
        rf"loa run: another Loa \(pid {first} on host \S+, since \d{{4}}-\d\d-\d\d \d\d:\d\d UTC\)"
        rf" is running on {re.escape(str(tmp_path / 'loa.db'))}; stop it first, or use"
        r" PostgreSQL for several instances\n",
        err,
    ), err
    assert loa.process.poll() is None  # the first one is untouched

    loa.stop(signal.SIGKILL)  # no clean-up: the kernel drops the lock with the process
    loa.start()
    third = loa.process.pid
    await until(lambda: holder_pid(tmp_path) == third, 30, loa, "a new loa run holds the lock")
    assert loa.process.poll() is None
