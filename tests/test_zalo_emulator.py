"""The Zalo emulator speaks the wire format of reference C (checked with raw HTTP)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.zalo_api import ZaloErrorCode
from tests.emulators.zalo import WEBHOOK_HEADER, ZaloEmulator, wait_until
from tests.support.server import serve

TOKEN = "777:emulator-test"


@pytest.fixture
def emulator() -> ZaloEmulator:
    return ZaloEmulator(TOKEN, rate_limit_per_second=5)


@pytest.fixture
async def http(base_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=f"{base_url}/bot{TOKEN}/", timeout=5) as client:
        yield client


async def call(http: httpx.AsyncClient, method: str, **body: Any) -> dict[str, Any]:
    response = await http.post(method, json=body)
    assert response.status_code == 200  # Zalo answers 200 even for ok: false
    data: dict[str, Any] = response.json()
    return data


async def test_empty_poll_is_http_200_with_408(http: httpx.AsyncClient) -> None:
    body = await call(http, "getUpdates", timeout="0.1")
    assert body == {"ok": False, "error_code": 408, "description": "Request timeout"}


async def test_a_long_poll_ends_when_its_client_hangs_up(
    base_url: str, http: httpx.AsyncClient, emulator: ZaloEmulator
) -> None:
    """A stopped process's last poll must not take the next process's message."""
    async with httpx.AsyncClient(base_url=f"{base_url}/bot{TOKEN}/", timeout=60) as gone:
        poll = asyncio.ensure_future(gone.post("getUpdates", json={"timeout": 30}))
        await wait_until(lambda: emulator.polling == 1)
        poll.cancel()  # the client goes away mid-poll
        with pytest.raises(asyncio.CancelledError):
            await poll
    await wait_until(lambda: emulator.polling == 0)
    emulator.inject_message("c1", "Xin chào")
    body = await call(http, "getUpdates", timeout=5)
    assert body["ok"] is True and body["result"]["message"]["text"] == "Xin chào"


async def test_update_shape_string_ids_ms_dates(
    http: httpx.AsyncClient, emulator: ZaloEmulator
) -> None:
    emulator.inject_message("c1", "Xin chào", user_id="u1", display_name="Ted")
    body = await call(http, "getUpdates", timeout=1)
    assert body["ok"] is True
    message = body["result"]["message"]
    assert body["result"]["event_name"] == "message.text.received"
    assert message["from"] == {"id": "u1", "display_name": "Ted", "is_bot": False}
    assert message["chat"] == {"id": "c1", "chat_type": "PRIVATE"}
    assert isinstance(message["message_id"], str) and message["date"] > 10**12


async def test_image_event_has_no_text(http: httpx.AsyncClient, emulator: ZaloEmulator) -> None:
    emulator.inject_message("c1", "", event_name="message.image.received")
    body = await call(http, "getUpdates", timeout=1)
    assert "text" not in body["result"]["message"]


async def test_unknown_chat_blocked_and_rate_limit(
    http: httpx.AsyncClient, emulator: ZaloEmulator
) -> None:
    unknown = await call(http, "sendMessage", chat_id="nobody", text="x")
    assert unknown["error_code"] == ZaloErrorCode.NOT_FOUND
    emulator.add_chats(["c1", "c2"])
    emulator.block("c2")
    blocked = await call(http, "sendMessage", chat_id="c2", text="x")
    assert blocked["error_code"] == ZaloErrorCode.FORBIDDEN
    answers = [await call(http, "sendMessage", chat_id="c1", text="x") for _ in range(10)]
    throttled = [a for a in answers if not a["ok"]]
    assert throttled and all(a["error_code"] == ZaloErrorCode.TOO_MANY_REQUESTS for a in throttled)
    assert emulator.throttled >= len(throttled)


async def test_text_limits(http: httpx.AsyncClient, emulator: ZaloEmulator) -> None:
    emulator.add_chats(["c1"])
    assert (await call(http, "sendMessage", chat_id="c1", text="ă" * 2000))["ok"] is True
    too_long = await call(http, "sendMessage", chat_id="c1", text="ă" * 2001)
    assert too_long["ok"] is False and too_long["error_code"] == ZaloErrorCode.BAD_REQUEST
    assert [len(s.text) for s in emulator.sent()] == [2000]


async def test_set_webhook_validates_secret(http: httpx.AsyncClient) -> None:
    short = await call(http, "setWebhook", url="https://x.example/hook", secret_token="short")
    assert short["ok"] is False
    missing = await call(http, "setWebhook", url="https://x.example/hook")
    assert missing["ok"] is False


async def test_webhook_delivery_carries_the_secret(
    http: httpx.AsyncClient, emulator: ZaloEmulator
) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: Request) -> JSONResponse:
        received.append((request.headers.get(WEBHOOK_HEADER), await request.json()))
        return JSONResponse({"ok": True})

    with serve(Starlette(routes=[Route("/hook", hook, methods=["POST"])])) as hook_url:
        answer = await call(http, "setWebhook", url=f"{hook_url}/hook", secret_token="s3cret-tok")
        assert answer["result"]["url"] == f"{hook_url}/hook"
        emulator.inject_message("c9", "/start")
        await wait_until(lambda: len(emulator.webhook_deliveries) == 1)
    assert emulator.webhook_deliveries[0].status_code == 200
    secret, body = received[0]
    assert secret == "s3cret-tok"
    assert body["ok"] is True and body["result"]["message"]["text"] == "/start"
    info = await call(http, "getWebhookInfo")
    assert info["result"]["url"] == f"{hook_url}/hook" and "secret_token" not in info["result"]


async def test_wrong_token_and_unknown_method(base_url: str) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        wrong = (await client.post(f"{base_url}/botnope/getMe", json={})).json()
        unknown = (await client.post(f"{base_url}/bot{TOKEN}/sendPoll", json={})).json()
    assert wrong["error_code"] == ZaloErrorCode.UNAUTHORIZED
    assert unknown["error_code"] == ZaloErrorCode.NOT_FOUND


class FakeClock:
    """The emulator's arrival clock, moved by the test (the windows become deterministic)."""

    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


async def test_strict_mode_sliding_window_without_retry_after() -> None:
    clock = FakeClock()
    strict = ZaloEmulator(TOKEN, rate_limit_per_second=2, strict=True, clock=clock)
    strict.add_chats(["c1", "c2", "c3"])
    with serve(strict.app) as url:
        async with httpx.AsyncClient(base_url=f"{url}/bot{TOKEN}/", timeout=5) as client:

            async def send(chat: str, at: float) -> dict[str, Any]:
                clock.now = 50.0 + at
                return await call(client, "sendMessage", chat_id=chat, text="x")

            assert (await send("c1", 0.0))["ok"] and (await send("c2", 0.5))["ok"]
            refused = await send("c3", 0.75)
            assert refused == {
                "ok": False,
                "error_code": ZaloErrorCode.TOO_MANY_REQUESTS,
                "description": "Too many requests",
            }
            assert not (await send("c3", 0.9))["ok"]  # still inside the window: early
            assert (await send("c3", 1.0))["ok"]  # (0.0, 1.0]: the first send is out
            assert (await call(client, "getMe"))["ok"]  # not counted
            stats = (await client.get(f"{url}/_emulator/stats")).json()
    assert {k: stats[k] for k in ("strict", "limit", "requests", "accepted", "rate_limited")} == {
        "strict": True,
        "limit": 2,
        "requests": 5,
        "accepted": 3,
        "rate_limited": 2,
    }
    assert (stats["early_requests"], stats["max_per_second"], stats["sent"]) == (1, 2, 3)
    assert strict.throttled == 2


async def test_strict_mode_per_chat_window() -> None:
    clock = FakeClock()
    strict = ZaloEmulator(TOKEN, require_known_chat=False, clock=clock)
    strict.set_limits(rate_limit_per_second=10, strict=True, per_chat_rate=1)
    with serve(strict.app) as url:
        async with httpx.AsyncClient(base_url=f"{url}/bot{TOKEN}/", timeout=5) as client:
            assert (await call(client, "sendMessage", chat_id="a", text="1"))["ok"]
            clock.now += 0.5
            second = await call(client, "sendMessage", chat_id="a", text="2")
            assert second["error_code"] == ZaloErrorCode.TOO_MANY_REQUESTS
            assert (await call(client, "sendMessage", chat_id="b", text="1"))["ok"]
            clock.now += 0.5
            assert (await call(client, "sendMessage", chat_id="a", text="2"))["ok"]
    assert strict.stats()["early_requests"] == 0 and strict.stats()["accepted"] == 3


def test_bucket_mode_stats() -> None:
    bucket = ZaloEmulator(TOKEN, rate_limit_per_second=5)
    assert bucket.stats()["strict"] is False and bucket.stats()["rate_limited"] == 0


# ---- issue 21: fault mode and the documented request shapes --------------------------------


async def test_fault_mode_answers_every_send_then_clears(
    base_url: str, emulator: ZaloEmulator
) -> None:
    emulator.add_chats(["c1"])
    emulator.fault(403, "Forbidden", after=1, count=2)
    url = f"{base_url}/bot{emulator.token}"
    async with httpx.AsyncClient() as client:
        answers = [
            (await client.post(f"{url}/sendMessage", json={"chat_id": "c1", "text": "x"})).json()
            for _ in range(4)
        ]
        me = (await client.post(f"{url}/getMe")).json()
    assert [a["ok"] for a in answers] == [True, False, False, True]
    assert answers[1] == {"ok": False, "error_code": 403, "description": "Forbidden"}
    assert me["ok"]  # "every send": getMe is not a send
    assert emulator.faulted == 2


async def test_a_fault_for_one_method_until_cleared(base_url: str, emulator: ZaloEmulator) -> None:
    emulator.add_chats(["c1"])
    emulator.fault(404, "Not Found", method="sendChatAction")
    url = f"{base_url}/bot{emulator.token}"
    action = {"chat_id": "c1", "action": "typing"}
    async with httpx.AsyncClient() as client:
        refused = (await client.post(f"{url}/sendChatAction", json=action)).json()
        text = (await client.post(f"{url}/sendMessage", json={"chat_id": "c1", "text": "x"})).json()
        emulator.clear_fault()
        accepted = (await client.post(f"{url}/sendChatAction", json=action)).json()
    assert refused["error_code"] == 404 and text["ok"] and accepted["ok"]


async def test_get_form_and_multipart_calls_are_accepted(
    base_url: str, emulator: ZaloEmulator
) -> None:
    emulator.add_chats(["c1"])
    url = f"{base_url}/bot{emulator.token}/sendMessage"
    async with httpx.AsyncClient() as client:
        by_get = await client.get(url, params={"chat_id": "c1", "text": "qua GET"})
        by_form = await client.post(url, data={"chat_id": "c1", "text": "qua form"})
        by_multipart = await client.post(
            url, data={"chat_id": "c1", "text": "qua multipart"}, files={"x": ("x", b"1")}
        )
    assert all(r.json()["ok"] for r in (by_get, by_form, by_multipart))
    assert [s.text for s in emulator.sent("c1")] == ["qua GET", "qua form", "qua multipart"]
