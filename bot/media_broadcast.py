"""Photo and voice broadcasts: what each channel's residents get of a broadcast's media.

Telegram residents get a copy of the administrator's own message (``copyMessage``: no
re-upload, no "forwarded from"), its caption replaced by the broadcast's text. Channels that
only take a public URL (Zalo) get the stored copy at ``[web] public_url/media/<name>``
(``web.media``); without one they get the text only, and the preview says so.
"""

from __future__ import annotations

from dataclasses import replace

from bot.channel import Reply
from storage.models import Broadcast

PHOTO, VOICE = "photo", "voice"
COPYING_CHANNELS = frozenset({"telegram"})  # channels that copy the administrator's message


def with_media(broadcast: Broadcast, channel: str, reply: Reply) -> Reply:
    """``reply`` (the broadcast's text as residents see it) with the media ``channel`` gets."""
    if not broadcast.media_kind:
        return reply
    if channel in COPYING_CHANNELS and broadcast.copy_chat_id and broadcast.copy_message_id:
        return replace(reply, copy_from=(broadcast.copy_chat_id, broadcast.copy_message_id))
    if not broadcast.media_url:
        return reply  # text only: no public URL to fetch the media from
    if broadcast.media_kind == VOICE:
        return replace(reply, voice_url=broadcast.media_url)
    return replace(reply, photo_url=broadcast.media_url)
