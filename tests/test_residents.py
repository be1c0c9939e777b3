"""Residents and their subscriptions, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import residents, subscriptions
from storage.models import Article, Delivery, DeliveryState, Resident, Source, Subscription
from storage.subscriptions import Kind

Sessions = async_sessionmaker[AsyncSession]


async def _count(session: AsyncSession, model: type[object]) -> int:
    return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def _article(session: AsyncSession) -> int:
    source = Source(name="portal", url="https://example.test/")
    session.add(source)
    await session.flush()
    article = Article(
        source_id=source.id,
        url="https://example.test/a",
        title="Tin",
        fetched_at=datetime(2025, 8, 1, tzinfo=UTC),
        content_hash="x",
    )
    session.add(article)
    await session.flush()
    return article.id


async def test_get_or_create_is_idempotent_and_reactivates(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        first, created = await residents.get_or_create(session, "telegram", "42", user_id="7")
        assert created
        first.active = False
    async with sessions.begin() as session:
        again, created = await residents.get_or_create(
            session, "telegram", "42", display_name="Lò Văn A"
        )
        assert not created
        assert again.id == first.id
        assert again.active
        assert again.user_id == "7"
        assert again.display_name == "Lò Văn A"
    async with sessions.begin() as session:
        other, created = await residents.get_or_create(session, "zalo", "42")
        assert created and other.id != first.id
        assert await _count(session, Resident) == 2


async def test_subscriptions_add_remove_list_clear(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        resident, _ = await residents.get_or_create(session, "telegram", "1")
        assert await subscriptions.add(session, resident.id, Kind.TOPIC, "canh-bao")
        assert await subscriptions.add(session, resident.id, Kind.COMMUNE, "Sam Mứn", "pom lot")
        assert not await subscriptions.add(session, resident.id, Kind.COMMUNE, "Sam Mứn")
        choices = await subscriptions.list_for(session, resident.id)
        assert [(c.kind, c.value, c.typed_as) for c in choices] == [
            ("commune", "Sam Mứn", "pom lot"),
            ("topic", "canh-bao", None),
        ]
        assert await subscriptions.remove(session, resident.id, Kind.TOPIC, "canh-bao")
        assert not await subscriptions.remove(session, resident.id, Kind.TOPIC, "canh-bao")
        assert await subscriptions.clear(session, resident.id) == 1
        assert await subscriptions.list_for(session, resident.id) == []


async def test_deactivate_fails_pending_deliveries_only(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        article_id = await _article(session)
        resident, _ = await residents.get_or_create(session, "zalo", "9")
        session.add_all(
            [
                Delivery(article_id=article_id, resident_id=resident.id, channel="zalo"),
                Delivery(resident_id=resident.id, channel="zalo", state=DeliveryState.SENT.value),
            ]
        )
    async with sessions.begin() as session:
        assert await residents.deactivate(session, "zalo", "9")
        assert not await residents.deactivate(session, "zalo", "unknown")
    async with sessions() as session:
        found = await residents.find(session, "zalo", "9")
        assert found is not None and not found.active
        states = (await session.execute(select(Delivery.state, Delivery.last_error))).all()
        assert sorted(tuple(row) for row in states) == [
            ("failed", residents.GONE_REASON),
            ("sent", None),
        ]


async def test_delete_all_removes_everything_of_that_chat_only(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        article_id = await _article(session)
        gone, _ = await residents.get_or_create(session, "telegram", "1")
        kept, _ = await residents.get_or_create(session, "telegram", "2")
        for resident in (gone, kept):
            await subscriptions.add(session, resident.id, Kind.TOPIC, "xa-hoi")
            session.add(
                Delivery(article_id=article_id, resident_id=resident.id, channel="telegram")
            )
    async with sessions.begin() as session:
        assert await residents.delete_all(session, "telegram", "1")
        assert not await residents.delete_all(session, "telegram", "1")
    async with sessions() as session:
        assert await residents.find(session, "telegram", "1") is None
        assert await _count(session, Resident) == 1
        assert await _count(session, Subscription) == 1
        assert await _count(session, Delivery) == 1


async def test_move_chat(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        resident, _ = await residents.get_or_create(session, "telegram", "-100")
        await subscriptions.add(session, resident.id, Kind.COMMUNE, "Thanh An")
    async with sessions.begin() as session:
        assert await residents.move_chat(session, "telegram", "-100", "-100200")
        assert not await residents.move_chat(session, "telegram", "-100", "-100300")
    async with sessions() as session:
        moved = await residents.find(session, "telegram", "-100200")
        assert moved is not None and moved.id == resident.id
        assert len(await subscriptions.list_for(session, moved.id)) == 1


async def test_move_chat_onto_existing_chat_keeps_the_new_one(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        await residents.get_or_create(session, "telegram", "old")
        target, _ = await residents.get_or_create(session, "telegram", "new")
    async with sessions.begin() as session:
        assert await residents.move_chat(session, "telegram", "old", "new")
    async with sessions() as session:
        assert await residents.find(session, "telegram", "old") is None
        found = await residents.find(session, "telegram", "new")
        assert found is not None and found.id == target.id


async def test_a_deactivation_is_recorded_counted_and_undone_with_the_choices(
    sessions: Sessions,
) -> None:
    """Issue 21: when, by whom, why and the platform's answer; ``restore`` brings back those
    the sender deactivated since a time, choices intact; writing again re-activates."""
    async with sessions.begin() as session:
        for chat in ("1", "2", "3"):
            resident, _ = await residents.get_or_create(session, "zalo", chat)
            await subscriptions.add(session, resident.id, Kind.COMMUNE, "Sam Mứn")
        await residents.get_or_create(session, "telegram", "4")
    before = datetime.now(UTC)
    async with sessions.begin() as session:
        await residents.deactivate(
            session, "zalo", "1", why="blocked the bot", answer="403 User has blocked the bot"
        )
        await residents.deactivate(session, "zalo", "2", why="chat not found", answer="404 x")
        await residents.deactivate(
            session, "telegram", "4", by="member update", why="blocked or removed the bot"
        )
    async with sessions() as session:
        gone = await residents.find(session, "zalo", "1")
        assert gone is not None and not gone.active
        assert gone.deactivated_at is not None and gone.deactivated_at >= before
        assert (gone.deactivated_by, gone.deactivated_why) == ("sender", "blocked the bot")
        assert gone.deactivated_answer == "403 User has blocked the bot"
        active, inactive = await residents.summary(session)
        assert active == {"zalo": 1}
        assert {(d.channel, d.by, d.why, d.count) for d in inactive} == {
            ("zalo", "sender", "blocked the bot", 1),
            ("zalo", "sender", "chat not found", 1),
            ("telegram", "member update", "blocked or removed the bot", 1),
        }
        assert await residents.count_restorable(session, before, "zalo") == 2
        assert await residents.count_restorable(session, datetime.now(UTC), None) == 0
    async with sessions.begin() as session:
        # Only the sender's deactivations, only on the channel asked for.
        assert await residents.restore(session, before, "telegram") == 0
        assert await residents.restore(session, before, "zalo") == 2
    async with sessions() as session:
        back = await residents.find(session, "zalo", "1")
        assert back is not None and back.active and back.deactivated_at is None
        assert await _count(session, Subscription) == 3  # choices intact
        assert (await residents.summary(session))[0] == {"zalo": 3}
    async with sessions.begin() as session:  # the Telegram resident writes again
        assert await residents.reactivate(session, "telegram", "4")
        assert not await residents.reactivate(session, "telegram", "4")  # already active
        assert not await residents.reactivate(session, "telegram", "unknown")
    async with sessions() as session:
        again = await residents.find(session, "telegram", "4")
        assert again is not None and again.active and again.deactivated_by is None
