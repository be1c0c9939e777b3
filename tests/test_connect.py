"""A bot's platform down at start does not stop Loa; a refused token does, clearly."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import TelegramSettings
from bot.connect import ChannelRefused, connect_patiently
from bot.telegram import TelegramBot
from bot.zalo import ZaloBot, ZaloChannel
from bot.zalo_api import ZaloBotApi
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator, wait_until
from tests.support.ports import closed_port
from tests.support.server import serve

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


class Flaky:
    """Fails ``failures`` times, then connects."""

    def __init__(self, failures: int, error: Exception) -> None:
        self.failures, self.error, self.calls = failures, error, 0
        self.connected = asyncio.Event()

    async def __call__(self) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        self.connected.set()


async def test_connected_at_once_needs_no_background_task() -> None:
    flaky = Flaky(0, OSError("down"))
    assert await connect_patiently("X", flaky, refused=lambda e: False) is None
    assert flaky.calls == 1


async def test_unreachable_platform_is_retried_in_the_background() -> None:
    flaky = Flaky(3, OSError("connection refused"))
    task = await connect_patiently("X", flaky, refused=lambda e: False, backoff_seconds=0.01)
    assert task is not None and flaky.calls == 1  # start returned after the first failure
    await asyncio.wait_for(flaky.connected.wait(), 5)
    await task
    assert flaky.calls == 4


async def test_refused_token_raises_without_quoting_the_platform_error() -> None:
    flaky = Flaky(1, ValueError("token 123:SECRET rejected"))
    with pytest.raises(ChannelRefused) as info:
        await connect_patiently("X", flaky, refused=lambda e: isinstance(e, ValueError))
    assert "SECRET" not in str(info.value) and info.value.__cause__ is None


async def test_telegram_down_at_start_does_not_stop_the_bot_service(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    settings = TelegramSettings(
        token="123:abc", api_base_url=f"http://127.0.0.1:{closed_port()}/bot"
    )
    bot = TelegramBot(settings, sessions, _no_reply, connect_backoff_seconds=0.05)
    await bot.start()  # must not raise
    await bot.stop()


@pytest.fixture
def telegram() -> Iterator[str]:
    # The bot's real token is another one: a well-formed but revoked token is refused (401).
    with serve(TelegramEmulator(tokens={"123:the-real-token"}).app) as url:
        yield url


async def test_telegram_refusing_the_token_is_a_clear_configuration_error(
    telegram: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    settings = TelegramSettings(token="123:not-a-token", api_base_url=f"{telegram}/bot")
    bot = TelegramBot(settings, sessions, _no_reply)
    with pytest.raises(ChannelRefused, match="Telegram refused the bot token") as info:
        await bot.start()
    assert "123:not-a-token" not in str(info.value)
    await bot.stop()


async def test_zalo_recovers_from_an_outage_at_start() -> None:
    emulator = ZaloEmulator(token="z:token")
    emulator.fail_next(502, times=2)
    with serve(emulator.app) as url:
        channel = ZaloChannel(ZaloBotApi("z:token", base_url=url))
        bot = ZaloBot(channel, _echo, poll_timeout_seconds=1, backoff_seconds=0.05)
        await bot.start()
        await bot.start_polling()  # the updates role (jobs.roles)
        try:
            emulator.inject_message("u1", "xin chào")
            await wait_until(lambda: len(emulator.sent("u1")) == 1)
        finally:
            await bot.stop()
    assert emulator.sent("u1")[0].text == "đã nhận"


async def test_zalo_refusing_the_token_is_a_clear_configuration_error() -> None:
    emulator = ZaloEmulator(token="z:token")
    with serve(emulator.app) as url:
        bot = ZaloBot(ZaloChannel(ZaloBotApi("z:wrong", base_url=url)), _echo)
        with pytest.raises(ChannelRefused, match="Zalo refused the bot token"):
            await bot.start()
        await bot.stop()


async def test_zalo_polls_even_when_the_webhook_methods_are_refused(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Optional calls are optional (issue 21): a server without getWebhookInfo still polls."""
    emulator = ZaloEmulator(token="z:token")
    emulator.fault(404, "Method not found", method="getWebhookInfo")
    with serve(emulator.app) as url:
        channel = ZaloChannel(ZaloBotApi("z:token", base_url=url))
        bot = ZaloBot(channel, _echo, poll_timeout_seconds=1, backoff_seconds=0.05)
        await bot.start()
        await bot.start_polling()
        try:
            emulator.inject_message("u1", "xin chào")
            await wait_until(lambda: len(emulator.sent("u1")) == 1)
        finally:
            await bot.stop()
    assert "refused the webhook check before polling" in caplog.text


async def test_a_refused_set_webhook_is_not_called_unreachable(
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator = ZaloEmulator(token="z:token")
    emulator.fault(400, "Invalid webhook url", method="setWebhook")
    with serve(emulator.app) as url:
        channel = ZaloChannel(ZaloBotApi("z:token", base_url=url))
        bot = ZaloBot(
            channel,
            _echo,
            webhook_url="https://loa.example/zalo/webhook",
            webhook_secret="a-long-secret",
            backoff_seconds=0.05,
        )
        await bot.start()
        try:
            assert "Zalo refused setWebhook: 400 Invalid webhook url" in caplog.text
            assert "unreachable" not in caplog.text
            emulator.clear_fault()  # the platform accepts it later: the bot connects
            await wait_until(lambda: emulator.webhook_url == "https://loa.example/zalo/webhook")
        finally:
            await bot.stop()


async def test_telegram_polls_even_when_delete_webhook_is_refused(
    caplog: pytest.LogCaptureFixture, sessions: async_sessionmaker[AsyncSession]
) -> None:
    emulator = TelegramEmulator()
    emulator.fault(500, "Internal Server Error", method="deleteWebhook")
    heard = asyncio.Event()

    async def handle(incoming: object) -> list[object]:
        heard.set()
        return []

    with serve(emulator.app) as url:
        settings = TelegramSettings(token="123:abc", api_base_url=f"{url}/bot")
        bot = TelegramBot(settings, sessions, handle, connect_backoff_seconds=0.05)  # type: ignore[arg-type]
        await bot.start()
        await bot.start_polling()
        try:
            emulator.send_text(5, "/start")
            await asyncio.wait_for(heard.wait(), 10)
        finally:
            await bot.stop()
    assert emulator.faulted >= 1  # deleteWebhook was refused
    assert "Telegram refused deleteWebhook" in caplog.text and "unreachable" not in caplog.text


async def test_a_malformed_get_me_is_not_called_unreachable(
    caplog: pytest.LogCaptureFixture, sessions: async_sessionmaker[AsyncSession]
) -> None:
    emulator = TelegramEmulator()
    emulator.get_me_missing = frozenset({"is_bot", "first_name"})
    with serve(emulator.app) as url:
        settings = TelegramSettings(token="123:abc", api_base_url=f"{url}/bot")
        bot = TelegramBot(settings, sessions, _no_reply, connect_backoff_seconds=0.05)
        await bot.start()
        try:
            assert "malformed answer to getMe: no is_bot, first_name" in caplog.text
            assert "unreachable" not in caplog.text
            emulator.get_me_missing = frozenset()
            await emulator.wait_for(lambda: bool(emulator.calls_of("setMyCommands")), 5)
        finally:
            await bot.stop()


async def _no_reply(incoming: object) -> list[object]:
    return []


async def _echo(incoming: object) -> list[object]:
    from bot.channel import Reply

    return [Reply("đã nhận")]


def test_loa_run_with_a_refused_token_exits_2_and_names_the_problem(
    telegram: str, tmp_path: Path
) -> None:
    config = tmp_path / "loa.toml"
    config.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n'
        f'[telegram]\ntoken = "123:wrong-token-xyz"\napi_base_url = "{telegram}/bot"\n',
        "utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "loa.cli", "--config", str(config), "run"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 2
    assert "Telegram refused the bot token" in run.stderr
    assert "123:wrong-token-xyz" not in run.stderr + run.stdout
    assert "Traceback" not in run.stderr
