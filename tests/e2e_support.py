"""``loa run`` as a subprocess against the chat emulators (and the fixture portal), for
end-to-end tests.

``Stage`` serves the emulators (and the portal, when a test polls it) and writes Loa's config
for them. ``Loa`` starts, stops (SIGTERM, or SIGKILL to simulate a crash) and restarts the
process, reads its SQLite database while it runs, seeds rows before (or while) it runs, and runs
other CLI commands against the same config. ``until`` waits for a condition with a deadline and
shows Loa's log when the deadline passes. ``publish_new_article`` makes the portal post a new
Pom Lót article.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any, Self

import pytest

from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.portal_server import FIXTURES, Portal
from tests.support.server import serve

ROOT = Path(__file__).parent.parent
TELEGRAM_TOKEN = "424242:e2e-telegram-secret"
ZALO_TOKEN = "e2e:zalo-secret"
SEEDED_AT = "2026-01-01 00:00:00"

LIST_1 = "/Tintuc/?PageIndex=1"
NEW_PATH = "/Tintuc/View/Pom-Lot-to-chuc-ngay-hoi-dai-doan-ket"
NEW_TITLE = "Xã Pom Lót tổ chức Ngày hội Đại đoàn kết toàn dân tộc"
TEMPLATE = "district/articles/pom-lot-xay-dung-dang.html"
TEMPLATE_TITLE = (
    "Đảng bộ xã Pom Lót huyện Điện Biên trong công tác xây dựng Đảng với phát triển kinh tế"
    " - xã hội."
)


@dataclass(frozen=True, slots=True)
class Options:
    """What a test may tune in Loa's config."""

    telegram_admins: Sequence[int] = ()
    zalo_admins: Sequence[str] = ()
    telegram_rate: float = 30
    zalo_rate: float = 10
    concurrency: int = 16
    # Loa's spacing of messages to one chat; conversation tests that do not check pacing
    # shorten it (an administrator's preview, "Đang gửi" and report come one after another).
    per_chat_interval: float = 1.0
    log_level: str = "INFO"
    extra_config: str = ""  # TOML appended as it is (e.g. [[commune_admins]] tables)


# For a test that kills ``loa run`` (kill -9) and starts it again: the new process takes the
# roles once the dead one's leases expire, after 3 s rather than the default 10 s.
SHORT_LEASE = """
[coordination]
lease_seconds = 3
"""

# For a conversation with one resident that does not check pacing: each answer follows the
# last at once, not a second later.
CONVERSATION = Options(per_chat_interval=0.1)


def write_config(
    tmp: Path,
    telegram_url: str,
    zalo_url: str | None,
    options: Options,
    portal_url: str | None = None,
) -> Path:
    """A config with Telegram (and Zalo, given its URL) on the emulators; with ``portal_url``,
    one news source polling the portal's first list page every second, else none."""
    o = options
    sections = [
        _core_config(tmp, options),
        _channel_config("telegram", TELEGRAM_TOKEN, f"{telegram_url}/bot", o.telegram_admins, o),
    ]
    if zalo_url is not None:
        sections.append(_channel_config("zalo", ZALO_TOKEN, zalo_url, o.zalo_admins, o))
    if portal_url is not None:
        sections.append(_source_config(portal_url))
    sections.append(o.extra_config)
    path = tmp / "loa.toml"
    path.write_text("".join(sections), encoding="utf-8")
    return path


def _core_config(tmp: Path, options: Options) -> str:
    return f"""
[database]
url = "sqlite+aiosqlite:///{tmp / "loa.db"}"

[http]
timeout_seconds = 5

[sender]
idle_poll_seconds = 0.2
concurrency = {options.concurrency}

[logging]
level = "{options.log_level}"
"""


def _channel_config(
    name: str, token: str, api_base_url: str, admins: Sequence[int | str], options: Options
) -> str:
    rate = options.telegram_rate if name == "telegram" else options.zalo_rate
    return f"""
[{name}]
token = "{token}"
api_base_url = "{api_base_url}"
poll_timeout_seconds = 1
admins = {json.dumps(list(admins))}
rate_limit_per_second = {rate}
per_chat_interval_seconds = {options.per_chat_interval}
"""


def _source_config(portal_url: str) -> str:
    return f"""
[[sources]]
name = "huyen-dien-bien"
type = "html"
url = "{portal_url}{LIST_1}"
interval_seconds = 1
max_pages = 1
selectors = {{ item = ".news-list a.title, .featured a" }}
"""


@cache
def _migrated_template() -> Path:
    """A SQLite file at head, migrated by ``loa db upgrade`` (the first time it is asked for):
    copying it spares every end-to-end test a process start and a migration."""
    folder = Path(tempfile.mkdtemp(prefix="loa-e2e-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    config = folder / "loa.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{folder / "loa.db"}"\n', "utf-8")
    upgraded = Loa(folder, config).cli("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    # The process has ended: its WAL was checkpointed into the file and removed.
    assert not (folder / "loa.db-wal").exists()
    return folder / "loa.db"


class Loa:
    """One ``loa run`` subprocess (restartable) and a view of its SQLite database."""

    def __init__(self, tmp: Path, config: Path) -> None:
        self.tmp, self.config, self.database = tmp, config, tmp / "loa.db"
        self.log_path = tmp / "loa.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[str] | None = None
        self._env = os.environ | {"PYTHONPATH": str(ROOT)}

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "loa.cli", "--config", str(self.config), *args]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one ``loa`` command to its end; its output is returned, not checked."""
        return subprocess.run(
            self.command(*args), cwd=self.tmp, env=self._env, capture_output=True, text=True
        )

    def upgrade(self) -> None:
        """Migrate the database (before seeding rows into it); a failure fails the test. A new
        one is a copy of a database that ``loa db upgrade`` migrated once per test process."""
        if not self.database.exists():
            shutil.copyfile(_migrated_template(), self.database)
            return
        upgraded = self.cli("db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr

    async def cli_async(self, *args: str, within: float = 30) -> tuple[int, str, str]:
        """Run one ``loa`` command without blocking the test's loop: (status, stdout, stderr)."""
        process = await asyncio.create_subprocess_exec(
            *self.command(*args),
            cwd=self.tmp,
            env=self._env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), within)
        except TimeoutError:
            process.kill()
            await process.wait()
            pytest.fail(f"loa {' '.join(args)} did not finish in {within} s\n{self.recent_log()}")
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    def start(self) -> None:
        self._log = self.log_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            self.command("run"),
            cwd=self.tmp,
            env=self._env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Read while Loa writes (a locked moment reads as "not yet")."""
        if not self.database.exists():
            return []
        try:
            uri = f"file:{self.database}?mode=ro"
            with sqlite3.connect(uri, uri=True, timeout=0.5) as connection:
                return connection.execute(sql).fetchall()
        except sqlite3.OperationalError:
            return []

    def one(self, sql: str) -> Any:
        rows = self.query(sql)
        return rows[0][0] if rows else None

    def write(self, sql: str, rows: Iterable[Sequence[Any]] = ((),)) -> None:
        """Write rows directly (before Loa starts, or while it runs: SQLite serialises)."""
        with sqlite3.connect(self.database, timeout=10) as connection:
            connection.executemany(sql, list(rows))

    def seed_residents(
        self, channel: str, chat_ids: Iterable[str | int], commune: str | None = None
    ) -> None:
        """Residents who receive everything, or who chose ``commune`` (its current name)."""
        ids = [str(c) for c in chat_ids]
        self.write(
            "INSERT INTO residents (channel, chat_id, user_id, active, created_at, updated_at)"
            f" VALUES ('{channel}', ?, ?, 1, '{SEEDED_AT}', '{SEEDED_AT}')",
            [(c, c) for c in ids],
        )
        if commune is not None:
            self.write(
                "INSERT INTO subscriptions (resident_id, kind, value, created_at)"
                f" SELECT id, 'commune', ?, '{SEEDED_AT}' FROM residents"
                " WHERE channel = ? AND chat_id = ?",
                [(commune, channel, c) for c in ids],
            )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""

    def recent_log(self, lines: int = 40) -> str:
        kept = [line for line in self.log().splitlines() if " DEBUG " not in line]
        return "loa run's log:\n" + "\n".join(kept[-lines:])


async def until(condition: Callable[[], bool], within: float, loa: Loa, what: str = "") -> None:
    """Wait for a condition on the database or an emulator, with a deadline."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not reached in {within} s: {what}\n{loa.recent_log()}")
        await asyncio.sleep(0.01)


class Stage:
    """The emulators (and the fixture portal, when given) served while ``serving()`` lasts, and
    the Loa wired to them (stopped when the stage closes)."""

    def __init__(
        self,
        tmp: Path,
        telegram: TelegramEmulator,
        zalo: ZaloEmulator | None = None,
        portal: Portal | None = None,
    ) -> None:
        self.tmp, self.telegram, self.zalo, self.portal = tmp, telegram, zalo, portal
        self.telegram_url = self.zalo_url = self.portal_url = ""
        self.loa: Loa | None = None

    @contextmanager
    def serving(self) -> Iterator[Self]:
        with ExitStack() as servers:
            self.telegram_url = servers.enter_context(serve(self.telegram.app))
            if self.zalo is not None:
                self.zalo_url = servers.enter_context(serve(self.zalo.app))
            if self.portal is not None:
                self.portal_url = servers.enter_context(self.portal.serving())
            try:
                yield self
            finally:
                if self.loa is not None:
                    self.loa.stop()

    def make_loa(self, options: Options, *, upgrade: bool = True) -> Loa:
        """A Loa configured for what this stage serves (not started); ``upgrade`` migrates its
        database first (``loa run`` migrates by itself: only seeding needs it)."""
        config = write_config(
            self.tmp,
            self.telegram_url,
            self.zalo_url if self.zalo is not None else None,
            options,
            self.portal_url if self.portal is not None else None,
        )
        self.loa = Loa(self.tmp, config)
        if upgrade:
            self.loa.upgrade()
        return self.loa


def publish_new_article(portal: Portal) -> None:
    """The portal posts a new Pom Lót article (``NEW_TITLE``) at the top of list page 1."""
    body = (FIXTURES / TEMPLATE).read_text("utf-8")
    portal.add(NEW_PATH, body.replace(TEMPLATE_TITLE, NEW_TITLE))
    listing = portal.page(LIST_1).body.decode("utf-8")
    link = f'<div class="news-item"><a class="title" href="{NEW_PATH}">{NEW_TITLE}</a></div>'
    portal.add(LIST_1, listing.replace('<div class="news-list">', '<div class="news-list">' + link))
