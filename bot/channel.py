"""The one small interface every chat platform adapter implements.

Exception tree (platform errors are translated into these at the adapter's edge)::

    ChannelError
     ├── RetryLater        the platform throttled us or failed transiently; try again later
     ├── ResidentGone      blocked the bot, deleted the account, unknown chat: stop sending
     ├── ChatMoved         the chat has a new id (Telegram group → supergroup)
     └── MessageRejected   this message can never be sent as it is (too long, bad markup)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self


class ChannelError(Exception):
    """Base of every error a channel adapter raises."""


class RetryLater(ChannelError):
    """Try again after ``retry_after`` seconds (None: the sender's own backoff).

    ``whole_channel`` is True when the platform throttled the bot as a whole, not one chat.
    ``charge``: the failure may be this message's own (an unknown error), so it counts
    towards the message's attempts even while the whole bot pauses.
    """

    def __init__(
        self,
        message: str,
        retry_after: float | None = None,
        *,
        whole_channel: bool = False,
        charge: bool = False,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.whole_channel = whole_channel
        self.charge = charge


class ResidentGone(ChannelError):
    """The resident can no longer be reached on this channel."""


class ChatMoved(ChannelError):
    """The chat continues under ``new_chat_id``."""

    def __init__(self, message: str, new_chat_id: str) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


class MessageRejected(ChannelError):
    """The platform refuses this message for good (the reason is the exception text)."""


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes (Telegram's limit)


@dataclass(frozen=True, slots=True)
class Reply:
    """A message for a resident, written once for every channel.

    ``html`` uses only Telegram's HTML subset (<b>, <i>, <a href>, <code>) with every field
    escaped; channels without markup turn it into plain text. ``buttons`` are rows of choices;
    channels without buttons present them as numbered replies.
    """

    html: str
    buttons: list[list[Button]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Incoming:
    """What a resident sent: a text message, or a button press (``callback_data``)."""

    channel: str
    chat_id: str
    user_id: str
    text: str = ""
    display_name: str | None = None
    callback_data: str | None = None
    callback_id: str | None = None
    message_id: str | None = None  # the message a pressed button belongs to


class Channel(ABC):
    """A chat platform Loa can push to. Use with ``async with``."""

    name: str
    max_text_length: int

    @abstractmethod
    async def send(self, chat_id: str, reply: Reply) -> str:
        """Send ``reply``; return the platform's message id. Raises a ``ChannelError``."""

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        """Replace a message sent earlier (progress reports); default: send a new one."""
        await self.send(chat_id, reply)

    async def aclose(self) -> None:
        """Release connections."""
        return None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
