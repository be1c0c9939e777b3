"""The latest articles about one commune or topic (what a new subscriber is offered)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.articles import ArticleRow, ListedArticle, with_tags
from storage.models import Article, ArticleCommune, ArticleTopic, Source
from storage.subscriptions import Kind


async def latest_about(
    session: AsyncSession, kind: Kind, value: str, limit: int
) -> list[ListedArticle]:
    """The ``limit`` newest articles tagged with commune or topic ``value``, with their tags."""
    if kind is Kind.COMMUNE:
        tagged = select(ArticleCommune.article_id).where(ArticleCommune.commune == value)
    else:
        tagged = select(ArticleTopic.article_id).where(ArticleTopic.topic == value)
    rows = await session.execute(
        select(Article, Source.name)
        .join(Source, Source.id == Article.source_id)
        .where(Article.id.in_(tagged))
        .order_by(
            Article.published_at.desc().nulls_last(),
            Article.fetched_at.desc(),
            Article.id.desc(),
        )
        .limit(limit)
    )
    return await with_tags(session, [ArticleRow(article, name) for article, name in rows.all()])
