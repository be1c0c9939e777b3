"""Broadcast benchmark: from Gửi to the last delivery, and an emergency behind a full news queue.

    .venv/bin/python bench/broadcast_bench.py [--residents 10000] [--telegram-rate 300]
        [--zalo-residents 2000] [--zalo-rate 100] [--news 10000] [--skip-a] [--skip-b]

Loa's own parts run in this process as ``loa run`` wires them: ``Commands`` (the administrator's
/thongbao or /canhbao and the Gửi press), one ``Sender`` per channel woken by the confirmed
broadcast, a temporary SQLite database. Each emulator runs in its own process (so it does not
share this interpreter's lock) and enforces its rate limit. Times come from the deliveries'
``sent_at`` (written when the platform's answer is recorded), measured from the press of Gửi.

(a) one broadcast to every resident: ``--residents`` on Telegram and ``--zalo-residents`` on Zalo
    at once, each at its limit. The limits are RAISED from the platforms' 30/s and 10/s to keep
    the run short; the figure is the time as a multiple of the theoretical minimum n / rate.
(b) an emergency to one commune (30 Telegram + 10 Zalo residents) at the platforms' real limits
    (30/s, 10/s), while ``--news`` news deliveries per channel are queued and sending; beside it
    the same emergency with an empty queue (the baseline), and with the sender's former batching
    (a whole 128-row batch paced out before looking at the queue again).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker  # noqa: E402
from telegram import Bot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

import jobs.send  # noqa: E402
from base.config import SenderSettings, Settings  # noqa: E402
from bot.catalog import build_catalog  # noqa: E402
from bot.channel import Channel, Incoming  # noqa: E402
from bot.commands import Commands  # noqa: E402
from bot.telegram import TelegramChannel  # noqa: E402
from bot.zalo import ZaloChannel  # noqa: E402
from bot.zalo_api import ZaloBotApi  # noqa: E402
from jobs.send import OutboxSignal, Sender  # noqa: E402
from storage import broadcast_progress, outbox  # noqa: E402
from storage.db import open_database, session_factory  # noqa: E402
from storage.models import (  # noqa: E402
    Article,
    ArticleCommune,
    Delivery,
    Resident,
    Source,
    Subscription,
    utcnow,
)

TELEGRAM_TOKEN = "123456:bench-broadcast"
ZALO_TOKEN = "bench:broadcast-zalo"
ADMIN = "7"
SAM_MUN = "Sam Mứn"
CONCURRENCY = 16
Sessions = async_sessionmaker[AsyncSession]

# The Zalo emulator has no command line of its own: serve it, with a counter route, from here.
ZALO_SERVER = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from tests.emulators.zalo import ZaloEmulator
port, rate = int(sys.argv[1]), float(sys.argv[2])
emulator = ZaloEmulator(sys.argv[3], rate_limit_per_second=rate, require_known_chat=False)
async def stats(request):
    return JSONResponse({"sent": len(emulator.sent()), "throttled": emulator.throttled})
app = Starlette(routes=[Route("/_stats", stats), Mount("/", emulator.app)])
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""


# ---------------------------------------------------------------------- emulators


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _process(args: list[str], ready: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [*args[:1], *[a.replace("{port}", str(port)) for a in args[1:]]], cwd=ROOT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(url + ready, timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait()


@contextmanager
def emulators(telegram_rate: float, zalo_rate: float) -> Iterator[tuple[str, str]]:
    py = sys.executable
    telegram = [py, "-m", "tests.emulators.telegram", "--port", "{port}", "--rate"]
    zalo = [py, "-c", ZALO_SERVER, "{port}", str(zalo_rate), ZALO_TOKEN]
    with (
        _process([*telegram, str(telegram_rate)], "/_emulator/stats") as telegram_url,
        _process(zalo, "/_stats") as zalo_url,
    ):
        yield telegram_url, zalo_url


def emulator_stats(telegram_url: str, zalo_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    telegram = httpx.get(f"{telegram_url}/_emulator/stats").json()
    return telegram, httpx.get(f"{zalo_url}/_stats").json()


# ---------------------------------------------------------------------- Loa, in this process


@dataclass
class Loa:
    sessions: Sessions
    commands: Commands
    queued: OutboxSignal


@asynccontextmanager
async def loa(
    database: str, urls: tuple[str, str], rates: tuple[float, float]
) -> AsyncIterator[Loa]:
    """Commands and both senders, wired as ``loa run`` wires them."""
    async with AsyncExitStack() as stack:
        engine = await stack.enter_async_context(open_database(database))
        sessions = session_factory(engine)
        queued = OutboxSignal()
        settings = Settings.model_validate({"telegram": {"admins": [int(ADMIN)]}})
        commands = Commands(
            sessions, build_catalog(settings.places.province), settings, on_queued=queued.notify
        )
        request = HTTPXRequest(connection_pool_size=CONCURRENCY + 8)
        bot = await stack.enter_async_context(
            Bot(TELEGRAM_TOKEN, base_url=f"{urls[0]}/bot", request=request)
        )
        zalo = ZaloChannel(ZaloBotApi(ZALO_TOKEN, base_url=urls[1]))
        stack.push_async_callback(zalo.aclose)
        channels: list[Channel] = [TelegramChannel(bot), zalo]
        senders = [
            Sender(
                channel,
                sessions,
                SenderSettings(concurrency=CONCURRENCY),
                rate_per_second=rate,
                per_chat_interval=1.0,
                signal=queued,
            )
            for channel, rate in zip(channels, rates, strict=True)
        ]
        for sender in senders:
            await sender.start()
        try:
            yield Loa(sessions, commands, queued)
        finally:
            for sender in senders:
                await sender.stop()


async def seed_residents(
    sessions: Sessions, channel: str, count: int, first: int, commune: str | None = None
) -> None:
    """``count`` residents with chat ids from ``first`` on (numeric, as Telegram's are)."""
    now = utcnow()
    chat_ids = [str(first + n) for n in range(count)]
    rows = [
        {"channel": channel, "chat_id": c, "active": True, "created_at": now, "updated_at": now}
        for c in chat_ids
    ]
    async with sessions.begin() as session:
        for start in range(0, len(rows), 2000):
            await session.execute(insert(Resident), rows[start : start + 2000])
        if commune is not None:
            ids = await session.scalars(
                select(Resident.id).where(
                    Resident.channel == channel, Resident.chat_id.in_(chat_ids)
                )
            )
            choices = [
                {"resident_id": i, "kind": "commune", "value": commune, "created_at": now}
                for i in ids
            ]
            await session.execute(insert(Subscription), choices)


async def queue_news(sessions: Sessions) -> int:
    """One article for everyone who receives everything (not for Sam Mứn's subscribers)."""
    async with sessions.begin() as session:
        source = Source(name="bench", url="https://dienbien.gov.vn/")
        session.add(source)
        await session.flush()
        article = Article(
            source_id=source.id,
            url="https://dienbien.gov.vn/tin-tuc/bench.html",
            title="Điện Biên: hội nghị tổng kết công tác năm 2025",
            summary="UBND tỉnh tổ chức hội nghị tổng kết. " * 5,
            published_at=utcnow(),
            fetched_at=utcnow(),
            content_hash="0" * 64,
        )
        session.add(article)
        await session.flush()
        session.add(ArticleCommune(article_id=article.id, commune="Mường Phăng"))
        return await outbox.enqueue_for_article(session, article.id)


async def press_send(commands: Commands, command: str) -> tuple[int, datetime]:
    """The administrator drafts ``command`` and presses Gửi: (broadcast id, moment of the press)."""
    admin = Incoming(channel="telegram", chat_id=ADMIN, user_id=ADMIN, text=command)
    preview = await commands.handle(admin)
    data = preview[-1].buttons[0][0].data  # "bc:send:<id>"
    pressed = utcnow()
    answer = await commands.handle(
        Incoming(channel="telegram", chat_id=ADMIN, user_id=ADMIN, callback_data=data)
    )
    assert "Đang gửi" in answer[0].html, answer
    return int(data.rsplit(":", 1)[1]), pressed


async def wait_finished(sessions: Sessions, broadcast_id: int) -> None:
    while True:
        async with sessions() as session:
            if (await broadcast_progress.progress(session, broadcast_id)).finished:
                return
        await asyncio.sleep(0.1)


async def timings(
    sessions: Sessions, broadcast_id: int, pressed: datetime
) -> dict[str, tuple[int, float, float]]:
    """Per channel: (sent, seconds from Gửi to the first, and to the last delivery)."""
    async with sessions() as session:
        rows = await session.execute(
            select(Delivery.channel, func.count(), func.min(Delivery.sent_at))
            .where(Delivery.broadcast_id == broadcast_id, Delivery.state == "sent")
            .group_by(Delivery.channel)
        )
        firsts = {channel: (count, first) for channel, count, first in rows.all()}
        result = {}
        for channel, (count, first) in firsts.items():
            last = await session.scalar(
                select(func.max(Delivery.sent_at)).where(
                    Delivery.broadcast_id == broadcast_id, Delivery.channel == channel
                )
            )
            result[channel] = (count, _since(pressed, first), _since(pressed, last))
    return result


def _since(start: datetime, value: Any) -> float:
    # func.min/max bypass the column type on SQLite: a naive UTC string comes back.
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return float((value - start).total_seconds())


# ---------------------------------------------------------------------- (a) and (b)


async def scenario_a(args: argparse.Namespace, tmp: str) -> None:
    rates = (args.telegram_rate, args.zalo_rate)
    counts = {"telegram": args.residents, "zalo": args.zalo_residents}
    with emulators(*rates) as urls:
        async with loa(f"sqlite+aiosqlite:///{tmp}/a.db", urls, rates) as parts:
            await seed_residents(parts.sessions, "telegram", args.residents, 1_000_000)
            await seed_residents(parts.sessions, "zalo", args.zalo_residents, 1_000_000)
            parts.commands.catalog  # noqa: B018 (load the gazetteer before timing)
            broadcast_id, pressed = await press_send(
                parts.commands, "/thongbao Từ 7h đến 11h ngày mai cắt điện toàn huyện"
            )
            await wait_finished(parts.sessions, broadcast_id)
            measured = await timings(parts.sessions, broadcast_id, pressed)
        telegram, zalo = emulator_stats(*urls)
    print(
        f"(a) one broadcast to everyone, both channels at once (limits RAISED from 30/s and 10/s"
        f" to {rates[0]:g}/s and {rates[1]:g}/s to keep the run short):"
    )
    for channel, rate in zip(counts, rates, strict=True):
        sent, first, last = measured.get(channel, (0, math.nan, math.nan))
        minimum = counts[channel] / rate
        print(
            f"  {channel:<8} {counts[channel]:>6} residents at {rate:g}/s: Gửi -> last delivery"
            f" {last:6.1f} s vs theoretical minimum {minimum:6.1f} s = x{last / minimum:.3f}"
            f" (goal <= 1.05); Gửi -> first {first:.2f} s; sent {sent}/{counts[channel]}"
        )
    print(
        f"  platform answers: telegram 429s {telegram['rate_limited']}, early retries"
        f" {telegram['early']}, duplicates {telegram['sent'] - telegram['chats']};"
        f" zalo throttled {zalo['throttled']}"
    )


@dataclass
class Emergency:
    label: str
    news_sent_before: int
    per_channel: dict[str, tuple[int, float, float]]


async def emergency_run(
    label: str, news: int, tmp: str, batch_seconds: float, args: argparse.Namespace
) -> Emergency:
    rates = (30.0, 10.0)
    jobs.send.BATCH_SECONDS = batch_seconds
    with emulators(*rates) as urls:
        async with loa(f"sqlite+aiosqlite:///{tmp}/{label}.db", urls, rates) as parts:
            sessions = parts.sessions
            await seed_residents(sessions, "telegram", 30, 500_000, commune=SAM_MUN)
            await seed_residents(sessions, "zalo", 10, 500_000, commune=SAM_MUN)
            if news:
                await seed_residents(sessions, "telegram", news, 1_000_000)
                await seed_residents(sessions, "zalo", news, 1_000_000)
                await queue_news(sessions)
                parts.queued.notify()  # as the poller does after queuing
                await asyncio.sleep(args.news_head_start)  # let the news queue start draining
            parts.commands.catalog  # noqa: B018
            broadcast_id, pressed = await press_send(
                parts.commands, "/canhbao xã Sam Mứn: Lũ quét trên suối Nậm Rốm"
            )
            await wait_finished(sessions, broadcast_id)
            measured = await timings(sessions, broadcast_id, pressed)
            async with sessions() as session:
                before = await session.scalar(
                    select(func.count()).where(
                        Delivery.article_id.is_not(None), Delivery.state == "sent"
                    )
                )
    return Emergency(label, int(before or 0), measured)


async def scenario_b(args: argparse.Namespace, tmp: str) -> None:
    runs = [
        await emergency_run("idle", 0, tmp, 1.0, args),
        await emergency_run("full", args.news, tmp, 1.0, args),
        await emergency_run("full-old-batching", args.news, tmp, math.inf, args),
    ]
    jobs.send.BATCH_SECONDS = 1.0
    print(
        f"(b) emergency to one commune (telegram 30, zalo 10 residents) at the real limits"
        f" (30/s, 10/s); minimum Gửi -> last = 1.0 s on each channel; news queue"
        f" {args.news} per channel, sending for {args.news_head_start:g} s before Gửi:"
    )
    baseline = runs[0].per_channel
    for run in runs:
        cells = []
        for channel in ("telegram", "zalo"):
            sent, first, last = run.per_channel.get(channel, (0, math.nan, math.nan))
            _, base_first, base_last = baseline.get(channel, (0, math.nan, math.nan))
            cells.append(
                f"{channel} first {first:5.2f} s (x{first / base_first:4.1f}) last {last:5.2f} s"
                f" (x{last / base_last:4.2f}) [{sent} sent]"
            )
        print(
            f"  {run.label:<18} " + "; ".join(cells) + f"; news sent by then {run.news_sent_before}"
        )
    print("  (xN: against the idle-queue baseline on the first line)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--telegram-rate", type=float, default=300.0)
    parser.add_argument("--zalo-residents", type=int, default=2_000)
    parser.add_argument("--zalo-rate", type=float, default=100.0)
    parser.add_argument("--news", type=int, default=10_000)
    parser.add_argument("--news-head-start", type=float, default=3.0)
    parser.add_argument("--skip-a", action="store_true")
    parser.add_argument("--skip-b", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_a:
            await scenario_a(args, tmp)
        if not args.skip_b:
            await scenario_b(args, tmp)


if __name__ == "__main__":
    asyncio.run(main())
