"""A stored photo without a public URL (``bot.channel.Upload``), sent by the Telegram adapter
through the emulator over real HTTP: the bytes go up once (multipart ``sendPhoto``), however
many residents and however concurrent; the rest get Telegram's file id. A refused upload is a
``MessageRejected`` (the sender then sends the text)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from bot.channel import MessageRejected, Reply, Upload
from bot.telegram import TelegramChannel
from tests.emulators.telegram import TelegramEmulator
from tests.media_support import png

TOKEN = "987654:SECRET-token-never-logged"
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def emulator() -> TelegramEmulator:
    return TelegramEmulator(global_rate=None, per_chat_rate=None)


@pytest.fixture
async def channel(base_url: str) -> AsyncIterator[TelegramChannel]:
    async with Bot(TOKEN, base_url=f"{base_url}/bot") as bot:
        yield TelegramChannel(bot)


async def test_a_stored_photo_is_uploaded_once_for_every_resident(
    emulator: TelegramEmulator, channel: TelegramChannel
) -> None:
    chats = range(1, 9)
    for chat in chats:
        emulator.add_chat(chat)
    image = png(24, 16)
    reply = Reply("<b>Họp dân</b> 8h", photo_upload=Upload("abc.png", image, "image/png"))
    await asyncio.gather(*(channel.send(str(chat), reply) for chat in chats))
    [uploaded] = emulator.uploads
    assert emulator.files[uploaded].data == image
    for chat in chats:
        [got] = emulator.media_to(chat, "photo")
        assert got.media == uploaded and got.text == "Họp dân 8h"  # HTML caption parsed
    calls = emulator.calls_of("sendPhoto")
    assert len(calls) == len(chats)
    assert sum(isinstance(c.params.get("photo"), bytes) for c in calls) == 1
    # Another photo is another upload.
    other = Reply("Khác", photo_upload=Upload("def.png", png(8, 8), "image/png"))
    await channel.send("1", other)
    assert len(emulator.uploads) == 2


async def test_a_refused_upload_is_a_rejection_and_the_next_try_uploads_again(
    emulator: TelegramEmulator, channel: TelegramChannel
) -> None:
    emulator.add_chat(1)
    broken = Reply("Họp dân", photo_upload=Upload("bad.png", b"not an image", "image/png"))
    with pytest.raises(MessageRejected):
        await channel.send("1", broken)
    assert emulator.uploads == [] and emulator.media_to(1) == []
    fixed = Reply("Họp dân", photo_upload=Upload("bad.png", png(4, 4), "image/png"))
    await channel.send("1", fixed)  # no file id was kept from the failure
    assert len(emulator.uploads) == 1
