"""The console channel: try every command locally, on stdin/stdout, without any bot token.

Replies are printed as plain text (``html_to_text``) and buttons as numbered choices, exactly as
Zalo shows them; answering with a number presses the button. Whoever runs the console is an
administrator (see ``Commands.is_admin``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TextIO

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Channel, Incoming, Reply
from bot.choices import NumberedChoices
from bot.commands import CONSOLE, Commands
from bot.render import html_to_text
from storage import residents

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
        self.output.write(html_to_text(shown.html) + "\n\n")
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
) -> int:
    """Answer each line of ``lines`` until end of input; return how many were handled.

    On the way out the console resident is deactivated: nobody reads the console once it is
    closed, so news must not queue up for it (``/start`` reactivates it next time).
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
        async with sessions.begin() as session:
            if await residents.deactivate(session, CONSOLE, chat_id):
                log.info("console resident %s deactivated on exit", chat_id)
