"""``loa chat``: talk to Loa's commands on the console, as a resident and an administrator.

Answers are printed as they are computed; everything else queued for the console resident —
a broadcast confirmed here with Gửi, news while the console is open — goes through the outbox
like on any bot, so ``loa chat`` runs the console channel's own ``Sender`` beside the
conversation. It also writes a heartbeat (an ``instances`` row holding ``console:sender``),
so that ``loa broadcast`` sees the console's sender as alive while the console is open. Logs
go to stderr at WARNING and above only, whatever ``[logging] level`` says: nothing below a
warning interrupts the conversation.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import socket
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from bot.catalog import build_catalog
from bot.commands import CONSOLE, Commands
from bot.console import ConsoleChannel, drain, report_console_broadcasts, run_console
from jobs.send import OutboxSignal, Sender
from loa.logs import quiet_below
from storage import instances
from storage.db import open_database, session_factory
from storage.models import utcnow

BANNER = (
    "Loa chat: gõ /huongdan để xem các lệnh; Ctrl+D để thoát."
    " (Nhật ký: chỉ cảnh báo và lỗi, trên stderr.)"
)
HEARTBEAT_SECONDS = 15.0  # well within storage.instances.STALE_AFTER
REPORT_SECONDS = 1.0
SENDER_ROLE = f"{CONSOLE}:sender"

log = logging.getLogger(__name__)


async def chat(settings: Settings, args: argparse.Namespace) -> int:
    """Read commands from stdin, print the replies; uses the configured database."""
    quiet_below(logging.WARNING)  # no INFO lines inside the conversation (stderr: warnings)
    async with open_database(settings.database.url) as engine:
        sessions = session_factory(engine)
        catalog = build_catalog(settings.places.province, settings.topics)
        queued = OutboxSignal()
        commands = Commands(sessions, catalog, settings, on_queued=queued.notify)
        channel = ConsoleChannel(sys.stdout)
        interactive = sys.stdin.isatty()
        if interactive:
            print(BANNER, file=sys.stderr)
        async with console_sender(sessions, settings, channel, queued):
            reports = asyncio.create_task(_reports(sessions, channel), name="console reports")

            async def before_exit() -> None:
                reports.cancel()
                await asyncio.gather(reports, return_exceptions=True)
                await drain(sessions)  # a broadcast just confirmed is shown before we leave
                if await report_console_broadcasts(sessions, channel):
                    await drain(sessions)

            await run_console(
                commands,
                sessions,
                channel,
                sys.stdin,
                chat_id=args.chat_id,
                prompt=interactive,
                before_exit=before_exit,
            )
    return 0


@contextlib.asynccontextmanager
async def console_sender(
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    channel: ConsoleChannel,
    queued: OutboxSignal,
) -> AsyncIterator[Sender]:
    """The console's sender (no rate limit, no per-chat spacing) and its heartbeat, for the
    duration of the block."""
    sender = Sender(
        channel,
        sessions,
        settings.sender,
        rate_per_second=None,
        per_chat_interval=0.0,
        signal=queued,
    )
    instance_id = f"{socket.gethostname()}-{os.getpid()}-chat-{uuid.uuid4().hex[:8]}"
    await _register(sessions, instance_id)
    await sender.start()
    heartbeats = asyncio.create_task(_heartbeats(sessions, instance_id), name="console heartbeat")
    try:
        yield sender
    finally:
        heartbeats.cancel()
        await asyncio.gather(heartbeats, return_exceptions=True)
        await sender.stop()
        try:
            async with sessions.begin() as session:
                await instances.deregister(session, instance_id)
        except Exception as exc:  # the row goes stale by itself
            log.warning("could not remove the console's heartbeat: %s", exc)


async def _register(sessions: async_sessionmaker[AsyncSession], instance_id: str) -> None:
    now = utcnow()
    async with sessions.begin() as session:
        await instances.register(session, instance_id, socket.gethostname(), os.getpid(), now)
        await _hold(session, instance_id)


async def _hold(session: AsyncSession, instance_id: str) -> None:
    """Heartbeat and the console sender's lease (what `loa broadcast` looks for)."""
    now = utcnow()
    lease = timedelta(seconds=HEARTBEAT_SECONDS * 3)
    await instances.acquire(session, SENDER_ROLE, instance_id, now, lease)
    await instances.heartbeat(session, instance_id, [SENDER_ROLE], now)


async def _heartbeats(sessions: async_sessionmaker[AsyncSession], instance_id: str) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            async with sessions.begin() as session:
                await _hold(session, instance_id)
        except LookupError:  # removed as stale (the machine slept): register again
            await _register(sessions, instance_id)
        except Exception as exc:
            log.warning("console heartbeat failed: %s", exc)


async def _reports(sessions: async_sessionmaker[AsyncSession], channel: ConsoleChannel) -> None:
    while True:
        await asyncio.sleep(REPORT_SECONDS)
        try:
            await report_console_broadcasts(sessions, channel)
        except Exception:
            log.exception("reporting console broadcasts failed")
