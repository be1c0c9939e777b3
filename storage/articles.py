"""Articles: stored once by canonical URL, with their communes and topics."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from base.timefmt import local_iso
from news.items import ArticleData
from news.text import fold
from storage.dialects import upsert
from storage.models import Article, ArticleCommune, ArticleTopic, Source, utcnow

if TYPE_CHECKING:
    # Only a type here: the tagger and its gazetteer stay out of commands that list articles.
    from news.tagging import Tags

_IN_CHUNK = 500  # bound IN (...) lists: SQLite caps bound parameters


class ArticleRow(NamedTuple):
    article: Article
    source: str  # the source's name


class ListedArticle(NamedTuple):
    """What ``list_articles`` yields; ``article_json(*listed)`` renders it."""

    row: ArticleRow
    communes: list[str]
    topics: list[str]


def content_hash(data: ArticleData) -> str:
    """Identifies the text as stored, so a later edit on the portal can be noticed."""
    text = "\x1f".join((data.title, data.summary, data.body, data.author or ""))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


async def store_article(
    session: AsyncSession, *, source_id: int, data: ArticleData, is_backfill: bool, tags: Tags
) -> int | None:
    """Insert the article and its tags; return its id, or None if its URL was stored before.

    ``data.url`` must be canonical. Insert-once holds even when two pollers race: the
    unique URL decides, and the loser gets None instead of an error.
    """
    values = {
        "source_id": source_id,
        "url": data.url,
        "guid": data.guid,
        "title": data.title,
        "summary": data.summary,
        "body": data.body,
        "author": data.author,
        "category": data.category,
        "published_at": data.published_at,
        "fetched_at": utcnow(),
        "content_hash": content_hash(data),
        "is_backfill": is_backfill,
        "search_text": fold(" ".join((data.title, data.summary, data.body))),
        "image_url": data.image_url,
    }
    statement = (
        upsert(session, Article)
        .values(values)
        .on_conflict_do_nothing(index_elements=["url"])
        .returning(Article.id)
    )
    article_id = (await session.execute(statement)).scalar_one_or_none()
    if article_id is None:
        return None
    await _store_tags(session, article_id, tags)
    return int(article_id)


async def _store_tags(session: AsyncSession, article_id: int, tags: Tags) -> None:
    communes = [{"article_id": article_id, "commune": c} for c in dict.fromkeys(tags.communes)]
    topics = [{"article_id": article_id, "topic": t} for t in dict.fromkeys(tags.topics)]
    if communes:
        await session.execute(insert(ArticleCommune), communes)
    if topics:
        await session.execute(insert(ArticleTopic), topics)


async def stored_urls(session: AsyncSession, urls: Iterable[str]) -> set[str]:
    """Which of ``urls`` (canonical) are stored already."""
    wanted = list(dict.fromkeys(urls))
    found: set[str] = set()
    for start in range(0, len(wanted), _IN_CHUNK):
        chunk = wanted[start : start + _IN_CHUNK]
        rows = await session.execute(select(Article.url).where(Article.url.in_(chunk)))
        found.update(rows.scalars())
    return found


async def list_articles(
    session: AsyncSession, limit: int, *, offset: int = 0
) -> list[ListedArticle]:
    """The ``limit`` newest articles (by publication, then by arrival), with their tags;
    ``offset`` skips the first ones (the admin page's paging)."""
    rows = await session.execute(
        select(Article, Source.name)
        .join(Source, Source.id == Article.source_id)
        .order_by(
            Article.published_at.desc().nulls_last(),
            Article.fetched_at.desc(),
            Article.id.desc(),
        )
        .offset(offset)
        .limit(limit)
    )
    return await with_tags(session, [ArticleRow(article, name) for article, name in rows.all()])


async def with_tags(session: AsyncSession, rows: Sequence[ArticleRow]) -> list[ListedArticle]:
    """``rows`` with their communes and topics (two queries, whatever the number of rows)."""
    ids = [row.article.id for row in rows]
    communes = await _tags_of(session, ArticleCommune.article_id, ArticleCommune.commune, ids)
    topics = await _tags_of(session, ArticleTopic.article_id, ArticleTopic.topic, ids)
    return [
        ListedArticle(row, communes.get(row.article.id, []), topics.get(row.article.id, []))
        for row in rows
    ]


async def _tags_of(
    session: AsyncSession, key: Any, value: Any, ids: Sequence[int]
) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = defaultdict(list)
    if ids:
        rows = await session.execute(select(key, value).where(key.in_(ids)).order_by(key, value))
        for article_id, tag in rows.all():
            tags[article_id].append(tag)
    return tags


def article_json(row: ArticleRow, communes: Sequence[str], topics: Sequence[str]) -> dict[str, Any]:
    """The public JSON shape of an article (``loa articles --json``)."""
    article = row.article
    return {
        "url": article.url,
        "title": article.title,
        "published_at": local_iso(article.published_at),
        "author": article.author,
        "summary": article.summary,
        "category": article.category,
        "source": row.source,
        "communes": list(communes),
        "topics": list(topics),
    }
