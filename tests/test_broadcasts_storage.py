"""Broadcast storage: who is targeted, confirm-once, cancel, progress and the final report."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import broadcast_progress, broadcast_targets, broadcasts
from storage.broadcast_targets import Target
from storage.models import (
    Broadcast,
    Delivery,
    DeliveryState,
    Priority,
    Resident,
    Subscription,
    utcnow,
)

Sessions = async_sessionmaker[AsyncSession]

# (chat, channel, subscriptions)
RESIDENTS = [
    ("t-all", "telegram", []),
    ("t-sammun", "telegram", [("commune", "Sam Mứn")]),
    ("z-sammun-canhbao", "zalo", [("commune", "Sam Mứn"), ("topic", "canh-bao")]),
    ("z-sammun-kinhte", "zalo", [("commune", "Sam Mứn"), ("topic", "kinh-te")]),
    ("t-thanhan", "telegram", [("commune", "Thanh An")]),
    ("t-canhbao", "telegram", [("topic", "canh-bao")]),
]


async def _seed(sessions: Sessions, *, inactive: str | None = None) -> None:
    async with sessions.begin() as session:
        for chat, channel, choices in RESIDENTS:
            resident = Resident(channel=channel, chat_id=chat, active=chat != inactive)
            session.add(resident)
            await session.flush()
            for kind, value in choices:
                session.add(Subscription(resident_id=resident.id, kind=kind, value=value))


async def _chats(session: AsyncSession, broadcast_id: int) -> set[str]:
    rows = await session.execute(
        select(Resident.chat_id)
        .join(Delivery, Delivery.resident_id == Resident.id)
        .where(Delivery.broadcast_id == broadcast_id)
    )
    return set(rows.scalars())


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (Target(), {chat for chat, _, _ in RESIDENTS}),
        (Target(commune="Sam Mứn"), {"t-sammun", "z-sammun-canhbao", "z-sammun-kinhte"}),
        (Target(topic="canh-bao"), {"t-all", "z-sammun-canhbao", "t-canhbao"}),
        (Target(commune="Sam Mứn", topic="canh-bao"), {"t-sammun", "z-sammun-canhbao"}),
    ],
)
async def test_target_selection(sessions: Sessions, target: Target, expected: set[str]) -> None:
    await _seed(sessions)
    async with sessions.begin() as session:
        preview = await broadcasts.create_preview(
            session, text="Họp dân", target=target, emergency=False, created_by="cli"
        )
        counts = json.loads(preview.counts or "{}")
        assert sum(counts.values()) == len(expected)
        queued = await broadcasts.confirm(session, preview.id)
        assert queued == len(expected)
        assert await _chats(session, preview.id) == expected


async def test_inactive_residents_are_not_targeted(sessions: Sessions) -> None:
    await _seed(sessions, inactive="t-all")
    async with sessions.begin() as session:
        counts = await broadcast_targets.count_targets(session, Target())
    assert counts == {"telegram": 3, "zalo": 2}


async def test_confirm_twice_queues_once(sessions: Sessions) -> None:
    await _seed(sessions)
    async with sessions.begin() as session:
        preview = await broadcasts.create_preview(
            session, text="x", target=Target(), emergency=True, created_by="telegram:1"
        )
    async with sessions.begin() as session:
        assert await broadcasts.confirm(session, preview.id) == len(RESIDENTS)
    async with sessions.begin() as session:
        assert await broadcasts.confirm(session, preview.id) is None
        total = await session.scalar(select(func.count()).select_from(Delivery))
        priorities = set((await session.execute(select(Delivery.priority))).scalars())
    assert total == len(RESIDENTS)
    assert priorities == {int(Priority.EMERGENCY)}


async def test_concurrent_presses_queue_once(sessions: Sessions) -> None:
    await _seed(sessions)
    async with sessions.begin() as session:
        preview = await broadcasts.create_preview(
            session, text="x", target=Target(), emergency=False, created_by="cli"
        )

    async def press() -> int | None:
        async with sessions.begin() as session:
            return await broadcasts.confirm(session, preview.id)

    results = await asyncio.gather(press(), press())
    assert sorted(results, key=lambda r: r is None) == [len(RESIDENTS), None]


async def test_cancel_sends_nothing_and_blocks_confirm(sessions: Sessions) -> None:
    await _seed(sessions)
    async with sessions.begin() as session:
        preview = await broadcasts.create_preview(
            session, text="x", target=Target(), emergency=False, created_by="cli"
        )
        assert await broadcasts.cancel(session, preview.id)
        assert await broadcasts.confirm(session, preview.id) is None
        assert await session.scalar(select(func.count()).select_from(Delivery)) == 0


async def test_progress_and_final_report(sessions: Sessions) -> None:
    await _seed(sessions)
    async with sessions.begin() as session:
        preview = await broadcasts.create_preview(
            session, text="x", target=Target(commune="Sam Mứn"), emergency=False, created_by="cli"
        )
        await broadcasts.confirm(session, preview.id)
        current = await broadcast_progress.finish_if_done(session, preview.id)
        assert (current.pending, current.sent, current.failed) == (3, 0, 0)
        await session.execute(update(Delivery).values(state=DeliveryState.SENT.value))
        first = await session.scalar(select(func.min(Delivery.id)))
        await session.execute(
            update(Delivery).where(Delivery.id == first).values(state=DeliveryState.FAILED.value)
        )
        final = await broadcast_progress.finish_if_done(session, preview.id)
        stored = await session.get(Broadcast, preview.id, populate_existing=True)
    assert (final.sent, final.failed, final.pending) == (2, 1, 0)
    assert stored is not None and stored.state == "done"
    assert json.loads(stored.report or "{}")["sent"] == 2


async def test_broadcast_to_nobody_finishes_at_once(sessions: Sessions) -> None:
    async with sessions.begin() as session:
        preview = await broadcasts.create_preview(
            session, text="x", target=Target(commune="Mường Nhà"), emergency=False, created_by="cli"
        )
        assert await broadcasts.confirm(session, preview.id) == 0
        stored = await session.get(Broadcast, preview.id)
    assert stored is not None and stored.state == "done"


async def _draft(session: AsyncSession, *, hours_ago: float = 0) -> int:
    preview = await broadcasts.create_preview(
        session, text="x", target=Target(), emergency=False, created_by="cli"
    )
    if hours_ago:
        await session.execute(
            update(Broadcast)
            .where(Broadcast.id == preview.id)
            .values(created_at=utcnow() - timedelta(hours=hours_ago))
        )
    return preview.id


async def _state(session: AsyncSession, broadcast_id: int) -> str:
    return str(await session.scalar(select(Broadcast.state).where(Broadcast.id == broadcast_id)))


async def test_an_expired_preview_cannot_be_confirmed(sessions: Sessions) -> None:
    await _seed(sessions)
    async with sessions.begin() as session:
        old = await _draft(session, hours_ago=25)
        fresh = await _draft(session, hours_ago=23)
    async with sessions.begin() as session:
        assert await broadcasts.confirm(session, old) is None
    async with sessions.begin() as session:
        assert await _state(session, old) == "cancelled"
        assert await broadcasts.is_expired(session, old)
        assert await broadcasts.confirm(session, fresh) == len(RESIDENTS)
        assert not await broadcasts.is_expired(session, fresh)
        # The expiry is the caller's setting: an hour makes the 23-hour-old one expired too.
        other = await _draft(session, hours_ago=1.5)
        assert await broadcasts.confirm(session, other, preview_expiry=timedelta(hours=1)) is None
        assert await broadcasts.is_expired(session, other)
        queued = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.broadcast_id != fresh)
        )
    assert queued == 0


async def test_stale_previews_expire_on_the_next_draft_and_on_listing(
    sessions: Sessions,
) -> None:
    async with sessions.begin() as session:
        old = await _draft(session, hours_ago=30)
        await broadcasts.create_preview(
            session, text="y", target=Target(), emergency=False, created_by="cli"
        )
        assert await _state(session, old) == "preview"  # no expiry given: nothing expires
        await broadcasts.create_preview(
            session,
            text="z",
            target=Target(),
            emergency=False,
            created_by="cli",
            preview_expiry=broadcasts.PREVIEW_EXPIRY,
        )
        assert await _state(session, old) == "cancelled"
        older = await _draft(session, hours_ago=3)
        listed = await broadcasts.list_broadcasts(session, preview_expiry=timedelta(hours=2))
        assert {b.id: b.state for b in listed}[older] == "cancelled"
        assert await broadcasts.is_expired(session, older)
        assert await broadcasts.expire_previews(session, timedelta(hours=2)) == 0


async def test_cancel_broadcast_while_sending(sessions: Sessions) -> None:
    await _seed(sessions)
    async with sessions.begin() as session:
        broadcast_id = await _draft(session)
        await broadcasts.confirm(session, broadcast_id)
        ids = list(await session.scalars(select(Delivery.id).order_by(Delivery.id)))
        await session.execute(update(Delivery).where(Delivery.id == ids[0]).values(state="sent"))
        await session.execute(update(Delivery).where(Delivery.id == ids[1]).values(state="failed"))
    async with sessions.begin() as session:
        stopped = await broadcasts.cancel_broadcast(session, broadcast_id)
    assert (stopped.was, stopped.sent, stopped.failed, stopped.dropped) == ("sending", 1, 1, 4)
    async with sessions.begin() as session:
        assert await _state(session, broadcast_id) == "cancelled"
        report = json.loads(
            await session.scalar(select(Broadcast.report).where(Broadcast.id == broadcast_id))
        )
        pending = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.state == "pending")
        )
        # A broadcast cancelled is not "done" by a later progress pass.
        await broadcast_progress.finish_if_done(session, broadcast_id)
        assert await _state(session, broadcast_id) == "cancelled"
    assert pending == 0
    assert (report["sent"], report["failed"], report["cancelled"]) == (1, 1, 4)
    async with sessions.begin() as session:
        with pytest.raises(broadcasts.CancelRefused, match="already cancelled"):
            await broadcasts.cancel_broadcast(session, broadcast_id)
        with pytest.raises(broadcasts.CancelRefused, match="no broadcast #404"):
            await broadcasts.cancel_broadcast(session, 404)
