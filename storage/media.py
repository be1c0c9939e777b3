"""Stored media: photos and voice notes administrators broadcast, kept for channels that need a
public URL to fetch them (Zalo), under an unguessable name, until the retention ends.

Bytes live in the database, so whichever instance answers ``/media/<name>`` has them.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Media, utcnow
from storage.rows import execute_count

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "audio/aac": ".aac",
}


def new_name(content_type: str) -> str:
    """An unguessable file name (128 random bits) with the extension of ``content_type``."""
    return secrets.token_urlsafe(16) + EXTENSIONS.get(content_type, "")


async def store(
    session: AsyncSession, data: bytes, content_type: str, *, now: datetime | None = None
) -> Media:
    """Keep ``data``; its ``name`` is what ``/media/<name>`` serves."""
    media = Media(
        name=new_name(content_type),
        content_type=content_type,
        size=len(data),
        data=data,
        created_at=now or utcnow(),
    )
    session.add(media)
    await session.flush()
    return media


async def find(session: AsyncSession, name: str) -> Media | None:
    result = await session.execute(select(Media).where(Media.name == name))
    return result.scalar_one_or_none()


async def delete_older_than(session: AsyncSession, age: timedelta, now: datetime) -> int:
    """Delete media stored more than ``age`` before ``now``; return how many."""
    return await execute_count(session, delete(Media).where(Media.created_at < now - age))
