"""End to end: ``loa run`` as a subprocess, the fixture portal and the Telegram emulator.

Residents subscribe by writing to the bot (no diacritics, an old commune name); a new article
reaches exactly the matching residents once; the archive found by the first poll reaches nobody;
blocked residents are deactivated; a 429 storm loses nothing and never retries early; a kill -9
in the middle of a 500-message send loses nothing and repeats at most the messages in flight.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from tests.emulators.telegram import TelegramEmulator
from tests.portal_server import FIXTURES, Portal
from tests.support.server import serve

ROOT = Path(__file__).parent.parent
TOKEN = "424242:e2e-telegram-secret"
LIST_1 = "/Tintuc/?PageIndex=1"
NEW_PATH = "/Tintuc/View/Pom-Lot-to-chuc-ngay-hoi-dai-doan-ket"
NEW_TITLE = "Xã Pom Lót tổ chức Ngày hội Đại đoàn kết toàn dân tộc"
TEMPLATE = "district/articles/pom-lot-xay-dung-dang.html"
TEMPLATE_TITLE = (
    "Đảng bộ xã Pom Lót huyện Điện Biên trong công tác xây dựng Đảng với phát triển kinh tế"
    " - xã hội."
)
CONCURRENCY = 16


def write_config(tmp: Path, portal: str, telegram: str, *, rate: float, concurrency: int) -> Path:
    path = tmp / "loa.toml"
    path.write_text(
        f"""
[database]
url = "sqlite+aiosqlite:///{tmp / "loa.db"}"

[http]
timeout_seconds = 5

[telegram]
token = "{TOKEN}"
api_base_url = "{telegram}/bot"
poll_timeout_seconds = 1
rate_limit_per_second = {rate}
per_chat_interval_seconds = 1.0

[sender]
idle_poll_seconds = 0.2
concurrency = {concurrency}

[logging]
level = "DEBUG"

[[sources]]
name = "huyen-dien-bien"
type = "html"
url = "{portal}{LIST_1}"
interval_seconds = 1
max_pages = 1
selectors = {{ item = ".news-list a.title, .featured a" }}
""",
        encoding="utf-8",
    )
    return path


class Loa:
    """One ``loa run`` subprocess and a read-only view of its SQLite database."""

    def __init__(self, tmp: Path, config: Path) -> None:
        self.tmp, self.config, self.database = tmp, config, tmp / "loa.db"
        self.log_path = tmp / "loa.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[str] | None = None

    def cli(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "loa.cli", "--config", str(self.config), *args],
            cwd=self.tmp,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        self._log = self.log_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "loa.cli", "--config", str(self.config), "run"],
            cwd=self.tmp,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
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

    def seed_residents(self, chat_ids: range) -> None:
        """Residents who receive everything, written before Loa starts."""
        with sqlite3.connect(self.database) as connection:
            connection.executemany(
                "INSERT INTO residents (channel, chat_id, active, created_at, updated_at)"
                " VALUES ('telegram', ?, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
                [(str(c),) for c in chat_ids],
            )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path.exists() else ""


async def until(condition: Callable[[], bool], within: float, loa: Loa) -> None:
    """Wait for a condition on the database or the emulator, with a deadline."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            lines = [line for line in loa.log().splitlines() if " DEBUG " not in line]
            pytest.fail("loa run did not get there in time; its log:\n" + "\n".join(lines[-40:]))
        await asyncio.sleep(0.05)


def publish_new_article(portal: Portal) -> None:
    """The portal posts a new Pom Lót article at the top of list page 1."""
    body = (FIXTURES / TEMPLATE).read_text("utf-8")
    portal.add(NEW_PATH, body.replace(TEMPLATE_TITLE, NEW_TITLE))
    listing = portal.page(LIST_1).body.decode("utf-8")
    link = f'<div class="news-item"><a class="title" href="{NEW_PATH}">{NEW_TITLE}</a></div>'
    portal.add(LIST_1, listing.replace('<div class="news-list">', '<div class="news-list">' + link))


def article_messages(emulator: TelegramEmulator, chat_id: int) -> list[str]:
    return [m.text for m in emulator.messages_to(chat_id) if NEW_TITLE in m.text]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Portal, TelegramEmulator, str, str]]:
    portal, emulator = Portal.from_fixtures(), TelegramEmulator()
    with portal.serving() as portal_url, serve(emulator.app) as telegram_url:
        yield portal, emulator, portal_url, telegram_url


async def test_subscribe_publish_block_and_throttle(
    world: tuple[Portal, TelegramEmulator, str, str], tmp_path: Path
) -> None:
    portal, emulator, portal_url, telegram_url = world
    loa = Loa(tmp_path, write_config(tmp_path, portal_url, telegram_url, rate=30, concurrency=1))
    loa.cli("db", "upgrade")
    loa.seed_residents(range(2000, 2030))  # they exist before the first (archive) poll
    for chat_id in range(2000, 2030):
        emulator.add_chat(chat_id)
    loa.start()
    try:
        await until(lambda: loa.query("SELECT backfilled FROM sources") == [(1,)], 30, loa)
        for chat_id, text in [
            (1001, "/start"),
            (1002, "/dangky pom lot"),
            (1003, "/dangky muong phang"),
            (1005, "/start"),
            (1006, "/start"),
        ]:
            emulator.send_text(chat_id, text)
        await until(lambda: all(emulator.messages_to(c) for c in (1001, 1002, 1003, 1006)), 20, loa)
        assert "Sam Mứn" in emulator.messages_to(1002)[0].text  # the old name, explained
        emulator.block(1006)  # Telegram tells the bot
        emulator.block(1005, notify=False)  # only a send will find out
        active = "SELECT active FROM residents WHERE chat_id = '1006'"
        await until(lambda: loa.one(active) == 0, 10, loa)
        assert loa.one("SELECT count(*) FROM deliveries") == 0  # the archive went to nobody
        assert not [m for m in emulator.sent if m.chat_id >= 2000]

        emulator.set_limits(global_rate=8, per_chat_rate=1, per_chat_burst=1)  # a 429 storm
        publish_new_article(portal)
        pending = "SELECT count(*) FROM deliveries WHERE state = 'pending'"
        await until(lambda: loa.one("SELECT count(*) FROM deliveries") == 33, 15, loa)
        await until(lambda: loa.one(pending) == 0, 30, loa)
        emulator.set_limits(global_rate=None, per_chat_rate=None)

        emulator.send_text(1003, "/timkiem ngay hoi dai doan ket")
        emulator.send_text(1003, "/tinmoi 3")
        await until(lambda: len(emulator.messages_to(1003)) >= 3, 15, loa)
    finally:
        loa.stop()

    for chat_id in (1001, 1002, *range(2000, 2030)):
        assert len(article_messages(emulator, chat_id)) == 1, chat_id
    message = next(m for m in emulator.messages_to(1002) if NEW_TITLE in m.text)
    assert "🗓" in message.text and "✍️ Lưu Hồng Sinh" in message.text
    links = [e.get("url") for e in message.entities if e["type"] == "text_link"]
    assert links == [portal_url + NEW_PATH]
    assert not [m for m in emulator.messages_to(1006) if NEW_TITLE in m.text]
    _, found, latest = (m.text for m in emulator.messages_to(1003))
    assert found.startswith("Kết quả tìm") and NEW_TITLE in found  # not pushed, but searchable
    assert latest.startswith("Tin mới nhất") and latest.count("🗓") == 3
    assert not emulator.messages_to(1005)[1:]  # only the /start reply went through
    assert loa.query("SELECT chat_id, active FROM residents WHERE chat_id IN ('1005', '1006')") == [
        ("1005", 0),
        ("1006", 0),
    ]
    assert any(c.status == 429 for c in emulator.calls_of("sendMessage"))
    assert emulator.early_requests() == []
    assert TOKEN not in loa.log() and "/bot<redacted>/" in loa.log()


async def test_kill_9_during_a_500_message_send_loses_nothing(
    world: tuple[Portal, TelegramEmulator, str, str], tmp_path: Path
) -> None:
    portal, emulator, portal_url, telegram_url = world
    emulator.set_limits(global_rate=None, per_chat_rate=None)
    config = write_config(tmp_path, portal_url, telegram_url, rate=400, concurrency=CONCURRENCY)
    loa = Loa(tmp_path, config)
    loa.cli("db", "upgrade")
    chats = range(10_000, 10_500)
    loa.seed_residents(chats)
    for chat_id in chats:
        emulator.add_chat(chat_id)
    loa.start()
    try:
        await until(lambda: loa.query("SELECT backfilled FROM sources") == [(1,)], 30, loa)
        publish_new_article(portal)
        await until(lambda: len(emulator.sent) >= 120, 30, loa)
        loa.stop(signal.SIGKILL)
        killed_at = len(emulator.sent)
        assert killed_at < 500  # the kill did land mid-send
        loa.start()
        pending = "SELECT count(*) FROM deliveries WHERE state = 'pending'"
        await until(lambda: loa.one(pending) == 0, 40, loa)
    finally:
        loa.stop()
    received = Counter(m.chat_id for m in emulator.sent if NEW_TITLE in m.text)
    assert set(received) == set(chats)  # every message delivered
    duplicates = sum(n - 1 for n in received.values())
    assert duplicates <= CONCURRENCY
    assert loa.query("SELECT state, count(*) FROM deliveries GROUP BY state") == [("sent", 500)]
