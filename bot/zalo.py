"""The Zalo adapter: a ``Channel`` that sends plain text, and the ``ZaloBot`` service that
receives residents' messages (long polling, or webhook updates fed by the web app).

Zalo has no markup Loa relies on and no buttons: a ``Reply`` becomes plain text
(``html_to_text``) and its buttons numbered choices ("Trả lời 1, 2 hoặc 3"), which the resident
answers with a number that maps back to the button's callback data (``bot.choices``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.channel import (
    Attachment,
    BotRefused,
    CallRefused,
    Channel,
    ChannelError,
    Incoming,
    MalformedAnswer,
    MessageRejected,
    Reply,
    ResidentGone,
    RetryLater,
)
from bot.choices import NumberedChoices
from bot.connect import UpdateStream, cancel, connect_patiently
from bot.ordering import MAX_CONCURRENT_UPDATES, ChatOrder
from bot.outgoing import AnswerSink
from bot.render import cut, html_to_text, utf16_len
from bot.replies import ReplySender
from bot.zalo_api import (
    ZaloApiError,
    ZaloBotApi,
    ZaloErrorCode,
    ZaloTransportError,
    ZaloUpdate,
    parse_update,
)

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 2000

Handler = Callable[[Incoming], Awaitable[list[Reply]]]


@dataclass(frozen=True, slots=True)
class _Rule:
    codes: frozenset[int]
    words: tuple[str, ...]  # lower-case fragments of the description
    translate: Callable[[ZaloApiError], ChannelError]


def _throttled(exc: ZaloApiError) -> ChannelError:
    # Zalo says neither how long nor whether per chat: the sender pauses the whole bot with
    # a growing delay (``jobs.send``), failing nothing.
    return RetryLater(str(exc), None, whole_channel=True)


def _gone(exc: ZaloApiError) -> ChannelError:
    blocked = "block" in exc.description.lower()
    return ResidentGone(str(exc), "blocked the bot" if blocked else "chat not found")


# Zalo documents no error codes (ZaloErrorCode's are guesses), so only the description can be
# evidence about a chat. Checked in this order, the first match wins:
# - throttling (429 or its words): pause the bot;
# - the method or URL does not exist: the bot's fault, never the resident's ("not found" alone
#   is what a wrong base path answers);
# - a refused token (401, or its words): the bot's fault;
# - a description naming the user or the chat: that resident is gone;
# - a bare 404 (names nobody: a wrong base path or method) or 403: the bot may be broken,
#   the resident is not gone;
# - a bad request: this message's fault.
_METHOD_WORDS = ("method", "endpoint")
_GONE_WORDS = (
    "block",
    "chat not found",
    "user not found",
    "recipient",
    "not follow",
    "unfollow",
    "chat does not exist",
    "user does not exist",
    "deactivated",
    "deleted",
)
_RULES: tuple[_Rule, ...] = (
    _Rule(
        frozenset({ZaloErrorCode.TOO_MANY_REQUESTS}),
        ("too many", "rate limit", "quota", "spam"),
        _throttled,
    ),
    _Rule(
        frozenset(),
        _METHOD_WORDS,
        lambda exc: BotRefused(str(exc), method_missing=True),
    ),
    _Rule(
        frozenset({ZaloErrorCode.UNAUTHORIZED}),
        ("unauthorized", "token", "authentica"),
        lambda exc: BotRefused(str(exc)),
    ),
    _Rule(frozenset(), _GONE_WORDS, _gone),
    _Rule(
        frozenset({ZaloErrorCode.NOT_FOUND}),
        ("not found",),
        lambda exc: BotRefused(str(exc), method_missing=True),
    ),
    _Rule(
        frozenset({ZaloErrorCode.FORBIDDEN}),
        ("forbidden", "permission"),
        lambda exc: BotRefused(str(exc)),
    ),
    _Rule(
        frozenset({ZaloErrorCode.BAD_REQUEST}),
        ("text", "too long", "invalid", "empty"),
        lambda exc: MessageRejected(str(exc)),
    ),
)


def translate_error(exc: ZaloApiError) -> ChannelError:
    """The Loa error for a Zalo error (see ``_RULES``)."""
    return _translated(exc).answering(exc.method, exc.error_code)


def _translated(exc: ZaloApiError) -> ChannelError:
    if isinstance(exc, ZaloTransportError):
        return RetryLater(str(exc), None)
    description = exc.description.lower()
    for rule in _RULES:
        if exc.error_code in rule.codes or any(word in description for word in rule.words):
            return rule.translate(exc)
    # An unknown code (or a refused token mid-run) may be a quota of its own: pause the bot,
    # growing. It may also be this message's own fault, so it is charged: a message that
    # alone keeps failing gives up after [sender] max_attempts instead of blocking the bot.
    return RetryLater(str(exc), None, whole_channel=True, charge=True)


def fit_text(body: str, menu: str, limit: int = MAX_TEXT_LENGTH) -> str:
    """``body`` then the numbered ``menu``, cut cleanly so the whole is at most ``limit`` units.

    The menu is never cut: without it a resident could not answer.
    """
    body = body.strip()
    if not menu:
        return cut(body, limit)
    room = limit - utf16_len(menu) - 2
    body = cut(body, room) if room > 0 else ""
    return f"{body}\n\n{menu}" if body else cut(menu, limit)


class ZaloChannel(Channel):
    """Loa's messages as Zalo plain text; owns the API client (closed by ``aclose``)."""

    name = "zalo"
    max_text_length = MAX_TEXT_LENGTH
    max_caption_length = MAX_TEXT_LENGTH  # sendPhoto's caption: 1–2000, as a text

    def __init__(self, api: ZaloBotApi, choices: NumberedChoices | None = None) -> None:
        self.api = api
        self.choices = choices if choices is not None else NumberedChoices()

    def render(self, chat_id: str, reply: Reply) -> str:
        """The text a resident sees; remembers the numbered choices for ``chat_id``."""
        menu = ""
        if reply.buttons:
            # Present the choices alone, so a long body can be cut without losing them.
            menu = html_to_text(self.choices.present(chat_id, Reply("", reply.buttons)).html)
        return fit_text(html_to_text(reply.html), menu.strip(), self.max_text_length)

    async def check(self) -> str:
        me = await self.api.get_me()
        if not me.get("id"):
            raise MalformedAnswer("malformed answer to getMe: no id")
        return f"{me.get('account_name') or me['id']} (id {me['id']})"

    async def send(self, chat_id: str, reply: Reply) -> str:
        text = self.render(chat_id, reply)
        if reply.photo_url or reply.voice_url:
            return await self._send_media(chat_id, reply, text)
        if not text:
            raise MessageRejected("empty message")
        try:
            sent = await self.api.send_message(chat_id, text)
        except ZaloApiError as exc:
            raise translate_error(exc) from exc
        return sent.message_id

    async def _send_media(self, chat_id: str, reply: Reply, text: str) -> str:
        """A photo with its caption; a voice note, then its text (sendVoice takes none)."""
        try:
            if reply.photo_url:
                return (await self.api.send_photo(chat_id, reply.photo_url, text)).message_id
            assert reply.voice_url is not None
            sent = await self.api.send_voice(chat_id, reply.voice_url)
            if text:
                await self.api.send_message(chat_id, text)
        except ZaloApiError as exc:
            raise translate_error(exc) from exc
        return sent.message_id

    async def aclose(self) -> None:
        await self.api.aclose()


def incoming_from(update: ZaloUpdate) -> Incoming | None:
    """What the resident said, for the command handler; None for non-text events (but a
    photo captioned with a command: its caption is the text, the photo its media)."""
    if update.is_commanded_photo:
        return _photo_incoming(update)
    if not update.is_text:
        return None
    message = update.message
    incoming = Incoming(
        channel=ZaloChannel.name,
        chat_id=message.chat.id,
        user_id=message.sender.id,
        text=(message.text or "").strip(),
        display_name=message.sender.display_name,
        message_id=message.message_id,
    )
    return incoming


def _photo_incoming(update: ZaloUpdate) -> Incoming:
    message = update.message
    caption = (message.caption or "").strip()
    photo = Attachment(
        "photo",
        message.chat.id,
        message.message_id,
        message.sender.id,
        caption,
        url=message.photo_url,  # public already: every channel takes it as it is
    )
    return Incoming(
        channel=ZaloChannel.name,
        chat_id=message.chat.id,
        user_id=message.sender.id,
        text=caption,
        display_name=message.sender.display_name,
        message_id=message.message_id,
        media=photo,
    )


class ZaloBot:
    """Receives Zalo updates and answers them through ``handle`` (Loa's commands).

    With ``webhook_url`` the bot registers the webhook and the web app calls
    ``process_webhook_update`` (on every instance); else the instance holding the
    ``zalo:updates`` role long-polls (``start_polling``). Each update is handled once when
    ``seen`` is given (``storage.updates``). Answers go to ``answers`` (the outbox, in
    ``loa run``). Stopping also closes the channel (it is started before the sender and
    stopped after it).
    """

    name = "zalo bot"

    def __init__(
        self,
        channel: ZaloChannel,
        handle: Handler,
        *,
        poll_timeout_seconds: float = 30,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        backoff_seconds: float = 1.0,
        max_backoff_seconds: float = 60.0,
        answers: AnswerSink | None = None,
        seen: Callable[[str], Awaitable[bool]] | None = None,
    ) -> None:
        if webhook_url and not webhook_secret:
            raise ValueError("[zalo] webhook_url needs a webhook_secret (8–256 characters)")
        self.channel = channel
        self._handle = handle
        self._poll_timeout = poll_timeout_seconds
        self._webhook_url = webhook_url
        self._webhook_secret = webhook_secret
        self._backoff = backoff_seconds
        self._max_backoff = max_backoff_seconds
        self._poller: asyncio.Task[None] | None = None
        self._connecting: asyncio.Task[None] | None = None
        self._answers: AnswerSink = answers or ReplySender(channel, choices=channel.choices)
        self._first_time = seen
        self._stream = UpdateStream(self._poll, self._unpoll)
        self._order = ChatOrder()
        self._handling: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(MAX_CONCURRENT_UPDATES)
        self._told_shape = False  # an update without event_name was logged

    @property
    def webhook_secret(self) -> str | None:
        return self._webhook_secret

    async def start(self) -> None:
        """Connect now, or in the background while Zalo is unreachable (bot.connect)."""
        self._connecting = await connect_patiently(
            "Zalo",
            self._connect,
            refused=_token_refused,
            backoff_seconds=self._backoff,
            max_backoff_seconds=self._max_backoff,
        )

    async def _connect(self) -> None:
        log.info("Zalo bot %s connected", await self.channel.check())
        if self._webhook_url and self._webhook_secret:
            try:
                await self.channel.api.set_webhook(self._webhook_url, self._webhook_secret)
            except ZaloTransportError:
                raise
            except ZaloApiError as exc:
                raise CallRefused(f"setWebhook: {exc.error_code} {exc.description}") from None
            log.info("Zalo webhook set; updates arrive over HTTP")
        await self._stream.connected()

    async def start_polling(self) -> None:
        """Read the update stream (the ``zalo:updates`` role); at once, or on connecting."""
        await self._stream.want()

    async def stop_polling(self) -> None:
        await self._stream.drop()

    async def _poll(self) -> None:
        if self._webhook_url or self._poller is not None:
            return
        api = self.channel.api
        try:
            if (await api.get_webhook_info()).url:
                await api.delete_webhook()  # polling and a webhook exclude each other
                log.info("Zalo webhook removed for long polling")
        except ZaloApiError as exc:
            # Optional: a server without these methods (or refusing them) still gives updates;
            # a webhook really left in place shows as getUpdates failing, logged there.
            log.warning("Zalo refused the webhook check before polling (%s); polling anyway", exc)
        self._poller = asyncio.create_task(self._poll_forever(), name="zalo-poll")
        log.info("reading Zalo updates (long polling)")

    async def _unpoll(self) -> None:
        await cancel(self._poller)
        self._poller = None
        if self._handling:  # updates already read are answered, not lost
            await asyncio.gather(*self._handling, return_exceptions=True)

    async def stop(self) -> None:
        await self._answers.aclose()
        await cancel(self._connecting)
        await self.stop_polling()
        self._stream.disconnected()
        await self.channel.aclose()

    async def process_webhook_update(self, data: dict[str, Any]) -> None:
        """Handle one webhook body (``{ok, result: update}``); malformed bodies are logged."""
        try:
            update = parse_update(data)
        except ValueError:
            log.warning("ignored a Zalo webhook body that is not an update")
            return
        await self.handle_update(update)

    async def handle_update(self, update: ZaloUpdate) -> None:
        """Answer one update; a failure is logged, never raised (the next update must run)."""
        incoming = incoming_from(update)
        if incoming is None:
            log.debug("ignored Zalo event %s", update.event_name)
            return
        if not update.event_name and not self._told_shape:
            self._told_shape = True  # once: every message of this shape would say it again
            log.info("Zalo sent a message without event_name; handled as text (logged once)")
        try:
            if self._first_time is not None and incoming.message_id:
                if not await self._first_time(incoming.message_id):
                    log.info("zalo message %s was handled before; skipped", incoming.message_id)
                    return
            incoming = await self._answers.read_choice(incoming)
            await self._answers.send(incoming.chat_id, await self._handle(incoming))
        except Exception:
            log.exception("handling a Zalo message failed")

    async def _poll_forever(self) -> None:
        failures = 0
        while True:
            try:
                update = await self.channel.api.get_updates(self._poll_timeout)
            except ZaloApiError as exc:
                failures += 1
                delay = min(self._max_backoff, self._backoff * 2 ** (failures - 1))
                log.warning("Zalo getUpdates failed (%s); retrying in %.1f s", exc, delay)
                await asyncio.sleep(delay)
                continue
            failures = 0
            if update is not None:
                await self._slots.acquire()  # bounded: a flood waits here, not in memory
                task = asyncio.create_task(self._handle_in_turn(update))
                self._handling.add(task)
                task.add_done_callback(self._handling.discard)

    async def _handle_in_turn(self, update: ZaloUpdate) -> None:
        """Concurrent across chats, in arrival order within a chat (``bot.ordering``)."""
        try:
            async with self._order.turn(update.message.chat.id):
                await self.handle_update(update)
        finally:
            self._slots.release()


def _token_refused(exc: BaseException) -> bool:
    return (
        isinstance(exc, ZaloApiError)
        and not isinstance(exc, ZaloTransportError)
        and exc.error_code == ZaloErrorCode.UNAUTHORIZED
    )
