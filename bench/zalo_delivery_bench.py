"""Delivery to Zalo at the configured rate, alone and alongside Telegram.

    .venv/bin/python bench/zalo_delivery_bench.py [--residents 10000] [--zalo-rate 10]
        [--telegram-rate 30] [--together-seconds 60] [--database-url URL] [--strict]

One new article matches every resident; the real ``Sender`` and ``ZaloChannel`` deliver it over
HTTP to the Zalo emulator, which enforces ``--zalo-rate`` (a token bucket; excess sends are
answered "too many requests"); ``--strict`` makes both emulators count requests in sliding
one-second windows instead (goal: >= 0.95 of the limit, refusals <= 1 % of requests). Figures,
each beside its baseline:

* Zalo alone: messages per second reached vs the configured limit (fraction of the limit),
  messages lost (residents with no message) and duplicated (more than one), throttling answers;
* both channels at once (Telegram on its emulator at ``--telegram-rate``, for about
  ``--together-seconds``): each channel's rate vs its own limit, i.e. whether sending on one
  slows the other below its limit.

At the default 10 messages/s, 10 000 residents take about 17 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402

from base.config import SenderSettings  # noqa: E402
from bot.channel import Channel  # noqa: E402
from bot.zalo import ZaloChannel  # noqa: E402
from bot.zalo_api import ZaloBotApi  # noqa: E402
from jobs.send import Sender  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import open_database, session_factory  # noqa: E402
from storage.models import Article, Resident, Source  # noqa: E402
from tests.emulators.zalo import ZaloEmulator  # noqa: E402
from tests.support.server import serve  # noqa: E402

ZALO_TOKEN = "bench:zalo"
TELEGRAM_TOKEN = "123456:bench-telegram"


@dataclass
class Outcome:
    channel: str
    residents: int
    limit: float
    seconds: float  # first message accepted → last message accepted
    delivered: int
    lost: int
    duplicated: int
    throttled: int
    states: dict[str, int]
    limits: dict[str, Any]  # the emulator's limit_stats()/stats(): requests, early, peak

    @property
    def rate(self) -> float:
        return (self.delivered - 1) / self.seconds if self.seconds > 0 else 0.0

    def report(self) -> str:
        return (
            f"  {self.channel:<8} {self.residents:>6} residents: {self.rate:6.2f} msg/s "
            f"vs limit {self.limit:g} msg/s = {self.rate / self.limit:6.1%} of the limit; "
            f"lost {self.lost} (baseline 0), duplicated {self.duplicated} (baseline 0), "
            f"throttled answers {self.throttled} = {self.share:.2%} of "
            f"{self.limits.get('requests', 0)} requests (goal <= 1 %), early requests "
            f"{self.limits.get('early_requests', 0)}, max {self.limits.get('max_per_second', 0)}"
            f" accepted in any 1-s window ({'strict' if self.limits.get('strict') else 'bucket'}"
            f"), outbox {self.states}"
        )

    @property
    def share(self) -> float:
        return self.throttled / max(int(self.limits.get("requests", 0)), 1)


async def seed(sessions: async_sessionmaker[AsyncSession], chats: dict[str, list[str]]) -> int:
    """Residents per channel with no subscription (everything matches); one new article."""
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        for channel, ids in chats.items():
            rows = [{"channel": channel, "chat_id": c, "user_id": c, "active": True} for c in ids]
            for start in range(0, len(rows), 2000):
                await session.execute(insert(Resident), rows[start : start + 2000])
        source = Source(name="bench", url="https://dienbien.gov.vn/")
        session.add(source)
        await session.flush()
        article = Article(
            source_id=source.id,
            url="https://dienbien.gov.vn/tin-tuc/bench.html",
            title="Điện Biên: kế hoạch phòng chống lũ quét, sạt lở đất năm 2026",
            summary="UBND tỉnh ban hành kế hoạch phòng chống thiên tai. " * 10,
            published_at=now,
            fetched_at=now,
            content_hash="0" * 64,
        )
        session.add(article)
        await session.flush()
        return await outbox.enqueue_for_article(session, article.id)


def sender(channel: Channel, sessions: async_sessionmaker[AsyncSession], rate: float) -> Sender:
    settings = SenderSettings(concurrency=16, idle_poll_seconds=0.2)
    return Sender(channel, sessions, settings, rate_per_second=rate, per_chat_interval=1.0)


async def drain(sessions: async_sessionmaker[AsyncSession], channels: list[str]) -> None:
    """Until no delivery of ``channels`` is pending (checked a few times a second)."""
    while True:
        async with sessions() as session:
            pending = [
                (await outbox.counts_by_state(session, c)).get("pending", 0) for c in channels
            ]
        if not any(pending):
            return
        await asyncio.sleep(0.25)


def outcome(
    channel: str,
    ids: list[str],
    limit: float,
    sent: list[tuple[str, float]],
    throttled: int,
    limits: dict[str, Any],
) -> Outcome:
    counts = Counter(chat for chat, _ in sent)
    moments = sorted(at for _, at in sent)
    return Outcome(
        channel=channel,
        residents=len(ids),
        limit=limit,
        seconds=moments[-1] - moments[0] if len(moments) > 1 else 0.0,
        delivered=len(sent),
        lost=sum(1 for chat in ids if counts[chat] == 0),
        duplicated=sum(n - 1 for n in counts.values() if n > 1),
        throttled=throttled,
        states={},
        limits=limits,
    )


async def run_zalo_alone(
    database_url: str, residents: int, rate: float, strict: bool = False
) -> Outcome:
    emulator = ZaloEmulator(ZALO_TOKEN, rate_limit_per_second=rate, strict=strict)
    ids = [f"z{n:06d}" for n in range(residents)]
    emulator.add_chats(ids)
    async with open_database(database_url) as engine:
        sessions = session_factory(engine)
        await seed(sessions, {"zalo": ids})
        with serve(emulator.app) as url:
            channel = ZaloChannel(ZaloBotApi(ZALO_TOKEN, base_url=url))
            zalo = sender(channel, sessions, rate)
            await zalo.start()
            await drain(sessions, ["zalo"])
            await zalo.stop()
            await channel.aclose()
        sent = [(s.chat_id, s.at) for s in emulator.sent()]
        result = outcome("zalo", ids, rate, sent, emulator.throttled, emulator.stats())
        async with sessions() as session:
            result.states = await outbox.counts_by_state(session, "zalo")
    return result


async def run_together(
    database_url: str, zalo_rate: float, telegram_rate: float, seconds: float, strict: bool = False
) -> list[Outcome]:
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from bot.telegram import TelegramChannel
    from tests.emulators.telegram import TelegramEmulator

    zalo_ids = [f"z{n:06d}" for n in range(int(zalo_rate * seconds))]
    telegram_ids = [str(100_000 + n) for n in range(int(telegram_rate * seconds))]
    zalo_emulator = ZaloEmulator(ZALO_TOKEN, rate_limit_per_second=zalo_rate, strict=strict)
    zalo_emulator.add_chats(zalo_ids)
    telegram_emulator = TelegramEmulator(global_rate=telegram_rate, any_chat=True, strict=strict)
    async with open_database(database_url) as engine:
        sessions = session_factory(engine)
        await seed(sessions, {"zalo": zalo_ids, "telegram": telegram_ids})
        with ExitStack() as stack:
            zalo_url = stack.enter_context(serve(zalo_emulator.app))
            telegram_url = stack.enter_context(serve(telegram_emulator.app))
            request = HTTPXRequest(connection_pool_size=32)
            bot = Bot(TELEGRAM_TOKEN, base_url=f"{telegram_url}/bot", request=request)
            channels: list[Channel] = [
                ZaloChannel(ZaloBotApi(ZALO_TOKEN, base_url=zalo_url)),
                TelegramChannel(bot),
            ]
            senders = [
                sender(channels[0], sessions, zalo_rate),
                sender(channels[1], sessions, telegram_rate),
            ]
            async with bot:
                for one in senders:
                    await one.start()
                await drain(sessions, ["zalo", "telegram"])
                for one in senders:
                    await one.stop()
            await channels[0].aclose()
        zalo_sent = [(s.chat_id, s.at) for s in zalo_emulator.sent()]
        telegram_sent = [(str(s.chat_id), s.at) for s in telegram_emulator.sent]
        telegram_throttled = sum(1 for call in telegram_emulator.calls if call.status == 429)
        results = [
            outcome(
                "zalo",
                zalo_ids,
                zalo_rate,
                zalo_sent,
                zalo_emulator.throttled,
                zalo_emulator.stats(),
            ),
            outcome(
                "telegram",
                telegram_ids,
                telegram_rate,
                telegram_sent,
                telegram_throttled,
                telegram_emulator.limit_stats(),
            ),
        ]
        async with sessions() as session:
            for result in results:
                result.states = await outbox.counts_by_state(session, result.channel)
    return results


def database_urls(given: str | None) -> Iterator[str]:
    if given:
        yield given
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite+aiosqlite:///{tmp}/bench-zalo.db"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--zalo-rate", type=float, default=10.0)
    parser.add_argument("--telegram-rate", type=float, default=30.0)
    parser.add_argument("--together-seconds", type=float, default=60.0)
    parser.add_argument("--database-url", help="an EMPTY database (default: a temporary SQLite)")
    parser.add_argument("--skip-alone", action="store_true")
    parser.add_argument("--skip-together", action="store_true")
    parser.add_argument(
        "--strict", action="store_true", help="emulators with strict sliding-window limits"
    )
    args = parser.parse_args()
    if not args.skip_alone:
        for url in database_urls(args.database_url):
            began = time.monotonic()
            alone = await run_zalo_alone(url, args.residents, args.zalo_rate, args.strict)
            print(f"Zalo alone ({time.monotonic() - began:.0f} s wall):")
            print(alone.report(), flush=True)
    if not args.skip_together and not args.database_url:
        for url in database_urls(None):
            print(f"Zalo and Telegram at once (about {args.together_seconds:g} s each):")
            for result in await run_together(
                url, args.zalo_rate, args.telegram_rate, args.together_seconds, args.strict
            ):
                print(result.report(), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
