"""Residents: one row per (channel, chat id); the identity every command and delivery uses.

A resident row means "this chat receives news". ``/start`` and ``/subscribe`` create it,
``/stop`` deletes it with everything attached, and the sender deactivates it when the platform
says the chat is gone (blocked bot, deleted account).
"""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, DeliveryState, Resident, Subscription, utcnow
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
    resident.active = True
    resident.user_id = user_id or resident.user_id
    resident.display_name = display_name or resident.display_name
    resident.updated_at = utcnow()


async def deactivate(session: AsyncSession, channel: str, chat_id: str) -> bool:
    """Stop sending to this chat: mark it inactive and fail its pending deliveries.

    Returns False when no such resident exists. The rows are kept (not deleted) so that
    broadcast reports still count them as failed.
    """
    resident = await find(session, channel, chat_id)
    if resident is None:
        return False
    resident.active = False
    resident.updated_at = utcnow()
    await session.execute(
        update(Delivery)
        .where(
            Delivery.resident_id == resident.id,
            Delivery.state == DeliveryState.PENDING.value,
        )
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
    await session.execute(delete(Delivery).where(Delivery.resident_id == resident.id))
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
