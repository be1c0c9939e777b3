"""Bulletins and quiet hours as deliveries due later (storage.rhythm, jobs.rhythm), on both
backends, with an injected clock: nothing here waits for the wall clock.

News is queued by the real matching (``enqueue_for_article``), which holds what a resident's
rhythm says must wait; the rhythm job is run pass by pass at chosen instants.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Incoming
from bot.outgoing import decode
from bot.render import html_to_text
from bot.rhythm import RhythmCommands
from jobs.rhythm import RhythmJob
from news.rhythm import Window
from storage import broadcast_progress, broadcasts, rhythm
from storage.broadcast_targets import Target
from storage.db import open_database, session_factory
from storage.models import (
    Article,
    ArticleCommune,
    ArticleTopic,
    Broadcast,
    Delivery,
    DeliveryState,
    Priority,
    Resident,
    Source,
    Subscription,
    utcnow,
)
from storage.outbox import counts_by_state, enqueue_for_article

Sessions = async_sessionmaker[AsyncSession]
VN = ZoneInfo("Asia/Ho_Chi_Minh")
_numbers = itertools.count(1)


class Clock:
    """The time the rhythm job and the commands see."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


async def resident(sessions: Sessions, chat: str, commune: str | None = None) -> int:
    async with sessions.begin() as session:
        row = Resident(channel="zalo", chat_id=chat, user_id=chat, active=True)
        session.add(row)
        await session.flush()
        if commune is not None:
            session.add(Subscription(resident_id=row.id, kind="commune", value=commune))
        return row.id


async def set_rhythm(
    sessions: Sessions, resident_id: int, now: datetime, **chosen: time | Window | None
) -> None:
    async with sessions.begin() as session:
        row = await session.get(Resident, resident_id)
        assert row is not None
        await rhythm.set_rhythm(session, row, rhythm.Rhythm(**chosen), now, VN)  # type: ignore[arg-type]


async def publish(
    sessions: Sessions, title: str, commune: str, *, topics: Sequence[str] = (), hours_ago: int = 0
) -> int:
    """Store an article and queue its deliveries, as a poll does."""
    async with sessions.begin() as session:
        source = await session.scalar(select(Source).where(Source.name == "s"))
        if source is None:
            source = Source(name="s", url="http://portal.test/")
            session.add(source)
            await session.flush()
        number = next(_numbers)
        article = Article(
            source_id=source.id,
            url=f"http://portal.test/tin/{number}",
            title=title,
            published_at=datetime(2026, 11, 30, 12, tzinfo=UTC) - timedelta(hours=hours_ago),
            fetched_at=utcnow(),
            content_hash="h",
        )
        session.add(article)
        await session.flush()
        session.add(ArticleCommune(article_id=article.id, commune=commune))
        session.add_all(ArticleTopic(article_id=article.id, topic=t) for t in topics)
        await session.flush()
        await enqueue_for_article(session, article.id)
        return article.id


async def states(sessions: Sessions, resident_id: int) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Delivery.state).where(Delivery.resident_id == resident_id).order_by(Delivery.id)
        )
        return list(rows)


async def bulletins(sessions: Sessions, chat: str) -> list[str]:
    """The texts queued to ``chat`` as messages of their own (bulletins), in order."""
    async with sessions() as session:
        rows = await session.scalars(
            select(Delivery.payload)
            .where(Delivery.chat_id == chat, Delivery.payload.is_not(None))
            .order_by(Delivery.id)
        )
        return [html_to_text(decode(payload).reply.html) for payload in rows if payload]


def job(sessions: Sessions, clock: Clock, limit: int = 2000) -> RhythmJob:
    return RhythmJob(sessions, VN, limits={"zalo": limit}, now=clock)


def quiet_around(now: datetime) -> Window:
    """Quiet hours from an hour before ``now`` to an hour after (Vietnam time)."""
    local = now.astimezone(VN).replace(second=0, microsecond=0)
    return Window((local - timedelta(hours=1)).time(), (local + timedelta(hours=1)).time())


# ------------------------------------------------------------------------------ bulletin


async def test_a_bulletin_resident_gets_one_message_at_the_chosen_time(sessions: Sessions) -> None:
    clock = Clock(vn(1, 5))
    reader = await resident(sessions, "z-bulletin", commune="Sam Mứn")
    other = await resident(sessions, "z-at-once", commune="Sam Mứn")
    await set_rhythm(sessions, reader, clock.now, bulletin=time(7))
    await publish(sessions, "Sam Mứn gặt lúa mùa", "Sam Mứn", hours_ago=2)
    await publish(sessions, "Thanh An làm đường", "Thanh An")
    await publish(sessions, "Sam Mứn họp dân", "Sam Mứn", hours_ago=1)

    assert await states(sessions, reader) == ["held", "held"]
    assert await states(sessions, other) == ["pending", "pending"]  # no rhythm: at once
    clock.now = vn(1, 6, 59)
    assert await job(sessions, clock).run_once() == 0
    assert await bulletins(sessions, "z-bulletin") == []  # nothing before the time

    clock.now = vn(1, 7)
    assert await job(sessions, clock).run_once() == 1
    [bulletin] = await bulletins(sessions, "z-bulletin")
    assert "Bản tin Loa ngày 01/12/2026" in bulletin and "2 tin mới" in bulletin
    assert "Thanh An" not in bulletin  # exactly the matched articles
    newest, older = bulletin.index("Sam Mứn họp dân"), bulletin.index("Sam Mứn gặt lúa mùa")
    assert newest < older  # newest first
    assert "http://portal.test/tin/" in bulletin and "30/11/2026" in bulletin
    assert await states(sessions, reader) == ["bundled", "bundled"]  # never sent one by one
    async with sessions() as session:
        assert (await counts_by_state(session, "zalo"))["bundled"] == 2

    clock.now = vn(2, 7, 1)  # a day without news sends nothing
    assert await job(sessions, clock).run_once() == 0
    assert len(await bulletins(sessions, "z-bulletin")) == 1


async def test_news_after_the_bulletin_waits_for_the_next_one(sessions: Sessions) -> None:
    clock = Clock(vn(1, 5))
    reader = await resident(sessions, "z-b2")
    await set_rhythm(sessions, reader, clock.now, bulletin=time(7))
    clock.now = vn(1, 7)
    await job(sessions, clock).run_once()  # rolls the next bulletin to tomorrow
    await publish(sessions, "Tin buổi trưa", "Sam Mứn")
    async with sessions() as session:
        due = await session.scalar(select(Delivery.next_attempt_at).where(Delivery.state == "held"))
    assert due == vn(2, 7)
    clock.now = vn(2, 7)
    assert await job(sessions, clock).run_once() == 1
    assert "Tin buổi trưa" in (await bulletins(sessions, "z-b2"))[0]


async def test_a_long_bulletin_is_split_only_where_the_limit_forces_it(sessions: Sessions) -> None:
    clock = Clock(vn(1, 5))
    reader = await resident(sessions, "z-long")
    await set_rhythm(sessions, reader, clock.now, bulletin=time(7))
    for number in range(30):
        await publish(
            sessions, f"Bài số {number:02d} " + "tin dài " * 12, "Sam Mứn", hours_ago=number
        )
    clock.now = vn(1, 7)
    queued = await job(sessions, clock, limit=2000).run_once()
    parts = await bulletins(sessions, "z-long")
    assert queued == len(parts) > 1
    assert all(len(part) <= 2000 for part in parts)
    assert all("(tiếp)" in part for part in parts[1:])
    text = "\n".join(parts)
    assert [f"Bài số {n:02d}" in text for n in range(30)] == [True] * 30
    # A message is only cut when the next article would not fit in it.
    assert all(len(part) + 200 > 2000 for part in parts[:-1])


async def test_loa_down_at_bulletin_time_sends_it_on_restart(
    sessions: Sessions, database_url: str
) -> None:
    clock = Clock(vn(1, 5))
    reader = await resident(sessions, "z-down")
    await set_rhythm(sessions, reader, clock.now, bulletin=time(7))
    await publish(sessions, "Tin trước khi Loa dừng", "Sam Mứn")
    # Loa is stopped from 06:00 to 09:30: no job ran at 07:00. A new process, a new engine:
    async with open_database(database_url) as engine:
        restarted = session_factory(engine)
        clock.now = vn(1, 9, 30)
        assert await job(restarted, clock).run_once() == 1
        assert await job(restarted, clock).run_once() == 0  # once
        [bulletin] = await bulletins(restarted, "z-down")
        assert "Tin trước khi Loa dừng" in bulletin
        async with restarted() as session:
            row = await session.get(Resident, reader)
            assert row is not None and row.bulletin_time == "07:00"  # the setting survived
            assert row.next_bulletin_at == vn(2, 7)


async def test_turning_the_bulletin_off_or_moving_it_re_times_held_news(
    sessions: Sessions,
) -> None:
    clock = Clock(vn(1, 5))
    reader = await resident(sessions, "z-move")
    await set_rhythm(sessions, reader, clock.now, bulletin=time(7))
    await publish(sessions, "Tin chờ bản tin", "Sam Mứn")
    await set_rhythm(sessions, reader, clock.now, bulletin=time(18, 30))
    async with sessions() as session:
        due = await session.scalar(select(Delivery.next_attempt_at).where(Delivery.state == "held"))
    assert due == vn(1, 18, 30)
    await set_rhythm(sessions, reader, clock.now)  # /bantin tat
    assert await states(sessions, reader) == ["pending"]


# ------------------------------------------------------------------------------ quiet hours


async def test_quiet_hours_hold_news_and_release_it_at_their_end(sessions: Sessions) -> None:
    clock = Clock(utcnow())  # holding happens as news is queued, at the real time
    window = quiet_around(clock.now)
    sleeper = await resident(sessions, "z-quiet")
    await set_rhythm(sessions, sleeper, clock.now, quiet=window)
    await publish(sessions, "Họp dân", "Sam Mứn")
    await publish(sessions, "Lũ quét ở Sam Mứn", "Sam Mứn", topics=["canh-bao"])

    async with sessions() as session:
        rows = (
            await session.execute(
                select(Delivery.state, Delivery.priority, Delivery.next_attempt_at)
                .where(Delivery.resident_id == sleeper)
                .order_by(Delivery.id)
            )
        ).all()
    [(held, _, until), (emergency, priority, _)] = rows
    assert emergency == "pending" and priority == Priority.EMERGENCY  # goes out at once
    end = clock.now.astimezone(VN).replace(second=0, microsecond=0) + timedelta(hours=1)
    assert held == "held" and until == end

    clock.now = end - timedelta(minutes=1)
    assert await job(sessions, clock).run_once() == 0
    clock.now = end
    assert await job(sessions, clock).run_once() == 1
    assert await states(sessions, sleeper) == ["pending", "pending"]  # released, one by one
    assert await bulletins(sessions, "z-quiet") == []


async def test_more_than_three_held_in_quiet_hours_come_as_one_bulletin(
    sessions: Sessions,
) -> None:
    clock = Clock(utcnow())
    sleeper = await resident(sessions, "z-quiet4")
    await set_rhythm(sessions, sleeper, clock.now, quiet=quiet_around(clock.now))
    for number in range(4):
        await publish(sessions, f"Tin đêm {number}", "Sam Mứn", hours_ago=number)
    clock.now += timedelta(hours=1, minutes=1)
    assert await job(sessions, clock).run_once() == 1
    [bulletin] = await bulletins(sessions, "z-quiet4")
    assert all(f"Tin đêm {n}" in bulletin for n in range(4))
    assert await states(sessions, sleeper) == ["bundled"] * 4


async def test_ending_quiet_hours_releases_what_they_held(sessions: Sessions) -> None:
    clock = Clock(utcnow())
    sleeper = await resident(sessions, "z-wake")
    await set_rhythm(sessions, sleeper, clock.now, quiet=quiet_around(clock.now))
    await publish(sessions, "Tin giữ lại", "Sam Mứn")
    assert await states(sessions, sleeper) == ["held"]
    await set_rhythm(sessions, sleeper, clock.now)  # /yentinh tat
    assert await states(sessions, sleeper) == ["pending"]


async def test_broadcasts_respect_quiet_hours_unless_urgent_or_emergency(
    sessions: Sessions,
) -> None:
    clock = Clock(utcnow())
    sleeper = await resident(sessions, "z-bc")
    await set_rhythm(sessions, sleeper, clock.now, quiet=quiet_around(clock.now))
    outcome = {}
    for kind, emergency, urgent in [
        ("ordinary", False, False),
        ("urgent", False, True),
        ("emergency", True, False),
    ]:
        async with sessions.begin() as session:
            draft = await broadcasts.create_preview(
                session,
                text=kind,
                target=Target(),
                emergency=emergency,
                urgent=urgent,
                created_by="cli",
            )
            await broadcasts.confirm(session, draft.id, now=clock.now)
            state = await session.scalar(
                select(Delivery.state).where(Delivery.broadcast_id == draft.id)
            )
            outcome[kind] = (draft.id, state)
    assert {kind: state for kind, (_, state) in outcome.items()} == {
        "ordinary": "held",
        "urgent": "pending",
        "emergency": "pending",
    }
    ordinary = outcome["ordinary"][0]
    async with sessions() as session:
        current = await broadcast_progress.progress(session, ordinary)
    assert not current.finished  # held is not done
    clock.now += timedelta(hours=1, minutes=1)
    assert await job(sessions, clock).run_once() == 1
    async with sessions() as session:
        state = await session.scalar(
            select(Delivery.state).where(Delivery.broadcast_id == ordinary)
        )
    assert state == "pending"


async def test_a_cancelled_broadcast_held_in_quiet_hours_never_goes(sessions: Sessions) -> None:
    clock = Clock(utcnow())
    sleeper = await resident(sessions, "z-cancel")
    await set_rhythm(sessions, sleeper, clock.now, quiet=quiet_around(clock.now))
    async with sessions.begin() as session:
        draft = await broadcasts.create_preview(
            session, text="x", target=Target(), emergency=False, created_by="cli"
        )
        await broadcasts.confirm(session, draft.id, now=clock.now)
    async with sessions.begin() as session:
        stopped = await broadcasts.cancel_broadcast(session, draft.id)
    assert stopped.dropped == 1
    assert await states(sessions, sleeper) == ["failed"]


async def test_nobody_with_a_rhythm_holds_nothing(sessions: Sessions) -> None:
    plain = await resident(sessions, "z-plain")
    await publish(sessions, "Tin thường", "Sam Mứn")
    assert await states(sessions, plain) == ["pending"]
    async with sessions() as session:
        assert await counts_by_state(session, "zalo") == {"pending": 1, "sent": 0, "failed": 0}


async def test_held_news_of_a_resident_gone_inactive_fails(sessions: Sessions) -> None:
    clock = Clock(vn(1, 5))
    reader = await resident(sessions, "z-gone")
    await set_rhythm(sessions, reader, clock.now, bulletin=time(7))
    await publish(sessions, "Tin", "Sam Mứn")
    async with sessions.begin() as session:
        row = await session.get(Resident, reader)
        assert row is not None
        row.active = False
    clock.now = vn(1, 7)
    assert await job(sessions, clock).run_once() == 0
    assert await states(sessions, reader) == [DeliveryState.FAILED.value]
    assert await bulletins(sessions, "z-gone") == []


# ------------------------------------------------------------------------------ commands


def typed(text: str, chat: str = "z-cmd") -> Incoming:
    return Incoming(channel="zalo", chat_id=chat, user_id=chat, text=text)


async def test_commands_set_show_and_clear_both_settings(sessions: Sessions) -> None:
    clock = Clock(vn(1, 5))
    commands = RhythmCommands(sessions, VN, now=clock)
    [shown] = await commands.bulletin(typed(""), "")
    assert "/bantin 07:00" in shown.html  # how to set it
    [invalid] = await commands.bulletin(typed(""), "25:00")
    assert "không phải giờ hợp lệ" in invalid.html and "/bantin 07:00" in invalid.html
    [done] = await commands.bulletin(typed(""), "7h30")
    assert "07:30" in done.html
    [bad] = await commands.quiet(typed(""), "22:00")
    assert "không phải khoảng giờ hợp lệ" in bad.html and "22:00-06:00" in bad.html
    [quiet] = await commands.quiet(typed(""), "22h - 6h")
    assert "22:00–06:00" in quiet.html
    [quiet_shown] = await commands.quiet(typed(""), "")
    assert "22:00–06:00" in quiet_shown.html and "/yentinh tat" in quiet_shown.html
    async with sessions() as session:
        row = await session.scalar(select(Resident).where(Resident.chat_id == "z-cmd"))
        assert row is not None
        assert (row.bulletin_time, row.quiet_hours) == ("07:30", "22:00-06:00")
        assert row.next_bulletin_at == vn(1, 7, 30)
        # 05:00 is inside the night window that began yesterday at 22:00.
        yesterday = datetime(2026, 11, 30, 22, tzinfo=VN)
        assert (row.quiet_from, row.quiet_until) == (yesterday, vn(1, 6))
        lines = await commands.summary(session, typed(""))
    assert "07:30" in lines and "22:00–06:00" in lines
    [off] = await commands.bulletin(typed(""), "tắt")
    assert "Đã tắt bản tin" in off.html
    [again] = await commands.bulletin(typed(""), "off")
    assert "chưa đặt bản tin" in again.html
    [quiet_off] = await commands.quiet(typed(""), "TAT")
    assert "Đã bỏ giờ yên tĩnh" in quiet_off.html
    async with sessions() as session:
        row = await session.scalar(select(Resident).where(Resident.chat_id == "z-cmd"))
        assert row is not None and row.bulletin_time is None and row.quiet_hours is None
        assert row.next_bulletin_at is None and row.quiet_until is None


async def test_an_administrator_marks_a_chat_broadcast_urgent(sessions: Sessions) -> None:
    """/thongbao gấp: TEXT reaches residents in quiet hours; without "gấp" it waits."""
    from base.config import Settings
    from bot.catalog import build_catalog
    from bot.commands import Commands

    settings = Settings.model_validate({"telegram": {"admins": [7]}})
    commands = Commands(sessions, build_catalog("Điện Biên"), settings)
    sleeper = await resident(sessions, "z-urgent")
    await set_rhythm(sessions, sleeper, utcnow(), quiet=quiet_around(utcnow()))
    admin = Incoming(channel="telegram", chat_id="7", user_id="7")
    for text in ("/thongbao gấp: Cắt điện lúc 23 giờ", "/thongbao Họp dân sáng mai"):
        replies = await commands.handle(replace(admin, text=text))
        assert ("Gấp" in replies[-1].html) == ("gấp" in text)
        [[send, _]] = replies[-1].buttons
        await commands.handle(replace(admin, text="", callback_data=send.data))
    async with sessions() as session:
        rows = (
            await session.execute(
                select(Broadcast.text, Broadcast.urgent, Delivery.state)
                .join(Delivery, Delivery.broadcast_id == Broadcast.id)
                .where(Delivery.resident_id == sleeper)
                .order_by(Broadcast.id)
            )
        ).all()
    assert [tuple(row) for row in rows] == [
        ("Cắt điện lúc 23 giờ", True, "pending"),
        ("Họp dân sáng mai", False, "held"),
    ]


async def test_night_quiet_hours_across_midnight_with_the_clock_injected(
    sessions: Sessions,
) -> None:
    """22:00-06:00: news queued at 23:00 waits until 06:00 the next day; at noon it goes at
    once (the window rolled forward); the next night holds again."""
    from storage.outbox import queue_deliveries

    clock = Clock(vn(1, 21))
    sleeper = await resident(sessions, "z-night")
    await set_rhythm(sessions, sleeper, clock.now, quiet=Window(time(22), time(6)))

    async def queued_at(moment: datetime, title: str) -> None:
        article = await publish_unqueued(sessions, title)
        async with sessions.begin() as session:
            await queue_deliveries(
                session,
                Delivery.article_id,
                article,
                priority=0,
                residents=Resident.active.is_(True),
            )
            await rhythm.hold_new(session, Delivery.article_id, article, moment, news=True)

    await queued_at(vn(1, 23), "Tin lúc 23 giờ")
    assert await states(sessions, sleeper) == ["held"]
    clock.now = vn(2, 5, 59)
    assert await job(sessions, clock).run_once() == 0
    clock.now = vn(2, 6)
    assert await job(sessions, clock).run_once() == 1
    assert await states(sessions, sleeper) == ["pending"]
    await queued_at(vn(2, 12), "Tin buổi trưa")
    assert await states(sessions, sleeper) == ["pending", "pending"]
    await queued_at(vn(2, 22, 30), "Tin đêm sau")
    assert await states(sessions, sleeper) == ["pending", "pending", "held"]


async def publish_unqueued(sessions: Sessions, title: str) -> int:
    async with sessions.begin() as session:
        source = await session.scalar(select(Source).where(Source.name == "s"))
        if source is None:
            source = Source(name="s", url="http://portal.test/")
            session.add(source)
            await session.flush()
        article = Article(
            source_id=source.id,
            url=f"http://portal.test/tin/{next(_numbers)}",
            title=title,
            fetched_at=utcnow(),
            content_hash="h",
        )
        session.add(article)
        await session.flush()
        return article.id
