"""A resident's choices: communes and topics. No choice at all means "everything".

Values are canonical: a current commune name without prefix ("Sam Mứn") or a topic slug
("canh-bao"); ``typed_as`` keeps what the resident wrote (an old name, say) for the replies.
Matching articles to choices lives in ``storage.outbox``.
"""

from __future__ import annotations

import enum

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Subscription, utcnow
from storage.rows import execute_count


class Kind(enum.StrEnum):
    COMMUNE = "commune"  # value: current unit name without "xã"/"phường"
    TOPIC = "topic"  # value: topic slug


async def add(
    session: AsyncSession, resident_id: int, kind: Kind, value: str, typed_as: str | None = None
) -> bool:
    """Add a choice; False when the resident had it already (adding twice is harmless)."""
    if await _exists(session, resident_id, kind, value):
        return False
    choice = Subscription(
        resident_id=resident_id,
        kind=kind.value,
        value=value,
        typed_as=typed_as,
        created_at=utcnow(),
    )
    try:
        async with session.begin_nested():
            session.add(choice)
    except IntegrityError:
        return False  # a concurrent identical request won the race
    return True


async def _exists(session: AsyncSession, resident_id: int, kind: Kind, value: str) -> bool:
    rows = await session.execute(
        select(Subscription.id).where(
            Subscription.resident_id == resident_id,
            Subscription.kind == kind.value,
            Subscription.value == value,
        )
    )
    return rows.first() is not None


async def remove(session: AsyncSession, resident_id: int, kind: Kind, value: str) -> bool:
    """Remove a choice; False when the resident did not have it."""
    removed = await execute_count(
        session,
        delete(Subscription).where(
            Subscription.resident_id == resident_id,
            Subscription.kind == kind.value,
            Subscription.value == value,
        ),
    )
    return removed > 0


async def clear(session: AsyncSession, resident_id: int) -> int:
    """Remove every choice (the resident then receives everything); return how many."""
    return await execute_count(
        session, delete(Subscription).where(Subscription.resident_id == resident_id)
    )


async def list_for(session: AsyncSession, resident_id: int) -> list[Subscription]:
    """The resident's choices: communes first, then topics, each alphabetical."""
    rows = await session.execute(
        select(Subscription)
        .where(Subscription.resident_id == resident_id)
        .order_by(Subscription.kind, Subscription.value)
    )
    return list(rows.scalars())
