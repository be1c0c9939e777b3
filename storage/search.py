"""Full-text search over articles: SQLite FTS5 or PostgreSQL text search, one interface.

The index is built by migration 0002 over ``articles.search_text`` (folded title, summary and
body) and, on SQLite, the title. A resident's query never reaches MATCH or tsquery syntax: it is
folded and cut into plain words, each passed as a quoted term (all must match).

Ranking: relevance first, in two tiers (every word in the title; otherwise), then recency. News
ages fast: among articles that match alike, a resident wants the latest, and a text score
(bm25, ts_rank) would also cost a score per matching row on every search.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, bindparam, func, literal_column, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from news.places import char_folds
from news.text import fold, nfc
from storage.articles import ArticleRow, ListedArticle
from storage.models import Article, ArticleCommune, ArticleTopic, Source

_MAX_QUERY_CHARS = 500
_MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")
_RECENT_FIRST = (Article.published_at.desc().nulls_last(), Article.id.desc())
# Objects migration 0002 creates outside the ORM metadata (and FTS5's shadow tables).
SEARCH_OBJECTS = ("articles_fts", "ix_articles_search")


def query_terms(query: str) -> list[str]:
    """The plain words of a query, folded ("Mường  Thanh*" -> ["muong", "thanh"])."""
    words = _WORD.findall(fold(nfc(query[:_MAX_QUERY_CHARS])))
    return list(dict.fromkeys(words))[:_MAX_TERMS]


async def search_articles(
    session: AsyncSession, query: str, limit: int = 10
) -> list[ListedArticle]:
    """Articles matching every word of ``query``, best first; [] for a query with no words."""
    terms = query_terms(query)
    if not terms or limit <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        statement = _postgresql(terms)
    else:
        statement = _sqlite(terms)
    rows = await session.execute(statement.limit(limit))
    found = [ArticleRow(article, name) for article, name in rows.all()]
    return await _with_tags(session, found)


def _sqlite(terms: list[str]) -> Any:
    phrase = " ".join(f'"{t}"' for t in terms)  # quoted: operators and syntax become text
    hits = (
        text(
            "SELECT rowid AS id, rowid IN (SELECT rowid FROM articles_fts"
            " WHERE articles_fts MATCH :in_title) AS in_title"
            " FROM articles_fts WHERE articles_fts MATCH :match"
        )
        .bindparams(match=phrase, in_title=f"title : ({phrase})")
        .columns(id=Integer, in_title=Integer)
        .subquery("hits")
    )
    return (
        select(Article, Source.name)
        .join(hits, hits.c.id == Article.id)
        .join(Source, Source.id == Article.source_id)
        .order_by(hits.c.in_title.desc(), *_RECENT_FIRST)
    )


def _postgresql(terms: list[str]) -> Any:
    # Spelled exactly as the index expression of migration 0002, so the planner uses it.
    vector: Any = literal_column("to_tsvector('simple', articles.search_text)")
    tsquery = func.plainto_tsquery(literal_column("'simple'"), bindparam("terms", " ".join(terms)))
    source, target = _title_folds()
    title = func.lower(func.translate(Article.title, source, target))
    in_title = func.to_tsvector(literal_column("'simple'"), title).op("@@")(tsquery)
    return (
        select(Article, Source.name)
        .join(Source, Source.id == Article.source_id)
        .where(vector.op("@@")(tsquery))
        .order_by(in_title.desc(), *_RECENT_FIRST)
    )


def _title_folds() -> tuple[str, str]:
    """``translate()`` arguments folding Vietnamese letters (lower() depends on the locale)."""
    folds = char_folds()
    return "".join(map(chr, folds)), "".join(folds.values()).lower()


async def _with_tags(session: AsyncSession, rows: Sequence[ArticleRow]) -> list[ListedArticle]:
    ids = [row.article.id for row in rows]
    communes = await _tags(session, ArticleCommune.article_id, ArticleCommune.commune, ids)
    topics = await _tags(session, ArticleTopic.article_id, ArticleTopic.topic, ids)
    return [
        ListedArticle(row, communes.get(row.article.id, []), topics.get(row.article.id, []))
        for row in rows
    ]


async def _tags(
    session: AsyncSession, key: Any, value: Any, ids: list[int]
) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    if ids:
        rows = await session.execute(select(key, value).where(key.in_(ids)).order_by(key, value))
        for article_id, tag in rows.all():
            tags[article_id].append(tag)
    return tags


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic ``include_object`` hook: the search index lives outside the ORM metadata, so
    schema comparison (autogenerate, the migrations test) must not see it."""
    return not (name or "").startswith(SEARCH_OBJECTS)
