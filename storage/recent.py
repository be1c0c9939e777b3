"""The latest articles about one commune or topic (what a new subscriber is offered)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.articles import ArticleRow, ListedArticle, with_tags
from storage.models import Article, ArticleCommune, ArticleTopic, Source
from storage.subscriptions import Kind


async def latest_about(
    session: AsyncSession, kind: Kind, value: str, limit: int
) -> list[ListedArticle]:
    """The ``limit`` newest articles tagged with commune or topic ``value``, with their tags."""
    return await latest_among(session, [(kind, value)], limit)


async def latest_among(
    session: AsyncSession, chosen: Sequence[tuple[Kind, str]], limit: int
) -> list[ListedArticle]:
    """The ``limit`` newest articles tagged with any of the ``chosen`` communes or topics
    (what /tinmoi shows a resident who chose some)."""
    communes = [value for kind, value in chosen if kind is Kind.COMMUNE]
    topics = [value for kind, value in chosen if kind is Kind.TOPIC]
    tagged = or_(
        Article.id.in_(
            select(ArticleCommune.article_id).where(ArticleCommune.commune.in_(communes))
        ),
        Article.id.in_(select(ArticleTopic.article_id).where(ArticleTopic.topic.in_(topics))),
    )
    rows = await session.execute(
        select(Article, Source.name)
        .join(Source, Source.id == Article.source_id)
        .where(tagged)
        .order_by(
            Article.published_at.desc().nulls_last(),
            Article.fetched_at.desc(),
            Article.id.desc(),
        )
        .limit(limit)
    )
    return await with_tags(session, [ArticleRow(article, name) for article, name in rows.all()])
