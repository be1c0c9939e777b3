"""A Telegram Bot API emulator for Loa's tests: the methods Loa uses, over real HTTP.

``TelegramEmulator().app`` is a Starlette app served at ``/bot<token>/<method>`` (methods are
case-insensitive; parameters come from the query string, a form or a JSON body). Like the real
server, the HTTP status always equals ``error_code`` (python-telegram-bot picks its exception from
the status). The emulator object is also the control API: tests inject updates, block chats, set
rate limits and read every recorded call. It is thread-safe: the app usually runs in a server
thread (``tests.support.server.serve``) while the test drives it from its own thread or loop.

Two flood-control models: token buckets (the default; forgiving: an idle bot may burst) and
``strict=True``, sliding windows (``tests.emulators.limits``): at most ``global_rate`` accepted
sendMessage/editMessageText requests in any one second ``(t - 1, t]``, at most ``per_chat_limit``
per chat in any ``per_chat_window`` seconds, and a refusal bans the bot (or the chat) for its
``retry_after``: requests arriving during a ban are refused and counted as early.

Run standalone (for benchmarks): ``python -m tests.emulators.telegram --port 8081 --rate 300``
(``--strict`` for the sliding windows).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.emulators.faults import FaultControl, Faults
from tests.emulators.limits import BOT, StrictLimits, WindowPeak
from tests.emulators.telegram_html import EntityError, code_points, parse_html
from tests.emulators.telegram_media import MediaMethods

MAX_TEXT = 4096
MAX_RAW_BYTES = 1 << 15
LONG_POLL_MAX = 50
_TOKEN = re.compile(r"^[0-9]+:[A-Za-z0-9_-]+$")
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
BLOCKED = "Forbidden: bot was blocked by the user"
MIGRATED = "Bad Request: group chat was upgraded to a supergroup chat"
# What flood control counts.
LIMITED_METHODS = ("sendmessage", "editmessagetext", "sendphoto", "sendvoice", "copymessage")


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    """One request as the emulator saw it (``at`` is the emulator's clock on arrival)."""

    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    chat_id: int | None = None
    retry_after: int | None = None  # set on 429 answers
    global_limit: bool = False  # the 429 was the bot-wide limit


@dataclass
class SentMessage:
    chat_id: int
    message_id: int
    html: str
    text: str
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    at: float
    edited: bool = False
    kind: str = "text"  # "photo", "voice" (tests.emulators.telegram_media)
    media: str | None = None  # the photo's URL or file id, the voice's


@dataclass
class Chat:
    id: int
    type: str = "private"
    first_name: str = "Dân"
    blocked: bool = False
    migrated_to: int | None = None


@dataclass
class _Bucket:
    """A token bucket: ``rate`` per second, bursts up to ``burst``."""

    rate: float
    burst: float
    tokens: float = field(default=-1.0)
    stamp: float = 0.0

    def take(self, now: float) -> float:
        """Take a token; return 0, or how many seconds until one is available."""
        if self.tokens < 0:
            self.tokens, self.stamp = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class TelegramEmulator(MediaMethods, FaultControl):
    """State of one emulated Bot API server, plus the control API tests use."""

    def __init__(
        self,
        *,
        global_rate: float | None = 30.0,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: float = 3.0,
        strict: bool = False,
        per_chat_limit: int = 1,
        per_chat_window: float | None = None,
        any_chat: bool = False,
        bot_username: str = "loa_test_bot",
        clock: Callable[[], float] = time.monotonic,
        tokens: set[str] | None = None,
    ) -> None:
        # None: any well-formed token is this bot's; else only these (a revoked token is 401).
        self.tokens = tokens
        self._clock = clock  # arrival times (flood control); tests may pass a fake clock
        self.global_rate, self.per_chat_rate = global_rate, per_chat_rate
        self.per_chat_burst = per_chat_burst
        self.strict, self.per_chat_limit, self.per_chat_window = (
            strict,
            per_chat_limit,
            per_chat_window,
        )
        self.any_chat = any_chat  # every numeric chat id exists (benchmarks)
        self.bot_username = bot_username
        self.calls: list[Call] = []
        self.sent: list[SentMessage] = []
        self.commands: list[dict[str, str]] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {"url": ""}
        self._chats: dict[int, Chat] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._pending_callbacks: set[str] = set()
        self._global_bucket: _Bucket | None = None
        self._chat_buckets: dict[int, _Bucket] = {}
        self._banned_until: dict[int | None, float] = {}  # None: the whole bot
        self._limits = self._strict_limits()
        self._accepted = WindowPeak(1.0)  # bucket mode: requests flood control let through
        self._limited_requests = 0
        self._early = 0
        self._failures: dict[int, list[tuple[int, str]]] = {}
        self._outage: list[tuple[int, str]] = []  # the next sends to any chat fail
        self._faults = Faults()
        # getMe's answer without these fields (an independently written server's malformed one).
        self.get_me_missing: frozenset[str] = frozenset()
        self._poll_generation = 0
        self.polls_waiting = 0  # long polls now waiting for an update
        self._cond = threading.Condition()
        self._fault_lock = self._cond
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._init_media()
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._download, methods=["GET"]),
                Route("/_emulator/stats", self._stats, methods=["GET"]),
            ]
        )

    # ---------------------------------------------------------------- control API

    def add_chat(self, chat_id: int, *, type: str = "private", name: str = "Dân") -> None:
        with self._cond:
            self._chats.setdefault(chat_id, Chat(chat_id, type, name))

    def set_limits(
        self,
        *,
        global_rate: float | None,
        per_chat_rate: float | None,
        per_chat_burst: float = 3.0,
        strict: bool | None = None,
        per_chat_limit: int = 1,
        per_chat_window: float | None = None,
    ) -> None:
        """New limits, starting afresh (``strict=None`` keeps the current model)."""
        with self._cond:
            self.global_rate, self.per_chat_rate = global_rate, per_chat_rate
            self.per_chat_burst = per_chat_burst
            if strict is not None:
                self.strict = strict
            self.per_chat_limit, self.per_chat_window = per_chat_limit, per_chat_window
            self._global_bucket, self._chat_buckets = None, {}
            self._limits = self._strict_limits()

    def _strict_limits(self) -> StrictLimits | None:
        if not self.strict:
            return None
        global_limit = max(1, math.floor(self.global_rate)) if self.global_rate else None
        window = self.per_chat_window
        if self.per_chat_rate and window is None:
            window = self.per_chat_limit / self.per_chat_rate
        return StrictLimits(
            global_limit,
            self.per_chat_limit if self.per_chat_rate else None,
            window or 1.0,
            whole_seconds=True,
        )

    def block(self, chat_id: int, *, notify: bool = True) -> None:
        """The resident blocks the bot (and Telegram sends a my_chat_member update)."""
        with self._cond:
            self._chat(chat_id).blocked = True
        if notify:
            self._push(self._member_update(chat_id, "member", "kicked"))

    def migrate(self, chat_id: int, new_chat_id: int) -> None:
        with self._cond:
            self._chat(chat_id).migrated_to = new_chat_id
            self._chats[new_chat_id] = Chat(new_chat_id, "supergroup")

    def throttle(self, seconds: int, chat_id: int | None = None) -> None:
        """Answer 429 to every request (to ``chat_id``, or to any chat) for ``seconds``."""
        with self._cond:
            until = self._clock() + seconds
            self._banned_until[chat_id] = until
            if self._limits is not None:
                self._limits.ban(BOT if chat_id is None else chat_id, until)

    def fail_next(self, chat_id: int, code: int, description: str, times: int = 1) -> None:
        """The next ``times`` sends to ``chat_id`` fail with this status (5xx, 400…)."""
        with self._cond:
            self._failures.setdefault(chat_id, []).extend([(code, description)] * times)

    def fail_all_next(self, code: int, description: str, times: int) -> None:
        """The next ``times`` sends, to whatever chat, fail with this status: the platform is
        down for everyone, then back for everyone."""
        with self._cond:
            self._outage.extend([(code, description)] * times)

    def send_text(self, chat_id: int, text: str, *, name: str = "Dân") -> int:
        """The resident writes ``text`` to the bot; return the update id."""
        self.add_chat(chat_id, name=name)
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": name},
            "from": {"id": chat_id, "is_bot": False, "first_name": name},
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._push({"message": message})

    def press(self, chat_id: int, message_id: int, data: str) -> str:
        """The resident presses an inline button; return the callback query id."""
        query_id = f"cq{next(self._callback_ids)}"
        with self._cond:
            self._pending_callbacks.add(query_id)
            original = next(
                (m for m in self.sent if m.chat_id == chat_id and m.message_id == message_id), None
            )
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "text": original.text if original else "",
        }
        user = {"id": chat_id, "is_bot": False, "first_name": "Dân"}
        query = {"id": query_id, "from": user, "chat_instance": str(chat_id), "data": data}
        self._push({"callback_query": {**query, "message": message}})
        return query_id

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        with self._cond:
            return [m for m in self.sent if m.chat_id == chat_id]

    def calls_of(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method.lower()]

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until ``predicate()`` holds (re-checked after every request); False on timeout."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """``wait_until`` for async tests; raises TimeoutError when the deadline passes."""
        if not await asyncio.to_thread(self.wait_until, predicate, within):
            raise TimeoutError("emulator condition not reached in time")

    def early_requests(self) -> list[tuple[Call, Call]]:
        """Pairs (429 answer, later request) where the request came before retry_after ended."""
        with self._cond:
            calls = [c for c in self.calls if c.method in LIMITED_METHODS]
        early = []
        for i, limited in enumerate(calls):
            if limited.retry_after is None:
                continue
            until = limited.at + limited.retry_after
            for later in calls[i + 1 :]:
                if later.at >= until:
                    break
                if limited.global_limit or later.chat_id == limited.chat_id:
                    early.append((limited, later))
        return early

    def limit_stats(self) -> dict[str, Any]:
        """Flood-control figures over counted requests (sendMessage, editMessageText).

        ``requests`` reached flood control, ``accepted`` passed it, ``rate_limited`` got 429,
        ``early_requests`` arrived while a retry_after was in force, ``max_per_second`` is the
        most accepted requests in any sliding one-second window.
        """
        with self._cond:
            if self._limits is not None:
                figures: dict[str, Any] = dict(self._limits.stats())
            else:
                figures = {
                    "requests": self._limited_requests,
                    "accepted": self._accepted.count,
                    "rate_limited": self._limited_requests - self._accepted.count,
                    "early_requests": self._early,
                    "max_per_second": self._accepted.peak,
                }
        return {"strict": self.strict, "limit": self.global_rate, **figures}

    # ---------------------------------------------------------------- updates

    def _member_update(self, chat_id: int, old: str, new: str) -> dict[str, Any]:
        user = {"id": chat_id, "is_bot": False, "first_name": "Dân"}
        bot = {"id": 1, "is_bot": True, "first_name": "Loa"}
        return {
            "my_chat_member": {
                "chat": {"id": chat_id, "type": "private", "first_name": "Dân"},
                "from": user,
                "date": int(time.time()),
                "old_chat_member": {"status": old, "user": bot},
                "new_chat_member": {"status": new, "user": bot, "until_date": 0},
            }
        }

    def _push(self, update: dict[str, Any]) -> int:
        with self._cond:
            update_id = self._next_update
            self._next_update += 1
            self._updates.append({"update_id": update_id, **update})
            self._cond.notify_all()
            loop, webhook = self._loop, self.webhook.get("url")
        if loop is not None:
            loop.call_soon_threadsafe(self._wake)
            if webhook:
                asyncio.run_coroutine_threadsafe(self._deliver_webhook(), loop)
        return update_id

    def _wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()
        self._wakeup = asyncio.Event()

    async def _deliver_webhook(self) -> None:
        import httpx

        with self._cond:
            pending, self._updates = self._updates, []
            url, secret = self.webhook.get("url"), self.webhook.get("secret_token")
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        async with httpx.AsyncClient() as client:
            for update in pending:
                for _ in range(3):  # non-2xx answers are retried a few times
                    response = await client.post(str(url), json=update, headers=headers)
                    if response.is_success:
                        break

    # ---------------------------------------------------------------- HTTP

    async def _stats(self, request: Request) -> JSONResponse:
        with self._cond:
            per_chat: dict[int, int] = {}
            for m in self.sent:
                per_chat[m.chat_id] = per_chat.get(m.chat_id, 0) + 1
            first = self.sent[0].at if self.sent else None
            last = self.sent[-1].at if self.sent else None
            limited = sum(1 for c in self.calls if c.status == 429)
        return JSONResponse(
            {
                **self.limit_stats(),
                "sent": len(self.sent),
                "chats": len(per_chat),
                "max_per_chat": max(per_chat.values(), default=0),
                "first_at": first,
                "last_at": last,
                "rate_limited": limited,
                "early": len(self.early_requests()),
            }
        )

    async def _endpoint(self, request: Request) -> JSONResponse:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._wake()
        method = request.path_params["method"].lower()
        params = await _params(request)
        call = Call(method, params, self._clock())
        try:
            token = request.path_params["token"]
            if not _TOKEN.match(token):
                raise ApiError(401, "Unauthorized: invalid token specified")
            if self.tokens is not None and token not in self.tokens:
                raise ApiError(401, "Unauthorized")
            fault = self._fault_for(method)
            if fault is not None:
                raise ApiError(*fault)
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            if method == "getupdates":
                result: Any = await self._m_getupdates(params, call, request.receive)
            else:
                result = await handler(params, call)
            body: dict[str, Any] = {"ok": True, "result": result}
        except ApiError as exc:
            call.status = exc.code
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()
        return JSONResponse(body, status_code=call.status)

    def _chat(self, chat_id: int) -> Chat:
        chat = self._chats.get(chat_id)
        if chat is None and self.any_chat and chat_id > 0:
            chat = self._chats[chat_id] = Chat(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _gate(self, chat_id: int, call: Call) -> Chat:
        """Chat lookup, scripted failures and flood control, in the server's order."""
        call.chat_id = chat_id
        chat = self._chat(chat_id)
        if chat.migrated_to is not None:
            raise ApiError(400, MIGRATED, {"migrate_to_chat_id": chat.migrated_to})
        scripted = self._outage or self._failures.get(chat_id)
        if scripted:
            code, description = scripted.pop(0)
            raise ApiError(code, description)
        self._flood(chat_id, call)
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def _flood(self, chat_id: int, call: Call) -> None:
        now = call.at
        if self._limits is not None:
            refusal = self._limits.check(chat_id, now)
            if refusal is not None:
                self._answer_429(call, int(refusal.wait), refusal.whole_bot)
            return
        self._limited_requests += 1
        for key in (None, chat_id):
            until = self._banned_until.get(key, 0.0)
            if now < until:
                self._early += 1
                self._too_many(call, until - now, key is None)
        if self.global_rate:
            self._global_bucket = self._global_bucket or _Bucket(self.global_rate, self.global_rate)
            wait = self._global_bucket.take(now)
            if wait:
                self._too_many(call, wait, True)
        if self.per_chat_rate:
            bucket = self._chat_buckets.setdefault(
                chat_id, _Bucket(self.per_chat_rate, self.per_chat_burst)
            )
            wait = bucket.take(now)
            if wait:
                self._too_many(call, wait, False)
        self._accepted.record(now)

    def _too_many(self, call: Call, wait: float, whole_bot: bool) -> None:
        seconds = max(1, int(wait + 0.999))
        self._banned_until[None if whole_bot else call.chat_id] = call.at + seconds
        self._answer_429(call, seconds, whole_bot)

    def _answer_429(self, call: Call, seconds: int, whole_bot: bool) -> None:
        call.retry_after, call.global_limit = seconds, whole_bot
        raise ApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})

    # ---------------------------------------------------------------- methods

    async def _m_getme(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        me = {
            "id": 1,
            "is_bot": True,
            "first_name": "Loa",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        return {key: value for key, value in me.items() if key not in self.get_me_missing}

    async def _m_getupdates(
        self,
        params: dict[str, Any],
        call: Call,
        hangup: Callable[[], Awaitable[Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """A long poll. ``hangup`` resolves when its client hangs up (the ASGI receive after
        the body): the poll ends then (499), as nobody reads its answer; a stopped process's
        poll so never holds up the end of a test."""
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset", 0) or 0)
        limit = min(max(int(params.get("limit", 100) or 100), 1), 100)
        timeout = min(max(float(params.get("timeout", 0) or 0), 0), LONG_POLL_MAX)
        deadline = time.monotonic() + timeout
        with self._cond:
            self._poll_generation += 1
            generation = self._poll_generation
        gone: asyncio.Future[Any] | None = None
        try:
            while True:
                with self._cond:
                    if generation != self._poll_generation:
                        raise ApiError(
                            409,
                            "Conflict: terminated by other getUpdates request;"
                            " make sure that only one bot instance is running",
                        )
                    ready = self._confirm(offset)
                    wakeup = self._wakeup
                remaining = deadline - time.monotonic()
                if ready or remaining <= 0 or wakeup is None:
                    return ready[:limit]
                if gone is None and hangup is not None:
                    gone = asyncio.ensure_future(hangup())
                woken = asyncio.ensure_future(wakeup.wait())
                self._set_waiting(+1)
                try:
                    waits = {woken} if gone is None else {woken, gone}
                    done, _ = await asyncio.wait(
                        waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    woken.cancel()
                    self._set_waiting(-1)
                if gone is not None and gone in done:
                    raise ApiError(499, "Client Closed Request")
        finally:
            if gone is not None:
                gone.cancel()

    def _set_waiting(self, change: int) -> None:
        with self._cond:
            self.polls_waiting += change
            self._cond.notify_all()

    def _confirm(self, offset: int) -> list[dict[str, Any]]:
        if offset < 0:
            self._updates = self._updates[offset:]
        elif offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        return list(self._updates)

    async def _m_sendmessage(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        chat_id = _chat_id(params)
        with self._cond:
            chat = self._gate(chat_id, call)
            text, entities = _checked_text(params)
            message = SentMessage(
                chat_id,
                next(self._message_ids),
                params["text"],
                text,
                entities,
                _markup(params),
                call.at,
            )
            self.sent.append(message)
        return _message_json(message, chat)

    async def _m_editmessagetext(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        chat_id, message_id = _chat_id(params), int(params.get("message_id", 0))
        with self._cond:
            chat = self._gate(chat_id, call)
            text, entities = _checked_text(params)
            old = next(
                (m for m in self.sent if m.chat_id == chat_id and m.message_id == message_id), None
            )
            if old is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            markup = _markup(params)
            if old.html == params["text"] and old.reply_markup == markup:
                raise ApiError(
                    400,
                    "Bad Request: message is not modified: specified new message "
                    "content and reply markup are exactly the same as a current content "
                    "and reply markup of the message",
                )
            old.html, old.text, old.entities, old.reply_markup = (
                params["text"],
                text,
                entities,
                markup,
            )
            old.edited = True
        return _message_json(old, chat)

    async def _m_answercallbackquery(self, params: dict[str, Any], call: Call) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        with self._cond:
            if query_id not in self._pending_callbacks:
                raise ApiError(
                    400,
                    "Bad Request: query is too old and response timeout expired "
                    "or query ID is invalid",
                )
            self._pending_callbacks.discard(query_id)
            self.callback_answers[query_id] = params
        return True

    async def _m_setmycommands(self, params: dict[str, Any], call: Call) -> bool:
        commands = _json_field(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100 BotCommand")
        for item in commands:
            if not _COMMAND.match(str(item.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(item.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self._cond:
            self.commands = list(commands)
        return True

    async def _m_deletewebhook(self, params: dict[str, Any], call: Call) -> bool:
        with self._cond:
            self.webhook = {"url": ""}
            if _truthy(params.get("drop_pending_updates")):
                self._updates = []
        return True

    async def _m_setwebhook(self, params: dict[str, Any], call: Call) -> bool:
        url, secret = str(params.get("url", "")), params.get("secret_token")
        if secret is not None and not _SECRET.match(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        with self._cond:
            if _truthy(params.get("drop_pending_updates")):
                self._updates = []
            self.webhook = {"url": url, "secret_token": secret} if url else {"url": ""}
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any], call: Call) -> dict[str, Any]:
        with self._cond:
            return {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }


# -------------------------------------------------------------------- parameters


async def _params(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            params.update(json.loads(body))
    elif content_type.startswith("application/x-www-form-urlencoded"):
        # Parsed by hand: no form parser needed for plain fields.
        params.update(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    elif content_type.startswith("multipart/form-data"):
        # An upload (sendPhoto with the bytes, PTB's InputFile): a file part becomes bytes.
        async with request.form() as form:
            for key, value in form.multi_items():
                params[key] = value if isinstance(value, str) else await value.read()
    return params


def _json_field(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError as exc:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from exc
    return value


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _chat_id(params: dict[str, Any]) -> int:
    try:
        return int(params["chat_id"])
    except (KeyError, ValueError) as exc:
        raise ApiError(400, "Bad Request: chat not found") from exc


def _checked_text(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    raw = str(params.get("text", ""))
    if len(raw.encode("utf-8")) > MAX_RAW_BYTES:
        raise ApiError(400, "Bad Request: text is too long")
    mode = str(params.get("parse_mode", "")).lower()
    if mode not in ("", "html", "markdown", "markdownv2"):
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    if mode == "html":
        try:
            parsed = parse_html(raw)
        except EntityError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
        text, entities = parsed.text, parsed.entities
    else:
        text, entities = raw, []
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if code_points(text) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return text, entities


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = _json_field(params, "reply_markup")
    if markup is None:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return dict(markup)


def _message_json(message: SentMessage, chat: Chat) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "date": int(time.time()),
        "chat": {"id": chat.id, "type": chat.type, "first_name": chat.first_name},
        "from": {"id": 1, "is_bot": True, "first_name": "Loa"},
        "text": message.text,
    }
    if message.entities:
        body["entities"] = message.entities
    if message.reply_markup:
        body["reply_markup"] = message.reply_markup
    if message.edited:
        body["edit_date"] = int(time.time())
    return body


def main() -> None:
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the Telegram Bot API emulator.")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--rate", type=float, default=0, help="global messages/s (0: no limit)")
    parser.add_argument("--per-chat-rate", type=float, default=0)
    parser.add_argument(
        "--strict", action="store_true", help="sliding one-second windows, not token buckets"
    )
    args = parser.parse_args()
    emulator = TelegramEmulator(
        global_rate=args.rate or None,
        per_chat_rate=args.per_chat_rate or None,
        strict=args.strict,
        any_chat=True,
    )
    # uvloop and httptools (dev dependencies) when installed: at 1 000 requests a second the
    # emulator must not take the core the instances it measures need.
    uvicorn.run(
        emulator.app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        loop="auto",
        http="auto",
    )


if __name__ == "__main__":
    main()
