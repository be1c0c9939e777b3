"""End to end: commune administrators through ``loa run`` with both emulators at once.

One province, residents on Zalo and Telegram (Sam Mứn's through its old name Pom Lót too, some
who receive everything, Thanh An's); a commune administrator of Sam Mứn on each channel, one
official of two communes on each channel, and a province administrator. Zalo first (numbered
answers), then Telegram (buttons), then the command line (``--as``), then the audit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from tests.e2e_support import ZALO_TOKEN, Loa, Options, Stage, until, write_config
from tests.emulators.telegram import SentMessage, TelegramEmulator
from tests.emulators.zalo import ZaloEmulator

TG_PROVINCE, TG_SAM, TG_TWO = 9001, 1999, 2002
Z_SAM, Z_TWO = "zsam0001", "ztwo0001"
TG_POM_LOT, TG_ALL, TG_THANH_AN = 1001, 1002, 1003
Z_SAM_MUN, Z_ALL, Z_THANH_AN = "zsammun01", "zall0001", "zthanhan1"
ADMINS = {f"tg:{c}" for c in (TG_PROVINCE, TG_SAM, TG_TWO)} | {f"zalo:{c}" for c in (Z_SAM, Z_TWO)}
SAM_MUN_RESIDENTS = Counter({f"tg:{TG_POM_LOT}": 1, f"zalo:{Z_SAM_MUN}": 1})
THANH_AN_RESIDENTS = Counter({f"tg:{TG_THANH_AN}": 1, f"zalo:{Z_THANH_AN}": 1})
COMMUNE_ADMINS = f"""
[[commune_admins]]
commune = "Sam Mứn"
telegram = [{TG_SAM}, {TG_TWO}]
zalo = ["{Z_SAM}", "{Z_TWO}"]

[[commune_admins]]
commune = "thanh an"
telegram = [{TG_TWO}]
zalo = ["{Z_TWO}"]
name = "Cán bộ xã Thanh An"
"""


class World(Stage):
    def __init__(self, tmp: Path, telegram: TelegramEmulator, zalo: ZaloEmulator) -> None:
        super().__init__(tmp, telegram, zalo)
        self.zalo: ZaloEmulator = zalo

    def got(self, marker: str) -> Counter[str]:
        """How many messages containing ``marker`` each resident received (administrators'
        previews left out)."""
        counts: Counter[str] = Counter()
        counts.update(f"tg:{m.chat_id}" for m in self.telegram.sent if marker in m.text)
        counts.update(f"zalo:{s.chat_id}" for s in self.zalo.sent() if marker in s.text)
        return Counter({who: n for who, n in counts.items() if who not in ADMINS})

    def received(self, marker: str) -> list[str]:
        """The texts residents received containing ``marker``."""
        tg = [m.text for m in self.telegram.sent if marker in m.text]
        zalo = [s.text for s in self.zalo.sent() if marker in s.text]
        return [t for t in tg + zalo if not t.startswith("Xem trước")]


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    telegram = TelegramEmulator(global_rate=30, per_chat_rate=None)
    with World(tmp_path, telegram, ZaloEmulator(ZALO_TOKEN)).serving() as world:
        yield world


async def zalo_says(world: World, loa: Loa, chat_id: str, text: str, reply_with: str) -> str:
    """A Zalo user writes ``text``; return the first later reply containing ``reply_with``."""
    before = len(world.zalo.sent(chat_id))

    def found() -> str | None:
        later = [s.text for s in world.zalo.sent(chat_id)[before:]]
        return next((t for t in later if reply_with in t), None)

    world.zalo.inject_message(chat_id, text)
    await until(lambda: found() is not None, 15, loa, f"{text!r} answered with {reply_with!r}")
    return found() or ""


async def tg_says(world: World, loa: Loa, chat_id: int, text: str, reply_with: str) -> SentMessage:
    """A Telegram user writes ``text``; return the first later message containing
    ``reply_with``."""
    before = len(world.telegram.messages_to(chat_id))

    def found() -> SentMessage | None:
        later = world.telegram.messages_to(chat_id)[before:]
        return next((m for m in later if reply_with in m.text), None)

    world.telegram.send_text(chat_id, text)
    await until(lambda: found() is not None, 15, loa, f"{text!r} answered with {reply_with!r}")
    message = found()
    assert message is not None
    return message


async def tg_presses(
    world: World, loa: Loa, chat_id: int, message: SentMessage, label: str, reply_with: str
) -> SentMessage:
    """The Telegram user presses the button ``label`` of ``message``; return the answer."""
    before = len(world.telegram.messages_to(chat_id))
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    data = next(b["callback_data"] for row in rows for b in row if b["text"] == label)
    world.telegram.press(chat_id, message.message_id, data)

    def found() -> SentMessage | None:
        later = world.telegram.messages_to(chat_id)[before:]
        return next((m for m in later if reply_with in m.text), None)

    await until(lambda: found() is not None, 15, loa, f"{label!r} answered with {reply_with!r}")
    answer = found()
    assert answer is not None
    return answer


async def test_commune_administrators_on_both_channels_and_the_command_line(
    world: World,
) -> None:
    loa = world.make_loa(
        Options(telegram_admins=[TG_PROVINCE], extra_config=COMMUNE_ADMINS, per_chat_interval=0.1),
        upgrade=False,
    )
    loa.start()
    telegram, zalo = world.telegram, world.zalo
    # Residents subscribe by chat (Pom Lót is an old name of today's Sam Mứn).
    for tg_chat, text in [
        (TG_POM_LOT, "/dangky pom lot"),
        (TG_ALL, "/start"),
        (TG_THANH_AN, "/dangky thanh an"),
    ]:
        telegram.send_text(tg_chat, text)
    for zalo_chat, text in [
        (Z_SAM_MUN, "dang ky sam mun"),
        (Z_ALL, "/start"),
        (Z_THANH_AN, "/dangky thanh an"),
    ]:
        zalo.inject_message(zalo_chat, text)
    residents = [f"tg:{c}" for c in (TG_POM_LOT, TG_ALL, TG_THANH_AN)]
    residents += [f"zalo:{c}" for c in (Z_SAM_MUN, Z_ALL, Z_THANH_AN)]
    await until(lambda: loa.one("SELECT count(*) FROM residents") == 6, 20, loa, "residents")
    await until(
        lambda: (
            all(telegram.messages_to(c) for c in (TG_POM_LOT, TG_ALL, TG_THANH_AN))
            and all(zalo.sent(c) for c in (Z_SAM_MUN, Z_ALL, Z_THANH_AN))
        ),
        20,
        loa,
        "six residents answered",
    )

    # A resident's /help has no administrator commands; a commune administrator's has theirs.
    help_text = await zalo_says(world, loa, Z_ALL, "/huongdan", "hướng dẫn")
    assert "/thongbao" not in help_text and "/canhbao" not in help_text
    help_text = await zalo_says(world, loa, Z_SAM, "/huongdan", "hướng dẫn")
    assert "gửi thông báo tới người dân xã Sam Mứn" in help_text

    # Zalo: Sam Mứn's official announces: the preview is signed, only Sam Mứn is counted.
    meeting = "Họp dân lúc 19h tại nhà văn hóa"
    question = await zalo_says(world, loa, Z_SAM, f"/thongbao {meeting}", "1. Gửi")
    assert "Gửi tới: người đăng ký xã Sam Mứn" in question and "Số người nhận: 2" in question
    assert f"📢 UBND xã Sam Mứn: {meeting}" in [s.text for s in zalo.sent(Z_SAM)]
    assert "tới 2 người" in await zalo_says(world, loa, Z_SAM, "Gửi", "Đang gửi")
    await until(lambda: world.got(meeting) == SAM_MUN_RESIDENTS, 20, loa, "Sam Mứn's residents")
    assert set(world.received(meeting)) == {f"📢 UBND xã Sam Mứn: {meeting}"}

    # Zalo: naming another commune is refused with the reason; nothing is stored or sent.
    stored = loa.one("SELECT count(*) FROM broadcasts")
    intrusion = "Thông báo sang xã khác"
    refused = await zalo_says(world, loa, Z_SAM, f"/thongbao xã Thanh An: {intrusion}", "Xin lỗi")
    assert "không gửi được cho xã Thanh An" in refused and texts.NOT_SENT in refused
    assert loa.one("SELECT count(*) FROM broadcasts") == stored

    # Zalo: the commune official's emergency stays in the commune.
    flood = "Lũ quét trên suối, không qua ngầm tràn"
    question = await zalo_says(world, loa, Z_SAM, f"/canhbao {flood}", "1. Gửi")
    assert "Khẩn cấp" in question and "Số người nhận: 2" in question
    await zalo_says(world, loa, Z_SAM, "1", "Đang gửi")
    await until(lambda: world.got(flood) == SAM_MUN_RESIDENTS, 20, loa, "the emergency")
    assert set(world.received(flood)) == {f"📢 UBND xã Sam Mứn: ⚠️ {flood}"}

    # Zalo: the official of two communes is asked which (numbered), then previews and sends.
    vaccine = "Tiêm phòng cho trẻ sáng mai"
    asked = await zalo_says(
        world, loa, Z_TWO, f"/thongbao {vaccine}", texts.CHOOSE_BROADCAST_COMMUNE
    )
    assert "1. xã Sam Mứn" in asked and "2. xã Thanh An" in asked and "3. Hủy" in asked
    question = await zalo_says(world, loa, Z_TWO, "2", "1. Gửi")
    assert "Số người nhận: 2" in question and "xã Thanh An" in question
    await zalo_says(world, loa, Z_TWO, "Gửi", "Đang gửi")
    await until(lambda: world.got(vaccine) == THANH_AN_RESIDENTS, 20, loa, "Thanh An's residents")
    assert set(world.received(vaccine)) == {f"📢 Cán bộ xã Thanh An: {vaccine}"}

    # Telegram: Sam Mứn's official is refused a topic (province-wide) and another commune...
    topic = await tg_says(world, loa, TG_SAM, "/thongbao canh bao: Tin chủ đề", "Xin lỗi")
    assert "sẽ đến cả tỉnh" in topic.text and not topic.reply_markup
    other = await tg_says(world, loa, TG_SAM, "/canhbao thanh an: Tin xã khác", "Xin lỗi")
    assert "không gửi được cho xã Thanh An" in other.text
    # ... and their emergency reaches Sam Mứn only.
    landslide = "Sạt lở đường vào bản Mển"
    preview = await tg_says(world, loa, TG_SAM, f"/canhbao {landslide}", "Số người nhận: 2")
    await tg_presses(world, loa, TG_SAM, preview, texts.SEND_BUTTON, "Đang gửi")
    await until(lambda: world.got(landslide) == SAM_MUN_RESIDENTS, 20, loa, "TG emergency")

    # Telegram: the official of two communes chooses with buttons.
    water = "Nước sạch có lại từ 15h"
    asked_tg = await tg_says(world, loa, TG_TWO, f"/thongbao {water}", "nơi nào")
    labels = [b["text"] for row in (asked_tg.reply_markup or {})["inline_keyboard"] for b in row]
    assert labels == ["xã Sam Mứn", "xã Thanh An", texts.CANCEL_BUTTON]
    preview = await tg_presses(world, loa, TG_TWO, asked_tg, "xã Sam Mứn", "Số người nhận: 2")
    await tg_presses(world, loa, TG_TWO, preview, texts.SEND_BUTTON, "Đang gửi")
    await until(lambda: world.got(water) == SAM_MUN_RESIDENTS, 20, loa, "two-commune admin")
    assert set(world.received(water)) == {f"📢 UBND xã Sam Mứn: {water}"}

    # Telegram: the province administrator still reaches everyone, signed by the province.
    holiday = "Nghỉ lễ Quốc khánh"
    preview = await tg_says(world, loa, TG_PROVINCE, f"/thongbao {holiday}", "Số người nhận: 6")
    await tg_presses(world, loa, TG_PROVINCE, preview, texts.SEND_BUTTON, "Đang gửi")
    everyone = Counter({who: 1 for who in residents})
    await until(lambda: world.got(holiday) == everyone, 20, loa, "everyone")
    assert set(world.received(holiday)) == {f"📢 UBND tỉnh Điện Biên: {holiday}"}

    # The command line acts as Sam Mứn's Zalo official, then as the operator.
    road = "Sửa đường liên bản ngày mai"
    status, out, err = await loa.cli_async("broadcast", "--yes", "--as", f"zalo:{Z_SAM}", road)
    assert status == 0, err
    assert "target: 2 residents (telegram 1, zalo 1)" in out and "done: sent 2" in out
    assert world.got(road) == SAM_MUN_RESIDENTS
    status, out, err = await loa.cli_async(
        "broadcast", "--yes", "--as", f"zalo:{Z_SAM}", "--commune", "Thanh An", "Không được"
    )
    assert status == 2 and "administers Sam Mứn only, not Thanh An" in err
    assert f"refused CLI broadcast as zalo:{Z_SAM} to commune Thanh An:" in err  # who, what, why
    assert "Target(" not in err  # no Python repr in a line meant for a person
    status, _, err = await loa.cli_async("broadcast", "--yes", "--as", "zalo:stranger", "x")
    assert status == 2 and "is no administrator" in err
    status, out, err = await loa.cli_async("broadcast", "--yes", "Cả tỉnh diễn tập")
    assert status == 0, err
    assert world.got("Cả tỉnh diễn tập") == everyone
    assert not world.got(intrusion) and not world.got("Tin chủ đề") and not world.got("Không được")

    # The audit: who acted, the signature, the reach.
    status, out, err = await loa.cli_async("stats", "--json")
    assert status == 0, err
    audit = [
        (b["author"], b["author_name"], b["scope"], b["commune"])
        for b in reversed(json.loads(out)["broadcasts"])
    ]
    assert audit == [
        (f"zalo:{Z_SAM}", "UBND xã Sam Mứn", "commune", "Sam Mứn"),
        (f"zalo:{Z_SAM}", "UBND xã Sam Mứn", "commune", "Sam Mứn"),
        (f"zalo:{Z_TWO}", "Cán bộ xã Thanh An", "commune", "Thanh An"),
        (f"telegram:{TG_SAM}", "UBND xã Sam Mứn", "commune", "Sam Mứn"),
        (f"telegram:{TG_TWO}", "UBND xã Sam Mứn", "commune", "Sam Mứn"),
        (f"telegram:{TG_PROVINCE}", "UBND tỉnh Điện Biên", "province", None),
        (f"cli:zalo:{Z_SAM}", "UBND xã Sam Mứn", "commune", "Sam Mứn"),
        ("cli", "UBND tỉnh Điện Biên", "province", None),
    ]
    log = loa.log()
    assert f"refused broadcast by zalo:{Z_SAM} (UBND xã Sam Mứn)" in log
    assert f"zalo:{Z_SAM} administers Sam Mứn only, not Thanh An" in log
    assert f"refused emergency by telegram:{TG_SAM}" in log
    assert "Traceback" not in log


def test_loa_run_refuses_an_unknown_commune_at_load(tmp_path: Path) -> None:
    table = '[[commune_admins]]\ncommune = "Sam Mun Moi"\nzalo = ["z1"]\n'
    config = write_config(
        tmp_path,
        "http://127.0.0.1:9",
        None,
        Options(extra_config=table),
    )
    started = Loa(tmp_path, config).cli("run")
    assert started.returncode == 2
    [line] = started.stderr.strip().splitlines()
    assert "key 'commune_admins.[0].commune'" in line and "'Sam Mun Moi'" in line
    assert "did you mean" in line and "Traceback" not in started.stderr
