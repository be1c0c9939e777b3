"""Residents: one row per (channel, chat id); the identity every command and delivery uses.

A resident row means "this chat receives news". ``/start`` and ``/subscribe`` create it,
``/stop`` deletes it with everything attached, and the sender deactivates it when the platform
says the chat is gone (blocked bot, deleted account). A deactivation keeps the resident's
choices and records when, by whom, why and the platform's answer, so it can be counted
(``summary``) and undone (``restore``); a resident who writes again is active again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, DeliveryState, Resident, Subscription, of_resident, utcnow
from storage.rows import execute_count

GONE_REASON = "resident gone"


async def find(session: AsyncSession, channel: str, chat_id: str) -> Resident | None:
    """The resident of this chat, active or not, or None."""
    rows = await session.execute(
        select(Resident).where(Resident.channel == channel, Resident.chat_id == chat_id)
    )
    return rows.scalar_one_or_none()


async def get_or_create(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    *,
    user_id: str | None = None,
    display_name: str | None = None,
) -> tuple[Resident, bool]:
    """The resident of this chat, made active; ``created`` is True when the row is new.

    A message from the chat proves it is reachable again, so an inactive resident is
    reactivated. Two concurrent first messages may race: the unique (channel, chat_id)
    decides and the loser reads the winner's row.
    """
    resident = await find(session, channel, chat_id)
    if resident is not None:
        _refresh(resident, user_id, display_name)
        await session.flush()
        return resident, False
    now = utcnow()
    resident = Resident(
        channel=channel,
        chat_id=chat_id,
        user_id=user_id,
        display_name=display_name,
        active=True,
        created_at=now,
        updated_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(resident)
    except IntegrityError:
        winner = await find(session, channel, chat_id)
        if winner is None:
            raise
        return winner, False
    return resident, True


def _refresh(resident: Resident, user_id: str | None, display_name: str | None) -> None:
    _activate(resident)
    resident.user_id = user_id or resident.user_id
    resident.display_name = display_name or resident.display_name
    resident.updated_at = utcnow()


def _activate(resident: Resident) -> None:
    for column, value in _active_again().items():
        setattr(resident, column, value)


def _active_again() -> dict[str, object]:
    """The columns of a resident made active again: no deactivation on record."""
    return {
        "active": True,
        "updated_at": utcnow(),
        "deactivated_at": None,
        "deactivated_by": None,
        "deactivated_why": None,
        "deactivated_answer": None,
    }


async def reactivate(session: AsyncSession, channel: str, chat_id: str) -> bool:
    """The chat wrote to the bot: a deactivated resident is active again (True when it was).
    One UPDATE on the unique (channel, chat_id): cheap enough for every incoming message."""
    changed = await execute_count(
        session,
        update(Resident)
        .where(
            Resident.channel == channel,
            Resident.chat_id == chat_id,
            Resident.active.is_(False),
        )
        .values(_active_again()),
    )
    return changed > 0


async def deactivate(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    *,
    by: str = "sender",
    why: str = "chat gone",
    answer: str | None = None,
) -> bool:
    """Stop sending to this chat: mark it inactive, record why, fail its pending deliveries.

    Returns False when no such resident exists. The rows are kept (not deleted) so that
    broadcast reports still count them as failed; the choices are kept for ``restore``.
    """
    resident = await find(session, channel, chat_id)
    if resident is None:
        return False
    now = utcnow()
    resident.active = False
    resident.updated_at = resident.deactivated_at = now
    resident.deactivated_by, resident.deactivated_why = by, why[:100]
    resident.deactivated_answer = answer[:1000] if answer else None
    for theirs in of_resident(resident.id):
        await session.execute(
            update(Delivery)
            .where(theirs, Delivery.state == DeliveryState.PENDING.value)
            .values(state=DeliveryState.FAILED.value, last_error=GONE_REASON)
        )
    await session.flush()
    return True


async def delete_all(session: AsyncSession, channel: str, chat_id: str) -> bool:
    """Forget the resident of this chat: subscriptions, deliveries and the row itself.

    Deletes children explicitly: ``deliveries`` has no foreign keys (migration 0012), and
    SQLite honours ON DELETE CASCADE only with its foreign-key pragma on. Returns False when
    there was nothing to delete.
    """
    resident = await find(session, channel, chat_id)
    if resident is None:
        return False
    await session.execute(delete(Subscription).where(Subscription.resident_id == resident.id))
    for theirs in of_resident(resident.id):
        await session.execute(delete(Delivery).where(theirs))
    await session.execute(delete(Resident).where(Resident.id == resident.id))
    session.expunge(resident)
    return True


async def move_chat(
    session: AsyncSession, channel: str, old_chat_id: str, new_chat_id: str
) -> bool:
    """The chat continues under a new id (Telegram group → supergroup).

    If a resident already exists under the new id, it is kept and the old one is removed:
    the new chat has made its own choices. Returns False when the old id is unknown.
    """
    if await find(session, channel, new_chat_id) is not None:
        return await delete_all(session, channel, old_chat_id)
    moved = await execute_count(
        session,
        update(Resident)
        .where(Resident.channel == channel, Resident.chat_id == old_chat_id)
        .values(chat_id=new_chat_id, updated_at=utcnow()),
    )
    return moved > 0


@dataclass(frozen=True, slots=True)
class Deactivated:
    """Inactive residents of one channel for one reason (``loa residents``)."""

    channel: str
    by: str  # "sender", "member update", "console"; "unknown" before migration 0013
    why: str
    count: int
    last_at: datetime | None


async def summary(session: AsyncSession) -> tuple[dict[str, int], list[Deactivated]]:
    """Active residents per channel, and the inactive ones per channel and reason."""
    active = {
        str(channel): int(count)
        for channel, count in await session.execute(
            select(Resident.channel, func.count())
            .where(Resident.active.is_(True))
            .group_by(Resident.channel)
        )
    }
    by = func.coalesce(Resident.deactivated_by, "unknown")
    why = func.coalesce(Resident.deactivated_why, "unknown")
    rows = await session.execute(
        select(Resident.channel, by, why, func.count(), func.max(Resident.deactivated_at))
        .where(Resident.active.is_(False))
        .group_by(Resident.channel, by, why)
        .order_by(Resident.channel, func.count().desc())
    )
    inactive = [
        Deactivated(str(channel), str(b), str(w), int(count), last)
        for channel, b, w, count, last in rows.all()
    ]
    return active, inactive


def _restorable(since: datetime, channel: str | None) -> list[ColumnElement[bool]]:
    conditions = [
        Resident.active.is_(False),
        Resident.deactivated_by == "sender",
        Resident.deactivated_at >= since,
    ]
    if channel is not None:
        conditions.append(Resident.channel == channel)
    return conditions


async def count_restorable(session: AsyncSession, since: datetime, channel: str | None) -> int:
    """How many residents ``restore`` would bring back."""
    found = await session.scalar(
        select(func.count()).select_from(Resident).where(*_restorable(since, channel))
    )
    return int(found or 0)


async def restore(session: AsyncSession, since: datetime, channel: str | None = None) -> int:
    """Re-activate the residents the sender deactivated at or after ``since`` (on ``channel``,
    or on every channel), choices intact; return how many. Their failed deliveries stay failed:
    what is sent from now on reaches them again."""
    return await execute_count(
        session,
        update(Resident).where(*_restorable(since, channel)).values(_active_again()),
    )
