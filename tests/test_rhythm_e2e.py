"""End to end: ``loa run`` as a subprocess with the Zalo and Telegram emulators.

A resident sets a daily bulletin and quiet hours from chat (Zalo first, then Telegram), sees
them in /cuatoi, and finds them again after a restart. A bulletin whose time passed while Loa
was stopped goes out, once, as soon as Loa is back: held deliveries whose time has come are
seeded before the start (no test waits for the wall clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e_support import CONVERSATION, SEEDED_AT, ZALO_TOKEN, Loa, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator

ZALO_CHAT, TELEGRAM_CHAT = "z7001rhythm", 7002
PAST = "2026-01-02 00:00:00"  # 07:00 in Vietnam on 2 January: long gone
TITLES = ("Xã Sam Mứn gặt lúa mùa", "Xã Sam Mứn họp dân về đường liên bản")


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[Stage]:
    telegram, zalo = TelegramEmulator(), ZaloEmulator(ZALO_TOKEN)
    with Stage(tmp_path, telegram, zalo).serving() as stage:
        yield stage


def zalo_texts(stage: Stage) -> list[str]:
    assert stage.zalo is not None
    return [sent.text for sent in stage.zalo.sent(ZALO_CHAT)]


def telegram_texts(stage: Stage) -> list[str]:
    return [message.text for message in stage.telegram.messages_to(TELEGRAM_CHAT)]


async def zalo_says(stage: Stage, loa: Loa, text: str, expect: str) -> str:
    """The Zalo resident writes ``text``; return the first new answer holding ``expect``."""
    assert stage.zalo is not None
    before = len(zalo_texts(stage))
    stage.zalo.inject_message(ZALO_CHAT, text, display_name="Lò Thị Mai")
    await until(lambda: any(expect in t for t in zalo_texts(stage)[before:]), 20, loa, text)
    return next(t for t in zalo_texts(stage)[before:] if expect in t)


async def telegram_says(stage: Stage, loa: Loa, text: str, expect: str) -> str:
    before = len(telegram_texts(stage))
    stage.telegram.send_text(TELEGRAM_CHAT, text)
    await until(lambda: any(expect in t for t in telegram_texts(stage)[before:]), 20, loa, text)
    return next(t for t in telegram_texts(stage)[before:] if expect in t)


async def test_settings_from_chat_on_both_channels_survive_a_restart(stage: Stage) -> None:
    loa = stage.make_loa(CONVERSATION, upgrade=False)
    loa.start()
    await zalo_says(stage, loa, "/bantin 25:00", "không phải giờ hợp lệ")
    await zalo_says(stage, loa, "ban tin 7h", "mỗi ngày lúc 07:00")
    await zalo_says(stage, loa, "/yentinh 22:00-06:00", "22:00–06:00")
    mine = await zalo_says(stage, loa, "/cuatoi", "Bản tin mỗi ngày")
    assert "07:00" in mine and "22:00–06:00" in mine
    await telegram_says(stage, loa, "/digest 18:30", "18:30")
    await telegram_says(stage, loa, "/quiet 23:00-05:00", "23:00–05:00")
    assert loa.query(
        "SELECT channel, bulletin_time, quiet_hours FROM residents ORDER BY channel"
    ) == [("telegram", "18:30", "23:00-05:00"), ("zalo", "07:00", "22:00-06:00")]

    zalo = stage.zalo
    assert zalo is not None
    loa.stop()
    # Zalo's getUpdates has no offset: a message given to the stopped process's last long
    # poll would be lost. The emulator ends a poll whose client hung up; wait for that.
    await until(lambda: zalo.polling == 0, 10, loa, "the stopped process's poll ended")
    loa.start()
    shown = await zalo_says(stage, loa, "/bantin", "Bà con nhận một bản tin mỗi ngày lúc")
    assert "07:00" in shown
    await telegram_says(stage, loa, "/yentinh", "23:00–05:00")
    await zalo_says(stage, loa, "/bantin tắt", "Đã tắt bản tin")
    assert loa.one("SELECT bulletin_time FROM residents WHERE channel = 'zalo'") is None


async def test_a_bulletin_due_while_loa_was_down_goes_out_on_restart(stage: Stage) -> None:
    assert stage.zalo is not None
    stage.zalo.add_chats([ZALO_CHAT])  # the resident wrote to the bot before
    loa = stage.make_loa(CONVERSATION)
    seed_held_bulletin(loa)
    loa.start()
    await until(lambda: any(TITLES[0] in t for t in zalo_texts(stage)), 30, loa, "the bulletin")
    bundled = "SELECT count(*) FROM deliveries WHERE state = 'bundled'"
    await until(lambda: loa.one(bundled) == 2, 10, loa, "held rows bundled")
    pending = "SELECT count(*) FROM deliveries WHERE state IN ('pending', 'held')"
    await until(lambda: loa.one(pending) == 0, 10, loa, "bulletin sent")
    [bulletin] = [t for t in zalo_texts(stage) if "Bản tin Loa" in t]
    assert all(title in bulletin for title in TITLES)
    assert bulletin.index(TITLES[1]) < bulletin.index(TITLES[0])  # newest first
    assert len(bulletin) <= 2000
    # The next bulletin is tomorrow's: the resident's instant moved on, nothing went twice.
    assert loa.one("SELECT next_bulletin_at > '2026-06-01' FROM residents") == 1
    assert sum("Bản tin Loa" in t for t in zalo_texts(stage)) == 1
    assert "Traceback" not in loa.log()


def seed_held_bulletin(loa: Loa) -> None:
    """A Zalo resident with a 07:00 bulletin and two held articles, due on 2 January."""
    loa.seed_residents("zalo", [ZALO_CHAT])
    loa.write("UPDATE residents SET bulletin_time = '07:00', next_bulletin_at = ?", [(PAST,)])
    loa.write(
        "INSERT INTO sources (name, url, consecutive_failures, backfilled, quiet_passes)"
        " VALUES ('s', 'http://portal.test/', 0, 1, 0)"
    )
    loa.write(
        "INSERT INTO articles (source_id, url, title, summary, body, fetched_at, published_at,"
        " content_hash, is_backfill, search_text)"
        f" VALUES (1, ?, ?, '', '', '{SEEDED_AT}', ?, 'h', 0, '')",
        [
            ("http://portal.test/a", TITLES[0], "2026-01-01 02:00:00"),
            ("http://portal.test/b", TITLES[1], "2026-01-01 05:00:00"),
        ],
    )
    loa.write(
        "INSERT INTO deliveries (article_id, resident_id, channel, priority, state, attempts,"
        f" created_at, next_attempt_at) SELECT id, 1, 'zalo', 0, 'held', 0, '{SEEDED_AT}', ?"
        " FROM articles",
        [(PAST,)],
    )
