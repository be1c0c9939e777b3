"""Photo and voice broadcasts: what each channel's residents get of a broadcast's media.

Telegram residents get a copy of the administrator's own message (``copyMessage``: no
re-upload, no "forwarded from"), its caption replaced by the broadcast's text. Channels that
only take a public URL (Zalo) get the stored copy at ``[web] public_url/media/<name>``
(``web.media``); without one they get the text only, and the preview says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.channel import Attachment, ChannelError, Incoming, Reply, Upload
from bot.render import utf16_len
from bot.voice import AAC_CONTENT_TYPE, VoiceError, to_aac
from storage import media
from storage.broadcast_targets import COPYING_CHANNELS
from storage.models import Broadcast

log = logging.getLogger(__name__)

PHOTO, VOICE = "photo", "voice"
UPLOADING_CHANNELS = frozenset({"telegram"})  # channels that upload a stored photo themselves
LOCAL_MEDIA = "/media/"  # a media_url without public_url: stored, served here, not public
MAX_CAPTION = 1000  # Telegram's 1024 after entity parsing, less room for the signature


def stored_name(media_url: str | None) -> str | None:
    """The stored media's name when ``media_url`` is not public (``/media/<name>``, what a
    web broadcast's photo gets without ``[web] public_url``), else None."""
    if media_url and media_url.startswith(LOCAL_MEDIA):
        return media_url.removeprefix(LOCAL_MEDIA)
    return None


def with_media(
    broadcast: Broadcast, channel: str, reply: Reply, upload: Upload | None = None
) -> Reply:
    """``reply`` (the broadcast's text as residents see it) with the media ``channel`` gets;
    ``upload``: the stored photo's bytes, when it has no public URL (see ``stored_name``)."""
    if not broadcast.media_kind:
        return reply
    if channel in COPYING_CHANNELS and broadcast.copy_chat_id and broadcast.copy_message_id:
        return replace(reply, copy_from=(broadcast.copy_chat_id, broadcast.copy_message_id))
    if stored_name(broadcast.media_url) is not None:
        if upload is not None and channel in UPLOADING_CHANNELS:
            return replace(reply, photo_upload=upload)
        return reply  # text only: the platform can only fetch a public URL (Zalo)
    if not broadcast.media_url:
        return reply  # text only: no public URL to fetch the media from
    if broadcast.media_kind == VOICE:
        return replace(reply, voice_url=broadcast.media_url)
    return replace(reply, photo_url=broadcast.media_url)


@dataclass(frozen=True, slots=True)
class MediaDraft:
    """The media of a broadcast being drafted, and what the preview says per channel."""

    kind: str  # PHOTO or VOICE
    copy_chat_id: str | None  # the administrator's Telegram message, copied to residents
    copy_message_id: str | None
    media_url: str | None  # where URL-only channels (Zalo) fetch it; None: they get text
    notes: tuple[str, ...]  # one line per channel for the preview (Vietnamese)

    def attach(self, broadcast: Broadcast) -> None:
        """Write this media onto the stored draft (in the session that created it)."""
        broadcast.media_kind = self.kind
        broadcast.media_url = self.media_url
        broadcast.copy_chat_id = self.copy_chat_id
        broadcast.copy_message_id = self.copy_message_id

    @classmethod
    def of(cls, broadcast: Broadcast, *, public_url: bool) -> MediaDraft:
        """The media of a stored draft (``public_url``: one is configured), notes included:
        what a preview shown later (after a commune is chosen) says, as at once."""
        copied = bool(broadcast.copy_chat_id and broadcast.copy_message_id)
        kind = broadcast.media_kind or PHOTO
        notes = media_notes(
            kind, copied, broadcast.media_url, bool(broadcast.text.strip()), public_url
        )
        return cls(
            kind, broadcast.copy_chat_id, broadcast.copy_message_id, broadcast.media_url, notes
        )

    def preview(self, message: Reply) -> Reply:
        """The preview of the message as the administrator's channel will send it."""
        if self.copy_chat_id and self.copy_message_id:
            return replace(message, copy_from=(self.copy_chat_id, self.copy_message_id))
        if self.media_url and self.kind == PHOTO:
            return replace(message, photo_url=self.media_url)
        return message


Prepared = tuple[str, MediaDraft | None]


def media_notes(
    kind: str, copied: bool, media_url: str | None, has_text: bool, public_url: bool
) -> tuple[str, ...]:
    """The preview's line per channel: what its residents get of the media. Without text and
    without a URL to fetch the media from, Zalo residents get nothing (and no delivery:
    ``storage.broadcast_targets.reached_channels``)."""
    telegram = texts.MEDIA_ON_TELEGRAM if copied else texts.MEDIA_TELEGRAM_BY_URL
    if media_url:
        zalo = texts.media_zalo_gets(kind, has_text)
    elif not has_text:
        zalo = texts.MEDIA_ZALO_NOTHING
    elif public_url:
        zalo = texts.MEDIA_ZALO_FAILED  # configured, yet the copy could not be made
    else:
        zalo = texts.MEDIA_ZALO_TEXT_ONLY
    return telegram, zalo


class MediaDrafts:
    """Turns "/thongbao [target]" sent as a photo's caption, or as a reply to one's own
    message, into the broadcast's text and media: downloads the media once (when a public URL
    is configured), converts a voice note to AAC, stores it and builds its public URL."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        public_url: str | None,
        max_megabytes: float,
    ) -> None:
        self._sessions = sessions
        self._public_url = public_url.rstrip("/") if public_url else None
        self._max_bytes = int(max_megabytes * 1024 * 1024)
        self._max_mb = max_megabytes

    async def prepare(self, incoming: Incoming, args: str) -> Prepared | Reply:
        """(the draft's arguments, its media), or the answer that refuses it."""
        source = incoming.media or incoming.reply_to
        assert source is not None
        if incoming.media is None and source.user_id != incoming.user_id:
            # "/thongbao TEXT" that happens to answer someone else's message is a text
            # broadcast; with nothing of its own to send, it is a mistake worth saying.
            return (args, None) if args.strip() else Reply(texts.MEDIA_NOT_OWN)
        if incoming.media is None:
            args = _with_text(args, source.text)
        if source.kind == "text":
            return args, None
        text = args.partition(":")[2] if ":" in args else args
        if utf16_len(text) > MAX_CAPTION:
            return Reply(texts.media_caption_too_long(utf16_len(text), MAX_CAPTION))
        if source.size is not None and source.size > self._max_bytes:
            return Reply(texts.media_too_large(source.size / 1024 / 1024, self._max_mb))
        media_url = await self._public_copy(source)
        if isinstance(media_url, Reply):
            return media_url
        copy = (source.chat_id, source.message_id) if incoming.channel == "telegram" else None
        has_text, public_url = bool(text.strip()), self._public_url is not None
        draft = MediaDraft(
            source.kind,
            copy[0] if copy else None,
            copy[1] if copy else None,
            media_url,
            media_notes(source.kind, copy is not None, media_url, has_text, public_url),
        )
        return args, draft

    def restore(self, broadcast: Broadcast) -> MediaDraft:
        """The media of a stored draft, as ``prepare`` made it."""
        return MediaDraft.of(broadcast, public_url=self._public_url is not None)

    async def _public_copy(self, source: Attachment) -> str | Reply | None:
        """The public URL of a stored copy for URL-only channels (None: they get no media)."""
        if source.url:  # a public URL already (a Zalo photo): nothing to store
            return source.url
        if self._public_url is None or source.fetch is None:
            return None
        try:
            data = await source.fetch()
            if len(data) > self._max_bytes:
                return Reply(texts.media_too_large(len(data) / 1024 / 1024, self._max_mb))
            if source.kind == VOICE:
                data, content_type = await to_aac(data), AAC_CONTENT_TYPE
            else:
                content_type = _image_type(data)
        except (ChannelError, VoiceError) as exc:
            log.warning("broadcast media could not be stored for Zalo: %s", exc)
            return None
        async with self._sessions.begin() as session:
            stored = await media.store(session, data, content_type)
        log.info("broadcast media stored as %s (%d bytes)", stored.name, stored.size)
        return f"{self._public_url}/media/{stored.name}"


def _with_text(args: str, original: str) -> str:
    """The command's arguments completed with the replied message's text (its caption):
    "/thongbao xã Sam Mứn" answering "Họp dân 8h" broadcasts "xã Sam Mứn: Họp dân 8h"."""
    args, original = args.strip(), original.strip()
    if not original or ":" in args:
        return args
    return f"{args}: {original}" if args else original


def _image_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"GIF8"):
        return "image/gif"
    return "image/jpeg"  # what Telegram stores photos as
