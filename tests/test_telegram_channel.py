"""The Telegram adapter and bot service, driven through the emulator over real HTTP."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot
from telegram.error import BadRequest, Forbidden, InvalidToken, TelegramError

from base.config import TelegramSettings
from bot.channel import (
    BotRefused,
    Button,
    ChatMoved,
    Incoming,
    MessageRejected,
    Reply,
    ResidentGone,
    RetryLater,
)
from bot.telegram import TelegramBot, TelegramChannel, translate
from loa.logs import RedactSecrets
from storage import residents
from tests.emulators.telegram import TelegramEmulator

TOKEN = "987654:SECRET-token-never-logged"
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(global_rate=None, per_chat_rate=None)


@pytest.fixture
async def channel(base_url: str) -> AsyncIterator[TelegramChannel]:
    async with Bot(TOKEN, base_url=f"{base_url}/bot") as bot:
        yield TelegramChannel(bot)


async def test_send_uses_html_buttons_and_no_previews(
    emulator: TelegramEmulator, channel: TelegramChannel
) -> None:
    emulator.add_chat(1)
    reply = Reply("<b>Pom Lót</b> &amp; Sam Mứn", [[Button("Sam Mứn", "sub:c:1")]])
    message_id = await channel.send("1", reply)
    [sent] = emulator.messages_to(1)
    assert (str(sent.message_id), sent.text) == (message_id, "Pom Lót & Sam Mứn")
    assert sent.reply_markup == {
        "inline_keyboard": [[{"text": "Sam Mứn", "callback_data": "sub:c:1"}]]
    }
    call = emulator.calls_of("sendMessage")[-1]
    assert call.params["parse_mode"] == "HTML"
    assert '"is_disabled": true' in call.params["link_preview_options"]
    assert "allow_paid_broadcast" not in call.params  # free: 30 messages a second
    await channel.edit("1", message_id, Reply("<i>Đã chọn</i>"))
    assert emulator.messages_to(1)[0].text == "Đã chọn"


async def test_above_the_free_rate_messages_ask_for_paid_broadcast(
    emulator: TelegramEmulator, base_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    emulator.add_chat(1)
    settings = TelegramSettings(
        token=TOKEN, api_base_url=f"{base_url}/bot", rate_limit_per_second=300
    )
    bot = TelegramBot(settings, sessions, Recorder().handle)
    async with bot.application.bot:
        await bot.channel.send("1", Reply("Thông báo"))
    assert emulator.calls_of("sendMessage")[-1].params["allow_paid_broadcast"] == "true"


async def test_errors_are_translated_at_the_edge(
    emulator: TelegramEmulator, channel: TelegramChannel
) -> None:
    for chat in (2, 3, 4, -5):
        emulator.add_chat(chat)
    emulator.block(2, notify=False)
    emulator.migrate(-5, -1005)
    emulator.fail_next(4, 502, "Bad Gateway")
    emulator.throttle(7, chat_id=3)
    cases: list[tuple[str, type[Exception]]] = [
        ("2", ResidentGone),  # blocked
        ("99", ResidentGone),  # chat not found
        ("-5", ChatMoved),
        ("4", RetryLater),  # 5xx
        ("3", RetryLater),  # 429
    ]
    for chat_id, expected in cases:
        with pytest.raises(expected) as caught:
            await channel.send(chat_id, Reply("tin"))
        assert caught.value.__cause__ is not None  # raised from the PTB error
    with pytest.raises(MessageRejected, match="parse entities"):
        await channel.send("4", Reply("<div>x</div>"))
    with pytest.raises(ChatMoved) as moved:
        await channel.send("-5", Reply("tin"))
    assert moved.value.new_chat_id == "-1005"
    with pytest.raises(RetryLater) as limited:
        await channel.send("3", Reply("tin"))
    assert limited.value.retry_after is not None and 5 <= limited.value.retry_after <= 7
    with pytest.raises(RetryLater) as failing:
        emulator.fail_next(4, 500, "Internal Server Error")
        await channel.send("4", Reply("tin"))
    assert failing.value.retry_after is None


@pytest.mark.parametrize(
    ("error", "expected", "why"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), ResidentGone, "blocked the bot"),
        (Forbidden("Forbidden: user is deactivated"), ResidentGone, "account deleted"),
        (Forbidden("Forbidden: bot was kicked from the group chat"), ResidentGone, None),
        (BadRequest("Chat not found"), ResidentGone, "chat not found"),
        # Issue 21: answers that name no chat are the bot's, never a reason to deactivate.
        (Forbidden("Forbidden"), BotRefused, None),
        (InvalidToken("Not Found: method not found"), BotRefused, None),
        (InvalidToken("Unauthorized"), BotRefused, None),
    ],
)
def test_only_answers_about_the_chat_are_gone(
    error: TelegramError, expected: type[Exception], why: str | None
) -> None:
    translated = translate(error)
    assert type(translated) is expected
    if why is not None:
        assert isinstance(translated, ResidentGone) and translated.why == why
    if isinstance(error, InvalidToken) and "method" in error.message:
        assert isinstance(translated, BotRefused) and translated.method_missing


class Recorder:
    """Stands in for D1's Commands: records what came in, answers a fixed reply."""

    def __init__(self, replies: list[Reply] | None = None, fail: bool = False) -> None:
        self.seen: list[Incoming] = []
        self.replies = replies or [Reply("Đã nhận <b>lệnh</b>")]
        self.fail = fail

    async def handle(self, incoming: Incoming) -> list[Reply]:
        self.seen.append(incoming)
        if self.fail:
            raise RuntimeError("boom")
        return self.replies


async def eventually(condition: Callable[[], Awaitable[bool]], within: float = 5.0) -> bool:
    """Poll a database condition with a deadline (the database has no change events)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.02)
    return await condition()


def _settings(base_url: str, **extra: object) -> TelegramSettings:
    return TelegramSettings.model_validate(
        {"token": TOKEN, "api_base_url": f"{base_url}/bot", "poll_timeout_seconds": 1, **extra}
    )


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Every log line at DEBUG, through Loa's redaction filter, as `loa run` sets it up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([TOKEN]))
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        logging.getLogger("httpx").setLevel(logging.NOTSET)


async def test_bot_answers_messages_and_presses_over_long_polling(
    emulator: TelegramEmulator,
    base_url: str,
    sessions: async_sessionmaker[AsyncSession],
    log_stream: io.StringIO,
) -> None:
    recorder = Recorder()
    service = TelegramBot(_settings(base_url), sessions, recorder.handle)
    await service.start()
    await service.start_polling()  # the updates role (jobs.roles)
    try:
        assert [c["command"] for c in emulator.commands][:2] == ["start", "dangky"]
        emulator.send_text(100, "/dangky pom lot", name="Lò Văn A")
        await emulator.wait_for(lambda: len(emulator.messages_to(100)) == 1)
        assert recorder.seen[0].text == "/dangky pom lot"
        assert recorder.seen[0].display_name == "Lò Văn A"
        message_id = emulator.messages_to(100)[0].message_id
        query_id = emulator.press(100, message_id, "sub:c:7")
        await emulator.wait_for(lambda: len(emulator.messages_to(100)) == 2)
        assert query_id in emulator.callback_answers
        assert recorder.seen[1].callback_data == "sub:c:7"
        assert recorder.seen[1].message_id == str(message_id)
    finally:
        await service.stop()
    logged = log_stream.getvalue()
    assert "/bot<redacted>/" in logged  # request URLs were logged…
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged  # …without the token


async def test_blocking_the_bot_deactivates_the_resident(
    emulator: TelegramEmulator, base_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        await residents.get_or_create(session, "telegram", "200")
    service = TelegramBot(_settings(base_url), sessions, Recorder().handle)
    await service.start()
    await service.start_polling()  # the updates role (jobs.roles)
    try:
        emulator.add_chat(200)
        emulator.block(200)

        async def deactivated() -> bool:
            async with sessions() as session:
                resident = await residents.find(session, "telegram", "200")
            return resident is not None and not resident.active

        assert await eventually(deactivated)
    finally:
        await service.stop()


async def test_a_failing_handler_gets_a_vietnamese_apology(
    emulator: TelegramEmulator,
    base_url: str,
    sessions: async_sessionmaker[AsyncSession],
    log_stream: io.StringIO,
) -> None:
    service = TelegramBot(_settings(base_url), sessions, Recorder(fail=True).handle)
    await service.start()
    await service.start_polling()  # the updates role (jobs.roles)
    try:
        emulator.send_text(300, "/tinmoi")
        await emulator.wait_for(lambda: len(emulator.messages_to(300)) == 1)
        assert emulator.messages_to(300)[0].text.startswith("Xin lỗi")
    finally:
        await service.stop()
    assert "handling a Telegram update failed" in log_stream.getvalue()


async def test_webhook_mode_sets_the_webhook_and_processes_posted_updates(
    emulator: TelegramEmulator, base_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    settings = _settings(
        base_url, webhook_url="https://loa.example/telegram", webhook_secret="secret_1"
    )
    recorder = Recorder()
    service = TelegramBot(settings, sessions, recorder.handle)
    await service.start()
    try:
        assert emulator.webhook == {
            "url": "https://loa.example/telegram",
            "secret_token": "secret_1",
        }
        assert emulator.calls_of("getUpdates") == []
        emulator.add_chat(400)
        await service.process_webhook_update(
            {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "chat": {"id": 400, "type": "private"},
                    "from": {"id": 400, "is_bot": False, "first_name": "B"},
                    "text": "/start",
                },
            }
        )
        await emulator.wait_for(lambda: len(emulator.messages_to(400)) == 1)
        assert recorder.seen[0].chat_id == "400"
    finally:
        await service.stop()


async def test_an_update_delivered_twice_is_handled_once(
    emulator: TelegramEmulator, base_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """Telegram re-sends a webhook update it thinks timed out; with several instances two of
    them may get it: the first to record its id handles it, the others skip it."""
    settings = _settings(
        base_url, webhook_url="https://loa.example/telegram", webhook_secret="secret_1"
    )
    recorders = [Recorder(), Recorder()]
    bots = [TelegramBot(settings, sessions, r.handle) for r in recorders]  # two instances
    for bot in bots:
        await bot.start()
    emulator.add_chat(401)
    update = {
        "update_id": 77,
        "message": {
            "message_id": 5,
            "date": 0,
            "chat": {"id": 401, "type": "private"},
            "from": {"id": 401, "is_bot": False, "first_name": "C"},
            "text": "/start",
        },
    }
    try:
        for bot in (*bots, bots[0]):
            await bot.process_webhook_update(update)
        await emulator.wait_for(lambda: len(emulator.messages_to(401)) == 1)
        later = dict(update, update_id=78)  # the next update is handled as usual
        await bots[1].process_webhook_update(later)
        await emulator.wait_for(lambda: len(emulator.messages_to(401)) == 2)
        for bot in bots:  # every update taken off the queues has been processed
            await asyncio.wait_for(bot.application.update_queue.join(), 5)
    finally:
        for bot in bots:
            await bot.stop()
    assert sum(len(r.seen) for r in recorders) == 2
