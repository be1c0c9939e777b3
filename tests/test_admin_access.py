"""The admin page's rows: one-time links, sessions, the shared key, poll now / pause."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base import admin_auth as auth
from storage import admin_access as store
from storage import sources
from storage.admin_access import LinkRefused
from storage.models import Source, utcnow

BASE = "https://loa.example.gov.vn"


def token_of(url: str) -> str:
    assert url.startswith(f"{BASE}/admin/login?t=")
    return url.split("t=", 1)[1]


async def test_a_link_opens_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        token = token_of(await store.create_link(session, "zalo:z1", BASE))
    async with sessions.begin() as session:
        first = await store.use_link(session, token)
    async with sessions.begin() as session:
        second = await store.use_link(session, token)
    assert first == store.LinkUse("zalo:z1")
    assert second == store.LinkUse(None, LinkRefused.USED)


async def test_an_expired_or_unknown_link_opens_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    issued = utcnow() - timedelta(minutes=11)
    async with sessions.begin() as session:
        token = token_of(await store.create_link(session, "zalo:z1", BASE, now=issued))
        good = token_of(await store.create_link(session, "zalo:z1", BASE))
    async with sessions.begin() as session:
        assert await store.use_link(session, token) == store.LinkUse(None, LinkRefused.EXPIRED)
        assert await store.use_link(session, "nonsense") == store.LinkUse(None, LinkRefused.UNKNOWN)
        # Well signed but never issued (or its row is gone): refused all the same.
        forged, _ = auth.issue_link(await store.signing_key(session))
        assert await store.use_link(session, forged) == store.LinkUse(None, LinkRefused.UNKNOWN)
        assert (await store.use_link(session, good)).who == "zalo:z1"


async def test_a_session_ends_on_logout(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        cookie = await store.open_session(session, "telegram:42")
        key = await store.signing_key(session)
    async with sessions() as session:
        assert await store.session_who(session, key, cookie) == "telegram:42"
        assert await store.session_who(session, key, cookie + "x") is None
        later = utcnow() + timedelta(hours=12, seconds=1)
        assert await store.session_who(session, key, cookie, now=later) is None
    async with sessions.begin() as session:
        assert await store.end_session(session, key, cookie)
    async with sessions() as session:
        assert await store.session_who(session, key, cookie) is None


async def test_the_signing_key_is_made_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        first = await store.signing_key(session)
    async with sessions.begin() as session:
        assert await store.signing_key(session) == first


async def test_poll_now_is_taken_once_and_pause_is_remembered(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        session.add(Source(name="portal", url="https://example.vn/"))
    now = utcnow()
    async with sessions.begin() as session:
        assert await sources.request_poll(session, "portal", now)
        assert not await sources.request_poll(session, "unknown", now)
    async with sessions.begin() as session:
        assert await sources.take_poll_requests(session) == ["portal"]
    async with sessions.begin() as session:
        assert await sources.take_poll_requests(session) == []
        assert await sources.set_paused(session, "portal", True, now)
    async with sessions() as session:
        assert await sources.is_paused(session, "portal")
    async with sessions.begin() as session:
        await sources.set_paused(session, "portal", False, now)  # resumed: polled at once
    async with sessions.begin() as session:
        assert not await sources.is_paused(session, "portal")
        assert await sources.take_poll_requests(session) == ["portal"]
