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

from sqlalchemy import bindparam, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from news.text import fold, nfc
from storage.articles import ArticleRow, ListedArticle, with_tags
from storage.models import Article, Source

_MAX_QUERY_CHARS = 500
_MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")
_RECENT_FIRST = (Article.published_at.desc().nulls_last(), Article.id.desc())
# PostgreSQL: newest titles and texts searched before the whole table. 2 000 titles: a
# commune's name fills its answer there (sorting its hundreds of GIN matches costs more);
# 500 texts: a word common enough to fill it does so within them, a rarer one is for the GIN.
_PROBE_TITLES, _PROBE_TEXTS = 2000, 500
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
    and a recency index from migration 0004; 0011 carries the title vectors in the index
    walked by the title probe, which then reads no table rows). A later tier only runs if the
    earlier ones left room: ``limit`` title matches are the answer."""
    keys: list[int] = []
    tiers = (("search_title_vector", _PROBE_TITLES), ("search_vector", _PROBE_TEXTS))
    for column, probe_rows in tiers:
        found = await _postgresql_tier(session, column, probe_rows, " ".join(terms), limit)
        keys = list(dict.fromkeys([*keys, *found]))
        if len(keys) >= limit:
            break
    return keys[:limit]


async def _postgresql_tier(
    session: AsyncSession, column: str, probe_rows: int, terms: str, limit: int
) -> list[int]:
    """The newest ``limit`` articles whose ``column`` matches.

    First a probe of the newest ``probe_rows`` articles: a common word fills the answer there
    in a millisecond. Only when it does not does the whole table get searched, and then the
    matches are sparse (fewer than ``limit`` among the newest), so
    the GIN index is the way: ordered by an expression no index provides, the planner cannot
    choose to walk the whole date index instead (its estimate for several words, or for a
    word it does not track, could make a no-hit query like "phuong him lam" read every row).
    """
    tsquery = func.plainto_tsquery(literal_column("'simple'"), bindparam("terms"))
    vector: Any = literal_column(f"articles.{column}")
    recent = (
        select(Article.id, Article.published_at, vector.label("vector"))
        .order_by(*_RECENT_FIRST)
        .limit(probe_rows)
        .subquery()
    )
    probe = (
        select(recent.c.id)
        .where(recent.c.vector.op("@@")(tsquery))
        .order_by(recent.c.published_at.desc().nulls_last(), recent.c.id.desc())
        .limit(limit)
    )
    found = list((await session.execute(probe, {"terms": terms})).scalars())
    if len(found) == limit:
        return found
    # The order of _RECENT_FIRST (NULLs last) as an expression: not the date index.
    newest = func.coalesce(Article.published_at, literal_column("'-infinity'::timestamptz"))
    everywhere = (
        select(Article.id)
        .where(vector.op("@@")(tsquery))
        .order_by(newest.desc(), Article.id.desc())
        .limit(limit)
    )
    return list((await session.execute(everywhere, {"terms": terms})).scalars())


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
