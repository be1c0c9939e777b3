"""The sender drains the outbox through the real Telegram adapter and the emulator."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from base.config import SenderSettings
from bot.channel import Button, Channel, MessageRejected, Reply, ResidentGone, RetryLater
from bot.outgoing import Answers, Outgoing, decode, encode
from bot.telegram import TelegramChannel
from bot.zalo import ZaloChannel
from bot.zalo_api import ZaloBotApi
from jobs import send
from jobs.send import OutboxSignal, Sender
from storage import channel_states, outbox
from storage.models import (
    Article,
    ArticleTopic,
    Broadcast,
    ChannelState,
    Delivery,
    DeliveryState,
    Priority,
    Resident,
    Source,
    utcnow,
)
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.instances_support import requires_postgresql
from tests.support.server import serve

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


@dataclass
class World:
    sessions: async_sessionmaker[AsyncSession]
    source_id: int = 0

    async def article(self, title: str = "Lũ quét ở Mường Pồn", *, emergency: bool = False) -> int:
        async with self.sessions.begin() as session:
            if not self.source_id:
                source = Source(name="portal", url="http://portal.test/")
                session.add(source)
                await session.flush()
                self.source_id = source.id
            article = Article(
                source_id=self.source_id,
                url=f"http://portal.test/{title}",
                title=title,
                summary="Mưa lớn. Đường bị sạt.",
                author="Minh Anh",
                published_at=utcnow(),
                fetched_at=utcnow(),
                content_hash="x",
            )
            session.add(article)
            await session.flush()
            if emergency:
                session.add(ArticleTopic(article_id=article.id, topic="canh-bao"))
            return article.id

    async def residents(self, chat_ids: list[int]) -> dict[int, int]:
        async with self.sessions.begin() as session:
            rows = [Resident(channel="telegram", chat_id=str(c)) for c in chat_ids]
            session.add_all(rows)
            await session.flush()
            return {int(r.chat_id): r.id for r in rows}

    async def queue(self, article_id: int | None, resident_ids: list[int], **extra: int) -> None:
        async with self.sessions.begin() as session:
            session.add_all(
                Delivery(article_id=article_id, resident_id=r, channel="telegram", **extra)
                for r in resident_ids
            )

    async def states(self) -> dict[str, int]:
        async with self.sessions() as session:
            return await outbox.counts_by_state(session, "telegram")

    async def rows(self) -> list[Delivery]:
        async with self.sessions() as session:
            return list(await session.scalars(select(Delivery).order_by(Delivery.id)))


@pytest.fixture
def world(sessions: async_sessionmaker[AsyncSession]) -> World:
    return World(sessions)


def make_sender(
    channel: Channel,
    world: World,
    *,
    concurrency: int = 4,
    rate: float | None = None,
    per_chat: float = 0.0,
    signal: OutboxSignal | None = None,
    idle: float = 0.05,
    max_attempts: int = 3,
    on_broken: Callable[[str, str, str], Coroutine[Any, Any, None]] | None = None,
) -> Sender:
    settings = SenderSettings(
        concurrency=concurrency, idle_poll_seconds=idle, max_attempts=max_attempts
    )
    return Sender(
        channel,
        world.sessions,
        settings,
        rate_per_second=rate,
        per_chat_interval=per_chat,
        signal=signal,
        backoff_seconds=0.05,
        on_broken=on_broken,
    )


async def drain(sender: Sender, world: World, within: float = 10.0) -> dict[str, int]:
    """Run the sender until nothing is pending (deadline ``within``)."""
    await sender.start()
    try:
        deadline = time.monotonic() + within
        # The database has no change events: poll it, with a deadline.
        while (states := await world.states())["pending"] and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    finally:
        await sender.stop()
    return states


async def test_priority_first_then_oldest_and_one_render_per_article(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    news = await world.article("Tin thường")
    alert = await world.article("Cảnh báo lũ", emergency=True)
    ids = await world.residents(list(range(1, 21)))
    await world.queue(news, list(ids.values()))
    await world.queue(alert, [ids[5]], priority=Priority.EMERGENCY.value)
    sender = make_sender(channel, world, concurrency=1)
    assert await drain(sender, world) == {"pending": 0, "sent": 21, "failed": 0}
    order = [m.chat_id for m in emulator.sent]
    assert order[0] == 5 and emulator.sent[0].text.startswith("⚠️")
    assert order[1:] == list(range(1, 21))
    assert "Minh Anh" in emulator.sent[1].text and "🗓" in emulator.sent[1].text
    assert sender.renders == 2
    rows = await world.rows()
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows)


async def test_broadcast_text_is_escaped(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    ids = await world.residents([31])
    async with world.sessions.begin() as session:
        broadcast = Broadcast(created_by="cli", text="Họp dân <18h> & mang CCCD", state="sending")
        session.add(broadcast)
        await session.flush()
        session.add(Delivery(broadcast_id=broadcast.id, resident_id=ids[31], channel="telegram"))
    await drain(make_sender(channel, world), world)
    assert emulator.messages_to(31)[0].text == "Họp dân <18h> & mang CCCD"


class DispatchClock(Channel):
    """Records when the sender hands each message over: what Loa's pacing controls (arrival
    times at the emulator also carry the machine's scheduling noise)."""

    def __init__(self, inner: TelegramChannel) -> None:
        self.inner, self.name, self.max_text_length = inner, inner.name, inner.max_text_length
        self.dispatched: list[tuple[str, float]] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.dispatched.append((chat_id, time.monotonic()))
        return await self.inner.send(chat_id, reply)


async def test_per_chat_pacing_and_global_rate(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    articles = [await world.article(f"Tin {i}") for i in range(3)]
    ids = await world.residents([40, *range(41, 61)])
    for article in articles:
        await world.queue(article, [ids[40]])
    await world.queue(articles[0], [ids[c] for c in range(41, 61)])
    clock = DispatchClock(channel)
    await drain(make_sender(clock, world, concurrency=8, rate=40, per_chat=0.3), world)
    assert len(emulator.messages_to(40)) == 3 and len(emulator.sent) == 23
    to_40 = [at for chat, at in clock.dispatched if chat == "40"]
    assert min(b - a for a, b in itertools.pairwise(to_40)) >= 0.3 - 0.005
    moments = [at for _, at in clock.dispatched]
    # 23 messages at 40/s, a burst of two allowed: 21 intervals of 25 ms at least.
    assert moments[-1] - moments[0] >= 21 / 40 - 0.005


async def test_retry_after_per_chat_is_honoured_and_costs_no_attempt(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    article = await world.article()
    ids = await world.residents([70, 71])
    await world.queue(article, list(ids.values()))
    emulator.throttle(1, chat_id=70)
    started = time.monotonic()
    assert (await drain(make_sender(channel, world), world))["sent"] == 2
    assert emulator.early_requests() == []
    assert emulator.messages_to(70)[0].at - started >= 1.0
    rows = {r.resident_id: r for r in await world.rows()}
    assert rows[ids[70]].attempts == 1  # the 429 did not count


# Seconds of 429s against the sender's pacing, not the database: on SQLite only (every other
# sender test runs on both backends).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_global_429_storm_loses_nothing_and_never_retries_early(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    emulator.set_limits(global_rate=5, per_chat_rate=None)  # 25 messages overrun it however slow
    article = await world.article()
    ids = await world.residents(list(range(100, 125)))
    await world.queue(article, list(ids.values()))
    sender = make_sender(channel, world, concurrency=1, rate=1000)  # far above the limit
    assert await drain(sender, world, within=30) == {"pending": 0, "sent": 25, "failed": 0}
    assert any(c.status == 429 for c in emulator.calls_of("sendMessage"))
    assert emulator.early_requests() == []
    assert sorted(m.chat_id for m in emulator.sent) == list(range(100, 125))


async def test_transient_errors_back_off_then_fail_after_max_attempts(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    article = await world.article()
    ids = await world.residents([80, 81])
    await world.queue(article, list(ids.values()))
    emulator.fail_next(80, 502, "Bad Gateway", times=2)
    emulator.fail_next(81, 500, "Internal Server Error", times=5)
    await drain(make_sender(channel, world, max_attempts=3), world)
    rows = {r.resident_id: r for r in await world.rows()}
    assert (rows[ids[80]].state, rows[ids[80]].attempts) == ("sent", 3)
    assert (rows[ids[81]].state, rows[ids[81]].attempts) == ("failed", 3)
    assert "after 3 attempts" in (rows[ids[81]].last_error or "")
    calls_80 = [c.at for c in emulator.calls_of("sendMessage") if c.chat_id == 80]
    # Growing backoff (0.05 s, then 0.1 s): each retry waits at least its delay. Lower bounds
    # only: a loaded machine can only make a gap longer (comparing the two gaps failed when the
    # first retry was late by a stall).
    assert calls_80[1] - calls_80[0] >= 0.045
    assert calls_80[2] - calls_80[1] >= 0.095


async def test_gone_moved_and_rejected(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    first, second = await world.article("Một"), await world.article("Hai")
    emulator.any_chat = False
    for chat in (90, 92, -93):
        emulator.add_chat(chat)
    emulator.block(90, notify=False)
    emulator.migrate(-93, -10093)
    emulator.fail_next(92, 400, "Bad Request: message is too long")
    ids = await world.residents([90, 91, 92, -93])
    await world.queue(first, list(ids.values()))
    await world.queue(second, [ids[90]])
    await drain(make_sender(channel, world, concurrency=1), world)
    rows = {(r.article_id, r.resident_id): r for r in await world.rows()}
    assert rows[(first, ids[90])].state == rows[(second, ids[90])].state == "failed"
    assert rows[(first, ids[91])].state == "failed"  # chat not found: gone too
    assert rows[(first, ids[92])].last_error == "Message is too long"
    assert rows[(first, ids[-93])].state == "sent"
    assert [m.chat_id for m in emulator.sent] == [-10093]
    async with world.sessions() as session:
        people = {r.id: r for r in await session.scalars(select(Resident))}
    assert not people[ids[90]].active and not people[ids[91]].active and people[ids[92]].active
    assert people[ids[-93]].chat_id == "-10093"


async def test_a_queued_delivery_wakes_an_idle_sender(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    signal = OutboxSignal()
    sender = make_sender(channel, world, signal=signal, idle=60)
    article = await world.article()
    ids = await world.residents([120])
    await sender.start()
    try:
        await asyncio.sleep(0.1)  # the sender found nothing and went idle for 60 s
        await world.queue(article, [ids[120]])
        signal.notify()
        await emulator.wait_for(lambda: len(emulator.sent) == 1, within=3)
    finally:
        await sender.stop()
    assert (await world.states())[DeliveryState.SENT.value] == 1


async def test_a_platform_outage_fails_nothing_and_pauses_the_channel(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    article = await world.article()
    chats = [90, 91, 92]
    ids = await world.residents(chats)
    await world.queue(article, list(ids.values()))
    # The platform is down for everyone: as many failures as max_attempts allows all the rows
    # together, then back for everyone.
    emulator.fail_all_next(502, "Bad Gateway", times=3 * len(chats))
    sender = make_sender(channel, world, max_attempts=3, concurrency=2)
    states = await drain(sender, world, within=30)  # the pauses double: give them room
    assert states["pending"] == 0 and states.get("failed", 0) == 0
    rows = await world.rows()
    assert {r.state for r in rows} == {"sent"}
    # The outage was not charged to the rows, not even to the first chats that failed before
    # it showed: the one attempt each is the send that worked.
    assert [r.attempts for r in rows] == [1] * len(chats)


async def test_the_chats_that_failed_before_an_outage_showed_are_refunded(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    """One message at a time: the first two chats fail and are charged an attempt each; the
    third failing chat shows an outage, and the first two get their attempt back."""
    article = await world.article()
    chats = [90, 91, 92]
    ids = await world.residents(chats)
    await world.queue(article, list(ids.values()))
    for chat in chats:
        emulator.fail_next(chat, 502, "Bad Gateway", times=1)
    sender = make_sender(channel, world, max_attempts=3, concurrency=1)
    states = await drain(sender, world, within=30)
    assert states["pending"] == 0 and states.get("failed", 0) == 0
    rows = await world.rows()
    assert {r.state for r in rows} == {"sent"}
    assert [r.attempts for r in rows] == [1, 1, 1]  # the send that worked, nothing else


async def test_a_refund_takes_back_each_charge_and_never_goes_below_zero(world: World) -> None:
    """A chat retried during the streak was charged twice before the outage showed."""
    article = await world.article()
    ids = list((await world.residents([1, 2, 3])).values())
    await world.queue(article, ids, attempts=2)
    async with world.sessions.begin() as session:
        touched = await outbox.refund_attempts(
            session, [ids[0], ids[0], ids[1], ids[2]] + [ids[2]] * 4
        )
    assert touched == 3
    assert [r.attempts for r in await world.rows()] == [0, 1, 0]


# ---- everything a bot sends: answers and edits leave through the same pacer ---------------


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
    clock = DispatchClock(channel)
    await _run_until_drained(make_sender(clock, world, per_chat=0.3), world.sessions)
    first, _ = emulator.messages_to(7)
    assert first.text == "trả lời"
    # One budget per chat, whatever the message: spaced when Loa sends them (their arrival at
    # the emulator also carries the loopback's jitter, which a loaded machine widens).
    [sent_first, sent_second] = [at for chat, at in clock.dispatched if chat == "7"]
    assert sent_second - sent_first >= 0.3 - 0.005


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
    # The pauses double from the sender's backoff (0.05 s): each gap is at least its pause.
    assert all(gap >= 0.05 * 2**n * 0.9 for n, gap in enumerate(gaps)), gaps
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


# ---- issue 21: deactivation needs evidence about that chat -------------------------------


async def _residents_by_chat(world: World) -> dict[str, Resident]:
    async with world.sessions() as session:
        return {r.chat_id: r for r in await session.scalars(select(Resident))}


async def test_gone_answers_from_many_chats_in_a_row_mean_a_broken_bot(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    """A server answering "blocked" for every chat for a while: nobody is deactivated, every
    row goes once after, and the administrators are told once."""
    article = await world.article()
    chats = list(range(200, 208))
    ids = await world.residents(chats)
    await world.queue(article, list(ids.values()))
    emulator.fault(403, "Forbidden: bot was blocked by the user", count=send.GONE_CHATS + 2)
    told: list[tuple[str, str, str]] = []

    async def tell(channel_name: str, answer: str, checked: str) -> None:
        told.append((channel_name, answer, checked))

    sender = make_sender(channel, world, concurrency=1, on_broken=tell)
    states = await drain(sender, world, within=30)
    assert states["pending"] == 0 and states["failed"] == 0
    assert sorted(m.chat_id for m in emulator.sent) == chats  # each once
    assert all(r.active for r in (await _residents_by_chat(world)).values())
    assert len(told) == 1
    assert told[0][0] == "telegram" and "blocked" in told[0][1]
    assert told[0][2].startswith("getMe answered: @")


async def test_a_lone_gone_chat_is_deactivated_once_it_says_so_again(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    article = await world.article()
    ids = await world.residents([300])
    emulator.block(300, notify=False)
    await world.queue(article, list(ids.values()))
    states = await drain(make_sender(channel, world), world)
    assert states["failed"] == 1 and states["pending"] == 0
    gone = (await _residents_by_chat(world))["300"]
    assert not gone.active
    assert (gone.deactivated_by, gone.deactivated_why) == ("sender", "blocked the bot")
    assert gone.deactivated_answer == "Forbidden: bot was blocked by the user"
    [row] = await world.rows()
    assert row.attempts == 1  # waiting for proof cost it nothing


async def test_answers_about_the_bot_deactivate_nobody_and_tell_once(
    emulator: TelegramEmulator,
    channel: TelegramChannel,
    world: World,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bare 403 names no chat: an outage of the bot, not departures; the channel's state
    says so while it lasts (``loa stats``, ``/healthz``)."""
    recorded: list[tuple[str, str | None]] = []
    record = channel_states.record

    async def spy(session: AsyncSession, channel: str, state: str, now: Any, reason: Any) -> None:
        recorded.append((state, reason))
        await record(session, channel, state, now, reason)

    monkeypatch.setattr(channel_states, "record", spy)
    article = await world.article()
    chats = [400, 401, 402, 403]
    ids = await world.residents(chats)
    await world.queue(article, list(ids.values()))
    emulator.fault(403, "Forbidden", count=4)
    told: list[str] = []

    async def tell(channel_name: str, answer: str, checked: str) -> None:
        told.append(answer)

    sender = make_sender(channel, world, concurrency=1, max_attempts=3, on_broken=tell)
    states = await drain(sender, world, within=30)
    assert states["pending"] == 0 and states["failed"] == 0
    assert sorted(m.chat_id for m in emulator.sent) == chats
    assert all(r.active for r in (await _residents_by_chat(world)).values())
    assert told == ["Forbidden"]
    # Each failed attempt is logged with its method, code and answer: a few a minute.
    failures = [r.getMessage() for r in caplog.records if "failed (delivery" in r.getMessage()]
    assert len(failures) == 3, failures
    assert "sendMessage to chat 400 failed (delivery 1, code 403): Forbidden" in failures[0]
    assert [state for state, _ in recorded] == ["paused", "working"]
    assert recorded[0][1] == "the bot is refused: Forbidden"
    async with world.sessions() as session:
        row = await session.get(ChannelState, "telegram")
    assert row is not None and row.state == "working" and row.reason is None


async def test_a_voice_method_the_platform_lacks_turns_voice_off_not_residents(
    sessions: Sessions,
) -> None:
    """Zalo answering "not found" for sendVoice: each resident gets the text, voice is off on
    the channel from then on, the administrators are told once, nobody is deactivated."""
    zalo = ZaloEmulator("z:voice")
    chats = ["v1", "v2", "v3"]
    zalo.add_chats(chats)
    zalo.fault(404, "Method not found", method="sendVoice")
    for chat in chats:
        async with sessions.begin() as session:
            session.add(Resident(channel="zalo", chat_id=chat))
        voice = Reply("Thông báo <b>họp dân</b>", voice_url="https://loa.test/media/a.aac")
        await Answers(sessions, "zalo").send(chat, [voice])
    told: list[tuple[str, str]] = []

    async def tell(channel_name: str, answer: str) -> None:
        told.append((channel_name, answer))

    with serve(zalo.app) as url:
        channel = ZaloChannel(ZaloBotApi("z:voice", base_url=url))
        await _run_until_drained(_zalo_sender(channel, sessions, on_voice_off=tell), sessions)
        await channel.aclose()
    assert sorted((s.chat_id, s.text, s.voice) for s in zalo.sent()) == [
        (chat, "Thông báo họp dân", None) for chat in chats
    ]
    assert zalo.faulted == 1  # voice was tried once, then off for the channel
    assert told == [("zalo", "sendVoice: 404 Method not found")]
    async with sessions() as session:
        assert all(r.active for r in await session.scalars(select(Resident)))
        assert {d.state for d in await session.scalars(select(Delivery))} == {"sent"}


class Lying(Channel):
    """A platform answering "blocked" for two chats in three (never five in a row) for the
    first ``lies`` sends, then honest: a broken server between successes."""

    name = "zalo"
    max_text_length = 2000

    def __init__(self, lies: int) -> None:
        self.lies, self.calls = lies, 0
        self.sent: list[str] = []

    async def send(self, chat_id: str, reply: Reply) -> str:
        self.calls += 1
        if self.calls <= self.lies and self.calls % 3:
            raise ResidentGone("403 User has blocked the bot", "blocked the bot")
        self.sent.append(chat_id)
        return "1"


async def test_a_high_share_of_gone_answers_means_a_broken_bot(sessions: Sessions) -> None:
    chats = [f"s{n:02d}" for n in range(30)]
    for chat in chats:
        async with sessions.begin() as session:
            session.add(Resident(channel="zalo", chat_id=chat))
        await Answers(sessions, "zalo").send(chat, [Reply("tin")])
    told: list[str] = []

    async def tell(channel_name: str, answer: str, checked: str) -> None:
        told.append(answer)

    channel = Lying(lies=24)
    sender = _zalo_sender(channel, sessions, on_broken=tell)
    await _run_until_drained(sender, sessions, within=30)
    async with sessions() as session:
        people = list(await session.scalars(select(Resident)))
    gone = [r.chat_id for r in people if not r.active]
    # Before the share showed, at most a few were taken at their word; the rest waited and
    # got the message once the platform was honest again.
    assert len(gone) < send.GONE_CHATS, gone
    assert sorted(channel.sent) == sorted(c for c in chats if c not in gone)
    assert told == ["403 User has blocked the bot"]


class Held:
    """Shares held for good (``jobs.send.Sharing``): a sender's part of a shared bot."""

    def __init__(self, shares: outbox.Shares) -> None:
        self._shares = shares

    def ready(self) -> outbox.Shares:
        return self._shares

    def ready_in(self) -> float:
        return math.inf

    def rate(self) -> float:
        return 1000.0

    def holds(self, number: int) -> bool:
        return number in self._shares.numbers


@requires_postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_shares_split_the_queue_by_chat_and_together_send_each_message_once(
    emulator: TelegramEmulator, channel: TelegramChannel, world: World
) -> None:
    article = await world.article()
    ids = await world.residents(list(range(1, 61)))
    await world.queue(article, list(ids.values()))
    answers = Answers(world.sessions, "telegram")
    for chat in range(1, 61, 7):  # answers to some of the same chats (by chat id, no resident)
        await answers.send(str(chat), [Reply(f"trả lời {chat}")])
    shares = [outbox.Shares(3, frozenset({k})) for k in (1, 2, 3)]
    chats: list[set[str]] = []
    async with world.sessions() as session:
        everything = await outbox.next_batch(session, "telegram", limit=1000, now=utcnow())
        for share in shares:
            batch = await outbox.next_batch(
                session, "telegram", limit=1000, now=utcnow(), shares=share
            )
            chats.append({queued.chat_id for queued in batch})
            assert 0 < len(batch) < len(everything)
            assert {queued.share for queued in batch} == share.numbers  # each row says its share
        two = outbox.Shares(3, frozenset({1, 3}))
        both = await outbox.next_batch(session, "telegram", limit=1000, now=utcnow(), shares=two)
    assert set.union(*chats) == {q.chat_id for q in everything}  # every chat in a share...
    assert sum(len(c) for c in chats) == 60  # ...and in one only, answers and news alike
    assert {q.chat_id for q in both} == chats[0] | chats[2]
    clock = DispatchClock(channel)  # one bot, three instances' senders
    senders = [
        Sender(
            clock,
            world.sessions,
            SenderSettings(concurrency=4, idle_poll_seconds=0.05),
            rate_per_second=None,
            per_chat_interval=0.2,
            sharing=Held(share),
        )
        for share in shares
    ]
    await asyncio.gather(*(sender.start() for sender in senders))
    try:
        async with asyncio.timeout(10):
            while await _pending(world.sessions):  # noqa: ASYNC110 - no change events
                await asyncio.sleep(0.02)
    finally:
        await asyncio.gather(*(sender.stop() for sender in senders))
    sent = [(m.chat_id, m.text) for m in emulator.sent]
    assert len(sent) == len(set(sent)) == len(everything)  # each once
    for chat in range(1, 61, 7):  # a chat's answer and news from one share: spacing kept
        first, second = (at for sent_to, at in clock.dispatched if sent_to == str(chat))
        assert second - first >= 0.2 - 0.005


@requires_postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_pause_of_one_instance_pauses_the_others_sending_for_the_bot(
    world: World, database_url: str
) -> None:
    """A whole-bot 429 seen by one instance's sender reaches the others' (``loa_pause``), so
    they do not earn 429s of their own during the platform's retry_after."""
    from jobs.doorbell import Doorbell

    signal = OutboxSignal()
    sender = Sender(
        Editing(),
        world.sessions,
        SenderSettings(concurrency=1, idle_poll_seconds=0.05),
        rate_per_second=None,
        per_chat_interval=0.0,
        signal=signal,
        sharing=Held(outbox.Shares(2, frozenset({2}))),
    )
    doorbell = Doorbell(database_url, signal, retry_seconds=0.1)
    await doorbell.start()
    try:
        until = utcnow() + timedelta(seconds=30)
        async with asyncio.timeout(10):
            while sender._pacer.paused_until < time.monotonic() + 20:
                async with world.sessions.begin() as session:  # (until the doorbell listens)
                    # Another bot's longer pause first (heard in order): not this sender's.
                    await outbox.announce_pause(session, "zalo", until + timedelta(seconds=60))
                    await outbox.announce_pause(session, "telegram", until)
                await asyncio.sleep(0.05)
        assert sender._pacer.paused_until <= time.monotonic() + 30.1
    finally:
        await doorbell.stop()
