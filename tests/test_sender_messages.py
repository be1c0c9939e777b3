"""The sender carries answers and edits too: everything a bot sends leaves through one pacer."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.channel import Button, Channel, MessageRejected, Reply, RetryLater
from bot.outgoing import Answers, Outgoing, decode, encode
from bot.telegram import TelegramChannel
from jobs import send
from jobs.send import OutboxSignal, Sender
from loa.config import SenderSettings
from storage import outbox
from storage.models import Broadcast, Delivery, Priority
from tests.emulators.telegram import TelegramEmulator
from tests.test_sender import World, make_sender

TOKEN = "111:sender-test"
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(global_rate=None, per_chat_rate=None, any_chat=True)


@pytest.fixture
async def channel(base_url: str) -> AsyncIterator[TelegramChannel]:
    async with Bot(TOKEN, base_url=f"{base_url}/bot") as bot:
        yield TelegramChannel(bot)


@pytest.fixture
def world(sessions: Sessions) -> World:
    return World(sessions)


async def _pending(sessions: Sessions) -> int:
    """Every message still waiting: news, broadcasts, answers and edits."""
    async with sessions() as session:
        return len(
            list(await session.scalars(select(Delivery.id).where(Delivery.state == "pending")))
        )


async def _run_until_drained(sender: Sender, sessions: Sessions, within: float = 10) -> None:
    await sender.start()
    try:
        deadline = time.monotonic() + within
        # The database has no change events: poll it, with a deadline.
        while await _pending(sessions) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    finally:
        await sender.stop()


def test_payloads_round_trip() -> None:
    message = Outgoing(
        Reply("<b>Chọn</b>", [[Button("Gửi", "bc:send:1"), Button("Hủy", "bc:cancel:1")]]),
        edit_message_id="9",
        send_if_uneditable=True,
        broadcast_id=1,
    )
    assert decode(encode(message)) == message
    assert decode(encode(Outgoing(Reply("Xin chào")))) == Outgoing(Reply("Xin chào"))


async def test_answers_go_out_before_queued_news_in_order(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    article = await world.article()
    ids = await world.residents(list(range(1, 41)))
    await world.queue(article, list(ids.values()))
    await Answers(world.sessions, "telegram").send("500", [Reply("một"), Reply("hai")])
    sender = make_sender(channel, world, concurrency=1, rate=200)
    await _run_until_drained(sender, world.sessions)
    texts = [m.text for m in emulator.sent]
    assert texts[:2] == ["một", "hai"]  # the resident who is writing comes first, in order
    assert len(texts) == 42


async def test_answers_share_the_per_chat_spacing_with_news(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    article = await world.article()
    ids = await world.residents([7])
    await world.queue(article, [ids[7]])
    await Answers(world.sessions, "telegram").send("7", [Reply("trả lời")])
    await _run_until_drained(make_sender(channel, world, per_chat=0.3), world.sessions)
    first, second = emulator.messages_to(7)
    assert first.text == "trả lời"
    assert second.at - first.at >= 0.3  # one budget per chat, whatever the message


class Editing(Channel):
    """Records sends and edits; refuses edits of message "gone"."""

    name = "telegram"
    max_text_length = 4096

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.calls.append(("send", reply.html))
        return "1"

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        if message_id == "gone":
            raise MessageRejected("message to edit not found")
        self.calls.append((f"edit {message_id}", reply.html))


async def _queue(sessions: Sessions, message: Outgoing, tag: str | None = None) -> None:
    async with sessions.begin() as session:
        await outbox.queue_messages(
            session, "telegram", "admin", [encode(message)], priority=Priority.PROGRESS, tag=tag
        )


async def _broadcast(sessions: Sessions) -> int:
    async with sessions.begin() as session:
        broadcast = Broadcast(created_by="telegram:1", text="Họp", preview_message_id="gone")
        session.add(broadcast)
        await session.flush()
        return broadcast.id


async def test_edits_and_a_refused_edit_of_a_report(world: World) -> None:
    broadcast_id = await _broadcast(world.sessions)
    channel = Editing()
    await _queue(world.sessions, Outgoing(Reply("1/2"), edit_message_id="5"))
    await _queue(
        world.sessions,
        Outgoing(Reply("2/2"), edit_message_id="gone", broadcast_id=broadcast_id),
    )
    await _queue(
        world.sessions,
        Outgoing(Reply("xong"), edit_message_id="gone", send_if_uneditable=True, broadcast_id=1),
    )
    await _run_until_drained(make_sender(channel, world), world.sessions)
    # The edit that can no longer be made is dropped; the final report is sent anew.
    assert channel.calls == [("edit 5", "1/2"), ("send", "xong")]
    async with world.sessions() as session:
        states = list(await session.scalars(select(Delivery.state).order_by(Delivery.id)))
        broadcast = await session.get(Broadcast, broadcast_id)
    assert states == ["sent", "sent", "sent"]
    assert broadcast is not None and broadcast.preview_message_id is None  # no more edits there


class Quota(Channel):
    """Throttles like Zalo's "quota exceeded" (no retry-after) ``fails`` times, then sends."""

    name = "zalo"
    max_text_length = 2000

    def __init__(self, fails: int, *, charge: bool = False) -> None:
        self.fails, self.charge = fails, charge
        self.attempts: list[float] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.attempts.append(time.monotonic())
        if len(self.attempts) <= self.fails:
            raise RetryLater("quota exceeded", None, whole_channel=True, charge=self.charge)
        return "1"


def _zalo_sender(channel: Channel, sessions: Sessions, **options: object) -> Sender:
    return Sender(
        channel,
        sessions,
        SenderSettings(concurrency=1, idle_poll_seconds=0.02, max_attempts=3),
        rate_per_second=None,
        per_chat_interval=0,
        backoff_seconds=0.05,
        **options,  # type: ignore[arg-type]
    )


async def test_a_quota_pause_grows_and_fails_nothing(sessions: Sessions) -> None:
    await Answers(sessions, "zalo").send("u1", [Reply("xin chào")])
    channel = Quota(fails=4)  # more than max_attempts: a quota is never the message's fault
    await _run_until_drained(_zalo_sender(channel, sessions), sessions, within=10)
    gaps = [b - a for a, b in itertools.pairwise(channel.attempts)]
    assert len(channel.attempts) == 5
    assert all(later > earlier * 1.5 for earlier, later in itertools.pairwise(gaps))
    async with sessions() as session:
        [row] = list(await session.scalars(select(Delivery)))
    assert row.state == "sent" and row.attempts == 1


async def test_an_unknown_code_charges_the_message(sessions: Sessions) -> None:
    await Answers(sessions, "zalo").send("u1", [Reply("xin chào")])
    channel = Quota(fails=10, charge=True)
    await _run_until_drained(_zalo_sender(channel, sessions), sessions, within=10)
    async with sessions() as session:
        [row] = list(await session.scalars(select(Delivery)))
    assert row.state == "failed" and len(channel.attempts) == 3  # max_attempts, not forever


async def test_a_long_quota_pause_is_told_once(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(send, "LONG_PAUSE_SECONDS", 0.1)
    told: list[str] = []
    told_event = asyncio.Event()

    async def tell(channel: str, seconds: float) -> None:
        told.append(channel)
        told_event.set()

    await Answers(sessions, "zalo").send("u1", [Reply("xin chào")])
    channel = Quota(fails=5)
    sender = _zalo_sender(channel, sessions, on_long_pause=tell)
    await _run_until_drained(sender, sessions, within=10)
    await asyncio.wait_for(told_event.wait(), 1)
    assert told == ["zalo"]


async def test_a_signal_wakes_the_sender_for_an_answer(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    signal = OutboxSignal()
    sender = make_sender(channel, world, signal=signal, idle=60)
    await sender.start()
    try:
        await Answers(world.sessions, "telegram", on_queued=signal.notify).send(
            "42", [Reply("chào")]
        )
        started = time.monotonic()
        await emulator.wait_for(lambda: len(emulator.sent) == 1, within=3)
        assert time.monotonic() - started < 1.0  # an idle bot answers well under a second
    finally:
        await sender.stop()
