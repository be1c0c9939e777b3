"""/quantri (/admin): an administrator gets a one-time link to the admin page (10 minutes);
anyone else a polite refusal. The link is issued for "<channel>:<user id>", the identity the
page re-checks on every request."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.admins import CONSOLE, Admins
from bot.channel import Incoming, Reply

log = logging.getLogger(__name__)


async def admin_page_link(
    sessions: async_sessionmaker[AsyncSession],
    admins: Admins,
    base_url: str,
    incoming: Incoming,
) -> list[Reply]:
    from storage.admin_access import create_link

    if incoming.channel == CONSOLE:
        return [Reply(texts.ADMIN_PAGE_CONSOLE)]
    if admins.scope(incoming.channel, incoming.user_id) is None:
        log.warning(
            "refused an admin page link to non-administrator %s:%s",
            incoming.channel,
            incoming.user_id,
        )
        return [Reply(texts.ADMIN_PAGE_REFUSED)]
    who = f"{incoming.channel}:{incoming.user_id}"
    async with sessions.begin() as session:
        url = await create_link(session, who, base_url)
    log.info("admin page link issued to %s", who)
    return [Reply(texts.admin_page_link(url))]
