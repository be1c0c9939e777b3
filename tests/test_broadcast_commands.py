"""Administrator broadcasts from chat: preview, Gửi once, Hủy, emergencies, refusals."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from bot import texts
from bot.broadcast import parse_draft
from bot.catalog import Catalog, build_catalog
from bot.channel import Channel, Incoming, Reply
from bot.choices import NumberedChoices
from bot.commands import Commands
from bot.outgoing import Outgoing, decode
from bot.progress import ProgressReporter
from storage.models import Broadcast, BroadcastState, Delivery, DeliveryState, Priority

Sessions = async_sessionmaker[AsyncSession]
ADMIN = ("telegram", "7")
ZALO_ADMIN = ("zalo", "z9")
SIGNED = "📢 UBND tỉnh Điện Biên: "  # a province administrator's broadcast begins so


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


class Wakeups:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> None:
        self.count += 1


@pytest.fixture
def wakeups() -> Wakeups:
    return Wakeups()


@pytest.fixture
def commands(sessions: Sessions, catalog: Catalog, wakeups: Wakeups) -> Commands:
    settings = Settings.model_validate({"telegram": {"admins": [7]}, "zalo": {"admins": ["z9"]}})
    return Commands(sessions, catalog, settings, on_queued=wakeups)


def said(
    text: str = "", who: tuple[str, str] = ADMIN, data: str | None = None, chat: str = "admin"
) -> Incoming:
    channel, user = who
    return Incoming(
        channel=channel, chat_id=chat, user_id=user, text=text, callback_data=data, message_id="55"
    )


async def _residents(commands: Commands) -> None:
    """Two residents of Sam Mứn (one through the old name Pom Lót), others elsewhere."""
    for channel, chat, text in [
        ("telegram", "r1", "/dangky pom lot"),
        ("zalo", "r2", "/dangky sam mun"),
        ("telegram", "r3", "/start"),
        ("zalo", "r4", "/dangky thanh an"),
    ]:
        await commands.handle(Incoming(channel=channel, chat_id=chat, user_id=chat, text=text))


async def _count(sessions: Sessions, model: type[object]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def _button(reply: Reply, label: str) -> str:
    return next(b.data for row in reply.buttons for b in row if b.label == label)


@pytest.mark.parametrize(
    ("args", "text", "commune", "topic"),
    [
        ("Họp dân lúc 14h", "Họp dân lúc 14h", None, None),
        ("xã Sam Mứn: Cắt điện 7h-11h", "Cắt điện 7h-11h", "Sam Mứn", None),
        ("pom lot, canh bao: Lũ quét", "Lũ quét", "Sam Mứn", "canh-bao"),
        ("Lưu ý: mai cắt điện", "Lưu ý: mai cắt điện", None, None),
        ("Sam Mứn, Thanh An: hai xã", "Sam Mứn, Thanh An: hai xã", None, None),
        ("na tong: mơ hồ", "na tong: mơ hồ", None, None),
        ("xã Sam Mứn:", "", "Sam Mứn", None),
    ],
)
def test_parse_draft(
    catalog: Catalog, args: str, text: str, commune: str | None, topic: str | None
) -> None:
    draft = parse_draft(args, catalog)
    assert draft.text == text
    assert (draft.commune.value if draft.commune else None) == commune
    assert (draft.topic.value if draft.topic else None) == topic


async def test_commune_broadcast_preview_then_send_once(
    commands: Commands, sessions: Sessions, wakeups: Wakeups
) -> None:
    await _residents(commands)
    message, question = await commands.handle(said("/thongbao xã Sam Mứn: Họp <dân> & bản"))
    assert message.html == f"{SIGNED}Họp &lt;dân&gt; &amp; bản" and message.buttons == []
    assert "Gửi tới: người đăng ký xã Sam Mứn" in question.html
    assert "Số người nhận: <b>2</b> (telegram 1, zalo 1)" in question.html
    assert [b.label for row in question.buttons for b in row] == ["Gửi", "Hủy"]
    assert await _count(sessions, Delivery) == 0  # nothing before Gửi

    send = _button(question, "Gửi")
    [queued] = await commands.handle(said(data=send))
    assert queued.html == texts.broadcast_queued(2)
    [again] = await commands.handle(said(data=send))
    assert again.html == texts.BROADCAST_ALREADY
    assert await _count(sessions, Delivery) == 2
    assert wakeups.count == 1
    async with sessions() as session:
        broadcast = (await session.execute(select(Broadcast))).scalar_one()
        assert broadcast.created_by == "telegram:7" and broadcast.commune == "Sam Mứn"
        assert broadcast.state == BroadcastState.SENDING.value
        assert broadcast.preview_message_id == "55"
        priorities = set((await session.execute(select(Delivery.priority))).scalars())
        assert priorities == {int(Priority.BROADCAST)}


async def test_cancel_sends_nothing(commands: Commands, sessions: Sessions) -> None:
    await _residents(commands)
    _, question = await commands.handle(said("/broadcast Mai nghỉ lễ"))
    assert "Số người nhận: <b>4</b>" in question.html
    [cancelled] = await commands.handle(said(data=_button(question, "Hủy")))
    assert cancelled.html == texts.BROADCAST_CANCELLED
    [late] = await commands.handle(said(data=_button(question, "Gửi")))
    assert late.html == texts.BROADCAST_ALREADY
    assert await _count(sessions, Delivery) == 0


async def test_emergency_goes_first(commands: Commands, sessions: Sessions) -> None:
    await _residents(commands)
    message, question = await commands.handle(said("/canhbao Lũ quét, không qua ngầm"))
    assert message.html == f"{SIGNED}⚠️ Lũ quét, không qua ngầm"
    assert "Khẩn cấp" in question.html
    await commands.handle(said(data=_button(question, "Gửi")))
    async with sessions() as session:
        priorities = set((await session.execute(select(Delivery.priority))).scalars())
    assert priorities == {int(Priority.EMERGENCY)}


async def test_non_admin_reaches_nobody(
    commands: Commands, sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    await _residents(commands)
    with caplog.at_level(logging.WARNING, logger="bot.commands"):
        [refused] = await commands.handle(said("/thongbao Tin giả", who=("telegram", "8")))
        [also] = await commands.handle(said("/canhbao Tin giả", who=("zalo", "7")))
    assert refused.html == also.html == texts.NOT_ADMIN
    assert "refused broadcast by non-administrator telegram:8" in caplog.text
    assert await _count(sessions, Broadcast) == 0
    # A forged or forwarded Gửi press from a non-administrator queues nothing either.
    _, question = await commands.handle(said("/thongbao Thật"))
    [pressed] = await commands.handle(said(data=_button(question, "Gửi"), who=("telegram", "8")))
    assert pressed.html == texts.NOT_ADMIN
    assert await _count(sessions, Delivery) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/thongbao", texts.BROADCAST_HOW),
        ("/thongbao xã Sam Mứn:   ", texts.BROADCAST_HOW),
        # The signature "📢 UBND tỉnh Điện Biên: " (24) and "⚠️ " (3) count.
        ("/thongbao " + "a" * 1977, texts.broadcast_too_long(1977, 1976)),
        ("/canhbao " + "a" * 1974, texts.broadcast_too_long(1974, 1973)),
    ],
)
async def test_empty_or_too_long_is_refused_with_the_reason(
    commands: Commands, sessions: Sessions, text: str, expected: str
) -> None:
    assert [r.html for r in await commands.handle(said(text))] == [expected]
    assert await _count(sessions, Broadcast) == 0


async def test_plain_words_never_broadcast(commands: Commands, sessions: Sessions) -> None:
    [reply] = await commands.handle(said("thong bao mai hop"))
    assert "chưa hiểu" in reply.html
    assert await _count(sessions, Broadcast) == 0


async def test_zalo_admin_answers_gui(commands: Commands, sessions: Sessions) -> None:
    await _residents(commands)
    choices = NumberedChoices()
    for reply in await commands.handle(said("/thongbao Họp dân", who=ZALO_ADMIN)):
        choices.present("admin", reply)
    pressed = choices.answer(said("Gửi", who=ZALO_ADMIN))
    assert pressed.callback_data is not None and pressed.callback_data.startswith("bc:send:")
    [queued] = await commands.handle(pressed)
    assert queued.html == texts.broadcast_queued(4)
    assert await _count(sessions, Delivery) == 4


async def test_a_commune_nobody_chose_says_why_and_offers_no_send(
    commands: Commands, sessions: Sessions
) -> None:
    await _residents(commands)
    _message, question = await commands.handle(said("/thongbao xã Mường Nhé: Họp dân"))
    assert "Số người nhận: <b>0</b>" in question.html
    assert "Không có ai để gửi." in question.html
    assert "Chưa có người dân nào đăng ký nhận tin xã Mường Nhé" in question.html
    assert "Bấm <b>Gửi</b>" not in question.html
    assert [b.label for row in question.buttons for b in row] == ["Hủy"]
    async with sessions() as session:
        broadcast_id = (await session.execute(select(Broadcast.id))).scalar_one()
    [refused] = await commands.handle(said(data=f"bc:send:{broadcast_id}"))  # a stale button
    assert "Chưa có người dân nào đăng ký" in refused.html
    async with sessions() as session:
        state = (await session.execute(select(Broadcast.state))).scalar_one()
    assert state == BroadcastState.PREVIEW.value  # nothing queued, nothing "done"


async def test_on_zalo_the_only_answer_to_nobody_is_cancel(
    commands: Commands, sessions: Sessions
) -> None:
    choices = NumberedChoices()
    for reply in await commands.handle(said("/thongbao Họp dân", who=ZALO_ADMIN)):
        choices.present("admin", reply)
    assert "Chưa có người dân nào đăng ký nhận tin của Loa." in reply.html
    assert "Trả lời <b>1</b> để bỏ." in reply.html
    pressed = choices.answer(said("1", who=ZALO_ADMIN))
    assert pressed.callback_data is not None and pressed.callback_data.startswith("bc:cancel:")
    [cancelled] = await commands.handle(pressed)
    assert cancelled.html == texts.BROADCAST_CANCELLED


@pytest.mark.parametrize("data", ["bc:send:999", "bc:cancel:999", "bc:send:x", "bc:boom:1"])
async def test_unknown_previews(commands: Commands, data: str) -> None:
    [reply] = await commands.handle(said(data=data))
    assert reply.html in (texts.BROADCAST_GONE, texts.STALE_BUTTON)


class Recorder(Channel):
    """A channel that can edit messages; records what it was asked to do."""

    name = "telegram"
    max_text_length = 4096

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.calls.append(("send", chat_id, reply.html))
        return "1"

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        self.calls.append((f"edit {message_id}", chat_id, reply.html))


class SendOnly(Recorder):
    name = "zalo"
    edit = Channel.edit  # type: ignore[assignment]  # like Zalo: no editing


async def _finish_deliveries(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await session.execute(update(Delivery).values(state=DeliveryState.SENT.value))


async def _queued_messages(sessions: Sessions) -> list[tuple[str, str | None, Outgoing]]:
    """The answers and edits in the outbox, in order: (channel, chat, message)."""
    async with sessions() as session:
        rows = await session.execute(
            select(Delivery.channel, Delivery.chat_id, Delivery.payload)
            .where(Delivery.payload.is_not(None), Delivery.tag.is_not(None))
            .order_by(Delivery.id)
        )
        return [(channel, chat, decode(payload)) for channel, chat, payload in rows.all()]


async def test_progress_is_edited_into_the_preview_then_reported(
    commands: Commands, sessions: Sessions
) -> None:
    await _residents(commands)
    _, question = await commands.handle(said("/thongbao xã Sam Mứn: Họp dân"))
    await commands.handle(said(data=_button(question, "Gửi")))
    reporter = ProgressReporter(sessions, {"telegram": Recorder()})
    assert await reporter.report_once() == 1
    assert await reporter.report_once() == 0  # nothing changed, no edit
    await _finish_deliveries(sessions)
    assert await reporter.report_once() == 1
    assert await reporter.report_once() == 0  # done: reported once
    queued = await _queued_messages(sessions)
    assert [(c, chat, m.edit_message_id, m.reply.html) for c, chat, m in queued] == [
        ("telegram", "admin", "55", texts.broadcast_progress(0, 0, 2, done=False)),
        ("telegram", "admin", "55", texts.broadcast_progress(2, 0, 0, done=True)),
    ]
    # The final report must be seen: sent anew if the preview cannot be edited any more.
    assert [m.send_if_uneditable for _, _, m in queued] == [False, True]
    async with sessions() as session:
        broadcast = (await session.execute(select(Broadcast))).scalar_one()
    assert broadcast.state == BroadcastState.DONE.value
    assert json.loads(broadcast.report or "{}")["sent"] == 2


async def test_an_edit_still_waiting_is_not_piled_upon(
    commands: Commands, sessions: Sessions
) -> None:
    await _residents(commands)
    _, question = await commands.handle(said("/thongbao Họp dân"))
    await commands.handle(said(data=_button(question, "Gửi")))
    reporter = ProgressReporter(sessions, {"telegram": Recorder()})
    assert await reporter.report_once() == 1
    async with sessions.begin() as session:  # one delivery went out; the edit still waits
        first = await session.scalar(
            select(Delivery.id).where(Delivery.broadcast_id.is_not(None)).limit(1)
        )
        await session.execute(
            update(Delivery).where(Delivery.id == first).values(state=DeliveryState.SENT.value)
        )
    assert await reporter.report_once() == 0
    assert len(await _queued_messages(sessions)) == 1


async def test_channels_without_edit_get_only_the_final_report(
    commands: Commands, sessions: Sessions
) -> None:
    await _residents(commands)
    _, question = await commands.handle(said("/thongbao Họp dân", who=ZALO_ADMIN))
    await commands.handle(said(data=_button(question, "Gửi"), who=ZALO_ADMIN))
    reporter = ProgressReporter(sessions, {"zalo": SendOnly()})
    assert await reporter.report_once() == 0
    await _finish_deliveries(sessions)
    assert await reporter.report_once() == 1
    [(channel, chat, message)] = await _queued_messages(sessions)
    assert (channel, chat, message.edit_message_id) == ("zalo", "admin", None)
    assert message.reply.html == texts.broadcast_progress(4, 0, 0, done=True)
