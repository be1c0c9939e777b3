"""End to end: ``loa run`` as a subprocess with the Telegram and Zalo emulators and the fixture
portal. A resident on each channel subscribes to the same commune; one new article reaches each
of them exactly once, on their own channel, and every Zalo message fits 2000 characters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e_support import (
    NEW_TITLE,
    TELEGRAM_TOKEN,
    ZALO_TOKEN,
    Options,
    Stage,
    publish_new_article,
    until,
)
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.portal_server import Portal

TELEGRAM_CHAT, ZALO_CHAT = 5001, "z5002aa1b"


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[Stage]:
    """The portal and both emulators, served, and ``loa run`` started (it migrates its
    database by itself)."""
    portal, telegram, zalo = Portal.from_fixtures(), TelegramEmulator(), ZaloEmulator(ZALO_TOKEN)
    with Stage(tmp_path, telegram, zalo, portal).serving() as stage:
        stage.make_loa(Options(), upgrade=False).start()
        yield stage


def titled(texts: list[str]) -> int:
    return sum(1 for text in texts if NEW_TITLE in text)


async def test_one_article_reaches_each_channel_once(stage: Stage) -> None:
    assert stage.portal is not None and stage.zalo is not None and stage.loa is not None
    portal, telegram, zalo, loa = stage.portal, stage.telegram, stage.zalo, stage.loa
    await until(lambda: loa.query("SELECT backfilled FROM sources") == [(1,)], 30, loa)
    telegram.send_text(TELEGRAM_CHAT, "/dangky Pom Lót")
    zalo.inject_message(ZALO_CHAT, "dang ky pom lot", display_name="Lò Văn Khoa")
    subscribed = (
        "SELECT r.channel, s.value FROM subscriptions s JOIN residents r"
        " ON r.id = s.resident_id ORDER BY r.channel"
    )
    await until(lambda: len(loa.query(subscribed)) == 2, 20, loa, "both subscribed")
    [(_, telegram_choice), (_, zalo_choice)] = loa.query(subscribed)
    assert telegram_choice == zalo_choice  # the same commune, from a command and from words

    publish_new_article(portal)
    await until(
        lambda: (
            titled([m.text for m in telegram.messages_to(TELEGRAM_CHAT)]) >= 1
            and titled([s.text for s in zalo.sent(ZALO_CHAT)]) >= 1
        ),
        30,
        loa,
        "the article on both channels",
    )
    pending = "SELECT count(*) FROM deliveries WHERE state = 'pending'"
    await until(lambda: loa.query(pending) == [(0,)], 10, loa, "no delivery pending")

    assert titled([m.text for m in telegram.messages_to(TELEGRAM_CHAT)]) == 1
    assert titled([s.text for s in zalo.sent(ZALO_CHAT)]) == 1
    assert not [s for s in zalo.sent() if NEW_TITLE in s.text and s.chat_id != ZALO_CHAT]
    assert all(len(s.text) <= 2000 for s in zalo.sent())
    assert loa.query(
        "SELECT channel, state FROM deliveries WHERE payload IS NULL ORDER BY channel"
    ) == [
        ("telegram", "sent"),
        ("zalo", "sent"),
    ]
    output = loa.log()
    assert "getUpdates failed" not in output and "Traceback" not in output
    assert ZALO_TOKEN not in output and TELEGRAM_TOKEN not in output
