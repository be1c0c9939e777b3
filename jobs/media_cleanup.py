"""Stored broadcast media is deleted once ``[media] retention_days`` have passed.

It runs beside the broadcast progress reporter, under the ``reporter`` role (``jobs.roles``),
so one instance among several does it. A photo or voice note older than the retention is
gone from ``/media/<name>``; deliveries that still pointed at it are long done by then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.background import BackgroundTask, every
from storage import media
from storage.models import utcnow

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 3600.0  # retention is counted in days: hourly is prompt enough


class MediaCleanup:
    """Deletes media older than ``retention`` every ``interval_seconds`` (a ``Service``)."""

    name = "media cleanup"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        retention: timedelta,
        *,
        interval_seconds: float = INTERVAL_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._sessions = sessions
        self._retention = retention
        self._interval = interval_seconds
        self._clock = clock
        self._task = BackgroundTask(self.name)

    async def clean_once(self) -> int:
        """Delete what is past the retention now; return how many."""
        async with self._sessions.begin() as session:
            deleted = await media.delete_older_than(session, self._retention, self._clock())
        if deleted:
            log.info("deleted %d stored media older than %s", deleted, self._retention)
        return deleted

    async def start(self) -> None:
        failure = "deleting old media failed"
        self._task.start(every(self._interval, self.clean_once, log=log, failure=failure))

    async def stop(self) -> None:
        await self._task.stop()
