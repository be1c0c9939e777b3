"""Telegram: the channel adapter (send, edit) and the bot service (updates in, replies out).

python-telegram-bot's errors are translated here, once, into Loa's channel errors::

    RetryAfter                      → RetryLater(retry_after, whole_channel=True)
    Forbidden naming the chat        → ResidentGone (blocked, deactivated, kicked, …)
    BadRequest "chat not found"      → ResidentGone
    bare Forbidden, InvalidToken     → BotRefused (401, or 404: wrong token or method)
    ChatMigrated                     → ChatMoved(new_chat_id)
    other BadRequest                 → MessageRejected(reason)
    TimedOut, NetworkError (5xx)     → RetryLater(None)

A 429 is treated as bot-wide: PTB keeps only ``retry_after`` from the answer (the description is
replaced), so a per-chat flood cannot be told from the global one, and waiting everywhere is the
only way never to retry early. Loa's own per-chat pacing keeps per-chat 429s rare.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    Updater,
    filters,
)
from telegram.warnings import PTBDeprecationWarning

from base.config import TelegramSettings
from bot import texts
from bot.channel import (
    BotRefused,
    Button,
    Channel,
    ChannelError,
    ChatMoved,
    Incoming,
    MalformedAnswer,
    MessageRejected,
    Reply,
    ResidentGone,
    RetryLater,
    Upload,
)
from bot.connect import UpdateStream, cancel, connect_patiently
from bot.ordering import PerChatUpdateProcessor
from bot.outgoing import AnswerSink
from bot.replies import ReplySender
from bot.telegram_media import attachment
from storage import residents, updates
from storage.models import utcnow

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024  # a photo's or voice note's caption, after entity parsing
FREE_MESSAGES_PER_SECOND = 30  # beyond this, paid broadcasts (allow_paid_broadcast)
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
_GONE_BAD_REQUESTS = ("chat not found", "user not found", "peer_id_invalid")
# A Forbidden is about the chat only when it says so (reference A.4); a bare "Forbidden" is
# the bot's (a proxy, a server refusing the token): never a reason to deactivate anyone.
_GONE_FORBIDDEN = (
    ("blocked", "blocked the bot"),
    ("deactivated", "account deleted"),
    ("kicked", "removed the bot"),
    ("not a member", "removed the bot"),
    ("was deleted", "chat deleted"),
    ("can't initiate", "never started the bot"),
)
_LEFT = ("kicked", "left")

Handle = Callable[[Incoming], Awaitable[list[Reply]]]
_CODES: tuple[tuple[type[TelegramError], int], ...] = (
    (RetryAfter, 429),
    (Forbidden, 403),
    (Conflict, 409),
    (BadRequest, 400),  # ChatMigrated included
)


def translate(exc: TelegramError, method: str | None = None) -> ChannelError:
    """Loa's channel error for a python-telegram-bot error, noted as the answer to
    ``method``."""
    return _translated(exc).answering(method, _code(exc))


def _code(exc: TelegramError) -> int | None:
    """The HTTP status PTB read the error from (it keeps only the class; reference A.4)."""
    if isinstance(exc, InvalidToken):
        return 404 if "not found" in exc.message.lower() else 401
    for kind, code in _CODES:
        if isinstance(exc, kind):
            return code
    return None


def _translated(exc: TelegramError) -> ChannelError:
    """Catch order matters: BadRequest and TimedOut are NetworkErrors."""
    if isinstance(exc, RetryAfter):
        return RetryLater(str(exc), _seconds(exc), whole_channel=True)
    if isinstance(exc, ChatMigrated):
        return ChatMoved(str(exc), str(exc.new_chat_id))
    if isinstance(exc, Forbidden):
        said = exc.message.lower()
        why = next((why for marker, why in _GONE_FORBIDDEN if marker in said), None)
        return ResidentGone(exc.message, why) if why else BotRefused(exc.message)
    if isinstance(exc, InvalidToken):
        return BotRefused(exc.message, method_missing="not found" in exc.message.lower())
    if isinstance(exc, BadRequest):
        if any(marker in exc.message.lower() for marker in _GONE_BAD_REQUESTS):
            return ResidentGone(exc.message, "chat not found")
        return MessageRejected(exc.message)
    if isinstance(exc, NetworkError):
        return RetryLater(exc.message)
    return RetryLater(f"{type(exc).__name__}: {exc.message}")


_ME_FIELDS = ("id", "is_bot", "first_name")  # a User's required fields (reference A)


async def _malformed_me(bot: Bot, exc: Exception) -> str:
    """The "malformed answer to getMe: no is_bot" line, read from the raw answer (PTB says only that
    its ``User`` could not be built)."""
    try:
        with warnings.catch_warnings():  # PTB asks to use get_me, which is what failed
            warnings.simplefilter("ignore")
            raw = await bot.do_api_request("getMe")
    except Exception:
        raw = None
    if isinstance(raw, dict):
        missing = [field for field in _ME_FIELDS if field not in raw]
        if missing:
            return f"malformed answer to getMe: no {', '.join(missing)}"
    return f"malformed answer to getMe: {type(exc).__name__}: {exc}"


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # int vs timedelta: PTB 22 warns on the int form
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def keyboard(rows: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


def _file_url(api_base_url: str) -> str:
    """Telegram serves files from /file/bot<token>; keep them on the configured host."""
    head, _, tail = api_base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if head else api_base_url


def _chat(chat_id: str) -> int | str:
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


class TelegramChannel(Channel):
    """Sends Loa's replies through a python-telegram-bot ``Bot`` (HTML, no link previews)."""

    name = CHANNEL
    max_text_length = MAX_TEXT_LENGTH
    max_caption_length = MAX_CAPTION_LENGTH

    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self._bot = bot
        self._no_preview = LinkPreviewOptions(is_disabled=True)
        # Serialised once: PTB would turn the object into JSON again for every message.
        self._no_preview_json = json.dumps(self._no_preview.to_dict())
        # Above Telegram's free 30 messages/s, each message must ask for the paid limit.
        self._paid = True if paid_broadcast else None
        # Stored photos uploaded once (bot.channel.Upload): name -> the file id Telegram
        # returned, reused for every other resident; the lock makes concurrent senders wait
        # for the one upload instead of each uploading the bytes.
        self._file_ids: dict[str, str] = {}
        self._uploading: dict[str, asyncio.Lock] = {}

    async def check(self) -> str:
        me = await self._bot.get_me()
        return f"@{me.username} (id {me.id})"

    async def send(self, chat_id: str, reply: Reply) -> str:
        if reply.has_media:
            return await self._send_media(chat_id, reply)
        data = {
            "chat_id": _chat(chat_id),
            "text": reply.html,
            "parse_mode": ParseMode.HTML,
            "reply_markup": keyboard(reply.buttons),
            "link_preview_options": self._no_preview_json,
            "allow_paid_broadcast": self._paid,
        }
        try:
            # Bot._post rather than Bot.send_message: the same request path, defaults and errors,
            # without turning every answer into a Message object (~70 µs, 7 % of a message's
            # CPU: bench/delivery_bench.py); the sender keeps only the message id.
            sent = await self._bot._post("sendMessage", data)
        except TelegramError as exc:
            raise translate(exc, "sendMessage") from exc
        return str(sent["message_id"])

    async def _send_media(self, chat_id: str, reply: Reply) -> str:
        """A copy of a message (its caption replaced), or a photo / voice note by URL."""
        chat, markup, html = _chat(chat_id), keyboard(reply.buttons), ParseMode.HTML
        method = (
            "copyMessage"
            if reply.copy_from is not None
            else "sendPhoto"
            if reply.photo_upload is not None or reply.photo_url
            else "sendVoice"
        )
        try:
            if reply.copy_from is not None:
                from_chat, message_id = reply.copy_from
                copied = await self._bot.copy_message(
                    chat,
                    _chat(from_chat),
                    int(message_id),
                    caption=reply.html,
                    parse_mode=html,
                    reply_markup=markup,
                    allow_paid_broadcast=self._paid,
                )
                return str(copied.message_id)
            if reply.photo_upload is not None:
                return await self._send_upload(chat, reply, reply.photo_upload)
            if reply.photo_url:
                sent = await self._bot.send_photo(
                    chat,
                    reply.photo_url,
                    caption=reply.html,
                    parse_mode=html,
                    reply_markup=markup,
                    allow_paid_broadcast=self._paid,
                )
            else:
                sent = await self._bot.send_voice(
                    chat,
                    reply.voice_url or "",
                    caption=reply.html,
                    parse_mode=html,
                    reply_markup=markup,
                    allow_paid_broadcast=self._paid,
                )
        except TelegramError as exc:
            raise translate(exc, method) from exc
        return str(sent.message_id)

    async def _send_upload(self, chat: int | str, reply: Reply, upload: Upload) -> str:
        """A stored photo (no public URL): the bytes go up with the first message, later ones
        send the file id Telegram gave back."""
        options: dict[str, Any] = {
            "caption": reply.html,
            "parse_mode": ParseMode.HTML,
            "reply_markup": keyboard(reply.buttons),
            "allow_paid_broadcast": self._paid,
        }
        async with self._uploading.setdefault(upload.name, asyncio.Lock()):
            file_id = self._file_ids.get(upload.name)
            if file_id is None:
                photo = InputFile(upload.data, filename=upload.name)
                sent = await self._bot.send_photo(chat, photo, **options)
                if sent.photo:
                    self._file_ids[upload.name] = sent.photo[-1].file_id
                    log.info("telegram: photo %s uploaded once", upload.name)
                return str(sent.message_id)
        return str((await self._bot.send_photo(chat, file_id, **options)).message_id)

    async def download(self, file_id: str) -> bytes:
        """A file residents sent (getFile, then the file URL); Telegram serves up to 20 MB."""
        try:
            found = await self._bot.get_file(file_id)
            return bytes(await found.download_as_bytearray())
        except TelegramError as exc:
            raise translate(exc, "getFile") from exc

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        try:
            await self._bot.edit_message_text(
                text=reply.html,
                chat_id=_chat(chat_id),
                message_id=int(message_id),
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply.buttons),
                link_preview_options=self._no_preview,
            )
        except TelegramError as exc:
            raise translate(exc, "editMessageText") from exc


class _PollingUpdater(Updater):
    """PTB's updater, except that before long polling the deleteWebhook it always sends is
    optional: refused (a server without it, a 500), it is a warning and polling starts anyway.
    A webhook really left in place shows as getUpdates failing (409), logged by PTB."""

    async def _bootstrap(
        self,
        max_retries: int,
        webhook_url: str | None,
        allowed_updates: Sequence[str] | None,
        drop_pending_updates: bool | None = None,
        cert: bytes | None = None,
        bootstrap_interval: float = 1,
        ip_address: str | None = None,
        max_connections: int = 40,
        secret_token: str | None = None,
    ) -> None:
        try:
            await super()._bootstrap(
                max_retries,
                webhook_url,
                allowed_updates,
                drop_pending_updates,
                cert,
                bootstrap_interval,
                ip_address,
                max_connections,
                secret_token,
            )
        except TelegramError as exc:
            if webhook_url:  # Loa sets webhooks itself (TelegramBot._connect); never here
                raise
            log.warning("Telegram refused deleteWebhook (%s); long polling anyway", exc)


class TelegramBot:
    """The bot inside ``loa run``: PTB's Application on Loa's own loop (no run_polling).

    Every instance connects and handles the updates it is given; with ``webhook_url`` set the
    web app hands them over (``process_webhook_update``, after checking the secret header),
    else the instance holding the ``telegram:updates`` role long-polls (``start_polling``).
    Each update is handled once, however often it arrives (``storage.updates``). Answers go
    to ``answers`` (the outbox, in ``loa run``).
    """

    name = "telegram bot"

    def __init__(
        self,
        settings: TelegramSettings,
        sessions: async_sessionmaker[AsyncSession],
        handle: Handle,
        *,
        connection_pool_size: int = 64,
        connect_backoff_seconds: float = 1.0,
        answers: AnswerSink | None = None,
    ) -> None:
        if not settings.token:
            raise ValueError("the Telegram bot needs [telegram] token")
        self._settings = settings
        self._sessions = sessions
        self._handle = handle
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(settings.token)
            .base_url(settings.api_base_url)
            .base_file_url(_file_url(settings.api_base_url))
            .connection_pool_size(connection_pool_size)
            .concurrent_updates(PerChatUpdateProcessor())
            .job_queue(None)
            .build()
        )
        # Polling mode: a server refusing deleteWebhook keeps no bot dark (issue 21).
        self.application.updater = _PollingUpdater(
            bot=self.application.bot, update_queue=self.application.update_queue
        )
        self.channel = TelegramChannel(
            self.application.bot,
            paid_broadcast=settings.rate_limit_per_second > FREE_MESSAGES_PER_SECOND,
        )
        self._connecting: asyncio.Task[None] | None = None
        self._connect_backoff = connect_backoff_seconds
        self._answers: AnswerSink = answers or ReplySender(self.channel)
        self._stream = UpdateStream(self._poll, self._unpoll)
        self._add_handlers(self.application)

    def _add_handlers(self, app: Application[Any, Any, Any, Any, Any, Any]) -> None:
        app.add_handler(TypeHandler(Update, self._once), group=-1)  # before every handler
        app.add_handler(ChatMemberHandler(self._on_member, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_handler(CallbackQueryHandler(self._on_press))
        app.add_handler(MessageHandler(filters.TEXT & filters.ChatType.PRIVATE, self._on_text))
        # A photo whose caption is a command (/thongbao): a photo broadcast.
        commanded = filters.PHOTO & filters.CaptionRegex(r"^/") & filters.ChatType.PRIVATE
        app.add_handler(MessageHandler(commanded, self._on_photo))
        app.add_error_handler(self._on_error)  # last, as every error ends here

    async def start(self) -> None:
        """Connect now, or in the background while Telegram is unreachable (bot.connect)."""
        self._connecting = await connect_patiently(
            "Telegram",
            self._connect,
            refused=lambda exc: isinstance(exc, InvalidToken),
            backoff_seconds=self._connect_backoff,
        )

    async def _connect(self) -> None:
        app = self.application
        try:
            await app.initialize()  # getMe: a wrong token raises InvalidToken here
        except TelegramError:
            raise
        except (TypeError, KeyError, ValueError) as exc:  # PTB could not read getMe's answer
            raise MalformedAnswer(await _malformed_me(app.bot, exc)) from None
        try:  # the command menu is a convenience: a server refusing it keeps no bot off
            await app.bot.set_my_commands([BotCommand(c, d) for c, d in texts.COMMAND_MENU])
        except TelegramError as exc:
            log.warning("Telegram refused setMyCommands (%s); the bot runs without its menu", exc)
        if self._settings.webhook_url:
            await app.bot.set_webhook(
                self._settings.webhook_url,
                secret_token=self._settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        await app.start()
        await self._stream.connected()

    async def start_polling(self) -> None:
        """Read the update stream (the ``telegram:updates`` role); at once, or on connecting."""
        await self._stream.want()

    async def stop_polling(self) -> None:
        await self._stream.drop()

    async def _poll(self) -> None:
        updater = self.application.updater
        if self._settings.webhook_url or updater is None or updater.running:
            return
        await updater.start_polling(
            timeout=self._settings.poll_timeout_seconds, allowed_updates=ALLOWED_UPDATES
        )
        log.info("reading Telegram updates (long polling)")

    async def _unpoll(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()

    async def stop(self) -> None:
        await self._answers.aclose()
        await cancel(self._connecting)
        await self.stop_polling()
        app = self.application
        if app.running:
            await app.stop()
        await app.shutdown()
        self._stream.disconnected()

    async def process_webhook_update(self, data: dict[str, Any]) -> None:
        """Queue one update POSTed to the webhook (the caller verified the secret)."""
        await self.application.update_queue.put(Update.de_json(data, self.application.bot))

    # ------------------------------------------------------------------ handlers

    async def _once(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop an update seen before (a webhook re-send, a handover of the stream)."""
        if not await updates.first_time(self._sessions, CHANNEL, str(update.update_id), utcnow()):
            log.info("telegram update %d was handled before; skipped", update.update_id)
            raise ApplicationHandlerStop

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A resident wrote something: a command, a word, a number."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or message.text is None:
            return
        incoming = Incoming(
            channel=CHANNEL,
            chat_id=str(message.chat_id),
            user_id=str(user.id),
            text=message.text,
            display_name=user.full_name,
            message_id=str(message.message_id),
            reply_to=(
                attachment(message.reply_to_message, self.channel.download)
                if message.reply_to_message is not None
                else None
            ),
        )
        await self._answer(incoming)

    async def _on_photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo captioned with a command: the caption is the command, the photo its media."""
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or not message.caption:
            return
        incoming = Incoming(
            channel=CHANNEL,
            chat_id=str(message.chat_id),
            user_id=str(user.id),
            text=message.caption,
            display_name=user.full_name,
            message_id=str(message.message_id),
            media=attachment(message, self.channel.download),
        )
        await self._answer(incoming)

    async def _on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A resident pressed an inline button."""
        query = update.callback_query
        if query is None or update.effective_chat is None:
            return
        await query.answer()  # stops the button's spinner, whatever happens next
        incoming = Incoming(
            channel=CHANNEL,
            chat_id=str(update.effective_chat.id),
            user_id=str(query.from_user.id),
            display_name=query.from_user.full_name,
            callback_data=query.data,
            callback_id=query.id,
            message_id=str(query.message.message_id) if query.message else None,
        )
        await self._answer(incoming)

    async def _on_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The resident blocked (or unblocked) the bot: stop sending to a blocked chat."""
        change = update.my_chat_member
        if change is None or change.new_chat_member.status not in _LEFT:
            return
        async with self._sessions.begin() as session:
            await residents.deactivate(
                session,
                CHANNEL,
                str(change.chat.id),
                by="member update",
                why="blocked or removed the bot",
                answer=f"my_chat_member: {change.new_chat_member.status}",
            )
        log.info("telegram chat %s left or blocked the bot: deactivated", change.chat.id)

    async def _answer(self, incoming: Incoming) -> None:
        await self._answers.send(incoming.chat_id, await self._handle(incoming))

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log the failure (English) and apologise to the resident (Vietnamese)."""
        log.error("handling a Telegram update failed", exc_info=context.error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            return
        try:
            await self._answers.send(str(chat.id), [Reply(texts.ERROR)])
        except Exception as exc:
            log.warning("could not apologise to chat %s: %s", chat.id, exc)
