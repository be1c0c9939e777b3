"""End to end (``loa run`` as a subprocess, both emulators): an ordinary broadcast meets a
resident's quiet hours — the preview says one resident is in quiet hours, the progress edited
into the preview shows the held delivery as its own count, and the report comes only once it
went (here: when the resident ends their quiet hours with ``/yentinh tat``); and a voice note
without text, without ``[web] public_url``, queues nothing for Zalo and the preview says so."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot import texts
from bot.render import html_to_text
from storage.models import utcnow
from tests.e2e_support import ZALO_TOKEN, Loa, Options, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.media_support import opus_voice
from tests.test_e2e_media import TG_ADMIN, TG_RESIDENTS, Z_RESIDENTS, preview_of, send_button
from tests.test_rhythm import VN

SLEEPER, AWAKE = TG_RESIDENTS


@pytest.fixture
def stage(tmp_path: Path) -> Iterator[Stage]:
    telegram = TelegramEmulator(global_rate=None, per_chat_rate=None)
    with Stage(tmp_path, telegram, ZaloEmulator(ZALO_TOKEN)).serving() as stage:
        yield stage


def started(stage: Stage) -> Loa:
    assert stage.zalo is not None
    loa = stage.make_loa(Options(telegram_admins=[TG_ADMIN], per_chat_interval=0.1))
    loa.seed_residents("telegram", TG_RESIDENTS)
    loa.seed_residents("zalo", Z_RESIDENTS)
    stage.zalo.add_chats(list(Z_RESIDENTS))
    for chat in (*TG_RESIDENTS, TG_ADMIN):
        stage.telegram.add_chat(chat)
    loa.start()
    return loa


def got(stage: Stage, chat: int, marker: str) -> bool:
    return any(marker in m.text for m in stage.telegram.messages_to(chat))


async def test_a_held_delivery_is_its_own_count_and_the_report_waits_for_it(
    stage: Stage,
) -> None:
    telegram, zalo = stage.telegram, stage.zalo
    assert zalo is not None
    loa = started(stage)
    now = utcnow().astimezone(VN)
    window = f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=1):%H:%M}"
    telegram.send_text(SLEEPER, f"/yentinh {window}")
    await until(lambda: got(stage, SLEEPER, "Đã đặt giờ yên tĩnh"), 15, loa, "/yentinh")

    before = len(telegram.messages_to(TG_ADMIN))
    marker = "Họp dân bản Co Mỵ lúc 8h sáng mai"
    telegram.send_text(TG_ADMIN, f"/thongbao {marker}")
    question = await preview_of(stage, loa, before)
    assert "Trong đó 1 người đang trong giờ yên tĩnh: họ nhận thông báo" in question.text
    telegram.press(TG_ADMIN, question.message_id, send_button(question))
    await until(
        lambda: got(stage, AWAKE, marker) and all(zalo.sent(c) for c in Z_RESIDENTS),
        20,
        loa,
        "the broadcast to the residents awake",
    )

    def preview_text() -> str:
        [shown] = [m for m in telegram.messages_to(TG_ADMIN) if m.message_id == question.message_id]
        return shown.text

    held = html_to_text(texts.broadcast_progress(3, 0, 0, done=False, held=1))
    await until(lambda: preview_text() == held, 20, loa, "the progress with the held count")
    assert not got(stage, SLEEPER, marker)
    assert loa.query("SELECT state FROM broadcasts") == [("sending",)]  # not done yet
    assert not any("Đã gửi xong" in m.text for m in telegram.messages_to(TG_ADMIN))

    telegram.send_text(SLEEPER, "/yentinh tat")  # the quiet hours end: what they held goes
    await until(lambda: got(stage, SLEEPER, marker), 20, loa, "the held broadcast")
    done = html_to_text(texts.broadcast_progress(4, 0, 0, done=True))
    await until(lambda: preview_text() == done, 20, loa, "the final report")
    assert loa.query("SELECT state FROM broadcasts") == [("done",)]
    assert "Traceback" not in loa.log()


async def test_a_voice_note_without_text_reaches_no_zalo_resident_and_says_so(
    stage: Stage,
) -> None:
    telegram, zalo = stage.telegram, stage.zalo
    assert zalo is not None
    loa = started(stage)  # no [web] public_url: Zalo cannot fetch the voice
    before = len(telegram.messages_to(TG_ADMIN))
    voice = telegram.send_voice(TG_ADMIN, opus_voice(1.0))
    telegram.reply_text(TG_ADMIN, "/thongbao", reply_to=voice)
    question = await preview_of(stage, loa, before)
    assert "Số người nhận: 2 (telegram 2, zalo 0)" in question.text
    assert html_to_text(texts.MEDIA_ZALO_NOTHING) in question.text
    telegram.press(TG_ADMIN, question.message_id, send_button(question))
    await until(
        lambda: all(telegram.media_to(c, "voice") for c in TG_RESIDENTS),
        20,
        loa,
        "the voice note on Telegram",
    )
    await until(lambda: loa.query("SELECT state FROM broadcasts") == [("done",)], 20, loa, "done")
    channels = "SELECT channel, state FROM deliveries WHERE broadcast_id IS NOT NULL"
    assert sorted(loa.query(channels)) == [("telegram", "sent"), ("telegram", "sent")]
    assert all(zalo.sent(c) == [] for c in Z_RESIDENTS)  # nothing, not an empty message
    assert loa.query("SELECT count(*) FROM media") == [(0,)]  # nothing was downloaded
