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
    from bot.telegram import TelegramBot
    from bot.zalo import Handler, ZaloBot
    from jobs.send import OutboxSignal
    from web.app import Webhook, WebServer

log = logging.getLogger(__name__)


class Service(Protocol):
    """A long-running part of Loa."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_services(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> list[Service]:
    """Wire every configured part; the order is the start order."""
    from bot.broadcast import ProgressReporter
    from bot.catalog import build_catalog
    from bot.commands import Commands
    from jobs.scheduler import PollScheduler
    from jobs.send import OutboxSignal

    queued = OutboxSignal()  # the poller wakes the senders when it queued deliveries
    services: list[Service] = [
        PollScheduler(settings, sessions, on_result=lambda r: queued.notify() if r.queued else None)
    ]
    commands = Commands(
        sessions,
        lambda: build_catalog(settings.places.province, settings.topics),
        settings,
        on_queued=queued.notify,  # a confirmed broadcast goes out at once
    )
    webhooks: list[Webhook] = []
    telegram = _telegram_bot(settings, sessions, commands.handle, webhooks)
    zalo = _zalo_bot(settings, commands.handle, webhooks)
    bots = [bot for bot in (telegram, zalo) if bot is not None]
    _describe(settings, bots)
    services.extend(bots)
    services.extend(_senders(settings, sessions, queued, bots))
    # Edits each broadcast's preview with its progress and stores the final report.
    services.append(ProgressReporter(sessions, {bot.channel.name: bot.channel for bot in bots}))
    # The web server comes last: it feeds the bots, so it starts after and stops before them.
    web = _web_server(settings, sessions, webhooks)
    if web is not None:
        services.append(web)
    return services


def _describe(settings: Settings, bots: list[TelegramBot | ZaloBot]) -> None:
    """One line on what this run does, so an operator sees at once what is on and off."""
    names = ", ".join(f"{s.name} every {s.interval_seconds:g} s" for s in settings.sources)
    log.info("polling %d sources: %s", len(settings.sources), names or "none configured")
    running = {bot.channel.name for bot in bots}
    for channel, env in (("telegram", "LOA_TELEGRAM_TOKEN"), ("zalo", "LOA_ZALO_TOKEN")):
        if channel not in running:
            log.info("%s bot off: no [%s] token (or %s)", channel, channel, env)


def _telegram_bot(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    handle: Handler,
    webhooks: list[Webhook],
) -> TelegramBot | None:
    """The Telegram bot when ``[telegram] token`` is set (its webhook route when configured)."""
    from bot.telegram import TelegramBot
    from web.app import telegram_webhook

    config = settings.telegram
    if not config.token:
        return None
    pool = settings.sender.concurrency + 8  # the sender's requests plus replies to commands
    bot = TelegramBot(config, sessions, handle, connection_pool_size=pool)
    if config.webhook_url:
        webhooks.append(telegram_webhook(config.webhook_secret, bot))
    return bot


def _senders(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    queued: OutboxSignal,
    bots: list[TelegramBot | ZaloBot],
) -> list[Service]:
    """One sender per running channel, each with that channel's pacing."""
    from jobs.send import Sender

    senders: list[Service] = []
    for bot in bots:
        config = settings.telegram if bot.channel.name == "telegram" else settings.zalo
        sender = Sender(
            bot.channel,
            sessions,
            settings.sender,
            rate_per_second=config.rate_limit_per_second,
            per_chat_interval=config.per_chat_interval_seconds,
            signal=queued,
        )
        senders.append(sender)
    return senders


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
