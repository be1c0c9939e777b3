"""Who gets an article: SQL, set-based matching into the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import (
    Article,
    ArticleCommune,
    ArticleTopic,
    Delivery,
    Priority,
    Resident,
    Source,
    Subscription,
)
from storage.outbox import enqueue_for_article

Sessions = async_sessionmaker[AsyncSession]

RESIDENTS = {
    "everything": [],
    "sam-mun": [("commune", "Sam Mứn")],
    "thanh-an": [("commune", "Thanh An")],
    "kinh-te": [("topic", "kinh-te")],
    "thanh-an-or-canh-bao": [("commune", "Thanh An"), ("topic", "canh-bao")],
}


async def _article(session: AsyncSession, communes: list[str], topics: list[str]) -> int:
    source = await session.scalar(select(Source).where(Source.name == "s"))
    if source is None:
        source = Source(name="s", url="http://portal.test/")
        session.add(source)
        await session.flush()
    now = datetime.now(UTC)
    article = Article(
        source_id=source.id,
        url=f"http://portal.test/{len(communes)}-{'-'.join(topics)}",
        title="t",
        fetched_at=now,
        content_hash="h",
    )
    session.add(article)
    await session.flush()
    session.add_all(ArticleCommune(article_id=article.id, commune=c) for c in communes)
    session.add_all(ArticleTopic(article_id=article.id, topic=t) for t in topics)
    await session.flush()
    return article.id


async def _seed_residents(session: AsyncSession, *, inactive: set[str] = frozenset()) -> None:
    for chat, choices in RESIDENTS.items():
        for channel in ("telegram", "zalo"):
            resident = Resident(channel=channel, chat_id=chat, active=chat not in inactive)
            session.add(resident)
            await session.flush()
            session.add_all(
                Subscription(resident_id=resident.id, kind=k, value=v) for k, v in choices
            )


async def _recipients(session: AsyncSession, article_id: int) -> set[tuple[str, str]]:
    rows = await session.execute(
        select(Resident.channel, Resident.chat_id)
        .join(Delivery, Delivery.resident_id == Resident.id)
        .where(Delivery.article_id == article_id)
    )
    return {(channel, chat) for channel, chat in rows.all()}


def _both(*chats: str) -> set[tuple[str, str]]:
    return {(channel, chat) for chat in chats for channel in ("telegram", "zalo")}


async def test_commune_and_topic_filters_match_any_choice(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await _seed_residents(session)
        article = await _article(session, ["Sam Mứn"], ["kinh-te"])
        queued = await enqueue_for_article(session, article)
        recipients = await _recipients(session, article)
    assert recipients == _both("everything", "sam-mun", "kinh-te")
    assert queued == len(recipients)


async def test_article_without_tags_reaches_only_unfiltered_residents(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await _seed_residents(session)
        article = await _article(session, [], [])
        await enqueue_for_article(session, article)
        assert await _recipients(session, article) == _both("everything")


async def test_inactive_residents_get_nothing(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await _seed_residents(session, inactive={"thanh-an"})
        article = await _article(session, ["Thanh An"], [])
        await enqueue_for_article(session, article)
        recipients = await _recipients(session, article)
    assert recipients == _both("everything", "thanh-an-or-canh-bao")


async def test_emergency_articles_get_emergency_priority(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await _seed_residents(session)
        article = await _article(session, [], ["canh-bao"])
        first = await enqueue_for_article(session, article)
        priorities = set(
            (await session.execute(select(Delivery.priority).where(Delivery.article_id == article)))
            .scalars()
            .all()
        )
        recipients = await _recipients(session, article)
    assert priorities == {int(Priority.EMERGENCY)}
    assert recipients == _both("everything", "thanh-an-or-canh-bao")
    assert first == len(recipients)
