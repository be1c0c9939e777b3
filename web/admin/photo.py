"""The broadcast form's photo (Ảnh): checked (the ``[media] max_megabytes`` cap, a real image
by its magic bytes), stored like a chat photo (``storage.media``), and what each channel's
residents get of it, for the preview.

Without ``[web] public_url`` the photo is still stored: Telegram residents get it uploaded
(once, then by Telegram's file id: ``bot.telegram``), Zalo residents the text only (Zalo can
only fetch a public URL). Its ``media_url`` is then ``/media/<name>``, served here but not
public (``bot.media_broadcast.stored_name``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.media_broadcast import LOCAL_MEDIA, PHOTO, MediaDraft, stored_name
from storage.models import Broadcast

# What a browser may send as a photo, told by its first bytes (the file name and the
# browser's content type are the uploader's word, not the file's).
_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def image_type(data: bytes) -> str | None:
    """The content type of a JPEG, PNG, WebP or GIF image, or None for anything else."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), None)


@dataclass(frozen=True, slots=True)
class Photo:
    data: bytes
    content_type: str


def check(data: bytes, max_megabytes: float) -> Photo | str:
    """The photo, or why it is refused (Vietnamese, for the form)."""
    if len(data) > max_megabytes * 1024 * 1024:
        return texts.media_too_large(len(data) / 1024 / 1024, max_megabytes)
    content_type = image_type(data)
    if content_type is None:
        return texts.ADMIN_PHOTO_NOT_IMAGE
    return Photo(data, content_type)


def draft(name: str, public_url: str | None) -> MediaDraft:
    """The media of a web broadcast whose photo is stored as ``name``."""
    if public_url:
        url = f"{public_url.rstrip('/')}{LOCAL_MEDIA}{name}"
        zalo = texts.media_zalo_gets(PHOTO, True)
    else:
        url, zalo = LOCAL_MEDIA + name, texts.MEDIA_ZALO_TEXT_ONLY
    return MediaDraft(PHOTO, None, None, url, (texts.MEDIA_TELEGRAM_BY_URL, zalo))


@dataclass(frozen=True, slots=True)
class MediaView:
    """The preview's media: the photo to show (None: none to show) and a note per channel."""

    photo_src: str | None
    notes: dict[str, str]
    zalo_gets_photo: bool


def media_view(row: Broadcast, public_url: str | None) -> MediaView | None:
    """What each channel's residents get of ``row``'s media, as the chat preview says it."""
    if not row.media_kind:
        return None
    local = stored_name(row.media_url)
    public = row.media_url if row.media_url and local is None else None
    if row.copy_chat_id and row.copy_message_id:
        telegram = texts.MEDIA_ON_TELEGRAM
    else:
        telegram = texts.MEDIA_TELEGRAM_BY_URL
    zalo = texts.media_zalo_gets(row.media_kind, True) if public else texts.MEDIA_ZALO_TEXT_ONLY
    src: str | None = None
    if row.media_kind == PHOTO:
        src = public
        if local is not None:
            src = LOCAL_MEDIA + local
        elif public and public_url and public.startswith(public_url.rstrip("/") + LOCAL_MEDIA):
            # Ours: shown from this instance, whether or not the public address is reachable
            # from the administrator's browser.
            src = LOCAL_MEDIA + public.rsplit("/", 1)[1]
    return MediaView(src, {"telegram": telegram, "zalo": zalo}, public is not None)
