"""Delivery benchmark: one article to many residents, Loa's pipeline against plain baselines.

    .venv/bin/python bench/delivery_bench.py [--residents 10000] [--rate 100] [--match 100000]
        [--strict] [--runs 5] [--chunks 5] [--database-url URL] [--naive]
        [--skip-a] [--skip-b] [--skip-c]

(a) through the emulator at a global limit: sustained rate as a share of the limit, lost and
    duplicated messages (the limit is scaled from Telegram's 30/s to 100/s: a shorter run);
    ``--strict``: the emulator counts requests in sliding one-second windows instead of token
    buckets (goal: >= 0.95 of the limit with 429s <= 1 % of requests);
(b) no limit: Loa's sender (database queue, rendering, pacing, state writes) against a raw
    httpx loop sending the same requests (byte for byte) at the same concurrency, ``--runs``
    runs, each side's messages in ``--chunks`` alternating parts: this process's CPU time per
    message on both sides (goal: Loa <= 1.2x raw in every run), and wall time;
(c) matching + enqueue of one article for N residents with mixed filters: Loa's one set-based
    SQL statement against a competent bulk loop (two bulk SELECTs, the match in Python, one
    executemany INSERT); ``--naive`` adds the one-SELECT-per-resident ORM loop as a labelled
    second line. ``--database-url`` (PostgreSQL): run it in a new database on that server.
    ``--match 1000000`` is the scale step. Each run queues its own article (the same tags,
    ``same_tags``) and is rolled back.
Memory: this process is not ``loa run``; ``bench/memory_bench.py`` reports ``loa run``'s own.
The emulator runs in its own process (python -m tests.emulators.telegram) so it does not share
this process's interpreter lock with the code being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from base.config import SenderSettings  # noqa: E402
from bench.databases import fresh_database  # noqa: E402
from bot.render import ArticleView, render_article  # noqa: E402
from bot.telegram import TelegramChannel  # noqa: E402
from jobs.send import Sender  # noqa: E402
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
# The article every resident gets in (a) and (b); the raw loop of (b) sends Loa's rendering of it.
ARTICLE = ArticleView(
    title="Lũ quét ở Mường Pồn",
    url="http://portal.test/a",
    published_at=datetime(2026, 1, 1, 1, 0, tzinfo=UTC),
    author="Minh Anh",
    summary="Mưa lớn kéo dài. Nhiều tuyến đường bị sạt lở.",
    communes=(COMMUNES[0],),
)


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
            url=ARTICLE.url,
            title=ARTICLE.title,
            summary=ARTICLE.summary,
            author=ARTICLE.author,
            published_at=ARTICLE.published_at,
            fetched_at=utcnow(),
            content_hash="x",
        )
        session.add(article)
        await session.flush()
        session.add(ArticleCommune(article_id=article.id, commune=ARTICLE.communes[0]))
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
                started, cpu = time.perf_counter(), time.process_time()
                main = time.thread_time()  # this thread; the rest is the database's thread
                await sender.start()
                while True:
                    if not await _pending(sessions):
                        break
                    await asyncio.sleep(0.2)  # a bench: a cheap look 5 times a second
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                main = time.thread_time() - main
                await sender.stop()
                async with sessions() as session:
                    counts = await outbox.counts_by_state(session, "telegram")
            async with httpx.AsyncClient() as client:
                stats = (await client.get(f"{url}/_emulator/stats")).json()
    return {
        "seconds": elapsed,
        "cpu": cpu,
        "main": main,
        "counts": counts,
        "stats": stats,
        "renders": sender.renders,
    }


async def _pending(sessions: async_sessionmaker[AsyncSession]) -> bool:
    async with sessions() as session:
        found = await session.scalar(
            select(Delivery.id).where(Delivery.state == "pending").limit(1)
        )
    return found is not None


async def raw_send(url: str, residents: int) -> dict[str, float]:
    """The baseline: the same sendMessage requests from a bare httpx loop (the same form
    fields, the text Loa renders for the article, the same User-Agent: byte for byte the
    bodies Loa sends), answers checked for their status only."""
    text = render_article(ARTICLE, TelegramChannel.max_text_length).html
    headers = {"User-Agent": BaseRequest.USER_AGENT}
    chats = iter(range(100_000, 100_000 + residents))
    limits = httpx.Limits(max_connections=CONCURRENCY + 4)
    async with httpx.AsyncClient(limits=limits) as client:

        async def worker() -> None:
            for chat in chats:
                response = await client.post(
                    f"{url}/bot{TOKEN}/sendMessage",
                    headers=headers,
                    data={
                        "chat_id": str(chat),
                        "text": text,
                        "parse_mode": "HTML",
                        "link_preview_options": '{"is_disabled": true}',
                    },
                )
                response.raise_for_status()

        started, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
        return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu}


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


async def same_tags(
    sessions: async_sessionmaker[AsyncSession], article_id: int, count: int
) -> list[int]:
    """``count`` new articles with ``article_id``'s tags (communes, topics); their ids. Each
    timed run of (c) queues its own: Loa queues an article once, and a run that queued the same
    article again would meet the rolled-back rows of the earlier runs in the unique index
    (rows a real fan-out never finds: ~0.1 s more by the third run on PostgreSQL)."""
    async with sessions.begin() as session:
        original = await session.get_one(Article, article_id)
        communes, topics = await _article_tags(session, article_id)
        copies = [
            Article(
                source_id=original.source_id,
                url=f"{original.url}/{n}",
                title=original.title,
                summary=original.summary,
                author=original.author,
                published_at=original.published_at,
                fetched_at=original.fetched_at,
                content_hash=original.content_hash,
            )
            for n in range(1, count + 1)
        ]
        session.add_all(copies)
        await session.flush()
        for copy in copies:
            session.add_all(ArticleCommune(article_id=copy.id, commune=c) for c in communes)
            session.add_all(ArticleTopic(article_id=copy.id, topic=t) for t in topics)
        return [copy.id for copy in copies]


async def naive_loop_enqueue(session: AsyncSession, article_id: int) -> int:
    """The naive baseline (a second line, labelled): every resident through the ORM, one
    SELECT of their choices each, one ORM insert each."""
    communes, topics = await _article_tags(session, article_id)
    queued = 0
    for resident in (await session.scalars(select(Resident).where(Resident.active))).all():
        choices = (
            await session.execute(
                select(Subscription.kind, Subscription.value).where(
                    Subscription.resident_id == resident.id
                )
            )
        ).all()
        if _matches(choices, communes, topics):
            session.add(
                Delivery(article_id=article_id, resident_id=resident.id, channel=resident.channel)
            )
            queued += 1
    await session.flush()
    return queued


async def _article_tags(session: AsyncSession, article_id: int) -> tuple[set[str], set[str]]:
    communes = await session.scalars(
        select(ArticleCommune.commune).where(ArticleCommune.article_id == article_id)
    )
    topics = await session.scalars(
        select(ArticleTopic.topic).where(ArticleTopic.article_id == article_id)
    )
    return set(communes), set(topics)


def _matches(choices: Any, communes: set[str], topics: set[str]) -> bool:
    """Loa's rule: no choice = everything; else any chosen commune or topic of the article."""
    return not choices or any(
        (k == "commune" and v in communes) or (k == "topic" and v in topics) for k, v in choices
    )


async def bulk_loop_enqueue(session: AsyncSession, article_id: int) -> int:
    """The competent baseline: two bulk SELECTs (the article's tags; the active residents with
    their choices, one outer join, plain tuples), the match in Python, one executemany INSERT
    of the deliveries. Inactive residents' choices are never read."""
    communes, topics = await _article_tags(session, article_id)
    rows = await session.execute(
        select(Resident.id, Resident.channel, Subscription.kind, Subscription.value)
        .outerjoin(Subscription, Subscription.resident_id == Resident.id)
        .where(Resident.active)
    )
    channels: dict[int, str] = {}
    choices: dict[int, list[tuple[str, str]]] = {}
    for resident_id, channel, kind, value in rows:
        channels[resident_id] = channel
        if kind is not None:
            choices.setdefault(resident_id, []).append((kind, value))
    residents = channels.items()
    now = utcnow()
    queued = [
        {
            "article_id": article_id,
            "resident_id": resident_id,
            "channel": channel,
            "priority": 0,
            "state": "pending",
            "attempts": 0,
            "created_at": now,
        }
        for resident_id, channel in residents
        if _matches(choices.get(resident_id), communes, topics)
    ]
    if queued:
        await session.execute(insert(Delivery), queued)
    return len(queued)


def _peak_mb_since_reset() -> float:
    """This process's peak RSS since the last reset (``VmHWM``), then reset it (Linux)."""
    peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    Path("/proc/self/clear_refs").write_text("5")  # 5: reset the peak to the current RSS
    return peak


async def _timed_rollback(
    sessions: async_sessionmaker[AsyncSession], run: Any, article_id: int
) -> tuple[int, float, float]:
    """(queued, seconds, MB of peak RSS above the start) of one enqueue, rolled back (each
    side starts from the same table)."""
    _peak_mb_since_reset()
    before = _peak_mb_since_reset()
    async with sessions.begin() as session:
        started = time.perf_counter()
        queued = await run(session, article_id)
        seconds = time.perf_counter() - started
        await session.rollback()
    return queued, seconds, _peak_mb_since_reset() - before


async def matching(residents: int, url: str | None, naive: bool, runs: int) -> dict[str, Any]:
    """Loa's set-based SQL against the baselines, alternating, ``runs`` times each (median)."""
    with tempfile.TemporaryDirectory() as tmp:
        async with fresh_database(url, f"sqlite+aiosqlite:///{tmp}/match.db") as database:
            async with open_database(database) as engine:
                sessions = session_factory(engine)
                article_id = await seed_filters(sessions, residents)
                sides = {"sql": outbox.enqueue_for_article, "bulk": bulk_loop_enqueue}
                if naive:
                    sides["naive"] = naive_loop_enqueue
                articles = iter(await same_tags(sessions, article_id, runs * len(sides)))
                if engine.dialect.name == "postgresql":
                    async with engine.begin() as connection:
                        await connection.execute(text("ANALYZE"))
                found: dict[str, Any] = {name: [] for name in sides}
                queued: dict[str, int] = {}
                grown: dict[str, float] = {}
                for _ in range(runs):
                    for name, run in sides.items():
                        queued[name], seconds, mb = await _timed_rollback(
                            sessions, run, next(articles)
                        )
                        found[name].append(seconds)
                        grown[name] = max(grown.get(name, 0.0), mb)
                dialect = engine.dialect.name
    result = {name: statistics.median(times) for name, times in found.items()}
    return {**result, "queued": queued, "dialect": dialect, "grown": grown}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0, help="the emulator's limit in (a)")
    parser.add_argument("--match", type=int, default=100_000)
    parser.add_argument(
        "--strict", action="store_true", help="(a) against a strict sliding-window limiter"
    )
    parser.add_argument("--database-url", help="(c) on this PostgreSQL server (a new database)")
    parser.add_argument("--naive", action="store_true", help="(c) also the naive ORM loop")
    parser.add_argument("--runs", type=int, default=5, help="(b) runs of each side")
    parser.add_argument(
        "--chunks", type=int, default=5, help="(b) alternating parts of a run (1: one each)"
    )
    parser.add_argument("--match-runs", type=int, default=3, help="(c) runs of each side")
    parser.add_argument("--skip-a", action="store_true")
    parser.add_argument("--skip-b", action="store_true")
    parser.add_argument("--skip-c", action="store_true")
    args = parser.parse_args()
    if not args.skip_a:
        bench_a(args.residents, args.rate, args.strict)
    if not args.skip_b:
        bench_b(args.residents, args.runs, args.chunks)
    if not args.skip_c:
        bench_c(args.match, args.database_url, args.naive, args.match_runs)


def bench_a(residents: int, rate: float, strict: bool) -> None:
    with emulator(rate, strict) as url:
        a = asyncio.run(loa_send(url, residents, rate))
    stats = a["stats"]
    sustained = (stats["sent"] - 1) / (stats["last_at"] - stats["first_at"])
    model = "strict sliding window" if strict else "token bucket"
    share = stats["rate_limited"] / max(stats["requests"], 1)
    print(
        f"(a) {residents} residents at a {rate:g}/s limit ({model}): "
        f"{a['seconds']:.1f} s, sustained {sustained:.1f}/s = {sustained / rate:.3f} of "
        f"the limit (goal >= 0.95); lost {residents - stats['chats']}, duplicated "
        f"{stats['sent'] - stats['chats']}; {stats['requests']} requests, 429s "
        f"{stats['rate_limited']} = {share:.2%} (goal <= 1 %), early requests "
        f"{stats['early_requests']} (goal 0), max {stats['max_per_second']} accepted in any "
        f"1-s window (limit {rate:g}); renders {a['renders']}"
    )


def bench_b(residents: int, runs: int, chunks: int) -> None:
    """Loa's sender and a raw httpx loop, each against a fresh emulator; CPU time of this
    process per message (the emulator runs in its own), and wall time. A run sends
    ``residents`` messages on each side in ``chunks`` alternating parts (Loa, raw, Loa, ...),
    so that a slower minute of a shared machine falls on both sides, not on one."""
    within = 0
    size = residents // chunks
    print(
        f"(b) no limit, concurrency {CONCURRENCY}, {size * chunks} messages a run on each side "
        f"({chunks} alternating parts of {size}); CPU a message:"
    )
    for run in range(1, runs + 1):
        loa: dict[str, float] = {"cpu": 0.0, "main": 0.0, "seconds": 0.0, "lost": 0, "twice": 0}
        raw: dict[str, float] = {"cpu": 0.0, "seconds": 0.0}
        parts: list[float] = []
        for _ in range(chunks):
            with emulator(0) as url:
                b = asyncio.run(loa_send(url, size, None))
            with emulator(0) as url:
                r = asyncio.run(raw_send(url, size))
            for key in ("cpu", "main", "seconds"):
                loa[key] += b[key]
            loa["lost"] += size - b["stats"]["chats"]
            loa["twice"] += b["stats"]["sent"] - b["stats"]["chats"]
            raw["cpu"] += r["cpu"]
            raw["seconds"] += r["seconds"]
            parts.append(b["cpu"] / r["cpu"])
        sent = size * chunks
        loa_ms, raw_ms = loa["cpu"] * 1000 / sent, raw["cpu"] * 1000 / sent
        ratio = loa_ms / raw_ms
        within += ratio <= 1.2
        main_ms = loa["main"] * 1000 / sent
        print(
            f"    run {run}: Loa {loa_ms:.3f} ms (event loop {main_ms:.3f}, database thread "
            f"{loa_ms - main_ms:.3f}), raw httpx {raw_ms:.3f} ms: ratio {ratio:.2f} (parts "
            f"{min(parts):.2f}-{max(parts):.2f}); wall Loa {loa['seconds']:.2f} s "
            f"({sent / loa['seconds']:.0f}/s), raw {raw['seconds']:.2f} s "
            f"({sent / raw['seconds']:.0f}/s); lost {loa['lost']:.0f}, "
            f"duplicated {loa['twice']:.0f}"
        )
    print(f"    CPU ratio <= 1.2 in {within} of {runs} runs (goal: all)")


def bench_c(match: int, url: str | None, naive: bool, runs: int) -> None:
    c = asyncio.run(matching(match, url, naive, runs))
    q = c["queued"]
    print(
        f"(c) matching + enqueue for {match} residents (mixed filters, {c['dialect']}, median "
        f"of {runs}): Loa's SQL {c['sql']:.3f} s (goal <= 0.3 s on PostgreSQL) vs a bulk "
        f"Python loop (2 SELECTs, match in Python, 1 executemany) {c['bulk']:.3f} s: "
        f"x{c['bulk'] / c['sql']:.1f}; queued {q['sql']} (bulk loop: {q['bulk']}); peak RSS "
        f"above the start: SQL +{c['grown']['sql']:.0f} MB, bulk loop +{c['grown']['bulk']:.0f} MB"
    )
    if naive:
        print(
            f"    naive baseline (one SELECT per resident through the ORM): {c['naive']:.2f} s "
            f"(x{c['naive'] / c['sql']:.0f} Loa's SQL); queued {q['naive']}"
        )


if __name__ == "__main__":
    main()
