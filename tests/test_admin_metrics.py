"""/metrics counts what the platforms refused: a sender's 429s and the time it paused the
channel for them, through the real Telegram adapter and the emulator's global limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from base.config import SenderSettings
from bot.channel import Reply
from bot.outgoing import Outgoing, encode
from bot.telegram import TelegramChannel
from jobs.send import Sender
from storage.models import Delivery, Resident
from tests.emulators.telegram import TelegramEmulator
from web.app import create_app
from web.metrics import Counters, metrics_route

TOKEN = "111:metrics-test"
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(global_rate=4, per_chat_rate=None, any_chat=True)


@pytest.fixture
async def channel(base_url: str) -> AsyncIterator[TelegramChannel]:
    async with Bot(TOKEN, base_url=f"{base_url}/bot") as bot:
        yield TelegramChannel(bot)


async def _pending(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        query = select(func.count(Delivery.id)).where(Delivery.state == "pending")
        return int(await session.scalar(query) or 0)


async def test_429s_and_throttled_time_are_counted_and_exported(
    emulator: TelegramEmulator,
    channel: TelegramChannel,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        rows = [Resident(channel="telegram", chat_id=str(c)) for c in range(300, 312)]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            Delivery(
                resident_id=r.id,
                channel="telegram",
                chat_id=r.chat_id,
                payload=encode(Outgoing(Reply("Xin chào"))),
            )
            for r in rows
        )
    counters = Counters()
    sender = Sender(
        channel,
        sessions,
        SenderSettings(concurrency=1, idle_poll_seconds=0.05, max_attempts=3),
        rate_per_second=1000,  # far above the emulator's 4/s: it answers 429
        per_chat_interval=0.0,
        backoff_seconds=0.05,
        throttling=counters.throttling,
    )
    await sender.start()
    try:
        deadline = time.monotonic() + 30
        while await _pending(sessions) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    finally:
        await sender.stop()
    assert await _pending(sessions) == 0
    refused = [c for c in emulator.calls_of("sendMessage") if c.status == 429]
    assert refused and counters.throttling.answers["telegram"] == len(refused)
    assert counters.throttling.seconds["telegram"] >= 1  # the emulator says retry_after ≥ 1 s

    app = create_app(sessions, extra_routes=[metrics_route(sessions, counters)])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://loa.test"
    ) as client:
        text = (await client.get("/metrics")).text
    assert f'loa_throttled_answers_total{{channel="telegram"}} {len(refused)}.0' in text
    assert 'loa_throttled_seconds_total{channel="telegram"}' in text
