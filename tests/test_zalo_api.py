"""The Zalo Bot API client against the emulator, over real HTTP."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from bot.zalo_api import (
    ZaloApiError,
    ZaloBotApi,
    ZaloErrorCode,
    ZaloTransportError,
    parse_update,
    secret_matches,
)
from tests.emulators.zalo import ZaloEmulator, wait_until
from tests.support.server import serve

TOKEN = "12345:emulated-secret-token"


@pytest.fixture
def emulator() -> ZaloEmulator:
    return ZaloEmulator(TOKEN)


@pytest.fixture
def base_url(emulator: ZaloEmulator) -> Iterator[str]:
    with serve(emulator.app) as url:
        yield url


@pytest.fixture
async def api(base_url: str) -> AsyncIterator[ZaloBotApi]:
    async with ZaloBotApi(TOKEN, base_url=base_url, timeout_seconds=5) as client:
        yield client


async def test_get_me(api: ZaloBotApi) -> None:
    me = await api.get_me()
    assert me["account_type"] == "BASIC"
    assert isinstance(me["id"], str)


async def test_wrong_token_raises_from_ok_false(base_url: str) -> None:
    async with ZaloBotApi("wrong", base_url=base_url) as api:
        with pytest.raises(ZaloApiError) as info:
            await api.get_me()
    assert info.value.error_code == ZaloErrorCode.UNAUTHORIZED
    assert not isinstance(info.value, ZaloTransportError)


async def test_empty_poll_returns_none_and_logs_no_error(
    api: ZaloBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert await api.get_updates(0.2) is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_poll_returns_one_update_at_a_time(api: ZaloBotApi, emulator: ZaloEmulator) -> None:
    emulator.inject_message("chat-a", "Xin chào", display_name="Lò Văn A")
    emulator.inject_message("chat-b", "/dsxa")
    first = await api.get_updates(1)
    second = await api.get_updates(1)
    assert first is not None and second is not None
    assert (first.message.chat.id, first.message.text) == ("chat-a", "Xin chào")
    assert first.message.sender.display_name == "Lò Văn A"
    assert first.is_text and first.message.date_ms > 1_600_000_000_000
    assert second.message.text == "/dsxa"
    assert await api.get_updates(0.1) is None


async def test_long_poll_wakes_when_a_message_arrives(
    api: ZaloBotApi, emulator: ZaloEmulator
) -> None:
    poll = asyncio.create_task(api.get_updates(10))
    await wait_until(lambda: "getUpdates" in emulator.calls)  # the poll is waiting
    emulator.inject_message("chat-c", "tin mới")
    update = await asyncio.wait_for(poll, 5)
    assert update is not None and update.message.text == "tin mới"


async def test_send_message_returns_string_id(api: ZaloBotApi, emulator: ZaloEmulator) -> None:
    emulator.add_chats(["chat-a"])
    sent = await api.send_message("chat-a", "Chào bạn")
    assert isinstance(sent.message_id, str) and sent.message_id
    assert [s.text for s in emulator.sent("chat-a")] == ["Chào bạn"]


@pytest.mark.parametrize(
    ("text", "code"), [("", ZaloErrorCode.BAD_REQUEST), ("x" * 2001, ZaloErrorCode.BAD_REQUEST)]
)
async def test_invalid_text_is_refused(
    api: ZaloBotApi, emulator: ZaloEmulator, text: str, code: int
) -> None:
    emulator.add_chats(["chat-a"])
    with pytest.raises(ZaloApiError) as info:
        await api.send_message("chat-a", text)
    assert info.value.error_code == code


async def test_server_error_is_a_transport_error(api: ZaloBotApi, emulator: ZaloEmulator) -> None:
    emulator.fail_next(502)
    with pytest.raises(ZaloTransportError) as info:
        await api.get_me()
    assert info.value.error_code == 502


async def test_unreachable_server_is_a_transport_error() -> None:
    async with ZaloBotApi(TOKEN, base_url="http://127.0.0.1:9", timeout_seconds=2) as api:
        with pytest.raises(ZaloTransportError):
            await api.get_me()


async def test_webhook_set_info_delete(api: ZaloBotApi, emulator: ZaloEmulator) -> None:
    info = await api.set_webhook("https://loa.example/zalo/webhook", "s3cret-value")
    assert info.url == "https://loa.example/zalo/webhook" and info.updated_at_ms
    assert (await api.get_webhook_info()).url == "https://loa.example/zalo/webhook"
    with pytest.raises(ZaloApiError) as conflict:
        await api.get_updates(0.1)
    assert conflict.value.error_code == ZaloErrorCode.CONFLICT
    assert (await api.delete_webhook()).url == ""


async def test_send_chat_action(api: ZaloBotApi, emulator: ZaloEmulator) -> None:
    await api.send_chat_action("chat-a")
    assert emulator.chat_actions == [("chat-a", "typing")]


def test_token_never_in_repr_or_errors() -> None:
    api = ZaloBotApi(TOKEN, base_url="http://127.0.0.1:9")
    assert TOKEN not in repr(api) and TOKEN not in str(api)
    error = ZaloTransportError("getMe", None, "timed out")
    assert TOKEN not in str(error)


async def test_token_not_logged_by_loa(
    api: ZaloBotApi, emulator: ZaloEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    emulator.fail_next(503)
    with pytest.raises(ZaloTransportError):
        await api.get_me()
    assert all(TOKEN not in r.getMessage() for r in caplog.records if r.name.startswith("bot"))


@pytest.mark.parametrize(
    ("expected", "received", "matches"),
    [
        ("secret-123", "secret-123", True),
        ("secret-123", "secret-124", False),
        ("secret-123", "", False),
        ("secret-123", None, False),
        (None, "secret-123", False),
        ("", "", False),
        ("mật-khẩu", "mật-khẩu", True),
    ],
)
def test_secret_matches(expected: str | None, received: str | None, matches: bool) -> None:
    assert secret_matches(expected, received) is matches


@pytest.mark.parametrize(
    "body",
    [
        {"ok": True, "result": {"event_name": "message.text.received", "message": {}}},
        {"message": {"from": {"id": "u"}}},
        {},
    ],
)
def test_parse_update_rejects_malformed(body: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        parse_update(body)


def test_parse_update_accepts_webhook_body() -> None:
    update = parse_update(
        {
            "ok": True,
            "result": {
                "event_name": "message.text.received",
                "message": {
                    "from": {"id": "u1", "display_name": "Ted", "is_bot": False},
                    "chat": {"id": "c1", "chat_type": "PRIVATE"},
                    "text": "Xin chào",
                    "message_id": "2d758cb5e222177a4e35",
                    "date": 1750316131602,
                },
            },
        }
    )
    assert (update.message.sender.id, update.message.chat.id) == ("u1", "c1")
    assert update.is_text


async def test_ok_false_with_http_200_is_an_error() -> None:
    """Status 200 is not success: ``ok`` decides (checked without a server)."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"ok": False, "error_code": 429, "description": "slow"})

    async with ZaloBotApi(TOKEN, transport=httpx.MockTransport(handler)) as api:
        with pytest.raises(ZaloApiError) as info:
            await api.send_message("c", "x")
    assert info.value.error_code == 429
