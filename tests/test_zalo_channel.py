"""The Zalo channel and bot service against the emulator over HTTP."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

import pytest

from bot.channel import (
    BotRefused,
    Button,
    ChannelError,
    Incoming,
    MessageRejected,
    Reply,
    ResidentGone,
    RetryLater,
)
from bot.render import utf16_len
from bot.zalo import ZaloBot, ZaloChannel, fit_text, translate_error
from bot.zalo_api import ZaloApiError, ZaloBotApi, ZaloErrorCode, ZaloTransportError
from tests.emulators.zalo import ZaloEmulator, wait_until

TOKEN = "42:zalo-channel-test"


@pytest.fixture
def emulator() -> ZaloEmulator:
    return ZaloEmulator(TOKEN, rate_limit_per_second=3)


@pytest.fixture
async def channel(base_url: str) -> AsyncIterator[ZaloChannel]:
    async with ZaloChannel(ZaloBotApi(TOKEN, base_url=base_url, timeout_seconds=5)) as zalo:
        yield zalo


CHOICES = Reply(
    "Chọn <b>xã</b> của bạn:",
    [[Button("Sam Mứn", "sub:c:Sam Mứn"), Button("Pom Lót", "sub:c:Pom Lót")]],
)


async def test_plain_text_without_tags(channel: ZaloChannel, emulator: ZaloEmulator) -> None:
    emulator.add_chats(["c1"])
    html = '<b>Lũ quét</b> tại &amp; xã <a href="https://dienbien.gov.vn/a">Đọc</a>'
    message_id = await channel.send("c1", Reply(html))
    [sent] = emulator.sent("c1")
    assert sent.message_id == message_id
    assert sent.text == "Lũ quét tại & xã Đọc (https://dienbien.gov.vn/a)"


async def test_buttons_become_numbers_and_numbers_callbacks(
    channel: ZaloChannel, emulator: ZaloEmulator
) -> None:
    emulator.add_chats(["c1"])
    await channel.send("c1", CHOICES)
    text = emulator.sent("c1")[0].text
    assert "1. Sam Mứn" in text and "2. Pom Lót" in text and "<" not in text
    answered: list[Incoming] = []

    async def handle(incoming: Incoming) -> list[Reply]:
        answered.append(incoming)
        return []

    bot = ZaloBot(channel, handle)
    emulator.inject_message("c1", "2")
    update = await channel.api.get_updates(1)
    assert update is not None
    await bot.handle_update(update)
    assert answered[0].callback_data == "sub:c:Pom Lót" and answered[0].text == ""


@pytest.mark.parametrize(
    ("body", "menu", "limit"),
    [
        ("ngắn", "", 2000),
        ("chữ " * 1500, "", 2000),
        ("chữ " * 1500, "1. Có\n2. Không\nTrả lời 1 hoặc 2", 2000),
        ("😀" * 1500, "", 2000),
        ("x" * 50, "1. a", 20),
    ],
)
def test_fit_text_never_exceeds_the_limit(body: str, menu: str, limit: int) -> None:
    text = fit_text(body, menu, limit)
    assert 0 < utf16_len(text) <= limit
    assert text.endswith(menu)
    if utf16_len(body.strip()) + utf16_len(menu) + 2 > limit:
        assert "…" in text


async def test_long_reply_is_cut_to_2000_and_keeps_choices(
    channel: ZaloChannel, emulator: ZaloEmulator
) -> None:
    emulator.add_chats(["c1"])
    long = Reply("Tin dài " * 800, CHOICES.buttons)
    await channel.send("c1", long)
    [sent] = emulator.sent("c1")
    assert len(sent.text) <= 2000 and utf16_len(sent.text) <= 2000
    assert "2. Pom Lót" in sent.text


async def test_blocked_resident_is_gone(channel: ZaloChannel, emulator: ZaloEmulator) -> None:
    emulator.add_chats(["c1"])
    emulator.block("c1")
    with pytest.raises(ResidentGone):
        await channel.send("c1", Reply("x"))
    with pytest.raises(ResidentGone):  # never wrote to the bot
        await channel.send("stranger", Reply("x"))


async def test_throttling_is_retry_later(channel: ZaloChannel, emulator: ZaloEmulator) -> None:
    emulator.add_chats(["c1"])
    with pytest.raises(RetryLater) as info:
        for _ in range(20):
            await channel.send("c1", Reply("x"))
    # Zalo gives no retry-after: the whole bot pauses with the sender's growing delay, and the
    # message is not charged an attempt (a quota is not its fault).
    assert info.value.whole_channel and info.value.retry_after is None
    assert not info.value.charge
    assert emulator.throttled == 1


async def test_server_failure_is_retry_later_without_hint(
    channel: ZaloChannel, emulator: ZaloEmulator
) -> None:
    emulator.add_chats(["c1"])
    emulator.fail_next(502)
    with pytest.raises(RetryLater) as info:
        await channel.send("c1", Reply("x"))
    assert info.value.retry_after is None


async def test_empty_message_is_rejected_without_a_call(
    channel: ZaloChannel, emulator: ZaloEmulator
) -> None:
    with pytest.raises(MessageRejected):
        await channel.send("c1", Reply("<b></b>"))
    assert "sendMessage" not in emulator.calls


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (ZaloApiError("sendMessage", 429, "Too many requests"), RetryLater),
        (ZaloApiError("sendMessage", 403, "User has blocked the bot"), ResidentGone),
        (ZaloApiError("sendMessage", 404, "Chat not found"), ResidentGone),
        (ZaloApiError("sendMessage", 400, "Text must be 1-2000 characters"), MessageRejected),
        (ZaloApiError("sendMessage", -201, "The user has blocked this bot"), ResidentGone),
        (ZaloApiError("sendMessage", -32, "Rate limit exceeded"), RetryLater),
        (ZaloApiError("sendMessage", 999, "Something odd"), RetryLater),
        (ZaloTransportError("sendMessage", 503, "server error"), RetryLater),
        (ZaloTransportError("sendMessage", None, "timed out"), RetryLater),
        # Answers that name no chat are the bot's, never the resident's (issue 21).
        (ZaloApiError("sendMessage", 403, "Forbidden"), BotRefused),
        (ZaloApiError("sendMessage", 404, "Not Found"), BotRefused),
        (ZaloApiError("sendMessage", 401, "Unauthorized"), BotRefused),
        (ZaloApiError("sendVoice", 404, "Method not found"), BotRefused),
        (ZaloApiError("sendMessage", 403, "Invalid access token"), BotRefused),
        (ZaloApiError("sendMessage", 400, "chat_id is required"), MessageRejected),
    ],
)
def test_error_table(error: ZaloApiError, expected: type[ChannelError]) -> None:
    assert type(translate_error(error)) is expected


@pytest.mark.parametrize(
    ("error", "charged"),
    [
        (ZaloApiError("sendMessage", 429, "Quota exceeded"), False),  # the bot's quota
        (ZaloApiError("sendMessage", 999, "Something odd"), True),  # maybe this message's
    ],
)
def test_throttles_without_retry_after_pause_the_whole_bot(
    error: ZaloApiError, charged: bool
) -> None:
    translated = translate_error(error)
    assert isinstance(translated, RetryLater)
    assert translated.whole_channel and translated.retry_after is None
    assert translated.charge is charged


def test_transport_failures_are_per_message_retries() -> None:
    translated = translate_error(ZaloTransportError("sendMessage", None, "timed out"))
    assert isinstance(translated, RetryLater) and not translated.whole_channel


def test_an_unknown_method_or_path_is_never_gone() -> None:
    for error in (
        ZaloApiError("sendVoice", 404, "Method not found"),
        ZaloApiError("sendVoice", 404, "Not Found"),
        ZaloApiError("sendVoice", None, "The method sendVoice does not exist"),
    ):
        translated = translate_error(error)
        assert isinstance(translated, BotRefused) and translated.method_missing, error


def test_gone_answers_say_why() -> None:
    blocked = translate_error(ZaloApiError("sendMessage", 403, "User has blocked the bot"))
    unknown = translate_error(ZaloApiError("sendMessage", 404, "Chat not found"))
    assert isinstance(blocked, ResidentGone) and blocked.why == "blocked the bot"
    assert isinstance(unknown, ResidentGone) and unknown.why == "chat not found"


def test_emulator_uses_the_same_codes() -> None:
    assert type(translate_error(ZaloApiError("m", ZaloErrorCode.FORBIDDEN, ""))) is BotRefused
    assert type(translate_error(ZaloApiError("m", ZaloErrorCode.BAD_REQUEST, ""))) is (
        MessageRejected
    )


# ---- the bot service ---------------------------------------------------------------------


def echo_bot(channel: ZaloChannel, seen: list[Incoming], **options: float) -> ZaloBot:
    async def handle(incoming: Incoming) -> list[Reply]:
        seen.append(incoming)
        return [Reply(f"Bạn viết: <i>{incoming.text}</i>")]

    return ZaloBot(channel, handle, **options)  # type: ignore[arg-type]


async def test_polling_answers_messages_and_logs_no_error_on_empty_polls(
    base_url: str, emulator: ZaloEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[Incoming] = []
    channel = ZaloChannel(ZaloBotApi(TOKEN, base_url=base_url))
    bot = echo_bot(channel, seen, poll_timeout_seconds=0.2)
    await bot.start()
    await bot.start_polling()  # the updates role (jobs.roles)
    try:
        await wait_until(lambda: emulator.calls.count("getUpdates") >= 3)  # two empty polls
        emulator.inject_message("c7", "dang ky pom lot", user_id="u7", display_name="Lò Thị B")
        await wait_until(lambda: len(emulator.sent("c7")) == 1)
    finally:
        await bot.stop()
    assert emulator.sent("c7")[0].text == "Bạn viết: dang ky pom lot"
    [incoming] = seen
    assert (incoming.channel, incoming.chat_id, incoming.user_id) == ("zalo", "c7", "u7")
    assert incoming.display_name == "Lò Thị B"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_polling_backs_off_after_errors_and_recovers(
    base_url: str, emulator: ZaloEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[Incoming] = []
    channel = ZaloChannel(ZaloBotApi(TOKEN, base_url=base_url))
    bot = echo_bot(channel, seen, poll_timeout_seconds=0.2, backoff_seconds=0.05)
    await bot.start()
    await bot.start_polling()  # the updates role (jobs.roles)
    try:
        emulator.fail_next(502, times=2)
        emulator.inject_message("c8", "/start")
        await wait_until(lambda: len(emulator.sent("c8")) == 1)
    finally:
        await bot.stop()
    assert [r.levelno for r in caplog.records if "getUpdates failed" in r.getMessage()] == [
        logging.WARNING
    ] * 2


async def test_stop_is_prompt_during_a_long_poll(base_url: str, emulator: ZaloEmulator) -> None:
    channel = ZaloChannel(ZaloBotApi(TOKEN, base_url=base_url))
    bot = echo_bot(channel, [], poll_timeout_seconds=30)
    await bot.start()
    await bot.start_polling()  # the updates role (jobs.roles)
    await wait_until(lambda: "getUpdates" in emulator.calls)
    began = time.monotonic()
    await bot.stop()
    assert time.monotonic() - began < 1.0


async def test_image_messages_are_ignored(channel: ZaloChannel, emulator: ZaloEmulator) -> None:
    seen: list[Incoming] = []
    bot = echo_bot(channel, seen)
    emulator.inject_message("c1", "", event_name="message.image.received")
    update = await channel.api.get_updates(1)
    assert update is not None
    await bot.handle_update(update)
    assert seen == [] and emulator.sent() == []


async def test_a_text_without_event_name_is_answered_and_logged_once(
    channel: ZaloChannel, emulator: ZaloEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.zalo")
    seen: list[Incoming] = []
    bot = echo_bot(channel, seen)
    for text in ("/start", "tin mới"):
        emulator.inject_message("c1", text, event_name="")
        update = await channel.api.get_updates(1)
        assert update is not None and update.event_name == ""
        await bot.handle_update(update)
    assert [i.text for i in seen] == ["/start", "tin mới"]
    assert len(emulator.sent("c1")) == 2
    assert caplog.text.count("without event_name") == 1


async def test_webhook_mode_registers_and_does_not_poll(
    base_url: str, emulator: ZaloEmulator
) -> None:
    channel = ZaloChannel(ZaloBotApi(TOKEN, base_url=base_url))
    bot = ZaloBot(
        channel,
        lambda incoming: asyncio.sleep(0, result=[]),
        webhook_url="https://loa.example/zalo/webhook",
        webhook_secret="a-long-secret",
    )
    await bot.start()
    await bot.stop()
    assert emulator.webhook_url == "https://loa.example/zalo/webhook"
    assert "getUpdates" not in emulator.calls


def test_webhook_url_without_secret_is_refused(channel: ZaloChannel) -> None:
    with pytest.raises(ValueError, match="webhook_secret"):
        ZaloBot(channel, lambda incoming: asyncio.sleep(0, result=[]), webhook_url="https://x")
