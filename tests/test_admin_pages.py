"""The admin page in process (httpx over ASGI, SQLite and PostgreSQL): a commune
administrator's reach, access lost when removed from the settings, expired links, Dừng, and
/metrics. The browser tests (``test_admin_browser``) drive the same pages through Chromium."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from functools import cache
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base import admin_auth as auth
from base.config import Settings, load_settings
from bot.catalog import Catalog, build_catalog
from loa.cli import main
from storage import admin_access as store
from storage import residents, subscriptions
from storage.models import Broadcast, Delivery, Source, utcnow
from storage.subscriptions import Kind
from web.admin.access import Access
from web.admin.mount import web_routes
from web.app import create_app

BASE = "http://loa.test"
PROVINCE_ADMIN, COMMUNE_ADMIN = "zprov01", "zcomm01"


@cache
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


def make_settings(tmp_path: Path, *, commune_admin: bool = True, metrics: bool = False) -> Settings:
    """Settings through the loader (so [[commune_admins]] resolve like in production)."""
    path = tmp_path / "loa.toml"
    tables = (
        f'[[commune_admins]]\ncommune = "Pom Lót"\nzalo = ["{COMMUNE_ADMIN}"]\n'
        if commune_admin
        else ""
    )
    path.write_text(
        f'[zalo]\nadmins = ["{PROVINCE_ADMIN}"]\n[web]\nmetrics = {str(metrics).lower()}\n'
        f'public_url = "{BASE}"\n{tables}',
        encoding="utf-8",
    )
    return load_settings(path)


async def seed(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Two residents chose Mường Phăng, one chose Sam Mứn (as "Pom Lót"), one gets everything."""
    async with sessions.begin() as session:
        for chat_id, commune in [
            ("r1", "Mường Phăng"),
            ("r2", "Mường Phăng"),
            ("r3", "Sam Mứn"),
            ("r4", None),
        ]:
            resident, _ = await residents.get_or_create(session, "zalo", chat_id)
            if commune:
                await subscriptions.add(session, resident.id, Kind.COMMUNE, commune, "Pom Lót")


class Web:
    def __init__(self, client: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]):
        self.client, self.sessions = client, sessions

    async def log_in(self, who: str) -> str:
        """Log ``who`` in; return the page's CSRF token."""
        async with self.sessions.begin() as session:
            link = await store.create_link(session, who, BASE)
        token = link.split("t=", 1)[1]
        answer = await self.client.post("/admin/login", data={"t": token})
        assert answer.status_code == 303, answer.text
        page = await self.client.get("/admin/")
        found = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert found is not None
        return found.group(1)


async def _web(
    sessions: async_sessionmaker[AsyncSession], settings: Settings
) -> AsyncIterator[Web]:
    routes = web_routes(settings, sessions, catalog)
    app = create_app(sessions, extra_routes=routes)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        yield Web(client, sessions)


@pytest.fixture
async def web(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> AsyncIterator[Web]:
    await seed(sessions)
    async for item in _web(sessions, make_settings(tmp_path)):
        yield item


async def _broadcasts(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count(Broadcast.id))) or 0)


async def test_a_commune_administrator_sees_and_addresses_only_their_commune(web: Web) -> None:
    csrf = await web.log_in(f"zalo:{COMMUNE_ADMIN}")
    overview = (await web.client.get("/admin/")).text
    rows = re.findall(r'data-commune="([^"]+)">(\d+)<', overview)
    assert rows[0] == ("xã Sam Mứn", "1")  # theirs first, though Mường Phăng has more
    assert ("xã Mường Phăng", "2") in rows
    form = (await web.client.get("/admin/broadcasts/new")).text
    options = re.findall(r'<option value="([^"]*)"', form.split('id="topic"')[0])
    assert options == ["Sam Mứn"]  # no "everyone", no other commune

    refused = await web.client.post(
        "/admin/broadcasts/new", data={"csrf": csrf, "text": "Họp", "commune": "Mường Phăng"}
    )
    assert refused.status_code == 403 and "Mường Phăng" in refused.text
    topic_alone = await web.client.post(
        "/admin/broadcasts/new", data={"csrf": csrf, "text": "Họp", "topic": "kinh-te"}
    )
    assert topic_alone.status_code == 403
    assert await _broadcasts(web.sessions) == 0

    # No commune named: their own commune, as a plain /thongbao in chat (bot.admins.decide).
    drafted = await web.client.post("/admin/broadcasts/new", data={"csrf": csrf, "text": "Họp dân"})
    assert drafted.status_code == 303
    async with web.sessions() as session:
        row = (await session.scalars(select(Broadcast))).one()
    assert (row.created_by, row.commune, row.scope) == (
        f"web:zalo:{COMMUNE_ADMIN}",
        "Sam Mứn",
        "commune",
    )
    preview = (await web.client.get(drafted.headers["location"])).text
    assert "Zalo · 1 người nhận" in preview and f"{row.author_name}: Họp dân" in preview


async def test_someone_removed_from_the_settings_loses_the_session(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed(sessions)
    async for web in _web(sessions, make_settings(tmp_path)):
        await web.log_in(f"zalo:{COMMUNE_ADMIN}")
        cookie = web.client.cookies[auth.COOKIE_NAME]
    async for web in _web(sessions, make_settings(tmp_path, commune_admin=False)):
        web.client.cookies[auth.COOKIE_NAME] = cookie
        answer = await web.client.get("/admin/")
        assert answer.status_code == 403 and "không còn là quản trị viên" in answer.text
        assert f'{auth.COOKIE_NAME}=""' in answer.headers["set-cookie"]


async def test_an_expired_link_opens_no_session(web: Web) -> None:
    async with web.sessions.begin() as session:
        old = utcnow() - auth.LINK_LIFETIME - timedelta(seconds=1)
        link = await store.create_link(session, f"zalo:{PROVINCE_ADMIN}", BASE, now=old)
    answer = await web.client.post("/admin/login", data={"t": link.split("t=", 1)[1]})
    assert answer.status_code == 403 and "hết hạn" in answer.text
    assert auth.COOKIE_NAME not in web.client.cookies
    assert (await web.client.get("/admin/")).status_code == 401


async def test_dung_stops_a_sending_broadcast(web: Web) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    drafted = await web.client.post("/admin/broadcasts/new", data={"csrf": csrf, "text": "Họp"})
    where = drafted.headers["location"]
    assert (await web.client.post(f"{where}/send", data={"csrf": csrf})).status_code == 303
    page = (await web.client.get(where)).text
    assert "Đang gửi" in page and ">Dừng<" in page
    assert (await web.client.post(f"{where}/cancel", data={"csrf": csrf})).status_code == 303
    progress = (await web.client.get(f"{where}/progress")).json()
    assert progress == {
        "state": "cancelled",
        "state_label": "Đã hủy",
        "sent": 0,
        "failed": 4,
        "pending": 0,
        "held": 0,
        "final": True,
    }
    async with web.sessions() as session:
        states = set((await session.scalars(select(Delivery.state))).all())
    assert states == {"failed"}


async def test_metrics_only_when_enabled(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed(sessions)
    async for web in _web(sessions, make_settings(tmp_path)):
        assert (await web.client.get("/metrics")).status_code == 404
    async for web in _web(sessions, make_settings(tmp_path, metrics=True)):
        answer = await web.client.get("/metrics")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        assert "loa_articles 0.0" in answer.text
        assert "loa_broadcasts" in answer.text


async def test_only_province_administrators_pause_a_source(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[zalo]\nadmins = ["{PROVINCE_ADMIN}"]\n'
        f'[[commune_admins]]\ncommune = "Sam Mứn"\nzalo = ["{COMMUNE_ADMIN}"]\n'
        '[[sources]]\nname = "portal"\ntype = "rss"\nurl = "https://example.vn/rss"\n',
        encoding="utf-8",
    )
    settings = load_settings(path)
    async with sessions.begin() as session:
        session.add(Source(name="portal", url="https://example.vn/rss"))
    async for web in _web(sessions, settings):
        csrf = await web.log_in(f"zalo:{COMMUNE_ADMIN}")
        page = (await web.client.get("/admin/sources")).text
        assert "Lấy tin ngay" in page and "Tạm dừng</button>" not in page
        refused = await web.client.post("/admin/sources/portal/pause", data={"csrf": csrf})
        assert refused.status_code == 403
        asked = await web.client.post("/admin/sources/portal/poll", data={"csrf": csrf})
        assert asked.status_code == 303
    async for web in _web(sessions, settings):
        csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
        paused = await web.client.post("/admin/sources/portal/pause", data={"csrf": csrf})
        assert paused.status_code == 303
    async with sessions() as session:
        row = (await session.scalars(select(Source))).one()
    assert row.paused and row.poll_requested_at is not None


async def test_quantri_gives_an_administrator_a_working_link_and_others_none(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    from bot import texts
    from bot.channel import Incoming
    from bot.commands import Commands

    settings = make_settings(tmp_path)
    commands = Commands(sessions, catalog(), settings)
    for user in (PROVINCE_ADMIN, COMMUNE_ADMIN):  # both kinds of administrator
        [reply] = await commands.handle(Incoming("zalo", user, user, "/quantri"))
        found = re.search(rf"{BASE}/admin/login\?t=(\S+)", reply.html)
        assert found is not None, reply.html
        async with sessions.begin() as session:
            assert (await store.use_link(session, found.group(1))).who == f"zalo:{user}"
    [refused] = await commands.handle(Incoming("zalo", "r1", "r1", "/admin"))
    assert refused.html == texts.ADMIN_PAGE_REFUSED
    [console] = await commands.handle(Incoming("console", "console", "console", "/quantri"))
    assert console.html == texts.ADMIN_PAGE_CONSOLE
    # "quản trị" in a sentence is no command.
    [plain] = await commands.handle(Incoming("zalo", "r1", "r1", "quan tri"))
    assert "login" not in plain.html


async def test_a_draft_reaching_nobody_says_why_and_cannot_be_sent(web: Web) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    drafted = await web.client.post(
        "/admin/broadcasts/new", data={"csrf": csrf, "text": "Họp", "commune": "Mường Nhé"}
    )
    assert drafted.status_code == 303
    where = drafted.headers["location"]
    preview = (await web.client.get(where)).text
    assert "Không có ai để gửi." in preview
    assert "Chưa có bot Zalo hay Telegram nào được cài" in preview  # no token in these settings
    assert f'action="{where}/send"' not in preview and ">Hủy<" in preview
    forged = await web.client.post(f"{where}/send", data={"csrf": csrf})
    assert forged.status_code == 303
    async with web.sessions() as session:
        row = (await session.scalars(select(Broadcast))).one()
        deliveries = await session.scalar(select(func.count(Delivery.id)))
    assert row.state == "preview" and deliveries == 0


@pytest.mark.parametrize(
    ("created_by", "shown"),
    [
        (f"web:zalo:{PROVINCE_ADMIN}", "Quản trị viên tỉnh · Zalo"),
        (f"zalo:{PROVINCE_ADMIN}", "Quản trị viên tỉnh · Zalo"),
        (f"web:zalo:{COMMUNE_ADMIN}", "UBND xã Sam Mứn · Zalo"),
        (f"cli:zalo:{COMMUNE_ADMIN}", "UBND xã Sam Mứn · Zalo"),
        ("web:telegram:111222333", "Quản trị viên cũ · Telegram"),
        ("cli", "Người vận hành máy chủ (dòng lệnh)"),
        ("console", "Bảng điều khiển trên máy chủ (loa chat)"),
    ],
)
def test_who_drafted_a_broadcast_is_shown_as_a_person(
    tmp_path: Path, created_by: str, shown: str
) -> None:
    assert Access(make_settings(tmp_path)).person(created_by) == shown


def test_admin_link_without_public_url_warns_the_link_points_at_the_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "loa.toml"
    config.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n'
        f'[zalo]\nadmins = ["{PROVINCE_ADMIN}"]\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "admin", "link", f"zalo:{PROVINCE_ADMIN}"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("http://127.0.0.1:8080/admin/login?t=")
    assert err.startswith(
        "loa admin link: warning: no [web] public_url, so this link points at"
        " http://127.0.0.1:8080, the server itself"
    )


async def test_the_overview_shows_each_channels_state(web: Web) -> None:
    """Working, paused since when and why, or off (issue 21)."""
    from storage import channel_states, instances

    now = utcnow()
    async with web.sessions.begin() as session:
        await instances.register(session, "i1", "may-1", 1, now - timedelta(seconds=10))
        await instances.acquire(session, "zalo:sender", "i1", now, timedelta(minutes=1))
        await channel_states.record(
            session, "zalo", "paused", now, "the bot is refused: sendMessage: 401 Unauthorized"
        )
    await web.log_in(f"zalo:{COMMUNE_ADMIN}")
    overview = (await web.client.get("/admin/")).text
    states = dict(re.findall(r'data-channel-state="(\w+)">([^<]+)<', overview))
    assert states == {"zalo": "Tạm dừng", "telegram": "Tắt"}
    assert "the bot is refused: sendMessage: 401 Unauthorized" in overview
