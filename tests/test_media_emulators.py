"""The emulators' media methods behave as the platforms do: they FETCH the URLs they are
given and refuse what is unreachable or of the wrong kind; Telegram copies and serves files."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Bot
from telegram.error import BadRequest

from bot.channel import MessageRejected, Reply
from bot.voice import convert_to_aac
from bot.zalo import ZaloChannel
from bot.zalo_api import ZaloBotApi
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.media_support import opus_voice, png
from tests.support.server import serve

TOKEN = "123456:TEST-media"
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
FILES = {"/p.png": (png(40, 30), "image/png"), "/page.html": (b"<html></html>", "text/html")}


@pytest.fixture(scope="module")
def files() -> Iterator[str]:
    """A web server with a photo, an HTML page and a voice note as AAC (anything else: 404)."""
    served = dict(FILES)
    served["/v.aac"] = (convert_to_aac(opus_voice(0.5)), "audio/aac")
    served["/v.ogg.aac"] = (opus_voice(0.5), "audio/aac")  # named .aac, but it is OGG

    async def one(request: Request) -> Response:
        body, kind = served.get(request.url.path, (b"", ""))
        return Response(body, 200 if body else 404, media_type=kind or "text/plain")

    with serve(Starlette(routes=[Route("/{path:path}", one)])) as url:
        yield url


async def test_telegram_send_photo_fetches_the_url_and_refuses_what_is_not_a_photo(
    files: str,
) -> None:
    emulator = TelegramEmulator(global_rate=None, per_chat_rate=None)
    emulator.add_chat(5)
    with serve(emulator.app) as base:
        async with Bot(TOKEN, base_url=f"{base}/bot") as bot:
            sent = await bot.send_photo(5, f"{files}/p.png", caption="<b>Lũ</b>", parse_mode="HTML")
            with pytest.raises(BadRequest, match=r"(?i)wrong type"):
                await bot.send_photo(5, f"{files}/page.html")
            with pytest.raises(BadRequest, match=r"(?i)failed to get http url content"):
                await bot.send_photo(5, f"{files}/missing.jpg")
            with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
                await bot.send_photo(5, f"{files}/p.png", caption="x" * 1025)
    assert sent.caption == "Lũ" and sent.photo
    [photo] = emulator.media_to(5, "photo")
    assert photo.media == f"{files}/p.png" and photo.text == "Lũ"


async def test_telegram_copies_a_residents_photo_and_serves_its_file() -> None:
    emulator = TelegramEmulator(global_rate=None, per_chat_rate=None)
    emulator.add_chat(6)
    data = png(20, 10)
    message_id = emulator.send_photo(9, data, "/thongbao gốc")
    with serve(emulator.app) as base:
        async with Bot(TOKEN, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot") as bot:
            copied = await bot.copy_message(6, 9, message_id, caption="Thông báo")
            file_id = emulator.user_messages[(9, message_id)]["photo"][-1]["file_id"]
            found = await bot.get_file(file_id)
            downloaded = await found.download_as_bytearray()
    [copy] = emulator.media_to(6, "photo")
    assert copy.message_id == copied.message_id and copy.text == "Thông báo"
    assert copy.media == file_id and bytes(downloaded) == data


async def test_zalo_send_photo_and_voice_fetch_and_check_what_they_are(files: str) -> None:
    emulator = ZaloEmulator("zalo-media-token")
    emulator.add_chats(["z1"])
    with serve(emulator.app) as base:
        channel = ZaloChannel(ZaloBotApi("zalo-media-token", base_url=base))
        try:
            await channel.send("z1", Reply("<b>Lũ</b> quét", photo_url=f"{files}/p.png"))
            await channel.send("z1", Reply("Nghe thông báo", voice_url=f"{files}/v.aac"))
            for refused in (
                Reply("x", photo_url=f"{files}/page.html"),  # not an image
                Reply("x", photo_url=f"{files}/missing.jpg"),  # unreachable
                Reply("x", voice_url=f"{files}/v.ogg.aac"),  # named .aac, not AAC
                Reply("x", voice_url=f"{files}/p.png"),  # not an .aac URL
            ):
                with pytest.raises(MessageRejected):
                    await channel.send("z1", refused)
        finally:
            await channel.aclose()
    photo, voice = emulator.media("z1")
    assert (photo.photo, photo.text) == (f"{files}/p.png", "Lũ quét")
    assert voice.voice == f"{files}/v.aac"
    assert [s.text for s in emulator.sent("z1") if not (s.photo or s.voice)] == ["Nghe thông báo"]
