"""The one small interface every chat platform adapter implements.

Exception tree (platform errors are translated into these at the adapter's edge)::

    ChannelError
     ├── RetryLater        the platform throttled us or failed transiently; try again later
     │    └── BotRefused   refused the bot, not a chat (bad token, unknown method, a bare
     │                     403/404): maybe the bot is broken; never a reason to deactivate
     ├── ResidentGone      an answer about THIS chat: blocked the bot, deleted the account,
     │                     unknown chat: stop sending (the sender asks for more evidence)
     ├── ChatMoved         the chat has a new id (Telegram group → supergroup)
     └── MessageRejected   this message can never be sent as it is (too long, bad markup)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self


class ChannelError(Exception):
    """Base of every error a channel adapter raises. ``method`` and ``code``: the platform
    call refused and its error code, when known (logged with every failed attempt)."""

    method: str | None = None
    code: int | None = None

    def answering(self, method: str | None, code: int | None) -> ChannelError:
        """This error, noted as the platform's answer to ``method`` (for chaining)."""
        self.method, self.code = method, code
        return self


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


class BotRefused(RetryLater):
    """The platform refused the bot rather than a chat: a refused token, an unknown method or
    URL, a bare "Forbidden"/"Not Found" that names no user or chat. Retried like a transient
    failure; never deactivates anyone (several chats in a row: the sender pauses the channel).
    ``method_missing``: the answer says the method or URL does not exist."""

    def __init__(self, message: str, *, method_missing: bool = False) -> None:
        super().__init__(message, None)
        self.method_missing = method_missing


class ResidentGone(ChannelError):
    """The platform's answer says this chat can no longer be reached (``why``: a short English
    category kept with the deactivation, e.g. "blocked the bot"; the message is the answer)."""

    def __init__(self, message: str, why: str = "chat gone") -> None:
        super().__init__(message)
        self.why = why


class MalformedAnswer(ChannelError):
    """The platform answered, but not in the documented shape ("malformed answer to getMe: no
    is_bot"): worth retrying, but never to be logged as "unreachable"."""


class CallRefused(ChannelError):
    """The platform answered no to a call the bot needs (a refused setWebhook): reachable, so
    never logged as "unreachable"; retried, as a fix on the platform's side may come."""


class ChatMoved(ChannelError):
    """The chat continues under ``new_chat_id``."""

    def __init__(self, message: str, new_chat_id: str) -> None:
        super().__init__(message)
        self.new_chat_id = new_chat_id


class MessageRejected(ChannelError):
    """The platform refuses this message for good (the reason is the exception text)."""


# Channels that show a reply's buttons; the others (Zalo, the console) number them.
BUTTON_CHANNELS = frozenset({"telegram"})


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # callback data, at most 64 bytes (Telegram's limit)


@dataclass(frozen=True, slots=True)
class Upload:
    """A photo the channel uploads itself (no public URL to give the platform): the stored
    media's ``name`` keys the platform's handle, so the bytes go up once per channel."""

    name: str
    data: bytes = field(repr=False)
    content_type: str


@dataclass(frozen=True, slots=True)
class Reply:
    """A message for a resident, written once for every channel.

    ``html`` uses only Telegram's HTML subset (<b>, <i>, <a href>, <code>) with every field
    escaped; channels without markup turn it into plain text. ``buttons`` are rows of choices;
    channels without buttons present them as numbered replies.
    """

    html: str
    buttons: list[list[Button]] = field(default_factory=list)
    # Media (bot.media): ``html`` is then the caption. At most one is set; ``copy_from`` is a
    # (chat id, message id) the channel copies as it is (Telegram's copyMessage), the URLs are
    # public addresses the platform fetches. A channel that cannot send them sends the text.
    photo_url: str | None = None
    voice_url: str | None = None
    copy_from: tuple[str, str] | None = None
    photo_upload: Upload | None = None  # a photo's bytes, for channels that upload (Telegram)

    @property
    def has_media(self) -> bool:
        return bool(self.photo_url or self.voice_url or self.copy_from or self.photo_upload)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A photo or voice note (or a plain text) a resident sent or replied to.

    ``file_id``: the platform's handle (Telegram); ``url``: a public address (Zalo); ``fetch``
    downloads the bytes where the platform allows it (Telegram's getFile), else None.
    """

    kind: str  # "photo", "voice" or "text"
    chat_id: str
    message_id: str
    user_id: str | None = None  # who sent it ("one's own message" is checked on this)
    text: str = ""  # the caption, or the text
    file_id: str | None = None
    url: str | None = None
    size: int | None = None  # bytes, when the platform says
    fetch: Callable[[], Awaitable[bytes]] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Incoming:
    """What a resident sent: a text message, or a button press (``callback_data``).

    ``media``: the photo or voice note this message is (its caption is ``text``); ``reply_to``:
    the message it answers."""

    channel: str
    chat_id: str
    user_id: str
    text: str = ""
    display_name: str | None = None
    callback_data: str | None = None
    callback_id: str | None = None
    message_id: str | None = None  # the message a pressed button belongs to
    media: Attachment | None = None
    reply_to: Attachment | None = None


class Channel(ABC):
    """A chat platform Loa can push to. Use with ``async with``."""

    name: str
    max_text_length: int
    max_caption_length: int | None = None  # a photo's caption (None: as ``max_text_length``)

    @abstractmethod
    async def send(self, chat_id: str, reply: Reply) -> str:
        """Send ``reply``; return the platform's message id. Raises a ``ChannelError``."""

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        """Replace a message sent earlier (progress reports); default: send a new one."""
        await self.send(chat_id, reply)

    async def check(self) -> str:
        """Ask the platform who the bot is (getMe); return a short English account of the
        answer. Raises a ``ChannelError`` (or the library's error) when it is refused."""
        return "no check for this channel"

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
