"""Admin page benchmark: server time and queries per page at 100 000 articles and residents.

A migrated database (SQLite by default) gets N articles (tagged with communes and topics), N
residents (a third chose a commune, a sixth a topic), 10 deliveries per 100 residents, 50
broadcasts; then the overview (``/admin/``), the articles page (first page, page 50) and a
search are requested through the real ASGI app (httpx over ASGI: routing, session check,
queries, templates) with a logged-in administrator. Printed per page: p50 / p95 server time
and SQL statements per request, with the same figures at N/10 beside them as the baseline
(a constant number of statements means no query per row).
Goals: p95 <= 100 ms on SQLite; statements per page constant.

    .venv/bin/python bench/admin_bench.py [--rows N] [--runs R] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import event, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from base.config import Settings
from bot.catalog import build_catalog
from storage import admin_access as store
from storage.db import open_database, session_factory
from storage.models import (
    Article,
    ArticleCommune,
    ArticleTopic,
    Broadcast,
    Delivery,
    Resident,
    Source,
    Subscription,
)
from web.admin.mount import web_routes
from web.app import create_app

BASE = "http://bench.loa"
ADMIN = "zbench01"
CHUNK = 5000
PAGES = {
    "overview": "/admin/",
    "articles p1": "/admin/articles",
    "articles p50": "/admin/articles?page=50",
    "search": "/admin/articles?q=pom+lot",
    "broadcasts": "/admin/broadcasts",
}


async def _insert(engine: AsyncEngine, table: Any, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        for start in range(0, len(rows), CHUNK):
            await connection.execute(insert(table), rows[start : start + CHUNK])


async def fill(engine: AsyncEngine, count: int) -> None:
    rng = random.Random(11)
    catalog = build_catalog("Điện Biên")
    communes = [c.value for c in catalog.commune_choices()]
    topics = [t.value for t in catalog.topic_choices()]
    now = datetime.now(UTC)
    await _insert(engine, Source, [{"name": "bench", "url": "https://example.vn/"}])
    articles, tags, topic_tags = [], [], []
    for n in range(1, count + 1):
        words = f"Tin số {n} về xã {rng.choice(communes)} pom lot" if n % 50 == 0 else f"Tin {n}"
        articles.append(
            {
                "id": n,
                "source_id": 1,
                "url": f"https://example.vn/tin/{n}",
                "title": words,
                "summary": "",
                "body": "",
                "fetched_at": now,
                "published_at": now - timedelta(minutes=n),
                "content_hash": f"{n:064d}",
                "search_text": words.lower().replace("ã", "a").replace("ố", "o"),
            }
        )
        tags.append({"article_id": n, "commune": rng.choice(communes)})
        topic_tags.append({"article_id": n, "topic": rng.choice(topics)})
    await _insert(engine, Article, articles)
    await _insert(engine, ArticleCommune, tags)
    await _insert(engine, ArticleTopic, topic_tags)
    residents, choices = [], []
    for n in range(1, count + 1):
        channel = "zalo" if n % 3 else "telegram"
        residents.append(
            {
                "id": n,
                "channel": channel,
                "chat_id": f"c{n}",
                "active": n % 20 != 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        if n % 3 == 0:
            choices.append(
                {
                    "resident_id": n,
                    "kind": "commune",
                    "value": rng.choice(communes),
                    "created_at": now,
                }
            )
        elif n % 6 == 1:
            choices.append(
                {"resident_id": n, "kind": "topic", "value": rng.choice(topics), "created_at": now}
            )
    await _insert(engine, Resident, residents)
    await _insert(engine, Subscription, choices)
    broadcasts = [
        {
            "id": b,
            "created_by": "cli",
            "text": f"Thông báo {b}",
            "state": "done",
            "counts": '{"zalo": 1}',
            "report": '{"sent": 1, "failed": 0}',
            "created_at": now - timedelta(hours=b),
        }
        for b in range(1, 51)
    ]
    await _insert(engine, Broadcast, broadcasts)
    deliveries = [
        {
            "article_id": 1 + n % count,
            "resident_id": n,
            "channel": "zalo" if n % 3 else "telegram",
            "state": ("sent", "pending", "failed")[n % 3],
            "created_at": now - timedelta(hours=n % 48),
            "priority": 0,
            "attempts": 0,
        }
        for n in range(1, count // 10 + 1)
    ]
    await _insert(engine, Delivery, deliveries)


async def measure(url: str, count: int, runs: int) -> dict[str, tuple[float, float, float]]:
    settings = Settings.model_validate(
        {"database": {"url": url}, "zalo": {"admins": [ADMIN]}, "web": {"public_url": BASE}}
    )
    async with open_database(url) as engine:
        await fill(engine, count)
        sessions = session_factory(engine)
        catalog = build_catalog("Điện Biên")
        app = create_app(sessions, extra_routes=web_routes(settings, sessions, lambda: catalog))
        statements = 0

        def counted(*_: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        results: dict[str, tuple[float, float, float]] = {}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
            async with sessions.begin() as session:
                link = await store.create_link(session, f"zalo:{ADMIN}", BASE)
            await client.post("/admin/login", data={"t": link.split("t=", 1)[1]})
            for name, path in PAGES.items():
                assert (await client.get(path)).status_code == 200  # warm: templates, caches
                times = []
                statements = 0
                for _ in range(runs):
                    start = time.perf_counter()
                    answer = await client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                    assert answer.status_code == 200
                cuts = statistics.quantiles(times, n=20)
                results[name] = (statistics.median(times), cuts[18], statements / runs)
        event.remove(engine.sync_engine, "before_cursor_execute", counted)
    return results


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="articles and residents")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    args = parser.parse_args()
    figures = {}
    for rows in (args.rows // 10, args.rows):
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
            figures[rows] = await measure(url, rows, args.runs)
        if args.database_url:
            break  # an empty database is needed per size: run once per URL
    big, small = args.rows, args.rows // 10
    print(f"admin page, {big} articles and residents ({small} as the baseline), {args.runs} runs")
    print(f"{'page':<14} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}   baseline p50/p95/queries")
    for name in PAGES:
        p50, p95, queries = figures[big][name] if big in figures else figures[small][name]
        base = figures.get(small, {}).get(name)
        extra = f"   {base[0]:.1f} / {base[1]:.1f} / {base[2]:.0f}" if base else ""
        goal = "" if p95 <= 100 else "  (over the 100 ms goal)"
        print(f"{name:<14} {p50:>8.1f} {p95:>8.1f} {queries:>8.0f}{extra}{goal}")


if __name__ == "__main__":
    asyncio.run(main())
