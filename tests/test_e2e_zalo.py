"""End to end: ``loa run`` as a subprocess with the Telegram and Zalo emulators and the fixture
portal. A resident on each channel subscribes to the same commune; one new article reaches each
of them exactly once, on their own channel, and every Zalo message fits 2000 characters."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator, wait_until
from tests.portal_server import FIXTURES, Portal
from tests.support.server import serve

ROOT = Path(__file__).parent.parent
LIST_1 = "/Tintuc/?PageIndex=1"
NEW_PATH = "/Tintuc/View/Pom-Lot-to-chuc-ngay-hoi-dai-doan-ket"
NEW_TITLE = "Xã Pom Lót tổ chức Ngày hội Đại đoàn kết toàn dân tộc"
TEMPLATE = "district/articles/pom-lot-xay-dung-dang.html"
TEMPLATE_TITLE = (
    "Đảng bộ xã Pom Lót huyện Điện Biên trong công tác xây dựng Đảng với phát triển kinh tế"
    " - xã hội."
)
ZALO_TOKEN = "e2e:zalo-token"
TELEGRAM_TOKEN = "123456:e2e-telegram-token"
TELEGRAM_CHAT, ZALO_CHAT = 5001, "z5002aa1b"


def config(tmp: Path, portal: str, telegram: str, zalo: str) -> Path:
    path = tmp / "loa.toml"
    path.write_text(
        f"""
[database]
url = "sqlite+aiosqlite:///{tmp / "loa.db"}"

[http]
timeout_seconds = 5

[telegram]
token = "{TELEGRAM_TOKEN}"
api_base_url = "{telegram}/bot"
poll_timeout_seconds = 1

[zalo]
token = "{ZALO_TOKEN}"
api_base_url = "{zalo}"
poll_timeout_seconds = 1

[sender]
idle_poll_seconds = 0.2

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


def query(database: Path, sql: str) -> list[tuple[Any, ...]]:
    """Read Loa's database while Loa writes it (a locked moment reads as "not yet")."""
    if not database.exists():
        return []
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.5) as connection:
            return connection.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []


def publish_new_article(portal: Portal) -> None:
    """The portal posts a new Pom Lót article at the top of list page 1."""
    body = (FIXTURES / TEMPLATE).read_text("utf-8")
    portal.add(NEW_PATH, body.replace(TEMPLATE_TITLE, NEW_TITLE))
    listing = portal.page(LIST_1).body.decode("utf-8")
    link = f'<div class="news-item"><a class="title" href="{NEW_PATH}">{NEW_TITLE}</a></div>'
    portal.add(LIST_1, listing.replace('<div class="news-list">', '<div class="news-list">' + link))


@pytest.fixture
def loa(tmp_path: Path) -> Iterator[tuple[Portal, TelegramEmulator, ZaloEmulator, Path]]:
    portal, telegram, zalo = Portal.from_fixtures(), TelegramEmulator(), ZaloEmulator(ZALO_TOKEN)
    with portal.serving() as portal_url, serve(telegram.app) as tg_url, serve(zalo.app) as z_url:
        path = config(tmp_path, portal_url, tg_url, z_url)
        log = (tmp_path / "loa.log").open("w", encoding="utf-8")
        env = os.environ | {"PYTHONPATH": str(ROOT)}
        process = subprocess.Popen(
            [sys.executable, "-m", "loa.cli", "--config", str(path), "run"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            yield portal, telegram, zalo, tmp_path
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def titled(texts: list[str]) -> int:
    return sum(1 for text in texts if NEW_TITLE in text)


async def test_one_article_reaches_each_channel_once(
    loa: tuple[Portal, TelegramEmulator, ZaloEmulator, Path],
) -> None:
    portal, telegram, zalo, tmp = loa
    database, log = tmp / "loa.db", tmp / "loa.log"
    try:
        await wait_until(lambda: query(database, "SELECT backfilled FROM sources") == [(1,)], 30)
        telegram.send_text(TELEGRAM_CHAT, "/dangky Pom Lót")
        zalo.inject_message(ZALO_CHAT, "dang ky pom lot", display_name="Lò Văn Khoa")
        subscribed = (
            "SELECT r.channel, s.value FROM subscriptions s JOIN residents r"
            " ON r.id = s.resident_id ORDER BY r.channel"
        )
        await wait_until(lambda: len(query(database, subscribed)) == 2, 20)
        [(_, telegram_choice), (_, zalo_choice)] = query(database, subscribed)
        assert telegram_choice == zalo_choice  # the same commune, from a command and from words

        publish_new_article(portal)
        await wait_until(
            lambda: (
                titled([m.text for m in telegram.messages_to(TELEGRAM_CHAT)]) >= 1
                and titled([s.text for s in zalo.sent(ZALO_CHAT)]) >= 1
            ),
            30,
        )
        pending = "SELECT count(*) FROM deliveries WHERE state = 'pending'"
        await wait_until(lambda: query(database, pending) == [(0,)], 10)
    except TimeoutError:
        pytest.fail("loa run did not get there in time; its log:\n" + log.read_text()[-4000:])

    assert titled([m.text for m in telegram.messages_to(TELEGRAM_CHAT)]) == 1
    assert titled([s.text for s in zalo.sent(ZALO_CHAT)]) == 1
    assert not [s for s in zalo.sent() if NEW_TITLE in s.text and s.chat_id != ZALO_CHAT]
    assert all(len(s.text) <= 2000 for s in zalo.sent())
    assert query(database, "SELECT channel, state FROM deliveries ORDER BY channel") == [
        ("telegram", "sent"),
        ("zalo", "sent"),
    ]
    output = log.read_text()
    assert "getUpdates failed" not in output and "Traceback" not in output
    assert ZALO_TOKEN not in output and TELEGRAM_TOKEN not in output
