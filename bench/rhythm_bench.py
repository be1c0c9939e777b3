"""Rhythm benchmark: what holding costs when an article is queued, and what a bulletin pass costs.

    .venv/bin/python bench/rhythm_bench.py [--residents 100000] [--with-rhythm 1000]
        [--database-url URL] [--runs 5]

(a) ``storage.rhythm.hold_new`` after an article's INSERT … SELECT for every resident, when
    nobody has a rhythm (goal: a small fraction of the INSERT itself) and when ``--with-rhythm``
    residents have a bulletin time or quiet hours;
(b) the rhythm passes that turn those residents' held rows into bulletins (baseline: the same
    number of deliveries simply released to pending).
Each measured step runs in a transaction that is rolled back, so runs do not add up.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jobs.rhythm import RhythmJob  # noqa: E402
from news.rhythm import format_time  # noqa: E402
from storage import outbox, rhythm  # noqa: E402
from storage.db import open_database, session_factory  # noqa: E402
from storage.models import Article, Delivery, Priority, Resident, Source, utcnow  # noqa: E402

VN = ZoneInfo("Asia/Ho_Chi_Minh")
Sessions = async_sessionmaker[AsyncSession]


async def _fill(sessions: Sessions, residents: int, articles: int) -> list[int]:
    now = utcnow()
    async with sessions.begin() as session:
        source = Source(name="bench", url="http://portal.test/")
        session.add(source)
        await session.flush()
        rows = [
            {
                "channel": "zalo",
                "chat_id": f"z{n}",
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(residents)
        ]
        for start in range(0, len(rows), 5000):
            await session.execute(insert(Resident), rows[start : start + 5000])
        ids = []
        for n in range(articles):
            article = Article(
                source_id=source.id,
                url=f"http://portal.test/{n}",
                title=f"Tin số {n}",
                published_at=now - timedelta(hours=n),
                fetched_at=now,
                content_hash="h",
            )
            session.add(article)
            await session.flush()
            ids.append(article.id)
    return ids


async def _give_rhythm(sessions: Sessions, count: int) -> None:
    """The first ``count`` residents get a 07:00 bulletin (due an hour ago)."""
    due = utcnow() - timedelta(hours=1)
    async with sessions.begin() as session:
        await session.execute(
            update(Resident)
            .where(Resident.id <= count)
            .values(bulletin_time=format_time(clock_time(7)), next_bulletin_at=due)
        )


async def _timed(
    sessions: Sessions,
    runs: int,
    prepare: Callable[[AsyncSession], Awaitable[object]],
    step: Callable[[AsyncSession], Awaitable[object]],
) -> float:
    """Median seconds of ``step`` after ``prepare``, each run rolled back."""
    times = []
    for _ in range(runs):
        async with sessions() as session:
            await prepare(session)
            started = time.perf_counter()
            await step(session)
            times.append(time.perf_counter() - started)
            await session.rollback()
    return statistics.median(times)


async def bench(url: str, residents: int, with_rhythm: int, runs: int) -> None:
    async with open_database(url) as engine:
        sessions = session_factory(engine)
        [article, *bulletin_articles] = await _fill(sessions, residents, 6)
        now = utcnow()

        async def nothing(session: AsyncSession) -> None:
            return None

        async def queue(session: AsyncSession) -> None:
            await outbox.queue_deliveries(
                session,
                Delivery.article_id,
                article,
                priority=int(Priority.NEWS),
                residents=Resident.active.is_(True),
            )

        async def hold(session: AsyncSession) -> None:
            await rhythm.hold_new(session, Delivery.article_id, article, now, news=True)

        insert_s = await _timed(sessions, runs, nothing, queue)
        idle_s = await _timed(sessions, runs, queue, hold)
        print(f"(a) {residents} residents: INSERT … SELECT {insert_s * 1000:.1f} ms")
        print(
            f"    hold_new, nobody with a rhythm: {idle_s * 1000:.2f} ms"
            f" ({idle_s / insert_s:.3f} × the INSERT)"
        )
        await _give_rhythm(sessions, with_rhythm)
        busy_s = await _timed(sessions, runs, queue, hold)
        print(
            f"    hold_new, {with_rhythm} with a bulletin: {busy_s * 1000:.1f} ms"
            f" ({busy_s / insert_s:.3f} × the INSERT)"
        )

        async with sessions.begin() as session:
            for extra in bulletin_articles:
                await outbox.queue_deliveries(
                    session,
                    Delivery.article_id,
                    extra,
                    priority=int(Priority.NEWS),
                    residents=Resident.id <= with_rhythm,
                )
                await rhythm.hold_new(session, Delivery.article_id, extra, now, news=True)
        held = with_rhythm * len(bulletin_articles)
        job = RhythmJob(sessions, VN, now=utcnow)
        started = time.perf_counter()
        queued = 0
        while moved := await job.run_once():  # a pass takes at most 200 residents
            queued += moved
        pass_s = time.perf_counter() - started
        async with sessions.begin() as session:
            started = time.perf_counter()
            await session.execute(update(Delivery).values(state="pending", next_attempt_at=None))
            release_s = time.perf_counter() - started
        print(
            f"(b) rhythm passes: {queued} bulletins of {len(bulletin_articles)} articles"
            f" ({held} held rows) in {pass_s:.2f} s"
            f" = {pass_s / with_rhythm * 1000:.2f} ms a resident;"
            f" releasing them all in one UPDATE: {release_s * 1000:.0f} ms"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--with-rhythm", type=int, default=1000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await bench(url, args.residents, args.with_rhythm, args.runs)


if __name__ == "__main__":
    asyncio.run(main())
