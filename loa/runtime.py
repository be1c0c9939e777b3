"""``loa run``: every long-running part of Loa in one asyncio process.

Start order: database (migrated) → poll scheduler → chat channels → sender → web server;
stop in reverse. Each part is a ``Service``; ``build_services`` is the one place they are wired.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from loa.config import Settings
from storage.db import open_database, session_factory

if TYPE_CHECKING:
    from bot.zalo import Handler, ZaloBot
    from web.app import Webhook, WebServer

log = logging.getLogger(__name__)


class Service(Protocol):
    """A long-running part of Loa."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_services(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> list[Service]:
    """Wire every configured part; the order is the start order."""
    from bot.catalog import build_catalog
    from bot.commands import Commands
    from jobs.scheduler import PollScheduler

    services: list[Service] = [PollScheduler(settings, sessions)]
    commands = Commands(
        sessions, lambda: build_catalog(settings.places.province, settings.topics), settings
    )
    webhooks: list[Webhook] = []
    zalo = _zalo_bot(settings, commands.handle, webhooks)
    if zalo is not None:
        services.append(zalo)
    # The web server comes last: it feeds the bots, so it starts after and stops before them.
    web = _web_server(settings, sessions, webhooks)
    if web is not None:
        services.append(web)
    return services


def _zalo_bot(settings: Settings, handle: Handler, webhooks: list[Webhook]) -> ZaloBot | None:
    """The Zalo bot when ``[zalo] token`` is set (its webhook route when ``webhook_url`` is)."""
    from bot.zalo import ZaloBot, ZaloChannel
    from bot.zalo_api import ZaloBotApi
    from web.app import zalo_webhook

    config = settings.zalo
    if not config.token:
        return None
    api = ZaloBotApi(config.token, base_url=config.api_base_url)
    bot = ZaloBot(
        ZaloChannel(api),
        handle,
        poll_timeout_seconds=config.poll_timeout_seconds,
        webhook_url=config.webhook_url,
        webhook_secret=config.webhook_secret,
    )
    if config.webhook_url:
        webhooks.append(zalo_webhook(config.webhook_secret, bot))
    return bot


def _web_server(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], webhooks: list[Webhook]
) -> WebServer | None:
    """Loa's HTTP server when ``[web] enabled`` or any webhook is configured."""
    from web.app import WebServer, create_app

    if not (settings.web.enabled or webhooks):
        return None
    return WebServer(create_app(sessions, webhooks), settings.web.host, settings.web.port)


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
