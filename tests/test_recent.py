"""The latest articles about one commune or topic (storage.recent), on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from news.items import ArticleData
from news.tagging import Tags
from storage.articles import store_article
from storage.models import Source
from storage.recent import latest_about
from storage.subscriptions import Kind

Sessions = async_sessionmaker[AsyncSession]


async def test_latest_about_a_commune_or_a_topic(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        source = Source(name="portal", url="https://portal.test/")
        session.add(source)
        await session.flush()
        for day, communes, topics in [
            (1, ["Sam Mứn"], ["kinh-te"]),
            (2, ["Thanh An"], ["canh-bao"]),
            (3, ["Sam Mứn", "Thanh An"], []),
            (4, ["Sam Mứn"], ["canh-bao"]),
            (5, [], ["kinh-te"]),
        ]:
            data = ArticleData(
                url=f"https://portal.test/{day}",
                title=f"Tin {day}",
                published_at=datetime(2025, 8, day, tzinfo=UTC),
            )
            await store_article(
                session,
                source_id=source.id,
                data=data,
                is_backfill=False,
                tags=Tags(communes, topics),
            )
    async with sessions() as session:
        about = await latest_about(session, Kind.COMMUNE, "Sam Mứn", 2)
        assert [a.row.article.title for a in about] == ["Tin 4", "Tin 3"]
        assert about[1].communes == ["Sam Mứn", "Thanh An"]  # with all their tags
        alerts = await latest_about(session, Kind.TOPIC, "canh-bao", 3)
        assert [a.row.article.title for a in alerts] == ["Tin 4", "Tin 2"]
        assert await latest_about(session, Kind.COMMUNE, "Mường Phăng", 3) == []
