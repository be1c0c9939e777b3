"""The admin page's rows: the shared signing key, one-time links, sessions, source controls.

No jinja2, no Starlette: ``/quantri`` and ``loa admin link`` create links through this module
without loading the web stack.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from base import admin_auth as auth
from storage.models import LoginLink, WebKey, WebSession, utcnow
from storage.rows import execute_count

KEY_NAME = "admin-signing"
LOGIN_PATH = "/admin/login"


async def signing_key(session: AsyncSession) -> str:
    """The key every instance signs with: made by whichever instance needs it first (safe if
    two race: the insert that loses changes nothing, both read the winner's)."""
    found = await session.scalar(select(WebKey.value).where(WebKey.name == KEY_NAME))
    if found is not None:
        return found
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(
        insert(WebKey)
        .values(name=KEY_NAME, value=auth.new_key())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    value = await session.scalar(select(WebKey.value).where(WebKey.name == KEY_NAME))
    assert value is not None
    return value


async def create_link(
    session: AsyncSession, who: str, base_url: str, *, now: datetime | None = None
) -> str:
    """A one-time login link for ``who`` ("telegram:<id>", "zalo:<id>"), valid 10 minutes."""
    now = now or utcnow()
    token, token_hash = auth.issue_link(await signing_key(session))
    session.add(
        LoginLink(
            token_hash=token_hash, who=who, created_at=now, expires_at=now + auth.LINK_LIFETIME
        )
    )
    await session.flush()
    return f"{base_url.rstrip('/')}{LOGIN_PATH}?t={token}"


class LinkRefused(enum.StrEnum):
    UNKNOWN = "unknown"  # forged, mangled, or never issued
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class LinkUse:
    who: str | None  # set when the link was good and is now used
    refused: LinkRefused | None = None


async def use_link(
    session: AsyncSession, token: str | None, *, now: datetime | None = None
) -> LinkUse:
    """Spend a one-time link: of two concurrent uses exactly one wins (a conditional UPDATE)."""
    now = now or utcnow()
    token_hash = auth.open_link(await signing_key(session), token)
    if token_hash is None:
        return LinkUse(None, LinkRefused.UNKNOWN)
    spent = await execute_count(
        session,
        update(LoginLink)
        .where(
            LoginLink.token_hash == token_hash,
            LoginLink.used_at.is_(None),
            LoginLink.expires_at > now,
        )
        .values(used_at=now),
    )
    link = await session.get(LoginLink, token_hash)
    if link is None:
        return LinkUse(None, LinkRefused.UNKNOWN)
    if spent:
        return LinkUse(link.who)
    return LinkUse(None, LinkRefused.USED if link.used_at is not None else LinkRefused.EXPIRED)


async def open_session(session: AsyncSession, who: str, *, now: datetime | None = None) -> str:
    """A new session for ``who``; returns the cookie value."""
    now = now or utcnow()
    cookie, id_hash = auth.issue_session(await signing_key(session))
    session.add(
        WebSession(id_hash=id_hash, who=who, created_at=now, expires_at=now + auth.SESSION_LIFETIME)
    )
    await session.flush()
    return cookie


async def session_who(
    session: AsyncSession, key: str, cookie: str | None, *, now: datetime | None = None
) -> str | None:
    """Who this cookie's live session belongs to; None when forged, ended or expired."""
    id_hash = auth.open_session(key, cookie)
    if id_hash is None:
        return None
    now = now or utcnow()
    return await session.scalar(
        select(WebSession.who).where(
            WebSession.id_hash == id_hash,
            WebSession.ended_at.is_(None),
            WebSession.expires_at > now,
        )
    )


async def end_session(session: AsyncSession, key: str, cookie: str | None) -> bool:
    """Đăng xuất: the session stops working everywhere at once."""
    id_hash = auth.open_session(key, cookie)
    if id_hash is None:
        return False
    ended = await execute_count(
        session,
        update(WebSession)
        .where(WebSession.id_hash == id_hash, WebSession.ended_at.is_(None))
        .values(ended_at=utcnow()),
    )
    return ended > 0
