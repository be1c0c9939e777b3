"""Platform updates already handled: each is handled once, whichever instance sees it.

A webhook platform re-sends an update it thinks timed out; in webhook mode every instance may
receive updates; after a long-polling handover the new reader may be given again what the old
one had read but not yet confirmed. The first to record an update id handles it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import SeenUpdate
from storage.rows import execute_count

KEEP = timedelta(days=2)  # platforms re-send for hours at most


async def first_time(
    sessions: async_sessionmaker[AsyncSession], channel: str, update_id: str, now: datetime
) -> bool:
    """Record ``update_id``; True for the first caller only (its own transaction)."""
    try:
        async with sessions.begin() as session:
            session.add(SeenUpdate(channel=channel, update_id=update_id, seen_at=now))
    except IntegrityError:
        return False
    return True


async def forget_old(session: AsyncSession, now: datetime) -> int:
    return await execute_count(session, delete(SeenUpdate).where(SeenUpdate.seen_at < now - KEEP))
