"""``loa run``: every long-running part of Loa in one asyncio process.

Start order: database (migrated) → chat bots (connect) → the coordinator, which takes this
instance's roles (poller, update streams, senders, broadcast progress) → web server; stop in
reverse. Each part is a ``Service``; ``build_services`` is the one place they are wired.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings, TelegramSettings, ZaloSettings
from base.timefmt import plural, zone
from storage.db import open_database, session_factory

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from bot.notices import AdminNotices
    from bot.telegram import TelegramBot
    from bot.zalo import Handler, ZaloBot
    from jobs.roles import Coordinator, Role, Service
    from jobs.send import OutboxSignal, Sender, Sharing, Throttling
    from web.app import Webhook, WebServer

log = logging.getLogger(__name__)


def build_services(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> list[Service]:
    """Wire every configured part; the order is the start order.

    The bots connect on every instance (each may receive webhook updates and queue answers);
    what only one instance may do at a time — poll, read a bot's update stream, send for a
    bot, report broadcast progress — are roles the ``Coordinator`` takes and hands over.
    """
    from bot.catalog import build_catalog
    from bot.commands import Commands
    from bot.notices import AdminNotices
    from bot.progress import ProgressReporter
    from jobs.media_cleanup import MediaCleanup
    from jobs.poll import PollResult
    from jobs.rhythm import RhythmJob
    from jobs.roles import Coordinator, Role
    from jobs.scheduler import PollScheduler
    from jobs.send import OutboxSignal

    queued = OutboxSignal()  # wakes this instance's senders when anything was queued
    commands = Commands(
        sessions,
        lambda: build_catalog(settings.places.province, settings.topics),
        settings,
        on_queued=queued.notify,  # a confirmed broadcast goes out at once
    )
    webhooks: list[Webhook] = []
    telegram = _telegram_bot(settings, sessions, commands.handle, webhooks, queued)
    zalo = _zalo_bot(settings, sessions, commands.handle, webhooks, queued)
    bots = [bot for bot in (zalo, telegram) if bot is not None]
    _describe(settings, bots)

    notices = AdminNotices(settings, sessions, on_queued=queued.notify)
    tz = zone(settings.places.timezone)

    from web.admin.mount import Counters, web_routes

    counters = Counters() if settings.web.metrics else None  # /metrics: this process's figures

    def polled(result: PollResult) -> None:
        if counters is not None:
            counters.polled(result.source, result.ok, result.not_modified, result.stored)
        if result.queued:
            queued.notify()
        notices.source_changed(result, tz)  # a source that broke or recovered

    def poller() -> Service:
        return PollScheduler(settings, sessions, on_result=polled)

    roles = [Role("poller", poller)]
    coordinator = Coordinator(sessions, roles, lease_seconds=settings.coordination.lease_seconds)
    for bot in bots:
        channel = bot.channel.name
        if not _webhook_url(settings, channel):
            roles.append(Role(f"{channel}:updates", _updates_role(bot)))
        throttling = counters.throttling if counters is not None else None
        make = _sender(settings, sessions, queued, bot, notices, throttling)
        config = _channel_settings(settings, channel)
        roles.extend(_sender_roles(channel, config, make, coordinator))
    channels = {bot.channel.name: bot.channel for bot in bots}
    limits = {name: channel.max_text_length for name, channel in channels.items()}

    def reporter() -> Service:
        # Broadcast progress, and residents' bulletins and quiet hours (jobs.rhythm): each
        # must happen once, so they share the one role.
        return _Together(
            ProgressReporter(sessions, channels, on_queued=queued.notify),
            RhythmJob(sessions, tz, limits=limits, on_queued=queued.notify),
            MediaCleanup(sessions, timedelta(days=settings.media.retention_days)),
        )

    roles.append(Role("reporter", reporter))
    services: list[Service] = [*bots]
    if settings.database.url.startswith("postgresql"):
        from jobs.doorbell import Doorbell

        services.append(Doorbell(settings.database.url, queued))  # answers from other instances
    services.append(coordinator)
    # The web server comes last: it feeds the bots, so it starts after and stops before them.
    pages = web_routes(settings, sessions, lambda: commands.catalog, queued.notify, counters)
    web = _web_server(settings, sessions, webhooks, lambda: coordinator.roles, pages)
    if web is not None:
        services.append(web)
    return services


def _webhook_url(settings: Settings, channel: str) -> str | None:
    return settings.telegram.webhook_url if channel == "telegram" else settings.zalo.webhook_url


class _Together:
    """Services that start and stop as one (a role's several jobs)."""

    def __init__(self, *services: Service) -> None:
        self.name = " + ".join(service.name for service in services)
        self._services = services

    async def start(self) -> None:
        for service in self._services:
            await service.start()

    async def stop(self) -> None:
        for service in reversed(self._services):
            await service.stop()


class _Updates:
    """The ``<channel>:updates`` role: this instance reads the bot's long-polling stream."""

    def __init__(self, bot: TelegramBot | ZaloBot) -> None:
        self.name = f"{bot.channel.name} updates"
        self._bot = bot

    async def start(self) -> None:
        await self._bot.start_polling()

    async def stop(self) -> None:
        await self._bot.stop_polling()


def _updates_role(bot: TelegramBot | ZaloBot) -> Callable[[], Service]:
    return lambda: _Updates(bot)


def _describe(settings: Settings, bots: list[TelegramBot | ZaloBot]) -> None:
    """One line on what this run does, so an operator sees at once what is on and off."""
    names = ", ".join(f"{s.name} every {s.interval_seconds:g} s" for s in settings.sources)
    count = plural(len(settings.sources), "source")
    log.info("polling %s: %s", count, names or "none configured")
    running = {bot.channel.name for bot in bots}
    for channel, env in (("zalo", "LOA_ZALO_TOKEN"), ("telegram", "LOA_TELEGRAM_TOKEN")):
        if channel not in running:
            log.info("%s bot off: no [%s] token (or %s)", channel, channel, env)


def _telegram_bot(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    handle: Handler,
    webhooks: list[Webhook],
    queued: OutboxSignal,
) -> TelegramBot | None:
    """The Telegram bot when ``[telegram] token`` is set (its webhook route when configured)."""
    from bot.outgoing import Answers
    from bot.telegram import TelegramBot
    from web.app import telegram_webhook

    config = settings.telegram
    if not config.token:
        return None
    # The sender's requests (one sender, whatever the shares held) plus button answers. Not
    # more: httpcore looks through every connection for each request.
    pool = settings.sender.concurrency + 8
    answers = Answers(sessions, "telegram", on_queued=queued.notify)
    bot = TelegramBot(config, sessions, handle, connection_pool_size=pool, answers=answers)
    if config.webhook_url:
        webhooks.append(telegram_webhook(config.webhook_secret, bot))
    return bot


def _sender(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    queued: OutboxSignal,
    bot: TelegramBot | ZaloBot,
    notices: AdminNotices,
    throttling: Throttling | None = None,
) -> Callable[[Callable[[], bool], Sharing | None], Sender]:
    """How this bot's sender is made: the one paced path of everything it sends (``throttling``
    counts its 429s for /metrics), fenced by ``holds`` (its lease), for ``sharing``'s shares
    when the sending is shared."""
    from jobs.send import Sender

    config = _channel_settings(settings, bot.channel.name)

    def sender(holds: Callable[[], bool], sharing: Sharing | None) -> Sender:
        return Sender(
            bot.channel,
            sessions,
            settings.sender,
            rate_per_second=config.rate_limit_per_second,
            per_chat_interval=config.per_chat_interval_seconds,
            signal=queued,
            on_long_pause=notices.channel_paused(),
            on_broken=notices.channel_broken(),
            on_voice_off=notices.voice_off(),
            holds=holds,
            throttling=throttling,
            sharing=sharing,
        )

    return sender


def _sender_roles(
    channel: str,
    config: TelegramSettings | ZaloSettings,
    make: Callable[[Callable[[], bool], Sharing | None], Sender],
    coordinator: Coordinator,
) -> list[Role]:
    """``<channel>:sender``; or, with ``sender_shares = N``, the N roles ``<channel>:sender#k/N``
    whose holder sends share k's chats, with one sender for the shares it holds
    (``jobs.sharing``)."""
    from jobs.roles import Role
    from jobs.sharing import SharedSending
    from storage.instances import sender_role

    count = config.sender_shares
    if count == 1:
        role = sender_role(channel)
        holds = functools.partial(coordinator.holds, role)  # the sender's fence
        return [Role(role, lambda: make(holds, None))]
    names = {k: sender_role(channel, (k, count)) for k in range(1, count + 1)}
    sending = SharedSending(
        channel,
        count,
        config.rate_limit_per_second,
        config.per_chat_interval_seconds,
        lambda sharing: make(lambda: True, sharing),  # fenced per share instead
        lambda k: coordinator.holds(names[k]),
    )
    group = sender_role(channel)
    return [
        Role(name, functools.partial(sending.role, k), group=group) for k, name in names.items()
    ]


def _channel_settings(settings: Settings, channel: str) -> TelegramSettings | ZaloSettings:
    return settings.telegram if channel == "telegram" else settings.zalo


def _zalo_bot(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    handle: Handler,
    webhooks: list[Webhook],
    queued: OutboxSignal,
) -> ZaloBot | None:
    """The Zalo bot when ``[zalo] token`` is set (its webhook route when ``webhook_url`` is)."""
    from bot.outgoing import Answers
    from bot.zalo import ZaloBot, ZaloChannel
    from bot.zalo_api import ZaloBotApi
    from storage import updates
    from storage.models import utcnow
    from web.app import zalo_webhook

    config = settings.zalo
    if not config.token:
        return None
    api = ZaloBotApi(config.token, base_url=config.api_base_url)

    async def first_time(message_id: str) -> bool:
        return await updates.first_time(sessions, "zalo", message_id, utcnow())

    bot = ZaloBot(
        ZaloChannel(api),
        handle,
        poll_timeout_seconds=config.poll_timeout_seconds,
        webhook_url=config.webhook_url,
        webhook_secret=config.webhook_secret,
        answers=Answers(sessions, "zalo", numbered_choices=True, on_queued=queued.notify),
        seen=first_time,
    )
    if config.webhook_url:
        webhooks.append(zalo_webhook(config.webhook_secret, bot))
    return bot


def _web_server(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    webhooks: list[Webhook],
    roles: Callable[[], list[str]],
    pages: Sequence[BaseRoute] = (),
) -> WebServer | None:
    """Loa's HTTP server when ``[web] enabled`` or any webhook is configured (``pages``: the
    admin page and /metrics)."""
    from web.app import WebServer, create_app

    if not (settings.web.enabled or webhooks or settings.web.public_url):
        return None  # (a public_url is where Zalo fetches broadcast media: serve it)
    app = create_app(sessions, webhooks, roles, pages)
    if not settings.web.public_url:
        log.warning(
            "no [web] public_url: admin page links point at %s, the server itself, and Zalo"
            " residents get broadcast photos as text only; set [web] public_url",
            settings.web.base_url,
        )
    admin_url = f"{settings.web.base_url}/admin/" if pages else None
    return WebServer(app, settings.web.host, settings.web.port, admin_url)


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
