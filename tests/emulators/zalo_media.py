"""Media for the Zalo emulator: sendPhoto (a public photo URL, caption ≤ 2000) and sendVoice
(a public URL of an ``.aac`` file, private chats only).

Zalo has no upload: the platform FETCHES the URL. So does the emulator, and it refuses what is
unreachable, not an image, or not AAC (an ADTS stream under a ``.aac`` name), with the
BAD_REQUEST code Loa's error table reads as "this message can never be sent as it is".
"""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import TYPE_CHECKING, Any

import httpx
from starlette.responses import Response

from bot.zalo_api import ZaloErrorCode

if TYPE_CHECKING:
    import threading

    from tests.emulators.zalo import SentText

MAX_CAPTION = 2000
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF8", b"RIFF")


def is_adts(data: bytes) -> bool:
    return len(data) > 7 and data[0] == 0xFF and (data[1] & 0xF6) == 0xF0


class ZaloMediaMethods:
    """Mixed into ``ZaloEmulator`` (which provides the lock, the limits and ``_sent``)."""

    _lock: threading.Lock
    _sent: list[SentText]
    _clock: Any

    def _init_media(self) -> None:
        self.fetched: list[str] = []  # URLs sendPhoto / sendVoice fetched
        self._fetch_cache: dict[str, tuple[int, bytes]] = {}

    def inject_photo(
        self, chat_id: str, photo_url: str, caption: str = "", *, user_id: str | None = None
    ) -> dict[str, Any]:
        """A user sends a photo (``message.image.received``, with its public URL and caption)."""
        update: dict[str, Any] = self._make_update(  # type: ignore[attr-defined]
            chat_id, "", user_id or chat_id, "Người dân", "message.image.received"
        )
        update["message"].update(photo_url=photo_url, caption=caption)
        with self._lock:
            self._known_chats.add(chat_id)  # type: ignore[attr-defined]
            webhook = bool(self._webhook_url)  # type: ignore[attr-defined]
            if not webhook:
                self._updates.append(update)  # type: ignore[attr-defined]
        if webhook:
            self._on_loop(lambda: asyncio.ensure_future(self._deliver(update)))  # type: ignore[attr-defined]
        else:
            self._on_loop(self._wake)  # type: ignore[attr-defined]
        return update

    def media(self, chat_id: str | None = None) -> list[SentText]:
        """Photos and voice messages the bot sent (to ``chat_id``)."""
        with self._lock:
            return [
                s
                for s in self._sent
                if (s.photo or s.voice) and (chat_id is None or s.chat_id == chat_id)
            ]

    async def _send_photo(self, body: dict[str, Any]) -> Response:
        from tests.emulators.zalo import _error

        chat_id, photo, caption = body.get("chat_id"), body.get("photo"), body.get("caption", "")
        if not isinstance(chat_id, str) or not chat_id:
            return _error(ZaloErrorCode.BAD_REQUEST, "chat_id is required")
        if not isinstance(photo, str) or not photo:
            return _error(ZaloErrorCode.BAD_REQUEST, "The photo must not be empty")
        if not photo.startswith(("http://", "https://")):
            return _error(
                ZaloErrorCode.BAD_REQUEST, "The photo must start with http:// or https://"
            )
        if not isinstance(caption, str) or len(caption) > MAX_CAPTION:
            return _error(ZaloErrorCode.BAD_REQUEST, f"Caption must be 0-{MAX_CAPTION} characters")
        refused = self._arrival(chat_id)  # counted on arrival, before the fetch
        if refused is not None:
            return refused
        data = await self._fetch(photo)
        if data is None or not data.startswith(IMAGE_MAGIC):
            return _error(ZaloErrorCode.BAD_REQUEST, "The photo URL is invalid")
        return self._accept(chat_id, caption, photo=photo)

    async def _send_voice(self, body: dict[str, Any]) -> Response:
        from tests.emulators.zalo import _error

        chat_id, voice = body.get("chat_id"), body.get("voice_url")
        if not isinstance(chat_id, str) or not chat_id:
            return _error(ZaloErrorCode.BAD_REQUEST, "chat_id is required")
        if not isinstance(voice, str) or not voice.split("?")[0].endswith(".aac"):
            return _error(ZaloErrorCode.BAD_REQUEST, "voice_url must be the URL of an .aac file")
        refused = self._arrival(chat_id)
        if refused is not None:
            return refused
        data = await self._fetch(voice)
        if data is None or not is_adts(data):
            return _error(ZaloErrorCode.BAD_REQUEST, "The voice URL is invalid")
        return self._accept(chat_id, "", voice=voice)

    def _arrival(self, chat_id: str) -> Response | None:
        """Rate limit, blocked or unknown chat, as for sendMessage (with the lock taken)."""
        with self._lock:
            return self._refusal(chat_id, self._clock())  # type: ignore[attr-defined,no-any-return]

    def _accept(self, chat_id: str, text: str, **media: str) -> Response:
        from tests.emulators.zalo import SentText, _ok

        with self._lock:
            now = self._clock()
            message_id = secrets.token_hex(10)
            sent = SentText(chat_id, text, message_id, int(time.time() * 1000), now, **media)
            self._sent.append(sent)
        return _ok({"message_id": sent.message_id, "date": sent.date_ms})

    async def _fetch(self, url: str) -> bytes | None:
        cached = self._fetch_cache.get(url)
        if cached is None:
            try:
                async with httpx.AsyncClient(timeout=5) as client:
                    response = await client.get(url)
            except httpx.HTTPError:
                return None
            cached = (response.status_code, response.content)
            with self._lock:
                self.fetched.append(url)
            if response.status_code == 200:
                self._fetch_cache[url] = cached
        status, data = cached
        return data if status == 200 else None
