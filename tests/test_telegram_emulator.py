"""The Telegram emulator speaks the Bot API the way python-telegram-bot expects."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import Bot, BotCommand
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, InvalidToken, RetryAfter

from tests.emulators.telegram import TelegramEmulator
from tests.emulators.telegram_html import EntityError, parse_html
from tests.support.server import serve

TOKEN = "123456:TEST-token_abc"
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(global_rate=None, per_chat_rate=None)


@pytest.fixture
async def bot(base_url: str) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{base_url}/bot") as bot:
        yield bot


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<b>Lũ quét</b> &amp; sạt lở", "Lũ quét & sạt lở"),
        ('<a href="https://x.vn/?a=1&amp;b=2">Đọc</a>', "Đọc"),
        ("a &lt;b&gt; &#272;iện &quot;x&quot;", 'a <b> Điện "x"'),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
    ],
)
def test_html_parser_accepts_telegram_html(html: str, text: str) -> None:
    assert parse_html(html).text == text


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b>x</i>", "Unmatched end tag"),
        ("<b>x", "Can't find end tag"),
        ("a & b", "Character '&'"),
        ("a < b", "Unexpected start tag"),
        ("a > b", "Character '>'"),
        ("<span>x</span>", 'Unsupported start tag "span"'),
    ],
)
def test_html_parser_refuses_what_telegram_refuses(html: str, message: str) -> None:
    with pytest.raises(EntityError, match=message):
        parse_html(html)


def test_entities_are_counted_in_utf16_units() -> None:
    parsed = parse_html("😀 <b>Điện</b>")
    assert parsed.entities == [{"type": "bold", "offset": 3, "length": 4}]


async def test_getme_and_case_insensitive_methods(base_url: str, bot: Bot) -> None:
    assert (await bot.get_me()).username == "loa_test_bot"
    async with httpx.AsyncClient() as client:
        upper = await client.get(f"{base_url}/bot{TOKEN}/GETME")
        unknown = await client.post(f"{base_url}/bot{TOKEN}/noSuchMethod")
        bad_token = await client.post(f"{base_url}/botnot-a-token/getMe")
    assert upper.json()["result"]["id"] == 1
    assert (unknown.status_code, unknown.json()["error_code"]) == (404, 404)
    assert (bad_token.status_code, bad_token.json()["error_code"]) == (401, 401)


async def test_invalid_token_is_invalid_token_in_ptb(base_url: str) -> None:
    with pytest.raises(InvalidToken):
        await Bot("nonsense", base_url=f"{base_url}/bot").get_me()


async def test_send_message_validates_html_and_length(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.add_chat(7)
    sent = await bot.send_message(7, "<b>Tin</b> &amp; ảnh", parse_mode="HTML")
    assert sent.text == "Tin & ảnh"
    assert emulator.messages_to(7)[0].entities[0]["type"] == "bold"
    with pytest.raises(BadRequest, match="parse entities"):
        await bot.send_message(7, "<p>x</p>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="too long"):
        await bot.send_message(7, "<b>" + "x" * 4097 + "</b>", parse_mode="HTML")
    ok = await bot.send_message(7, "<b>" + "ệ" * 4096 + "</b>", parse_mode="HTML")
    assert len(ok.text or "") == 4096  # tags and entities do not count
    with pytest.raises(BadRequest, match="empty"):
        await bot.send_message(7, "<b> </b>", parse_mode="HTML")


async def test_http_status_always_equals_error_code(
    base_url: str, emulator: TelegramEmulator
) -> None:
    emulator.add_chat(8)
    emulator.block(8, notify=False)
    async with httpx.AsyncClient() as client:
        for params in ({"chat_id": 9, "text": "x"}, {"chat_id": 8, "text": "x"}):
            response = await client.post(f"{base_url}/bot{TOKEN}/sendMessage", json=params)
            assert response.status_code == response.json()["error_code"]
            assert response.json()["ok"] is False


async def test_errors_map_to_ptb_exceptions(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.add_chat(10)
    emulator.add_chat(-11, type="group")
    emulator.block(10, notify=False)
    emulator.migrate(-11, -10011)
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(10, "x")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(12, "x")
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-11, "x")
    assert migrated.value.new_chat_id == -10011


async def test_rate_limits_answer_429_with_retry_after(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    emulator.set_limits(global_rate=None, per_chat_rate=1, per_chat_burst=1)
    emulator.add_chat(20)
    await bot.send_message(20, "một")
    with pytest.raises(RetryAfter):
        await bot.send_message(20, "hai")
    limited = emulator.calls_of("sendMessage")[-1]
    assert (limited.status, limited.retry_after, limited.global_limit) == (429, 1, False)
    # The second request came during nobody's wait, so it is not "early"; a third would be.
    assert emulator.early_requests() == []
    with pytest.raises(RetryAfter):
        await bot.send_message(20, "ba")
    assert len(emulator.early_requests()) == 1


async def test_global_rate_limit(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.set_limits(global_rate=5, per_chat_rate=None)
    for chat in range(30, 40):
        emulator.add_chat(chat)
    outcomes = await asyncio.gather(
        *(bot.send_message(chat, "x") for chat in range(30, 40)), return_exceptions=True
    )
    assert sum(isinstance(o, RetryAfter) for o in outcomes) == 5
    assert all(c.global_limit for c in emulator.calls_of("sendMessage") if c.status == 429)


async def test_long_poll_waits_for_an_update_and_offset_confirms(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await emulator.wait_for(lambda: emulator.polls_waiting == 1, within=3)
    update_id = await asyncio.to_thread(emulator.send_text, 5, "/start")
    updates = await poll
    assert [u.update_id for u in updates] == [update_id]
    assert time.monotonic() - started < 4  # woke on the update, not at the timeout
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [update_id]
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 <= time.monotonic() - started < 3


async def test_commands_callbacks_edits_and_webhooks(emulator: TelegramEmulator, bot: Bot) -> None:
    assert await bot.set_my_commands([BotCommand("dangky", "Đăng ký tin")])
    assert emulator.commands == [{"command": "dangky", "description": "Đăng ký tin"}]
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Đăng-ký", "x")])
    emulator.add_chat(40)
    sent = await bot.send_message(40, "Chọn")
    edited = await bot.edit_message_text("Đã chọn", chat_id=40, message_id=sent.message_id)
    assert isinstance(edited, object) and emulator.messages_to(40)[0].text == "Đã chọn"
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_text("Đã chọn", chat_id=40, message_id=sent.message_id)
    query_id = emulator.press(40, sent.message_id, "sub:x")
    assert await bot.answer_callback_query(query_id)
    with pytest.raises(BadRequest, match="too old"):
        await bot.answer_callback_query(query_id)
    assert await bot.set_webhook("https://loa.example/tg", secret_token="s3cret_-x")
    assert (await bot.get_webhook_info()).url == "https://loa.example/tg"
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()


class FakeClock:
    """The emulator's arrival clock, moved by the test (the windows become deterministic)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_strict_mode_sliding_window_bans_and_stats() -> None:
    clock = FakeClock()
    strict = TelegramEmulator(strict=True, global_rate=3, per_chat_rate=None, clock=clock)
    for chat in range(1, 8):
        strict.add_chat(chat)
    with serve(strict.app) as url:
        async with httpx.AsyncClient(base_url=f"{url}/bot{TOKEN}/") as client:

            async def send(chat: int, at: float) -> httpx.Response:
                clock.now = 100.0 + at
                return await client.post("sendMessage", json={"chat_id": chat, "text": "x"})

            assert [(await send(c, at)).status_code for c, at in [(1, 0), (2, 0.2), (3, 0.9)]] == [
                200,
                200,
                200,
            ]
            refused = await send(4, 0.95)
            assert refused.status_code == 429
            assert refused.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
            # A slot freed at 1.0, but retry_after bans the bot until 1.95: early.
            assert (await send(5, 1.5)).status_code == 429
            assert (await client.post("getMe")).status_code == 200  # not counted, not banned
            assert (await send(5, 2.5)).status_code == 200
            stats = (await client.get(f"{url}/_emulator/stats")).json()
    assert strict.calls_of("sendMessage")[3].global_limit
    assert {k: stats[k] for k in ("strict", "requests", "accepted", "rate_limited")} == {
        "strict": True,
        "requests": 6,
        "accepted": 4,
        "rate_limited": 2,
    }
    assert (stats["early_requests"], stats["max_per_second"], stats["sent"]) == (1, 3, 4)


async def test_strict_mode_per_chat_window_counts_edits_too() -> None:
    clock = FakeClock()
    strict = TelegramEmulator(global_rate=None, per_chat_rate=1, clock=clock)
    strict.set_limits(global_rate=30, per_chat_rate=1, strict=True)
    strict.add_chat(9)
    strict.add_chat(10)
    with serve(strict.app) as url:
        async with Bot(TOKEN, base_url=f"{url}/bot") as bot:
            sent = await bot.send_message(9, "một")
            clock.now += 0.6
            with pytest.raises(RetryAfter) as limited:
                await bot.edit_message_text("hai", chat_id=9, message_id=sent.message_id)
            assert limited.value.retry_after in (1, dt.timedelta(seconds=1))
            await bot.send_message(10, "khác")  # another chat is not held back
            clock.now += 1.0  # the ban (retry_after 1 from 100.6) is over
            await bot.edit_message_text("hai", chat_id=9, message_id=sent.message_id)
    figures = strict.limit_stats()
    assert not strict.calls_of("editMessageText")[0].global_limit
    assert (figures["accepted"], figures["rate_limited"], figures["early_requests"]) == (3, 1, 0)
    assert strict.early_requests() == []
