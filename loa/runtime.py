"""``loa run``: every long-running part of Loa in one asyncio process.

Start order: database (migrated) → poll scheduler → chat channels → sender → web server;
stop in reverse. Each part is a ``Service``; ``build_services`` is the one place they are wired.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from loa.config import Settings
from storage.db import open_database, session_factory

log = logging.getLogger(__name__)


class Service(Protocol):
    """A long-running part of Loa."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_services(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> list[Service]:
    """Wire every configured part; the order is the start order."""
    from jobs.scheduler import PollScheduler

    services: list[Service] = [PollScheduler(settings, sessions)]
    return services


async def run_services(settings: Settings, stop: asyncio.Event) -> None:
    """Run until ``stop`` is set; always stop what was started, in reverse order."""
    async with open_database(settings.database.url) as engine:
        sessions = session_factory(engine)
        started: list[Service] = []
        try:
            for service in build_services(settings, sessions):
                await service.start()
                started.append(service)
                log.info("started %s", service.name)
            await stop.wait()
        finally:
            for service in reversed(started):
                try:
                    await service.stop()
                except Exception:
                    log.exception("stopping %s failed", service.name)


async def run_until_signalled(settings: Settings) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("Loa is running; stop with Ctrl+C")
    await run_services(settings, stop)
    log.info("Loa stopped")
    return 0
