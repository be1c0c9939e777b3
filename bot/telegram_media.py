"""Telegram messages as Loa's ``Attachment``: a photo (its largest size), a voice note or a
text, with a ``fetch`` that downloads the file through getFile when Loa needs the bytes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Message

from bot.channel import Attachment

Download = Callable[[str], Awaitable[bytes]]


def attachment(message: Message, download: Download) -> Attachment:
    """What ``message`` holds, for a broadcast of it."""
    user = message.from_user
    chat_id, message_id = str(message.chat_id), str(message.message_id)
    who = str(user.id) if user is not None else None
    text = message.caption or message.text or ""
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return Attachment(
            "photo",
            chat_id,
            message_id,
            who,
            text,
            file_id=photo.file_id,
            size=photo.file_size,
            fetch=_fetcher(download, photo.file_id),
        )
    if message.voice is not None:
        voice = message.voice
        return Attachment(
            "voice",
            chat_id,
            message_id,
            who,
            text,
            file_id=voice.file_id,
            size=voice.file_size,
            fetch=_fetcher(download, voice.file_id),
        )
    return Attachment("text", chat_id, message_id, who, text)


def _fetcher(download: Download, file_id: str) -> Callable[[], Awaitable[bytes]]:
    async def fetch() -> bytes:
        return await download(file_id)

    return fetch
