"""``loa chat``: talk to Loa's commands on the console, as a resident and an administrator."""

from __future__ import annotations

import argparse
import sys

from bot.catalog import build_catalog
from bot.commands import Commands
from bot.console import ConsoleChannel, run_console
from loa.config import Settings
from storage.db import open_database, session_factory

BANNER = "Loa chat: gõ /huongdan để xem các lệnh; Ctrl+D để thoát."


async def chat(settings: Settings, args: argparse.Namespace) -> int:
    """Read commands from stdin, print the replies; uses the configured database."""
    async with open_database(settings.database.url) as engine:
        sessions = session_factory(engine)
        catalog = build_catalog(settings.places.province, settings.topics)
        commands = Commands(sessions, catalog, settings)
        interactive = sys.stdin.isatty()
        if interactive:
            print(BANNER, file=sys.stderr)
        await run_console(
            commands,
            sessions,
            ConsoleChannel(sys.stdout),
            sys.stdin,
            chat_id=args.chat_id,
            prompt=interactive,
        )
    return 0
