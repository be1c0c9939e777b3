"""Why a broadcast would reach nobody: said in the preview, in chat, on the admin page and in the
CLI, instead of a "0 người nhận" that looks like success.

Pure: the caller counts the residents (``storage.broadcast_targets``) and knows whether any
bot is configured; this says which reason applies, most fundamental first.
"""

from __future__ import annotations

from enum import Enum


class Nobody(Enum):
    NO_BOT = "no bot"  # no Zalo or Telegram token: no resident can be reached at all
    NO_COMMUNE = "nobody chose the commune"  # nobody subscribed to that commune yet
    NO_TOPIC = "nobody chose the topic"  # a topic only: nobody chose it, nobody takes everything
    NO_RESIDENT = "no resident"  # everyone targeted, but nobody subscribed yet
    NOT_REACHED = "media not reached"  # residents targeted, but their channel gets nothing of it


def nobody_reason(
    total: int,
    *,
    bots: bool,
    commune: str | None = None,
    topic: str | None = None,
    targeted: bool = False,
) -> Nobody | None:
    """Why ``total`` (the residents the target reaches) is 0, or None when it is not.
    ``targeted``: some residents are targeted, but on channels that get nothing of this
    broadcast (a photo or voice note without text, for Zalo: ``reached_channels``)."""
    if total:
        return None
    if targeted:
        return Nobody.NOT_REACHED
    if not bots:
        return Nobody.NO_BOT
    if commune:
        return Nobody.NO_COMMUNE
    if topic:
        return Nobody.NO_TOPIC
    return Nobody.NO_RESIDENT


def all_quiet(total: int, quiet: int) -> bool:
    """Every targeted resident is in quiet hours now: nobody gets it before those end."""
    return total > 0 and quiet >= total
