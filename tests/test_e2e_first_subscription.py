"""End to end: after /dangky X a new resident is offered the three latest articles about X — a
button on Telegram, "Trả lời 1" on Zalo — and gets them by pressing it (or answering 1).

``loa run`` as a subprocess, the fixture portal (its archive holds articles about xã Sam Mứn)
and both emulators over real HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e_support import ZALO_TOKEN, Options, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.portal_server import Portal

TELEGRAM_CHAT, ZALO_CHAT = 6001, "z6002bb2c"
OFFER = "Xem 3 tin mới nhất về xã Sam Mứn"
HEADING = "Tin mới nhất về xã Sam Mứn"


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[Stage]:
    portal, telegram, zalo = Portal.from_fixtures(), TelegramEmulator(), ZaloEmulator(ZALO_TOKEN)
    with Stage(tmp_path, telegram, zalo, portal).serving() as stage:
        stage.make_loa(Options(), upgrade=False).start()
        yield stage


def _buttons(markup: dict[str, object] | None) -> dict[str, str]:
    rows = (markup or {}).get("inline_keyboard", [])
    assert isinstance(rows, list)
    return {b["text"]: b["callback_data"] for row in rows for b in row}


async def test_the_latest_articles_are_offered_on_both_channels(stage: Stage) -> None:
    assert stage.zalo is not None and stage.loa is not None
    telegram, zalo, loa = stage.telegram, stage.zalo, stage.loa
    await until(lambda: loa.query("SELECT backfilled FROM sources") == [(1,)], 30, loa)
    about = "SELECT count(*) FROM article_communes WHERE commune = 'Sam Mứn'"
    assert loa.query(about)[0][0] >= 1  # the archive has news about the commune

    telegram.send_text(TELEGRAM_CHAT, "/dangky Pom Lót")
    zalo.inject_message(ZALO_CHAT, "Đăng kí Pom Lót")

    def offered_on_telegram() -> bool:
        return any(
            OFFER in " ".join(_buttons(m.reply_markup)) for m in telegram.messages_to(TELEGRAM_CHAT)
        )

    await until(offered_on_telegram, 20, loa, "the offer on Telegram")
    [offer] = [m for m in telegram.messages_to(TELEGRAM_CHAT) if m.reply_markup]
    assert "Xã Pom Lót nay thuộc xã Sam Mứn" in offer.text
    [(label, data)] = _buttons(offer.reply_markup).items()
    assert (label, data) == (f"📰 {OFFER}", "recent:c:Sam Mứn")
    telegram.press(TELEGRAM_CHAT, offer.message_id, data)
    await until(
        lambda: any(HEADING in m.text for m in telegram.messages_to(TELEGRAM_CHAT)),
        20,
        loa,
        "the articles on Telegram",
    )

    await until(lambda: any(OFFER in s.text for s in zalo.sent(ZALO_CHAT)), 20, loa, "Zalo offer")
    [question] = [s.text for s in zalo.sent(ZALO_CHAT) if OFFER in s.text]
    assert f"1. 📰 {OFFER}" in question and "Trả lời 1" in question
    zalo.inject_message(ZALO_CHAT, "1")
    await until(
        lambda: any(HEADING in s.text for s in zalo.sent(ZALO_CHAT)), 20, loa, "Zalo articles"
    )

    for text in (
        next(m.text for m in telegram.messages_to(TELEGRAM_CHAT) if HEADING in m.text),
        next(s.text for s in zalo.sent(ZALO_CHAT) if HEADING in s.text),
    ):
        listed = [line for line in text.splitlines() if line[:2] in {"1.", "2.", "3.", "4."}]
        assert 1 <= len(listed) <= 3
        assert "Sam Mứn" in text
