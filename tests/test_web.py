"""The web app: /healthz and both webhooks (correct, wrong, missing secret), served for real."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bot.channel import Incoming, Reply
from bot.zalo import ZaloBot, ZaloChannel
from bot.zalo_api import ZaloBotApi
from storage.db import open_database, session_factory
from storage.models import Source
from tests.emulators.zalo import ZaloEmulator, wait_until
from tests.support.ports import free_port
from tests.support.server import serve
from web.app import (
    TELEGRAM_SECRET_HEADER,
    ZALO_SECRET_HEADER,
    WebServer,
    create_app,
    telegram_webhook,
    zalo_webhook,
)

TOKEN = "55:web-test"
ZALO_SECRET = "zalo-secret-1234"
TELEGRAM_SECRET = "telegram-secret-5678"


class Recorder:
    """A webhook target that remembers what it was given."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []

    async def process_webhook_update(self, data: dict[str, Any]) -> None:
        self.updates.append(data)


@pytest.fixture
def emulator() -> ZaloEmulator:
    return ZaloEmulator(TOKEN)


@pytest.fixture
def zalo_url(emulator: ZaloEmulator) -> Iterator[str]:
    with serve(emulator.app) as url:
        yield url


async def echo(incoming: Incoming) -> list[Reply]:
    return [Reply(f"Đã nhận: {incoming.text}")]


@pytest.fixture
async def local_sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """SQLite only: the webhook tests do not touch the database (healthz runs on both)."""
    async with open_database(f"sqlite+aiosqlite:///{tmp_path / 'web.db'}") as engine:
        yield session_factory(engine)


@pytest.fixture
async def web(
    local_sessions: async_sessionmaker[AsyncSession], zalo_url: str
) -> AsyncIterator[tuple[str, Recorder, ZaloBot]]:
    """A running web server with a real ZaloBot and a recording Telegram target."""
    telegram = Recorder()
    bot = ZaloBot(
        ZaloChannel(ZaloBotApi(TOKEN, base_url=zalo_url)),
        echo,
        webhook_url="https://loa.example/zalo/webhook",
        webhook_secret=ZALO_SECRET,
    )
    app = create_app(
        local_sessions,
        [telegram_webhook(TELEGRAM_SECRET, telegram), zalo_webhook(ZALO_SECRET, bot)],
    )
    server = WebServer(app, "127.0.0.1", 0)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}", telegram, bot
    finally:
        await server.stop()
        await bot.channel.aclose()


def zalo_update(chat_id: str, text: str) -> dict[str, Any]:
    message = {
        "from": {"id": chat_id, "display_name": "Quàng Văn C", "is_bot": False},
        "chat": {"id": chat_id, "chat_type": "PRIVATE"},
        "text": text,
        "message_id": "m1",
        "date": 1750316131602,
    }
    return {"ok": True, "result": {"event_name": "message.text.received", "message": message}}


async def test_healthz_reports_database_and_sources(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    server = WebServer(create_app(sessions), "127.0.0.1", 0)
    await server.start()
    url = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient() as client:
        empty = (await client.get(f"{url}/healthz")).json()
        async with sessions.begin() as session:
            polled = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
            session.add(Source(name="tinh", url="https://x.example", last_success_at=polled))
        filled = await client.get(f"{url}/healthz")
    await server.stop()
    off = {"state": "off", "since": None, "reason": "no sender running"}
    assert empty == {
        "ok": True,
        "database": True,
        "sources": 0,
        "last_poll": None,
        "channels": {"zalo": off, "telegram": off},
    }
    assert filled.status_code == 200
    assert filled.json()["sources"] == 1 and filled.json()["last_poll"].startswith("2026-11-20")


async def test_healthz_says_which_roles_this_instance_holds(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    held = ["zalo:sender", "poller"]
    server = WebServer(create_app(sessions, roles=lambda: held), "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            body = (await client.get(f"http://127.0.0.1:{server.port}/healthz")).json()
    finally:
        await server.stop()
    assert body["ok"] is True and body["roles"] == ["poller", "zalo:sender"]


async def test_healthz_unreachable_database_is_503(tmp_path: Any) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'missing-dir' / 'loa.db'}"
    engine = create_async_engine(url)
    server = WebServer(create_app(session_factory(engine)), "127.0.0.1", 0)
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            response = await client.get(f"http://127.0.0.1:{server.port}/healthz")
    finally:
        await server.stop()
        await engine.dispose()
    assert response.status_code == 503 and response.json()["database"] is False


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({ZALO_SECRET_HEADER: ZALO_SECRET}, 200),
        ({ZALO_SECRET_HEADER: "wrong-secret-123"}, 403),
        ({}, 403),
        ({TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET}, 403),  # the other platform's header
    ],
)
async def test_zalo_webhook_secret(
    web: tuple[str, Recorder, ZaloBot],
    emulator: ZaloEmulator,
    headers: dict[str, str],
    status: int,
) -> None:
    url = web[0]
    emulator.add_chats(["z1"])
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{url}/zalo/webhook", json=zalo_update("z1", "/start"), headers=headers
        )
    assert response.status_code == status
    expected = ["Đã nhận: /start"] if status == 200 else []
    assert [s.text for s in emulator.sent("z1")] == expected


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET}, 200),
        ({TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET + "x"}, 403),
        ({}, 403),
    ],
)
async def test_telegram_webhook_secret(
    web: tuple[str, Recorder, ZaloBot], headers: dict[str, str], status: int
) -> None:
    url, telegram, _ = web
    update = {"update_id": 1, "message": {"message_id": 1, "text": "/start"}}
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{url}/telegram/webhook", json=update, headers=headers)
    assert response.status_code == status
    assert telegram.updates == ([update] if status == 200 else [])


async def test_webhook_rejects_non_json(web: tuple[str, Recorder, ZaloBot]) -> None:
    url, telegram, _ = web
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{url}/telegram/webhook",
            content=b"not json",
            headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET},
        )
    assert response.status_code == 400 and telegram.updates == []


async def test_zalo_platform_delivers_to_loa_webhook(
    local_sessions: async_sessionmaker[AsyncSession], zalo_url: str, emulator: ZaloEmulator
) -> None:
    """The whole webhook path: emulator → Loa's web server → ZaloBot → sendMessage."""
    port = free_port()
    bot = ZaloBot(
        ZaloChannel(ZaloBotApi(TOKEN, base_url=zalo_url)),
        echo,
        webhook_url=f"http://127.0.0.1:{port}/zalo/webhook",
        webhook_secret=ZALO_SECRET,
    )
    app = create_app(local_sessions, [zalo_webhook(ZALO_SECRET, bot)])
    server = WebServer(app, "127.0.0.1", port)
    await server.start()
    await bot.start()
    try:
        emulator.inject_message("z2", "dsxa")
        await wait_until(lambda: len(emulator.sent("z2")) == 1)
    finally:
        await server.stop()
        await bot.stop()
    assert emulator.sent("z2")[0].text == "Đã nhận: dsxa"
    assert [d.status_code for d in emulator.webhook_deliveries] == [200]


async def test_web_server_stops_cleanly_and_frees_the_port(
    local_sessions: async_sessionmaker[AsyncSession],
) -> None:
    server = WebServer(create_app(local_sessions), "127.0.0.1", 0)
    await server.start()
    port = server.port
    await server.stop()
    again = WebServer(create_app(local_sessions), "127.0.0.1", port)
    await again.start()
    await again.stop()
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as client:
            await client.get(f"http://127.0.0.1:{port}/healthz")
