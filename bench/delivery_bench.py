"""Delivery benchmark: one article to many residents, Loa's pipeline against plain baselines.

    .venv/bin/python bench/delivery_bench.py [--residents 10000] [--rate 100] [--match 100000]
        [--strict]

(a) through the emulator at a global limit: sustained rate as a share of the limit, lost and
    duplicated messages (the limit is scaled from Telegram's 30/s to 100/s: a shorter run);
    ``--strict``: the emulator counts requests in sliding one-second windows instead of token
    buckets (goal: >= 0.95 of the limit with 429s <= 1 % of requests);
(b) no limit: Loa's sender (database queue, rendering, pacing, group commit of answers) against a
    raw httpx loop sending the same requests at the same concurrency;
(c) matching + enqueue of one article for N residents with mixed filters: one set-based SQL
    statement against a per-resident Python loop.
The emulator runs in its own process (python -m tests.emulators.telegram) so it does not share
this process's interpreter lock with the code being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.request import HTTPXRequest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.telegram import TelegramChannel  # noqa: E402
from jobs.send import Sender  # noqa: E402
from loa.config import SenderSettings  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import open_database, session_factory  # noqa: E402
from storage.models import (  # noqa: E402
    Article,
    ArticleCommune,
    ArticleTopic,
    Delivery,
    Resident,
    Source,
    Subscription,
    utcnow,
)

TOKEN = "1:bench"
CONCURRENCY = 16
COMMUNES = [f"Xã {i}" for i in range(60)]
TOPICS = ["giao-thong", "y-te", "giao-duc", "nong-nghiep", "canh-bao", "an-ninh"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def emulator(rate: float, strict: bool = False) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = [sys.executable, "-m", "tests.emulators.telegram", "--port", str(port)]
    if strict:
        args.append("--strict")
    process = subprocess.Popen([*args, "--rate", str(rate)], cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/_emulator/stats", timeout=0.5)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait()


async def seed_article(sessions: async_sessionmaker[AsyncSession], residents: int) -> int:
    """An article and ``residents`` residents who receive everything; return the article id."""
    async with sessions.begin() as session:
        source = Source(name="bench", url="http://portal.test/")
        session.add(source)
        await session.flush()
        article = Article(
            source_id=source.id,
            url="http://portal.test/a",
            title="Lũ quét ở Mường Pồn",
            summary="Mưa lớn kéo dài. Nhiều tuyến đường bị sạt lở.",
            author="Minh Anh",
            published_at=utcnow(),
            fetched_at=utcnow(),
            content_hash="x",
        )
        session.add(article)
        await session.flush()
        session.add(ArticleCommune(article_id=article.id, commune=COMMUNES[0]))
        if not residents:
            return article.id
        await session.execute(
            insert(Resident),
            [
                {
                    "channel": "telegram",
                    "chat_id": str(100_000 + i),
                    "active": True,
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                }
                for i in range(residents)
            ],
        )
        return article.id


async def loa_send(url: str, residents: int, rate: float | None) -> dict[str, Any]:
    """Queue and send one article to ``residents`` through Loa's sender; time it."""
    with tempfile.TemporaryDirectory() as tmp:
        async with open_database(f"sqlite+aiosqlite:///{tmp}/bench.db") as engine:
            sessions = session_factory(engine)
            article_id = await seed_article(sessions, residents)
            async with sessions.begin() as session:
                await outbox.enqueue_for_article(session, article_id)
            request = HTTPXRequest(connection_pool_size=CONCURRENCY + 4)
            async with Bot(TOKEN, base_url=f"{url}/bot", request=request) as bot:
                settings = SenderSettings(concurrency=CONCURRENCY, idle_poll_seconds=0.2)
                sender = Sender(
                    TelegramChannel(bot),
                    sessions,
                    settings,
                    rate_per_second=rate,
                    per_chat_interval=1.0,
                )
                started = time.perf_counter()
                await sender.start()
                while True:
                    async with sessions() as session:
                        counts = await outbox.counts_by_state(session, "telegram")
                    if not counts["pending"]:
                        break
                    await asyncio.sleep(0.1)
                elapsed = time.perf_counter() - started
                await sender.stop()
            async with httpx.AsyncClient() as client:
                stats = (await client.get(f"{url}/_emulator/stats")).json()
    return {"seconds": elapsed, "counts": counts, "stats": stats, "renders": sender.renders}


async def raw_send(url: str, residents: int) -> float:
    """The baseline: the same sendMessage requests from a bare httpx loop."""
    text = "<b>Lũ quét ở Mường Pồn</b>\n🗓 01/01/2026 08:00\n\nMưa lớn kéo dài."
    chats = iter(range(100_000, 100_000 + residents))
    limits = httpx.Limits(max_connections=CONCURRENCY + 4)
    async with httpx.AsyncClient(limits=limits) as client:

        async def worker() -> None:
            for chat in chats:
                response = await client.post(
                    f"{url}/bot{TOKEN}/sendMessage",
                    data={
                        "chat_id": str(chat),
                        "text": text,
                        "parse_mode": "HTML",
                        "link_preview_options": '{"is_disabled": true}',
                    },
                )
                response.raise_for_status()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return time.perf_counter() - started


async def seed_filters(sessions: async_sessionmaker[AsyncSession], residents: int) -> int:
    """``residents`` residents: a third everything, a third communes, a third topics+communes."""
    rng = random.Random(7)
    article_id = await seed_article(sessions, 0)
    async with sessions.begin() as session:
        session.add(ArticleTopic(article_id=article_id, topic="canh-bao"))
        rows = [
            {
                "channel": "telegram" if i % 4 else "zalo",
                "chat_id": str(i),
                "active": i % 50 != 0,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for i in range(residents)
        ]
        await session.execute(insert(Resident), rows)
        ids = list(await session.scalars(select(Resident.id)))
        choices: list[dict[str, Any]] = []
        for resident_id in ids:
            kind = resident_id % 3
            if kind >= 1:
                for commune in rng.sample(COMMUNES, 2):
                    choices.append(
                        {
                            "resident_id": resident_id,
                            "kind": "commune",
                            "value": commune,
                            "created_at": utcnow(),
                        }
                    )
            if kind == 2:
                choices.append(
                    {
                        "resident_id": resident_id,
                        "kind": "topic",
                        "value": rng.choice(TOPICS),
                        "created_at": utcnow(),
                    }
                )
        await session.execute(insert(Subscription), choices)
    return article_id


async def python_loop_enqueue(session: AsyncSession, article_id: int) -> int:
    """Baseline: load every resident and their choices, match in Python, insert one by one."""
    communes = set(
        await session.scalars(
            select(ArticleCommune.commune).where(ArticleCommune.article_id == article_id)
        )
    )
    topics = set(
        await session.scalars(
            select(ArticleTopic.topic).where(ArticleTopic.article_id == article_id)
        )
    )
    queued = 0
    for resident in (await session.scalars(select(Resident).where(Resident.active))).all():
        choices = (
            await session.execute(
                select(Subscription.kind, Subscription.value).where(
                    Subscription.resident_id == resident.id
                )
            )
        ).all()
        if not choices or any(
            (k == "commune" and v in communes) or (k == "topic" and v in topics) for k, v in choices
        ):
            session.add(
                Delivery(article_id=article_id, resident_id=resident.id, channel=resident.channel)
            )
            queued += 1
    await session.flush()
    return queued


async def matching(residents: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        async with open_database(f"sqlite+aiosqlite:///{tmp}/match.db") as engine:
            sessions = session_factory(engine)
            article_id = await seed_filters(sessions, residents)
            async with sessions.begin() as session:
                started = time.perf_counter()
                queued = await outbox.enqueue_for_article(session, article_id)
                sql_seconds = time.perf_counter() - started
                await session.rollback()
            async with sessions.begin() as session:
                started = time.perf_counter()
                loop_queued = await python_loop_enqueue(session, article_id)
                loop_seconds = time.perf_counter() - started
                await session.rollback()
    return {"queued": queued, "loop_queued": loop_queued, "sql": sql_seconds, "loop": loop_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0, help="the emulator's limit in (a)")
    parser.add_argument("--match", type=int, default=100_000)
    parser.add_argument(
        "--strict", action="store_true", help="(a) against a strict sliding-window limiter"
    )
    parser.add_argument("--skip-b", action="store_true")
    parser.add_argument("--skip-c", action="store_true")
    args = parser.parse_args()

    with emulator(args.rate, args.strict) as url:
        a = asyncio.run(loa_send(url, args.residents, args.rate))
    stats = a["stats"]
    sustained = (stats["sent"] - 1) / (stats["last_at"] - stats["first_at"])
    model = "strict sliding window" if args.strict else "token bucket"
    share = stats["rate_limited"] / max(stats["requests"], 1)
    print(
        f"(a) {args.residents} residents at a {args.rate:g}/s limit ({model}): "
        f"{a['seconds']:.1f} s, sustained {sustained:.1f}/s = {sustained / args.rate:.3f} of "
        f"the limit (goal >= 0.95); lost {args.residents - stats['chats']}, duplicated "
        f"{stats['sent'] - stats['chats']}; {stats['requests']} requests, 429s "
        f"{stats['rate_limited']} = {share:.2%} (goal <= 1 %), early requests "
        f"{stats['early_requests']} (goal 0), max {stats['max_per_second']} accepted in any "
        f"1-s window (limit {args.rate:g}); renders {a['renders']}; peak RSS {peak_mb():.0f} MB"
    )
    if args.skip_b and args.skip_c:
        return

    if not args.skip_b:
        bench_b(args.residents)
    if not args.skip_c:
        bench_c(args.match)


def bench_b(residents: int) -> None:
    with emulator(0) as url:
        b = asyncio.run(loa_send(url, residents, None))
    with emulator(0) as url:
        raw = asyncio.run(raw_send(url, residents))
    print(
        f"(b) no limit, concurrency {CONCURRENCY}: Loa {b['seconds']:.2f} s "
        f"({residents / b['seconds']:.0f}/s), raw httpx {raw:.2f} s "
        f"({residents / raw:.0f}/s): ratio {b['seconds'] / raw:.2f} (goal <= 1.5); "
        f"lost {residents - b['stats']['chats']}, duplicated "
        f"{b['stats']['sent'] - b['stats']['chats']}; peak RSS {peak_mb():.0f} MB"
    )


def bench_c(match: int) -> None:
    c = asyncio.run(matching(match))
    print(
        f"(c) matching + enqueue for {match} residents (mixed filters, SQLite): "
        f"SQL {c['sql']:.2f} s (goal <= 1 s) vs per-resident Python loop {c['loop']:.2f} s "
        f"(x{c['loop'] / c['sql']:.0f}); {c['queued']} queued (loop: {c['loop_queued']}); "
        f"peak RSS {peak_mb():.0f} MB"
    )


if __name__ == "__main__":
    main()
