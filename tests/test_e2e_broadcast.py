"""End to end: administrator broadcasts through ``loa run`` with both emulators at once.

From chat (a Telegram admin presses inline buttons; a Zalo admin answers "Gửi", "Hủy" or a
number), from the command line (``loa broadcast --yes``), with a double press, a cancel, a
non-administrator, an emergency behind 500 queued news messages, and a kill -9 mid-broadcast.
"""

from __future__ import annotations

import json
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from tests.e2e_support import SEEDED_AT, SHORT_LEASE, ZALO_TOKEN, Loa, Options, Stage, until
from tests.emulators.telegram import SentMessage, TelegramEmulator
from tests.emulators.zalo import ZaloEmulator

TG_ADMIN, ZALO_ADMIN = 9001, "zadmin01"
TG_POM_LOT, TG_ALL, TG_ELSEWHERE = 1001, 1002, 1003
Z_POM_LOT, Z_ALL = "zpomlot01", "zall0001"
SAM_MUN = "Sam Mứn"


class World(Stage):
    """Both emulators, served, and one Loa wired to them (``make_loa`` migrates its database)."""

    def __init__(self, tmp: Path, telegram: TelegramEmulator, zalo: ZaloEmulator) -> None:
        super().__init__(tmp, telegram, zalo)
        self.zalo: ZaloEmulator = zalo

    # -- what the emulators saw ------------------------------------------------------------

    def tg_texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.telegram.messages_to(chat_id)]

    def zalo_texts(self, chat_id: str) -> list[str]:
        return [s.text for s in self.zalo.sent(chat_id)]

    def got(self, marker: str) -> Counter[str]:
        """How many messages containing ``marker`` each resident received, on both channels
        (the administrators' previews left out)."""
        counts: Counter[str] = Counter()
        counts.update(
            f"tg:{m.chat_id}"
            for m in self.telegram.sent
            if marker in m.text and m.chat_id != TG_ADMIN
        )
        counts.update(
            f"zalo:{s.chat_id}"
            for s in self.zalo.sent()
            if marker in s.text and s.chat_id != ZALO_ADMIN
        )
        return counts

    def question(self, chat_id: int, after: int) -> SentMessage | None:
        """The preview's question (the message with Gửi / Hủy) sent to ``chat_id``."""
        asked = [m for m in self.telegram.messages_to(chat_id)[after:] if m.reply_markup]
        return asked[-1] if asked else None


def buttons(message: SentMessage) -> dict[str, str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    telegram = TelegramEmulator(global_rate=30, per_chat_rate=None)
    with World(tmp_path, telegram, ZaloEmulator(ZALO_TOKEN)).serving() as world:
        yield world


async def tg_draft(world: World, loa: Loa, text: str) -> dict[str, str]:
    """The Telegram admin writes ``text``; return the preview's buttons (label → data)."""
    before = len(world.telegram.messages_to(TG_ADMIN))
    world.telegram.send_text(TG_ADMIN, text)
    await until(lambda: world.question(TG_ADMIN, before) is not None, 10, loa, f"preview: {text}")
    question = world.question(TG_ADMIN, before)
    assert question is not None
    return buttons(question) | {"message_id": str(question.message_id)}


async def zalo_says(world: World, loa: Loa, chat_id: str, text: str, reply_with: str) -> str:
    """A Zalo user writes ``text``; return the first later reply containing ``reply_with``
    (found by content: a broadcast's report may arrive in between)."""
    before = len(world.zalo.sent(chat_id))

    def found() -> str | None:
        later = world.zalo_texts(chat_id)[before:]
        return next((t for t in later if reply_with in t), None)

    world.zalo.inject_message(chat_id, text)
    await until(lambda: found() is not None, 10, loa, f"{text!r} answered with {reply_with!r}")
    return found() or ""


async def test_admins_broadcast_from_both_chats_and_the_command_line(world: World) -> None:
    loa = world.make_loa(
        Options(telegram_admins=[TG_ADMIN], zalo_admins=[ZALO_ADMIN], per_chat_interval=0.1)
    )
    loa.start()
    telegram, zalo = world.telegram, world.zalo
    # Residents subscribe by chat: through the old commune name, or to everything.
    for chat_id, text in [
        (TG_POM_LOT, "/dangky pom lot"),
        (TG_ALL, "/start"),
        (TG_ELSEWHERE, "/dangky muong phang"),
    ]:
        telegram.send_text(chat_id, text)
    zalo.inject_message(Z_POM_LOT, "dang ky pom lot")
    zalo.inject_message(Z_ALL, "/start")
    await until(
        lambda: (
            all(telegram.messages_to(c) for c in (TG_POM_LOT, TG_ALL, TG_ELSEWHERE))
            and all(zalo.sent(c) for c in (Z_POM_LOT, Z_ALL))
        ),
        20,
        loa,
        "five residents answered",
    )
    assert loa.one("SELECT count(*) FROM residents") == 5
    assert SAM_MUN in world.zalo_texts(Z_POM_LOT)[0]  # Pom Lót is now part of Sam Mứn

    # Non-administrators, on each channel, are answered politely and reach nobody.
    telegram.send_text(TG_ALL, "/thongbao Tin giả: không ai được nhận")
    refused = await zalo_says(world, loa, Z_ALL, "/canhbao Tin giả: không ai được nhận", "Xin lỗi")
    await until(lambda: len(telegram.messages_to(TG_ALL)) == 2, 10, loa, "refusal")
    assert world.tg_texts(TG_ALL)[1] == refused == texts.NOT_ADMIN

    # Telegram: a commune broadcast, a non-admin's press, then a double press of Gửi.
    marker = "Cắt điện <b>từ 14h</b> & sửa đường dây"
    preview = await tg_draft(world, loa, f"/thongbao xã Sam Mứn: {marker}")
    message_id = int(preview["message_id"])
    shown = world.tg_texts(TG_ADMIN)[-2]  # the message exactly as residents will see it
    question = world.tg_texts(TG_ADMIN)[-1]
    assert marker in shown and SAM_MUN in question and "Số người nhận: 2" in question
    telegram.press(TG_ALL, message_id, preview[texts.SEND_BUTTON])
    telegram.press(TG_ADMIN, message_id, preview[texts.SEND_BUTTON])
    telegram.press(TG_ADMIN, message_id, preview[texts.SEND_BUTTON])
    commune_done = "SELECT state FROM broadcasts WHERE id = 1"
    await until(lambda: loa.one(commune_done) == "done", 20, loa, "commune broadcast done")
    assert world.got(marker) == {f"tg:{TG_POM_LOT}": 1, f"zalo:{Z_POM_LOT}": 1}
    assert world.tg_texts(TG_POM_LOT)[-1] == shown
    await until(lambda: world.tg_texts(TG_ALL).count(texts.NOT_ADMIN) == 2, 10, loa, "refused")
    await until(lambda: texts.BROADCAST_ALREADY in world.tg_texts(TG_ADMIN), 10, loa, "once")
    # The preview question was edited with the progress and ends with the report.
    await until(
        lambda: "Đã gửi xong" in _message(telegram, TG_ADMIN, message_id).text, 10, loa, "report"
    )
    assert "Đã gửi: 2 · Lỗi: 0 · Đang chờ: 0" in _message(telegram, TG_ADMIN, message_id).text
    edits = [c for c in telegram.calls_of("editMessageText") if c.status == 200]
    assert edits and all(int(c.params["message_id"]) == message_id for c in edits)

    # Telegram: Hủy sends nothing, and Gửi on that stale preview sends nothing either.
    cancelled = await tg_draft(world, loa, "/thongbao Họp dân lúc 19h tối nay")
    telegram.press(TG_ADMIN, int(cancelled["message_id"]), cancelled[texts.CANCEL_BUTTON])
    telegram.press(TG_ADMIN, int(cancelled["message_id"]), cancelled[texts.SEND_BUTTON])
    await until(lambda: texts.BROADCAST_CANCELLED in world.tg_texts(TG_ADMIN), 10, loa, "Hủy")
    await until(lambda: world.tg_texts(TG_ADMIN).count(texts.BROADCAST_ALREADY) == 2, 10, loa)

    # Telegram: the admin deleted the preview before pressing Gửi; the report comes anyway.
    water = "Nước sạch đã có lại"
    deleted = await tg_draft(world, loa, f"/thongbao Sam Mứn: {water}")
    telegram.sent.remove(_message(telegram, TG_ADMIN, int(deleted["message_id"])))
    telegram.press(TG_ADMIN, int(deleted["message_id"]), deleted[texts.SEND_BUTTON])

    def reported_anew() -> list[str]:
        messages = telegram.messages_to(TG_ADMIN)
        return [m.text for m in messages if "Đã gửi xong" in m.text and not m.edited]

    await until(lambda: bool(reported_anew()), 10, loa, "a report in a new message")
    assert "Đã gửi: 2 · Lỗi: 0" in reported_anew()[0]
    assert world.got(water) == {f"tg:{TG_POM_LOT}": 1, f"zalo:{Z_POM_LOT}": 1}

    # Zalo: the admin answers the preview with the words "Gửi", then (next one) with "2" (Hủy).
    question = await zalo_says(
        world, loa, ZALO_ADMIN, "/thongbao Tiêm phòng cho trẻ sáng mai", "1. Gửi"
    )
    assert "1. Gửi" in question and "2. Hủy" in question and "Số người nhận: 5" in question
    assert "tới 5 người" in await zalo_says(world, loa, ZALO_ADMIN, "Gửi", "Đang gửi")
    question = await zalo_says(world, loa, ZALO_ADMIN, "/canhbao Sạt lở ở bản Mển", "1. Gửi")
    assert "Khẩn cấp" in question
    assert await zalo_says(world, loa, ZALO_ADMIN, "2", "Đã hủy") == texts.BROADCAST_CANCELLED

    # The command line, against the running `loa run`.
    status, out, err = await loa.cli_async(
        "broadcast", "--yes", "--commune", "pom lot", "Mai nghỉ học"
    )
    assert status == 0, err
    assert "target: 2 residents (telegram 1, zalo 1)" in out and "done: sent 2, failed 0" in out

    everyone = {f"tg:{c}": 1 for c in (TG_POM_LOT, TG_ALL, TG_ELSEWHERE)}
    everyone |= {f"zalo:{c}": 1 for c in (Z_POM_LOT, Z_ALL)}
    await until(lambda: world.got("Tiêm phòng cho trẻ") == everyone, 20, loa, "Zalo admin's")
    await until(
        lambda: any("Đã gửi xong" in t for t in world.zalo_texts(ZALO_ADMIN)), 10, loa, "report"
    )
    assert world.got("Mai nghỉ học") == {f"tg:{TG_POM_LOT}": 1, f"zalo:{Z_POM_LOT}": 1}
    for nobody in ("Tin giả", "Họp dân lúc 19h", "Sạt lở ở bản Mển"):
        assert not world.got(nobody), nobody
    # A report is stored as final just after it is shown: wait for the last one to be stored.
    final = ["done", "cancelled", "done", "done", "cancelled", "done"]
    states = "SELECT state FROM broadcasts ORDER BY id"
    await until(lambda: [s for (s,) in loa.query(states)] == final, 10, loa, "reports stored")
    audit = loa.query(
        "SELECT created_by, commune, emergency, state, counts, report FROM broadcasts ORDER BY id"
    )
    assert [(who, commune, bool(e), state) for who, commune, e, state, _, _ in audit] == [
        (f"telegram:{TG_ADMIN}", SAM_MUN, False, "done"),
        (f"telegram:{TG_ADMIN}", None, False, "cancelled"),
        (f"telegram:{TG_ADMIN}", SAM_MUN, False, "done"),
        (f"zalo:{ZALO_ADMIN}", None, False, "done"),
        (f"zalo:{ZALO_ADMIN}", None, True, "cancelled"),
        ("cli", SAM_MUN, False, "done"),
    ]
    assert json.loads(audit[0][4]) == {"telegram": 1, "zalo": 1}
    assert json.loads(audit[3][5])["sent"] == 5
    status, out, err = await loa.cli_async("stats", "--json")
    assert status == 0, err
    stats = json.loads(out)
    assert stats["residents"] == {
        "telegram": {"active": 3, "inactive": 0},
        "zalo": {"active": 2, "inactive": 0},
    }
    assert stats["communes"][SAM_MUN] == 2
    reports = [(b["created_by"], b["state"], b["report"]) for b in stats["broadcasts"]]
    assert reports[0] == ("cli", "done", json.loads(audit[5][5]))
    assert reports[0][2]["sent"] == 2 and reports[1][1:] == ("cancelled", None)
    log = loa.log()
    assert f"refused broadcast by non-administrator telegram:{TG_ALL}" in log
    assert f"refused emergency by non-administrator zalo:{Z_ALL}" in log
    assert "Traceback" not in log


def _message(telegram: TelegramEmulator, chat_id: int, message_id: int) -> SentMessage:
    return next(m for m in telegram.messages_to(chat_id) if m.message_id == message_id)


def seed_article(loa: Loa) -> int:
    """One news article already stored (what the poller would have found)."""
    loa.write(
        "INSERT INTO sources (name, url, consecutive_failures, backfilled)"
        " VALUES ('huyen', 'http://portal.test/', 0, 1)"
    )
    loa.write(
        "INSERT INTO articles (source_id, url, title, summary, body, fetched_at, published_at,"
        " content_hash, is_backfill, search_text) VALUES (1, 'http://portal.test/tin-1', ?,"
        f" 'Tóm tắt.', 'Nội dung.', '{SEEDED_AT}', '{SEEDED_AT}', 'h', 0, 'tin')",
        [(NEWS_TITLE,)],
    )
    return 1


NEWS_TITLE = "Hội nghị tổng kết công tác năm của huyện Điện Biên"


async def test_an_emergency_overtakes_500_queued_news_messages(world: World) -> None:
    world.telegram.set_limits(global_rate=100, per_chat_rate=None)
    world.telegram.any_chat = True
    loa = world.make_loa(Options(telegram_admins=[TG_ADMIN], telegram_rate=100, zalo_rate=50))
    news_chats = range(20_000, 20_500)
    loa.seed_residents("telegram", news_chats)
    loa.seed_residents("telegram", range(21_000, 21_020), commune=SAM_MUN)
    zalo_chats = [f"zsm{n:05d}" for n in range(5)]
    loa.seed_residents("zalo", zalo_chats, commune=SAM_MUN)
    world.zalo.add_chats(zalo_chats)
    article_id = seed_article(loa)
    loa.start()
    alert = "Lũ quét trên suối Nậm Rốm, không qua ngầm tràn"
    preview = await tg_draft(world, loa, f"/canhbao xã Sam Mứn: {alert}")
    question = world.tg_texts(TG_ADMIN)[-1]
    assert "Khẩn cấp" in question and "Số người nhận: 25 (telegram 20, zalo 5)" in question

    # 500 news deliveries are queued and start going out, then the administrator presses Gửi.
    loa.write(
        "INSERT INTO deliveries (article_id, resident_id, channel, priority, state, attempts,"
        f" created_at) SELECT {article_id}, id, 'telegram', 0, 'pending', 0, '{SEEDED_AT}'"
        f" FROM residents WHERE chat_id BETWEEN '20000' AND '20499'"
    )

    def news() -> list[SentMessage]:
        return [m for m in world.telegram.sent if NEWS_TITLE in m.text]

    await until(lambda: len(news()) >= 20, 15, loa, "news going out")
    world.telegram.press(TG_ADMIN, int(preview["message_id"]), preview[texts.SEND_BUTTON])
    pending = "SELECT count(*) FROM deliveries WHERE state = 'pending'"
    await until(lambda: len(news()) == 500 and loa.one(pending) == 0, 30, loa, "all sent")

    alerts = [m for m in world.telegram.sent if alert in m.text and m.chat_id != TG_ADMIN]
    assert sorted(m.chat_id for m in alerts) == list(range(21_000, 21_020))
    assert world.got(alert) == Counter(
        {f"tg:{c}": 1 for c in range(21_000, 21_020)} | {f"zalo:{c}": 1 for c in zalo_chats}
    )
    assert all(m.text.startswith("📢 UBND tỉnh Điện Biên: ⚠️") for m in alerts)
    last_alert = max(m.at for m in alerts)
    before = sum(1 for m in news() if m.at < last_alert)
    assert before < 250, f"{before} of 500 news messages went out before the emergency ended"
    assert sorted(m.chat_id for m in news()) == list(news_chats)  # each news message once


async def test_kill_9_mid_broadcast_then_restart_completes_it(world: World) -> None:
    concurrency = 8
    world.telegram.set_limits(global_rate=None, per_chat_rate=None)
    world.telegram.any_chat = True
    options = Options(
        telegram_admins=[TG_ADMIN],
        telegram_rate=200,
        zalo_rate=50,
        concurrency=concurrency,
        extra_config=SHORT_LEASE,
    )
    loa = world.make_loa(options)
    telegram_chats = range(30_000, 30_400)
    zalo_chats = [f"zk{n:05d}" for n in range(100)]
    loa.seed_residents("telegram", telegram_chats)
    loa.seed_residents("zalo", zalo_chats)
    world.zalo.add_chats(zalo_chats)
    loa.start()
    marker = "Lịch tiêm chủng mở rộng tháng này"
    preview = await tg_draft(world, loa, f"/thongbao {marker}")
    message_id = int(preview["message_id"])
    world.telegram.press(TG_ADMIN, message_id, preview[texts.SEND_BUTTON])
    await until(lambda: sum(world.got(marker).values()) >= 100, 20, loa, "sending")
    loa.stop(signal.SIGKILL)
    killed_at = sum(world.got(marker).values())
    assert killed_at < 500  # the kill did land mid-broadcast

    loa.start()
    done = "SELECT state, report FROM broadcasts WHERE id = 1"
    await until(lambda: (loa.query(done) or [("",)])[0][0] == "done", 30, loa, "done")
    received = world.got(marker)
    expected = {f"tg:{c}" for c in telegram_chats} | {f"zalo:{c}" for c in zalo_chats}
    assert set(received) == expected  # every resident got it
    for channel in ("tg:", "zalo:"):
        duplicates = sum(n - 1 for key, n in received.items() if key.startswith(channel))
        assert duplicates <= concurrency, (channel, duplicates)
    report = json.loads(loa.query(done)[0][1])
    assert (report["sent"], report["failed"]) == (500, 0)
    edits = [c.params["text"] for c in world.telegram.calls_of("editMessageText")]
    assert any("Đang gửi thông báo" in text for text in edits)  # progress while sending
    await until(
        lambda: "Đã gửi: 500 · Lỗi: 0" in _message(world.telegram, TG_ADMIN, message_id).text,
        10,
        loa,
        "the report in the preview",
    )
