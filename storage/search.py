"""Full-text search over articles: SQLite FTS5 or PostgreSQL text search, one interface.

The index is built by migration 0002 over ``articles.search_text`` (folded title, summary and
body) and, on SQLite, the title. A resident's query never reaches MATCH or tsquery syntax: it is
folded and cut into plain words, each passed as a quoted term (all must match).

Ranking: relevance first, in two tiers (every word in the title; otherwise), then recency. News
ages fast: among articles that match alike, a resident wants the latest, and a text score
(bm25, ts_rank) would also cost a score per matching row on every search; ordered by recency,
each tier stops after ``limit`` rows.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import and_, bindparam, func, literal_column, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from news.text import fold, nfc
from storage.articles import ArticleRow, ListedArticle, with_tags
from storage.models import Article, Source

_MAX_QUERY_CHARS = 500
_MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")
_RECENT_FIRST = (Article.published_at.desc().nulls_last(), Article.id.desc())
_PROBE_ROWS = 500  # PostgreSQL: newest articles searched before the whole table
_ID_SPAN = 2**28  # SQLite FTS rowid = publication second * _ID_SPAN + article id
# Objects migration 0002 creates outside the ORM metadata (and FTS5's shadow tables).
SEARCH_OBJECTS = ("articles_fts", "ix_articles_search", "search_vector", "search_title_vector")


def query_terms(query: str) -> list[str]:
    """The plain words of a query, folded ("Mường  Thanh*" -> ["muong", "thanh"])."""
    words = _WORD.findall(fold(nfc(query[:_MAX_QUERY_CHARS])))
    return list(dict.fromkeys(words))[:_MAX_TERMS]


async def search_articles(
    session: AsyncSession, query: str, limit: int = 10
) -> list[ListedArticle]:
    """Articles matching every word of ``query``, best first; [] for a query with no words."""
    return await _load(session, await search_ids(session, query, limit))


async def search_ids(session: AsyncSession, query: str, limit: int = 10) -> list[int]:
    """The ids of ``search_articles``'s answer, best first (the index lookup alone)."""
    terms = query_terms(query)
    if not terms or limit <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return await _postgresql_ids(session, terms, limit)
    return await _sqlite_ids(session, terms, limit)


async def _sqlite_ids(session: AsyncSession, terms: list[str], limit: int) -> list[int]:
    """Title matches first, then the rest, each newest first (see migration 0002: the FTS rowid
    is a recency key, so each query stops after ``limit`` rows)."""
    phrase = " ".join(f'"{t}"' for t in terms)  # quoted: operators and syntax become text
    newest = text(
        "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match"
        " ORDER BY rowid DESC LIMIT :limit"
    )
    ids: list[int] = []
    for match in (f"title : ({phrase})", phrase):
        rows = await session.execute(newest, {"match": match, "limit": limit})
        ids = list(dict.fromkeys([*ids, *(key % _ID_SPAN for key in rows.scalars())]))
        if len(ids) >= limit:
            break  # ``limit`` title matches are the answer
    return ids[:limit]


async def _postgresql_ids(session: AsyncSession, terms: list[str], limit: int) -> list[int]:
    """Title matches first, then the rest, each newest first, as on SQLite (stored tsvectors
    and a recency index from migration 0004), in at most three bounded steps.

    1. One probe of the newest ``_PROBE_ROWS`` articles tests both vectors: common words fill
       the answer there (a title match is also a text match: the title heads the text).
    2. If too few titles matched there, the whole table's title matches, then
    3. if still short, the whole table's text matches, each by its GIN index: the matches are
       sparse by then (fewer than ``limit`` among the newest). Ordered by an expression no
       index provides, so that the planner cannot walk the whole date index instead (its
       estimate for several words once made "phuong him lam" read every row).
    A no-hit query costs the probe and two index lookups; it once cost two probes as well.
    """
    words = {"terms": " ".join(terms)}
    titles, texts = await _postgresql_probe(session, limit, words)
    if len(titles) < limit:
        titles = await _postgresql_everywhere(session, "search_title_vector", limit, words)
    if len(titles) >= limit:
        return titles[:limit]
    others = [key for key in texts if key not in set(titles)]
    if len(others) < limit - len(titles):
        found = await _postgresql_everywhere(session, "search_vector", limit * 2, words)
        others = [key for key in found if key not in set(titles)]
    return [*titles, *others][:limit]


def _tsquery() -> Any:
    return func.plainto_tsquery(literal_column("'simple'"), bindparam("terms"))


async def _postgresql_probe(
    session: AsyncSession, limit: int, words: dict[str, str]
) -> tuple[list[int], list[int]]:
    """Among the newest ``_PROBE_ROWS`` articles, newest first: (title matches, text matches),
    at most ``limit`` title matches and ``2 * limit`` text matches."""
    recent = (
        select(
            Article.id,
            Article.published_at,
            literal_column("articles.search_title_vector").op("@@")(_tsquery()).label("title"),
            literal_column("articles.search_vector").op("@@")(_tsquery()).label("text"),
        )
        .order_by(*_RECENT_FIRST)
        .limit(_PROBE_ROWS)
        .subquery()
    )
    order = (recent.c.published_at.desc().nulls_last(), recent.c.id.desc())
    ranked = (
        select(
            recent.c.id,
            recent.c.title,
            func.row_number().over(partition_by=recent.c.title, order_by=order).label("nth"),
            func.row_number().over(order_by=order).label("overall"),
        )
        .where(recent.c.text)
        .subquery()
    )
    kept = or_(and_(ranked.c.title, ranked.c.nth <= limit), ranked.c.overall <= limit * 2)
    probe = select(ranked.c.id, ranked.c.title).where(kept).order_by(ranked.c.overall)
    rows = (await session.execute(probe, words)).all()
    return [key for key, in_title in rows if in_title], [key for key, _ in rows][: limit * 2]


async def _postgresql_everywhere(
    session: AsyncSession, column: str, limit: int, words: dict[str, str]
) -> list[int]:
    """The newest ``limit`` articles of the whole table whose ``column`` matches (GIN)."""
    vector: Any = literal_column(f"articles.{column}")
    # The order of _RECENT_FIRST (NULLs last) as an expression: not the date index.
    newest = func.coalesce(Article.published_at, literal_column("'-infinity'::timestamptz"))
    query = (
        select(Article.id)
        .where(vector.op("@@")(_tsquery()))
        .order_by(newest.desc(), Article.id.desc())
        .limit(limit)
    )
    return list((await session.execute(query, words)).scalars())


async def _load(session: AsyncSession, ids: list[int]) -> list[ListedArticle]:
    rows = await session.execute(
        select(Article, Source.name)
        .join(Source, Source.id == Article.source_id)
        .where(Article.id.in_(ids))
    )
    by_id = {article.id: ArticleRow(article, name) for article, name in rows.all()}
    return await with_tags(session, [by_id[i] for i in ids if i in by_id])


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic ``include_object`` hook: the search index lives outside the ORM metadata, so
    schema comparison (autogenerate, the migrations test) must not see it."""
    return not (name or "").startswith(SEARCH_OBJECTS)
