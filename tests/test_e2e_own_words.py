"""End to end: residents' own words through ``loa run`` (a subprocess), the Zalo and Telegram
emulators and the fixture portal. Each kind of message of issue 22 in one conversation, with its
effect read back from the database and from what the resident is shown afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from bot.render import html_to_text
from tests.e2e_support import CONVERSATION, ZALO_TOKEN, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.portal_server import Portal
from tests.test_rhythm_e2e import (
    TELEGRAM_CHAT,
    telegram_says,
    telegram_texts,
    zalo_says,
    zalo_texts,
)


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[Stage]:
    # No per-chat flood limit: Loa answers the one resident without Telegram's spacing here.
    telegram = TelegramEmulator(per_chat_rate=None)
    portal, zalo = Portal.from_fixtures(), ZaloEmulator(ZALO_TOKEN)
    with Stage(tmp_path, telegram, zalo, portal).serving() as stage:
        yield stage


def resident(stage: Stage, channel: str, column: str) -> object:
    assert stage.loa is not None
    rows = stage.loa.query(f"SELECT {column} FROM residents WHERE channel = '{channel}'")
    return rows[0][0] if rows else None


def subscribed(stage: Stage, channel: str) -> list[str]:
    assert stage.loa is not None
    return [
        value
        for (value,) in stage.loa.query(
            "SELECT s.value FROM subscriptions s JOIN residents r ON r.id = s.resident_id"
            f" WHERE r.channel = '{channel}' ORDER BY s.value"
        )
    ]


async def test_own_words_on_zalo_and_telegram(stage: Stage) -> None:
    loa = stage.make_loa(CONVERSATION, upgrade=False)
    loa.start()
    await until(lambda: loa.query("SELECT backfilled FROM sources") == [(1,)], 30, loa)
    # The commune with the most articles in the fixture portal, its titles and the others'.
    [(commune, _)] = loa.query(
        "SELECT commune, count(*) FROM article_communes GROUP BY commune"
        " ORDER BY count(*) DESC, commune LIMIT 1"
    )
    tagged = f"SELECT article_id FROM article_communes WHERE commune = '{commune}'"
    own = {t for (t,) in loa.query(f"SELECT title FROM articles WHERE id IN ({tagged})")}
    other = {t for (t,) in loa.query(f"SELECT title FROM articles WHERE id NOT IN ({tagged})")}
    assert own and other

    # Zalo: politeness, a commune's news by name, its button answered by number.
    assert await zalo_says(stage, loa, "cảm ơn", "cảm ơn") == html_to_text(texts.THANKS)
    # A question about Loa itself: who runs it and the portal its news comes from.
    about = await zalo_says(stage, loa, "bot này của ai vậy", "Loa là bot tự động")
    assert "Đơn vị vận hành: UBND tỉnh Điện Biên." in about and "(127.0.0.1)" in about
    news = await zalo_says(stage, loa, f"tin xã {commune}", "Tin mới nhất về")
    assert any(title in news for title in own) and not any(title in news for title in other)
    assert f"1. 🔔 Đăng ký nhận tin xã {commune}\n" in news and "Trả lời 1" in news
    await zalo_says(stage, loa, "1", f"Đã đăng ký nhận tin về xã {commune}")
    assert subscribed(stage, "zalo") == [commune]
    # Times as people say them, read back from the database and from /bantin, /yentinh.
    await zalo_says(stage, loa, "gửi bản tin lúc 6 giờ chiều", "mỗi ngày lúc")
    assert resident(stage, "zalo", "bulletin_time") == "18:00"
    assert "lúc 18:00" in await zalo_says(stage, loa, "/bantin", "Bà con nhận một bản tin")
    await zalo_says(stage, loa, "từ 10 giờ tối đến 6 giờ sáng đừng gửi tin", "Đã đặt giờ yên")
    assert resident(stage, "zalo", "quiet_hours") == "22:00-06:00"
    assert "22:00–06:00" in await zalo_says(stage, loa, "/yentinh", "Giờ yên tĩnh của bà con")
    # A letter's framing, a part of the day before "từ", and "giờ tĩnh" dropped.
    letter = "Kính gửi Loa, tối từ 9h đến sáng 5h xin đừng gửi tin. Trân trọng."
    await zalo_says(stage, loa, letter, "21:00–05:00")
    assert resident(stage, "zalo", "quiet_hours") == "21:00-05:00"
    await zalo_says(stage, loa, "xoá giờ tĩnh", html_to_text(texts.QUIET_OFF))
    assert resident(stage, "zalo", "quiet_hours") is None
    # English and a 12-hour time (the last blind sets' wordings), read back from the database.
    await zalo_says(stage, loa, "digest 6am pls", "mỗi ngày lúc 06:00")
    assert resident(stage, "zalo", "bulletin_time") == "06:00"
    # "tôi muốn dừng nhận tin" asks before stopping (it was once read as a start); "2" keeps.
    stop_asked = html_to_text(texts.STOP_CONFIRM).split("\n")[0]
    await zalo_says(stage, loa, "tôi muốn dừng nhận tin", stop_asked)
    await zalo_says(stage, loa, "2", html_to_text(texts.STOP_KEPT))
    assert subscribed(stage, "zalo") == [commune]
    # /tinmoi follows the choice.
    latest = await zalo_says(stage, loa, "có tin gì mới không", "Tin mới về những gì")
    assert any(title in latest for title in own) and not any(title in latest for title in other)
    # Not understood: the likeliest actions, numbered; "2" shows the latest news.
    offered = await zalo_says(stage, loa, "con bò nhà tôi bị ốm", "Loa chưa hiểu")
    assert "2. 📰 Xem tin mới nhất" in offered and "Trả lời 1, 2 hoặc 3" in offered
    await zalo_says(stage, loa, "2", "Tin mới về những gì")
    assert sum("chưa hiểu" in text for text in zalo_texts(stage)) == 1  # only the one above

    # Telegram: a typo asked back, the button pressed; a colliding name explained.
    question = await telegram_says(stage, loa, "dnag kyy pom lot", "Có phải")
    assert question == "Có phải bà con muốn đăng ký nhận tin “pom lot” không ạ?"
    [asked] = [m for m in stage.telegram.messages_to(TELEGRAM_CHAT) if m.text == question]
    assert asked.reply_markup is not None
    [[button]] = asked.reply_markup["inline_keyboard"]
    assert button["callback_data"] == "cmd:/dangky pom lot"
    before = len(telegram_texts(stage))
    stage.telegram.press(TELEGRAM_CHAT, asked.message_id, button["callback_data"])
    await until(lambda: subscribed(stage, "telegram") == ["Sam Mứn"], 20, loa, "the press")
    await until(lambda: len(telegram_texts(stage)) > before, 20, loa, "the answer")
    assert "Xã Pom Lót nay thuộc xã Sam Mứn" in telegram_texts(stage)[before]
    collided = await telegram_says(stage, loa, "dang ky Sam Mun", "Lưu ý")
    assert "Xã Sam Mứn cũ (huyện Điện Biên) nay thuộc xã Thanh An" in collided
    assert "xã Sam Mứn" in await telegram_says(stage, loa, "tôi đang nhận tin gì", "📍")
    assert await telegram_says(stage, loa, "ok", "cảm ơn") == html_to_text(texts.THANKS)
    output = loa.log()
    assert "Traceback" not in output and "command failed" not in output
