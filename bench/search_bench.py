"""Search and tagging benchmark.

Search: 100 000 generated articles in a migrated database; p50/p95 latency of
``storage.search.search_articles`` against a ``LIKE`` scan of the same rows that answers the same
question: the same folded words matched as whole words, title matches first (the title folded
the same way: the head of ``search_text``), then newest, same limit. Every query runs ``--runs``
times on every side (equal samples), and the scan's answers are compared with the index's: the
agreement is printed (goal: the same ids on >= 23 of 25 queries). Goal: p95 <= 10 ms on
PostgreSQL, rare and no-hit queries included.
Tagging: articles per second through ``ArticleTagger.tag``.

    .venv/bin/python bench/search_bench.py [--articles N] [--runs 3] [--database-url URL]
        [--explain QUERY ...]

``--explain``: on PostgreSQL, the plan of every statement ``search_ids`` runs for QUERY,
with EXPLAIN (ANALYZE, BUFFERS) (which index answers, and how long each step took).

Without ``--database-url`` a temporary SQLite file is used; pass a PostgreSQL URL
(postgresql+asyncpg://…, an empty database) to measure PostgreSQL.
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

from sqlalchemy import event, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from news.items import ArticleData
from news.tagging import build_tagger
from news.text import fold
from storage.db import open_database, session_factory
from storage.models import Article, Source
from storage.search import query_terms, search_articles, search_ids

FILLER = (
    "và của các là trong được cho có với đã này những một người đến năm nhân dân công tác"
    " thực hiện tổ chức triển khai kết quả địa bàn cán bộ hoạt động nâng cao chất lượng"
    " phát triển hỗ trợ tuyên truyền bản thôn hộ gia đình trường học lớp đường giao thông"
    " nước sạch điện lưới sản xuất cây trồng vật nuôi thu nhập đời sống kế hoạch chương trình"
).split()
TOPIC_WORDS = (
    "lũ quét|sạt lở đất|mưa đá|cắt điện|tuyển dụng|nông thôn mới|OCOP|cà phê|mắc ca|giảm nghèo"
    "|bảo hiểm y tế|an ninh trật tự|ma túy|đại hội|nghị quyết|cải cách hành chính|dịch bệnh"
).split("|")
QUERIES = [
    "pom lot",
    "sam mun",
    "muong thanh",
    "lu quet",
    "sat lo dat",
    "cat dien",
    "tuyen dung",
    "nong thon moi",
    "ca phe",
    "mac ca",
    "giam nghe",
    "dai hoi",
    "ma tuy",
    "xa thanh an",
    "phuong him lam",
    "muong nhe mua da",
    "ocop",
    "nghi quyet",
    "dich benh",
    "bao hiem y te",
    "dien bien phu",
    "na tau",
    "thanh xuong",
    "tua chua",
    "hoi nghi",
]


def _article(rng: random.Random, names: list[str], n: int) -> dict[str, object]:
    place = rng.choice(names)
    words = rng.choices(FILLER, k=80) + rng.sample(TOPIC_WORDS, 2) + [f"xã {place}"]
    rng.shuffle(words)
    title = f"{rng.choice(TOPIC_WORDS).capitalize()} ở xã {place}"
    body = " ".join(words) + "."
    published = datetime(2015, 1, 1, tzinfo=UTC) + timedelta(minutes=n * 53)
    return {
        "source_id": 1,
        "url": f"https://bench.example/{n}",
        "title": title,
        "summary": "",
        "body": body,
        "published_at": published,
        "fetched_at": published,
        "content_hash": "x",
        "is_backfill": True,
        "search_text": fold(f"{title} {body}"),
    }


async def _fill(session: AsyncSession, count: int, names: list[str]) -> float:
    rng = random.Random(7)
    started = time.perf_counter()
    await session.execute(insert(Source), [{"name": "bench", "url": "https://bench.example/"}])
    for first in range(0, count, 5000):
        rows = [_article(rng, names, n) for n in range(first, min(first + 5000, count))]
        await session.execute(insert(Article), rows)
    await session.commit()
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("ANALYZE articles"))
        await session.commit()
    return time.perf_counter() - started


# Whole words: the folded text with its punctuation blanked and a space at each end, so that
# "% ca %" finds the word "ca" and not "cac" (what the index's tokens do).
_WORDS = "(' ' || replace(replace({0}, '.', ' '), ',', ' ') || ' ')"
_FOLDED_TITLE = "substr(search_text, 1, length(title))"  # search_text starts with the title


async def _like(session: AsyncSession, query: str, limit: int, ranked: bool) -> list[int]:
    """The scan baseline. ``ranked``: the same order as the search (title hits first, then
    newest), which must look at every row; otherwise newest first only, which may stop early."""
    terms = query_terms(query)
    text_words, title_words = _WORDS.format("search_text"), _WORDS.format(_FOLDED_TITLE)
    where = " AND ".join(f"{text_words} LIKE :t{i}" for i in range(len(terms)))
    in_title = " AND ".join(f"{title_words} LIKE :t{i}" for i in range(len(terms)))
    params: dict[str, object] = {f"t{i}": f"% {t} %" for i, t in enumerate(terms)}
    tier = f"({in_title}) DESC, " if ranked else ""
    sql = (
        f"SELECT id FROM articles WHERE {where}"
        f" ORDER BY {tier}published_at DESC, id DESC LIMIT :limit"
    )
    rows = await session.execute(text(sql), {**params, "limit": limit})
    return [row[0] for row in rows]


async def _timed(runs: int, call: object) -> list[float]:
    times = []
    for _ in range(runs):
        for query in QUERIES:
            started = time.perf_counter()
            await call(query)  # type: ignore[operator]
            times.append((time.perf_counter() - started) * 1000)
    return times


def _pct(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100)[q - 1]


async def _agreement(session: AsyncSession) -> list[str]:
    """The queries on which the scan's ids differ from the index's (same order, same limit)."""
    differ = []
    for query in QUERIES:
        if await search_ids(session, query, 10) != await _like(session, query, 10, ranked=True):
            differ.append(query)
    return differ


async def explain(engine: AsyncEngine, session: AsyncSession, query: str) -> None:
    """EXPLAIN ANALYZE of each statement ``search_ids`` sends for ``query`` (PostgreSQL)."""
    sent: list[tuple[str, Any]] = []

    def capture(*args: Any) -> None:  # before_cursor_execute(conn, cursor, statement, params…)
        sent.append((args[2], args[3]))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        await search_ids(session, query, 10)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)
    connection = await session.connection()
    for number, (statement, parameters) in enumerate(sent, 1):
        plan = await connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters
        )
        print(f"--- {query!r}, statement {number} of {len(sent)}")
        print("\n".join(str(row[0]) for row in plan))


async def bench_search(
    url: str, count: int, names: list[str], runs: int, explained: list[str]
) -> None:
    async with open_database(url) as engine:
        async with session_factory(engine)() as session:
            took = await _fill(session, count, names)
            print(f"generated {count} articles in {took:.1f} s ({engine.dialect.name})")
            if engine.dialect.name == "postgresql":
                # What autovacuum soon does to a table that only grows: the visibility map
                # lets the title probe read the index alone (migration 0011).
                async with engine.connect() as connection:
                    vacuum = await connection.execution_options(isolation_level="AUTOCOMMIT")
                    await vacuum.execute(text("VACUUM ANALYZE articles"))
            await search_articles(session, "warm up", 10)
            differ = await _agreement(session)
            fts = await _timed(runs, lambda q: search_articles(session, q, 10))
            ids = await _timed(runs, lambda q: search_ids(session, q, 10))
            scan = await _timed(runs, lambda q: _like(session, q, 10, ranked=True))
            newest = await _timed(runs, lambda q: _like(session, q, 10, ranked=False))
            slowest = sorted(zip(ids, QUERIES * runs, strict=True), reverse=True)[:3]
            if engine.dialect.name == "postgresql":
                for query in explained:
                    await explain(engine, session, query)
    agree = len(QUERIES) - len(differ)
    print(
        f"the scan returns the index's ids on {agree} of {len(QUERIES)} queries (goal >= 23)"
        + (f"; differ: {', '.join(differ)}" if differ else "")
        + f"; {runs} runs of each query on every line ({runs * len(QUERIES)} samples each)"
    )
    print("slowest search_ids: " + ", ".join(f"{q!r} {ms:.1f} ms" for ms, q in slowest))
    print(f"{'':>26} {'p50 ms':>9} {'p95 ms':>9}   ratio to search_articles   ratio to search_ids")
    print(f"{'':>26} {'':>9} {'':>9}   {'p50':>10} {'p95':>10}   {'p50':>9} {'p95':>9}")
    # The LIKE baselines return ids, like search_ids; search_articles also loads the articles.
    for label, times in (
        ("search_articles", fts),
        ("search_ids (index only)", ids),
        ("LIKE, same ranking", scan),
        ("LIKE, newest first only", newest),
    ):
        p50, p95 = _pct(times, 50), _pct(times, 95)
        full = f"{p50 / _pct(fts, 50):9.1f}x {p95 / _pct(fts, 95):9.1f}x"
        index = f"{p50 / _pct(ids, 50):8.1f}x {p95 / _pct(ids, 95):8.1f}x"
        print(f"{label:>26} {p50:9.2f} {p95:9.2f}   {full}   {index}")


def bench_tagging(names: list[str]) -> None:
    tagger = build_tagger("Điện Biên")
    rng = random.Random(11)
    seed = Path(__file__).resolve().parents[1] / "tests/fixtures/seed_000_a26cdb5e4219828f.txt"
    articles = []
    for n in range(2000):
        row = _article(rng, names, n)
        articles.append(
            ArticleData(
                url=str(row["url"]),
                title=str(row["title"]),
                body=str(row["body"]) * 4,  # ~2.5 kB, a short portal article
                published_at=row["published_at"],  # type: ignore[arg-type]
            )
        )
    if seed.exists():
        body = seed.read_text(encoding="utf-8")
        articles += [ArticleData(url="seed", title="Pom Lót", body=body)] * 200
    size = sum(len(a.body) for a in articles) / len(articles)
    started = time.perf_counter()
    for article in articles:
        tagger.tag(article)
    took = time.perf_counter() - started
    print(f"tagging: {len(articles) / took:.0f} articles/s (mean body {size / 1000:.1f} kB)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=3, help="times each query runs, every line")
    parser.add_argument("--explain", nargs="*", default=[], help="PostgreSQL: plans of these")
    args = parser.parse_args()
    gazetteer = build_tagger("Điện Biên").gazetteer
    names = [u.name for u in gazetteer.units] + [o.name for o in gazetteer.legacy]
    bench_tagging(names)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await bench_search(url, args.articles, names, args.runs, args.explain)


if __name__ == "__main__":
    asyncio.run(main())
