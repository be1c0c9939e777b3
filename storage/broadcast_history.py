"""The record of broadcasts: newest first, and drafts that expired unconfirmed.

Apart from ``storage.broadcasts`` (the lifecycle) so that ``loa stats`` and the admin page list
broadcasts without importing targeting, rhythm and the outbox (start-up time, issue 14).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Broadcast, BroadcastState, utcnow
from storage.rows import execute_count

# A draft not confirmed within this long expires (``[broadcasts] preview_expiry_hours``).
PREVIEW_EXPIRY = timedelta(hours=24)
EXPIRED = "expired"


async def expire_previews(
    session: AsyncSession,
    preview_expiry: timedelta = PREVIEW_EXPIRY,
    *,
    now: datetime | None = None,
    broadcast_id: int | None = None,
) -> int:
    """Mark drafts left in preview longer than ``preview_expiry`` as expired (cancelled, with
    ``{"reason": "expired"}`` as report); return how many. Nothing was queued for them."""
    now = now or utcnow()
    query = update(Broadcast).where(
        Broadcast.state == BroadcastState.PREVIEW.value,
        Broadcast.created_at < now - preview_expiry,
    )
    if broadcast_id is not None:
        query = query.where(Broadcast.id == broadcast_id)
    return await execute_count(
        session,
        query.values(
            state=BroadcastState.CANCELLED.value,
            finished_at=now,
            report=json.dumps({"reason": EXPIRED}),
        ),
    )


async def is_expired(session: AsyncSession, broadcast_id: int) -> bool:
    """Whether this broadcast's preview expired before it was confirmed."""
    row = (
        await session.execute(
            select(Broadcast.state, Broadcast.report).where(Broadcast.id == broadcast_id)
        )
    ).one_or_none()
    if row is None or row.state != BroadcastState.CANCELLED.value or not row.report:
        return False
    return bool(json.loads(row.report).get("reason") == EXPIRED)


async def list_broadcasts(
    session: AsyncSession, limit: int = 20, *, preview_expiry: timedelta | None = None
) -> list[Broadcast]:
    """The newest broadcasts first; with ``preview_expiry``, expired drafts are marked first
    (commit the session to keep that)."""
    if preview_expiry is not None:
        await expire_previews(session, preview_expiry)
    rows = await session.execute(select(Broadcast).order_by(Broadcast.id.desc()).limit(limit))
    return list(rows.scalars())
