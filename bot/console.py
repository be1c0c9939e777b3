"""The console channel: try every command locally, on stdin/stdout, without any bot token.

Replies are printed as plain text (``html_to_text``) and buttons as numbered choices, exactly as
Zalo shows them; answering with a number presses the button. Whoever runs the console is an
administrator (see ``Commands.is_admin``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.channel import Channel, Incoming, Reply
from bot.choices import NumberedChoices
from bot.commands import CONSOLE, Commands
from bot.render import html_to_text
from storage import broadcast_progress, residents
from storage.models import Broadcast, BroadcastState, Delivery, DeliveryState, in_state

log = logging.getLogger(__name__)

PROMPT = "> "


class ConsoleChannel(Channel):
    """Writes replies to a text stream; message ids count up from 1."""

    name = CONSOLE
    max_text_length = 4096

    def __init__(self, output: TextIO, choices: NumberedChoices | None = None) -> None:
        self.output = output
        self.choices = choices if choices is not None else NumberedChoices()
        self._sent = 0

    async def send(self, chat_id: str, reply: Reply) -> str:
        shown = self.choices.present(chat_id, reply)
        media = reply.photo_url or reply.voice_url  # a console shows no media: its address
        label = f"[{'ảnh' if reply.photo_url else 'ghi âm'}: {media}]\n" if media else ""
        self.output.write(label + html_to_text(shown.html) + "\n\n")
        self.output.flush()
        self._sent += 1
        return str(self._sent)

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        self.output.write(f"[#{message_id}] ")
        await self.send(chat_id, reply)


async def run_console(
    commands: Commands,
    sessions: async_sessionmaker[AsyncSession],
    channel: ConsoleChannel,
    lines: TextIO,
    *,
    chat_id: str = "console",
    prompt: bool = False,
    before_exit: Callable[[], Awaitable[None]] | None = None,
) -> int:
    """Answer each line of ``lines`` until end of input; return how many were handled.

    On the way out ``before_exit`` runs (``loa chat`` lets its sender deliver what is still
    queued for the console), then the console resident is deactivated: nobody reads the
    console once it is closed, so news must not queue up for it (``/start`` reactivates it).
    """
    handled = 0
    try:
        while True:
            if prompt:
                channel.output.write(PROMPT)
                channel.output.flush()
            line = await asyncio.to_thread(lines.readline)
            if not line:
                return handled
            if not line.strip():
                continue
            incoming = Incoming(
                channel=CONSOLE, chat_id=chat_id, user_id=chat_id, text=line.strip()
            )
            for reply in await commands.handle(channel.choices.answer(incoming)):
                await channel.send(chat_id, reply)
            handled += 1
    finally:
        if before_exit is not None:
            await before_exit()
        async with sessions.begin() as session:
            if await residents.deactivate(
                session, CONSOLE, chat_id, by="console", why="console closed"
            ):
                log.info("console resident %s deactivated on exit", chat_id)


async def pending_for_console(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Messages still queued for the console channel."""
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(Delivery.channel == CONSOLE, in_state(DeliveryState.PENDING))
        )
    return int(count or 0)


async def drain(sessions: async_sessionmaker[AsyncSession], within: float = 5.0) -> bool:
    """Wait (at most ``within`` seconds) until nothing is queued for the console."""
    deadline = time.monotonic() + within
    while await pending_for_console(sessions):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def report_console_broadcasts(
    sessions: async_sessionmaker[AsyncSession], channel: ConsoleChannel
) -> int:
    """Print the final report of each broadcast confirmed on the console once it has finished
    (``loa chat`` runs no ``ProgressReporter``: that role belongs to ``loa run``, which reports
    to the bots' chats). Return how many reports were printed."""
    async with sessions() as session:
        rows = await session.execute(
            select(Broadcast.id, Broadcast.origin_chat_id).where(
                Broadcast.state == BroadcastState.SENDING.value,
                Broadcast.origin_channel == CONSOLE,
            )
        )
        sending = list(rows.all())
    shown = 0
    for broadcast_id, chat_id in sending:
        async with sessions.begin() as session:
            current = await broadcast_progress.progress(session, broadcast_id)
            if not current.finished:
                continue
            await broadcast_progress.finish_if_done(session, broadcast_id)
        report = texts.broadcast_progress(current.sent, current.failed, 0, done=True)
        await channel.send(chat_id or CONSOLE, Reply(report))
        shown += 1
    return shown
