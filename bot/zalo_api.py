"""A small typed async client for the Zalo Bot API (``{base}/bot{token}/{method}``, JSON POST).

Why not an SDK: the PyPI ones swallow ``ok: false``, call ``asyncio.run`` inside a running loop
or need Python 3.14 (reference C.5). Zalo answers ``{ok, result}`` or ``{ok: false, error_code,
description}``, often with HTTP 200, so success is read from ``ok``, never from the status.

Errors::

    ZaloApiError             Zalo answered ``ok: false`` (error_code, description)
     └── ZaloTransportError  no usable answer: network failure, timeout, HTTP 5xx, not JSON

An empty long poll (``ok: false, error_code: 408``) is not an error: ``get_updates`` returns None.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Self

import httpx

from base.config import ZALO_API as DEFAULT_BASE_URL

log = logging.getLogger(__name__)

# Extra read time over the long-poll timeout, so the server answers 408 before we give up.
POLL_MARGIN_SECONDS = 10.0


class ZaloErrorCode(IntEnum):
    """Error codes Loa acts on. Only 408 is attested (third-party measurement, reference C.2).

    [UNVERIFIED] Zalo documents no codes for throttling, blocked users, unknown chats or invalid
    messages; these HTTP-like values are Loa's best guess. The adapter's error table
    (``bot/zalo.py``) and the test emulator both use this enum, so a correction is made here once.
    A code alone never deactivates a resident: only a description naming the user or the chat
    does (``bot.zalo._GONE_WORDS``); a bare 403/404 is read as the bot's fault (issue 21).
    ``loa check --live --record`` collects the real server's answers.
    """

    BAD_REQUEST = 400  # invalid message: empty or too long text, bad parameter
    UNAUTHORIZED = 401  # wrong token
    FORBIDDEN = 403  # the user blocked the bot (with a description saying so), or a bad token
    NOT_FOUND = 404  # unknown chat (a description saying so), or unknown method or base path
    REQUEST_TIMEOUT = 408  # empty long poll: no update within the timeout
    CONFLICT = 409  # getUpdates while a webhook is set
    TOO_MANY_REQUESTS = 429  # throttled


class ZaloApiError(Exception):
    """Zalo refused a call: ``ok: false`` with ``error_code`` and ``description``."""

    def __init__(self, method: str, error_code: int | None, description: str) -> None:
        super().__init__(f"{method}: {error_code} {description}")
        self.method = method
        self.error_code = error_code
        self.description = description


class ZaloTransportError(ZaloApiError):
    """No usable answer (network, timeout, HTTP 5xx, malformed body); worth retrying."""


@dataclass(frozen=True, slots=True)
class ZaloUser:
    id: str
    display_name: str | None = None
    is_bot: bool = False


@dataclass(frozen=True, slots=True)
class ZaloChat:
    id: str
    chat_type: str = "PRIVATE"  # "PRIVATE" or "GROUP"


@dataclass(frozen=True, slots=True)
class ZaloMessage:
    message_id: str
    sender: ZaloUser  # the JSON field ``from``
    chat: ZaloChat
    date_ms: int
    text: str | None = None
    photo_url: str | None = None  # message.image.received: the photo's public URL
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class ZaloUpdate:
    event_name: str  # "message.text.received", "message.image.received", …
    message: ZaloMessage

    @property
    def is_text(self) -> bool:
        # Without event_name (one copy of the official docs shows such updates), a message
        # with text is a text message.
        text_event = self.event_name in ("message.text.received", "")
        return text_event and bool(self.message.text)

    @property
    def is_commanded_photo(self) -> bool:
        """A photo whose caption is a command (an administrator's photo broadcast)."""
        caption = (self.message.caption or "").lstrip()
        return self.event_name == "message.image.received" and caption.startswith("/")


@dataclass(frozen=True, slots=True)
class SentMessage:
    message_id: str
    date_ms: int


@dataclass(frozen=True, slots=True)
class WebhookInfo:
    url: str
    updated_at_ms: int | None


def parse_update(data: dict[str, Any]) -> ZaloUpdate:
    """An update from getUpdates' result or a webhook body (``{ok, result}`` or bare).

    Raises ``ValueError`` when the shape is not an update.
    """
    if "result" in data and isinstance(data["result"], dict):
        data = data["result"]
    try:
        raw = data["message"]
        sender, chat = raw["from"], raw["chat"]
        message = ZaloMessage(
            message_id=str(raw.get("message_id", "")),
            sender=ZaloUser(
                str(sender["id"]), sender.get("display_name"), bool(sender.get("is_bot"))
            ),
            chat=ZaloChat(str(chat["id"]), str(chat.get("chat_type", "PRIVATE"))),
            date_ms=int(raw.get("date", 0)),
            text=raw.get("text") if isinstance(raw.get("text"), str) else None,
            photo_url=_string(raw.get("photo_url") or raw.get("photo")),
            caption=_string(raw.get("caption")),
        )
        return ZaloUpdate(event_name=str(data.get("event_name", "")), message=message)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"not a Zalo update: {exc!r}") from exc


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def secret_matches(expected: str | None, received: str | None) -> bool:
    """Constant-time check of a webhook secret header; False when either side is missing."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(expected.encode(), received.encode())


class ZaloBotApi:
    """The Zalo Bot API over one shared ``httpx.AsyncClient``. Use with ``async with``.

    The token lives only in request paths; ``repr`` and errors never show it.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout_seconds: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._timeout = httpx.Timeout(timeout_seconds)
        self._client = httpx.AsyncClient(
            timeout=self._timeout,
            transport=transport,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
        )

    def __repr__(self) -> str:
        return f"ZaloBotApi(base_url={self._base_url!r}, token=<redacted>)"

    __str__ = __repr__

    async def call(
        self,
        method: str,
        payload: dict[str, Any] | None = None,
        *,
        http_timeout: httpx.Timeout | None = None,
    ) -> Any:
        """POST ``payload`` as JSON to ``method``; return ``result`` or raise a ``ZaloApiError``."""
        url = f"{self._base_url}/bot{self._token}/{method}"
        try:
            response = await self._client.post(
                url, json=payload or {}, timeout=http_timeout or httpx.USE_CLIENT_DEFAULT
            )
        except httpx.TimeoutException as exc:
            raise ZaloTransportError(method, None, f"timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise ZaloTransportError(method, None, f"HTTP failure ({type(exc).__name__})") from exc
        return self._unwrap(method, response)

    @staticmethod
    def _unwrap(method: str, response: httpx.Response) -> Any:
        if response.status_code >= 500:
            raise ZaloTransportError(method, response.status_code, "server error")
        try:
            body = response.json()
        except ValueError as exc:
            raise ZaloTransportError(method, response.status_code, "answer is not JSON") from exc
        if not isinstance(body, dict):
            raise ZaloTransportError(method, response.status_code, "answer is not an object")
        if body.get("ok") is True:
            return body.get("result")
        code = body.get("error_code")
        description = str(body.get("description") or f"HTTP {response.status_code}")
        raise ZaloApiError(method, code if isinstance(code, int) else None, description)

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return dict(result or {})

    async def get_updates(self, timeout_seconds: float) -> ZaloUpdate | None:
        """Long-poll for ONE update; None when none came within ``timeout_seconds``."""
        read = httpx.Timeout(self._timeout.connect, read=timeout_seconds + POLL_MARGIN_SECONDS)
        try:
            result = await self.call(
                "getUpdates", {"timeout": f"{timeout_seconds:g}"}, http_timeout=read
            )
        except ZaloApiError as exc:
            if exc.error_code == ZaloErrorCode.REQUEST_TIMEOUT and not isinstance(
                exc, ZaloTransportError
            ):
                return None  # an empty poll, the normal case
            raise
        if not result:
            return None
        return parse_update(result)

    async def send_message(self, chat_id: str, text: str) -> SentMessage:
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        result = result or {}
        return SentMessage(str(result.get("message_id", "")), int(result.get("date", 0)))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> SentMessage:
        """A photo by public URL (Zalo fetches it; no upload exists), caption ≤ 2000."""
        payload = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return self._sent(await self.call("sendPhoto", payload))

    async def send_voice(self, chat_id: str, voice_url: str) -> SentMessage:
        """A voice message by public URL of an .aac file (private chats only)."""
        payload = {"chat_id": chat_id, "voice_url": voice_url}
        return self._sent(await self.call("sendVoice", payload))

    @staticmethod
    def _sent(result: Any) -> SentMessage:
        result = result or {}
        return SentMessage(str(result.get("message_id", "")), int(result.get("date", 0)))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> WebhookInfo:
        result = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return self._webhook_info(result)

    async def delete_webhook(self) -> WebhookInfo:
        return self._webhook_info(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> WebhookInfo:
        return self._webhook_info(await self.call("getWebhookInfo"))

    @staticmethod
    def _webhook_info(result: Any) -> WebhookInfo:
        result = result if isinstance(result, dict) else {}
        updated = result.get("updated_at")
        return WebhookInfo(str(result.get("url") or ""), int(updated) if updated else None)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
