"""``loa admin link zalo:ID|telegram:ID``: the one-time admin page link, printed on stdout
for the operator to pass on (the same link ``/quantri`` sends in chat, valid 10 minutes).
Someone who is no administrator gets no link: exit status 2 with a message."""

from __future__ import annotations

import argparse
import sys

from base.config import Settings
from bot.admins import CHANNELS, Admins
from storage.db import open_database, session_factory


async def admin(settings: Settings, args: argparse.Namespace) -> int:
    from storage.admin_access import create_link

    channel, colon, user_id = args.who.strip().partition(":")
    if not colon or channel not in CHANNELS or not user_id.strip():
        print(
            f"loa admin link: {args.who!r} is not CHANNEL:ID (zalo:ID or telegram:ID)",
            file=sys.stderr,
        )
        return 2
    user_id = user_id.strip()
    if Admins(settings).scope(channel, user_id) is None:
        print(
            f"loa admin link: {channel}:{user_id} is no administrator: add the id to "
            f"[{channel}] admins or to a [[commune_admins]] table",
            file=sys.stderr,
        )
        return 2
    async with open_database(settings.database.url) as engine:
        async with session_factory(engine).begin() as session:
            url = await create_link(session, f"{channel}:{user_id}", settings.web.base_url)
    if not settings.web.public_url:
        print(
            f"loa admin link: warning: no [web] public_url, so this link points at"
            f" {settings.web.base_url}, the server itself; it opens only there. Set [web]"
            " public_url to the https:// address officials reach (docs/deploy.md)",
            file=sys.stderr,
        )
    print(url)
    return 0
