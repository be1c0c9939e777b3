"""A Zalo Bot API emulator for tests: a Starlette app plus a thread-safe Python control API.

Speaks what reference C describes: ``/bot<token>/<method>`` by GET (query string) or POST (JSON,
form or multipart bodies, as the documented API and ``python-zalo-bot`` send them); answers
``{ok, result}`` or ``{ok: false, error_code, description}`` always with HTTP 200; getUpdates
returns ONE update per call and, after ``timeout`` seconds without one, HTTP 200
``{"ok": false, "error_code": 408, "description": "Request timeout"}``; string ids, ms dates,
text 1–2000 characters. Error codes for throttling, blocked users and unknown chats are
[UNVERIFIED]; the emulator uses Loa's guesses from ``bot.zalo_api.ZaloErrorCode``.

Throttling: a token bucket by default; ``strict=True`` counts sendMessage requests in sliding
windows instead (``tests.emulators.limits``): at most ``floor(rate)`` accepted in any second
``(t - 1, t]`` (and, with ``per_chat_rate``, at most ``per_chat_limit`` per chat in any
``per_chat_limit / per_chat_rate`` seconds). Zalo announces no retry_after, so a refusal bans
the bot (or chat) only until a slot frees; requests arriving before then are counted as early.

The app runs in another thread (``tests.support.server.serve``): control methods may be called
from the test's thread; they hand work to the server loop with ``call_soon_threadsafe``.

Run standalone (for benchmarks): ``python -m tests.emulators.zalo --port 8082 --rate 10 --strict``.
"""

from __future__ import annotations

import asyncio
import json
import math
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.zalo_api import ZaloErrorCode
from tests.emulators.faults import FaultControl, Faults
from tests.emulators.limits import StrictLimits, WindowPeak
from tests.emulators.zalo_media import ZaloMediaMethods

MAX_TEXT = 2000
WEBHOOK_HEADER = "X-Bot-Api-Secret-Token"


@dataclass(frozen=True, slots=True)
class SentText:
    """A message the bot sent; ``at`` is the emulator's clock when it was accepted."""

    chat_id: str
    text: str
    message_id: str
    date_ms: int
    at: float
    photo: str | None = None  # sendPhoto's URL (``text`` is the caption)
    voice: str | None = None  # sendVoice's URL


@dataclass(frozen=True, slots=True)
class WebhookDelivery:
    status_code: int | None  # None: the bot's server could not be reached
    body: dict[str, Any]


async def wait_until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    """Wait for ``condition`` with a deadline, checking often (for state in another thread)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.01)


class _TokenBucket:
    """``rate`` per second with bursts of ``burst``: what a leaky-bucket client satisfies."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._tokens, self._at = burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True


def _ok(result: Any = None) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result} if result is not None else {"ok": True})


def _error(code: int, description: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error_code": code, "description": description})


class ZaloEmulator(ZaloMediaMethods, FaultControl):
    """The fake Zalo Bot platform for one bot token."""

    def __init__(
        self,
        token: str = "emulated-zalo-token",
        *,
        rate_limit_per_second: float | None = None,
        burst: float | None = None,
        require_known_chat: bool = True,
        strict: bool = False,
        per_chat_rate: float | None = None,
        per_chat_limit: int = 1,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        self._clock = clock  # arrival times of sends (strict limits); tests may fake it
        self.require_known_chat = require_known_chat
        self._lock = threading.Lock()
        self._bucket: _TokenBucket | None = None
        self._limits: StrictLimits | None = None
        self._accepted = WindowPeak(1.0)  # bucket mode: sends the rate limit let through
        self.set_limits(
            rate_limit_per_second=rate_limit_per_second,
            burst=burst,
            strict=strict,
            per_chat_rate=per_chat_rate,
            per_chat_limit=per_chat_limit,
        )
        self._updates: deque[dict[str, Any]] = deque()
        self._known_chats: set[str] = set()
        self._blocked: set[str] = set()
        self._failures: deque[int] = deque()
        self._faults, self._fault_lock = Faults(), self._lock
        self._sent: list[SentText] = []
        self._chat_actions: list[tuple[str, str]] = []
        self._calls: list[str] = []
        self._throttled = 0
        self._webhook_url = ""
        self._webhook_secret = ""
        self._webhook_updated_ms = 0
        self._deliveries: list[WebhookDelivery] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._next_id = 0
        self._polling = 0
        self._init_media()
        self._methods: dict[str, Callable[[dict[str, Any]], Awaitable[Response]]] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "sendchataction": self._send_chat_action,
            "sendphoto": self._send_photo,
            "sendvoice": self._send_voice,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
        }
        self.app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/_emulator/stats", self._stats, methods=["GET"]),
            ]
        )

    # ---- control API (any thread) ----------------------------------------------------------

    def set_limits(
        self,
        *,
        rate_limit_per_second: float | None,
        burst: float | None = None,
        strict: bool = False,
        per_chat_rate: float | None = None,
        per_chat_limit: int = 1,
    ) -> None:
        """New limits, starting afresh; ``per_chat_rate`` applies in strict mode only."""
        with self._lock:
            self.rate_limit_per_second, self.strict = rate_limit_per_second, strict
            self._bucket, self._limits = None, None
            self._accepted = WindowPeak(1.0)
            self._throttled = 0
            if strict:
                rate = rate_limit_per_second
                self._limits = StrictLimits(
                    max(1, math.floor(rate)) if rate else None,
                    per_chat_limit if per_chat_rate else None,
                    per_chat_limit / per_chat_rate if per_chat_rate else 1.0,
                    whole_seconds=False,
                )
            elif rate_limit_per_second:
                self._bucket = _TokenBucket(rate_limit_per_second, burst or rate_limit_per_second)

    def stats(self) -> dict[str, Any]:
        """Figures over sendMessage requests: ``requests`` that reached the rate limit,
        ``accepted``, ``rate_limited`` (too-many-requests answers), ``early_requests`` (arrived
        while refused anyway, strict mode), ``max_per_second`` (most accepted in any sliding
        second), plus ``sent``, ``first_at`` and ``last_at`` (monotonic times of accepted sends)."""
        with self._lock:
            if self._limits is not None:
                figures: dict[str, Any] = dict(self._limits.stats())
            else:
                figures = {
                    "requests": self._accepted.count + self._throttled,
                    "accepted": self._accepted.count,
                    "rate_limited": self._throttled,
                    "early_requests": 0,
                    "max_per_second": self._accepted.peak,
                }
            return {
                "strict": self.strict,
                "limit": self.rate_limit_per_second,
                **figures,
                "sent": len(self._sent),
                "first_at": self._sent[0].at if self._sent else None,
                "last_at": self._sent[-1].at if self._sent else None,
            }

    def inject_message(
        self,
        chat_id: str,
        text: str,
        *,
        user_id: str | None = None,
        display_name: str = "Người dân",
        event_name: str = "message.text.received",
    ) -> dict[str, Any]:
        """A resident writes to the bot: queued for getUpdates, or POSTed to the webhook
        (``event_name=""``: an update without event_name, as one copy of the docs shows)."""
        update = self._make_update(chat_id, text, user_id or chat_id, display_name, event_name)
        with self._lock:
            self._known_chats.add(chat_id)
            webhook = bool(self._webhook_url)
            if not webhook:
                self._updates.append(update)
        if webhook:
            self._on_loop(lambda: asyncio.ensure_future(self._deliver(update)))
        else:
            self._on_loop(self._wake)
        return update

    def add_chats(self, chat_ids: list[str] | set[str]) -> None:
        """Chats that wrote to the bot earlier (so it may message them)."""
        with self._lock:
            self._known_chats.update(chat_ids)

    def block(self, chat_id: str) -> None:
        """The resident blocked the bot: sends to them fail from now on."""
        with self._lock:
            self._blocked.add(chat_id)

    def fail_next(self, status_code: int, times: int = 1) -> None:
        """The next ``times`` calls answer with a raw HTTP ``status_code`` (e.g. 502)."""
        with self._lock:
            self._failures.extend([status_code] * times)

    def sent(self, chat_id: str | None = None) -> list[SentText]:
        with self._lock:
            return [s for s in self._sent if chat_id is None or s.chat_id == chat_id]

    @property
    def calls(self) -> list[str]:
        with self._lock:
            return list(self._calls)

    @property
    def throttled(self) -> int:
        """How many sendMessage calls were refused by the rate limit."""
        with self._lock:
            return self._throttled

    @property
    def webhook_url(self) -> str:
        with self._lock:
            return self._webhook_url

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        with self._lock:
            return list(self._deliveries)

    @property
    def chat_actions(self) -> list[tuple[str, str]]:
        with self._lock:
            return list(self._chat_actions)

    # ---- plumbing --------------------------------------------------------------------------

    def _new_id(self) -> str:
        with self._lock:
            self._next_id += 1
            return f"{self._next_id:04x}{secrets.token_hex(8)}"

    def _make_update(
        self, chat_id: str, text: str, user_id: str, name: str, event_name: str
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "from": {"id": user_id, "display_name": name, "is_bot": False},
            "chat": {"id": chat_id, "chat_type": "PRIVATE"},
            "message_id": self._new_id(),
            "date": int(time.time() * 1000),
        }
        if event_name in ("message.text.received", ""):
            message["text"] = text
        if not event_name:  # the shape one copy of the official docs shows
            return {"message": message}
        return {"event_name": event_name, "message": message}

    def _on_loop(self, callback: Any) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(callback)

    def _wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def _stats(self, request: Request) -> Response:
        return JSONResponse(self.stats())

    def _bind_loop(self) -> None:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._wakeup = asyncio.Event()

    async def _endpoint(self, request: Request) -> Response:
        self._bind_loop()
        method = request.path_params["method"]
        with self._lock:
            self._calls.append(method)
            failure = self._failures.popleft() if self._failures else None
        if failure is not None:
            return Response("upstream failure", status_code=failure)
        if not secrets.compare_digest(request.path_params["token"], self.token):
            return _error(ZaloErrorCode.UNAUTHORIZED, "Unauthorized")
        try:
            body = await _params(request)
        except ValueError:
            return _error(ZaloErrorCode.BAD_REQUEST, "Invalid JSON body")
        fault = self._fault_for(method)
        if fault is not None:
            return _error(*fault)
        handler = self._methods.get(method.lower())
        if handler is None or not isinstance(body, dict):
            return _error(ZaloErrorCode.NOT_FOUND, "Method not found")
        if handler == self._get_updates:
            return await self._get_updates(body, request.receive)
        return await handler(body)

    # ---- methods ---------------------------------------------------------------------------

    async def _get_me(self, body: dict[str, Any]) -> Response:
        return _ok(
            {
                "id": "1459232241454765289",
                "account_name": "bot.LoaEmulated",
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        )

    async def _get_updates(
        self, body: dict[str, Any], hangup: Callable[[], Awaitable[Any]] | None = None
    ) -> Response:
        """A long poll. ``hangup`` resolves when its client hangs up (the ASGI receive after
        the body): the poll ends then, so a stopped process's last poll never takes a message
        meant for the next process (``polling`` counts the polls still waiting)."""
        if self.webhook_url:
            return _error(ZaloErrorCode.CONFLICT, "Webhook is set; getUpdates is disabled")
        try:
            timeout = float(body.get("timeout", 30))
        except (TypeError, ValueError):
            return _error(ZaloErrorCode.BAD_REQUEST, "Invalid timeout")
        deadline = time.monotonic() + timeout
        assert self._wakeup is not None
        gone = asyncio.ensure_future(hangup()) if hangup is not None else None
        with self._lock:
            self._polling += 1
        try:
            while True:
                self._wakeup.clear()  # clear before looking, so a later inject still wakes us
                with self._lock:
                    if self._updates:
                        return _ok(self._updates.popleft())
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return _error(ZaloErrorCode.REQUEST_TIMEOUT, "Request timeout")
                woken = asyncio.ensure_future(self._wakeup.wait())
                waits = {woken} if gone is None else {woken, gone}
                done, _ = await asyncio.wait(
                    waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
                )
                woken.cancel()
                if gone is not None and gone in done:
                    return Response(status_code=499)  # nobody reads this answer
        finally:
            if gone is not None:
                gone.cancel()
            with self._lock:
                self._polling -= 1

    @property
    def polling(self) -> int:
        """Long polls waiting now."""
        with self._lock:
            return self._polling

    async def _send_message(self, body: dict[str, Any]) -> Response:
        chat_id, text = body.get("chat_id"), body.get("text")
        if not isinstance(chat_id, str) or not chat_id:
            return _error(ZaloErrorCode.BAD_REQUEST, "chat_id is required")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            return _error(ZaloErrorCode.BAD_REQUEST, f"Text must be 1-{MAX_TEXT} characters")
        with self._lock:
            now = self._clock()
            refusal = self._refusal(chat_id, now)
            if refusal is not None:
                return refusal
            sent = SentText(chat_id, text, secrets.token_hex(10), int(time.time() * 1000), now)
            self._sent.append(sent)
        return _ok({"message_id": sent.message_id, "date": sent.date_ms})

    def _refusal(self, chat_id: str, now: float) -> Response | None:
        """Why this send is refused (called with the lock held), or None."""
        if self._limits is not None:
            if self._limits.check(chat_id, now) is not None:
                self._throttled += 1
                return _error(ZaloErrorCode.TOO_MANY_REQUESTS, "Too many requests")
        elif self._bucket is not None:
            if not self._bucket.take():
                self._throttled += 1
                return _error(ZaloErrorCode.TOO_MANY_REQUESTS, "Too many requests")
            self._accepted.record(now)
        else:
            self._accepted.record(now)
        if chat_id in self._blocked:
            return _error(ZaloErrorCode.FORBIDDEN, "User has blocked the bot")
        if self.require_known_chat and chat_id not in self._known_chats:
            return _error(ZaloErrorCode.NOT_FOUND, "Chat not found")
        return None

    async def _send_chat_action(self, body: dict[str, Any]) -> Response:
        chat_id, action = str(body.get("chat_id", "")), str(body.get("action", ""))
        if action != "typing":
            return _error(ZaloErrorCode.BAD_REQUEST, "Unsupported action")
        with self._lock:
            self._chat_actions.append((chat_id, action))
        return _ok()

    async def _set_webhook(self, body: dict[str, Any]) -> Response:
        url, secret = body.get("url"), body.get("secret_token")
        # The real platform wants a public HTTPS URL; tests serve plain HTTP on 127.0.0.1.
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            return _error(ZaloErrorCode.BAD_REQUEST, "Invalid webhook url")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return _error(ZaloErrorCode.BAD_REQUEST, "secret_token must be 8-256 characters")
        with self._lock:
            self._webhook_url, self._webhook_secret = url, secret
            self._webhook_updated_ms = int(time.time() * 1000)
        return _ok({"url": url, "updated_at": self._webhook_updated_ms})

    async def _delete_webhook(self, body: dict[str, Any]) -> Response:
        with self._lock:
            self._webhook_url, self._webhook_secret = "", ""
            self._webhook_updated_ms = int(time.time() * 1000)
        return _ok({"url": "", "updated_at": self._webhook_updated_ms})

    async def _get_webhook_info(self, body: dict[str, Any]) -> Response:
        with self._lock:
            return _ok({"url": self._webhook_url, "updated_at": self._webhook_updated_ms})

    async def _deliver(self, update: dict[str, Any]) -> None:
        with self._lock:
            url, secret = self._webhook_url, self._webhook_secret
        body = {"ok": True, "result": update}
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                response = await client.post(url, json=body, headers={WEBHOOK_HEADER: secret})
            status: int | None = response.status_code
        except httpx.HTTPError:
            status = None
        with self._lock:
            self._deliveries.append(WebhookDelivery(status, body))


async def _params(request: Request) -> Any:
    """The call's parameters: the query string, then the body (JSON, form or multipart)."""
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        async with request.form() as form:
            for key, value in form.multi_items():
                params[key] = value if isinstance(value, str) else await value.read()
        return params
    raw = await request.body()
    if not raw:
        return params
    body = json.loads(raw)
    if isinstance(body, dict):
        return params | body
    return body  # not an object: refused as an unknown call


def main() -> None:
    import argparse

    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the Zalo Bot API emulator.")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--token", default="emulated-zalo-token")
    parser.add_argument("--rate", type=float, default=0, help="messages/s (0: no limit)")
    parser.add_argument("--per-chat-rate", type=float, default=0, help="strict mode only")
    parser.add_argument(
        "--strict", action="store_true", help="sliding one-second windows, not a token bucket"
    )
    args = parser.parse_args()
    emulator = ZaloEmulator(
        args.token,
        rate_limit_per_second=args.rate or None,
        require_known_chat=False,
        strict=args.strict,
        per_chat_rate=args.per_chat_rate or None,
    )
    uvicorn.run(
        emulator.app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False
    )


if __name__ == "__main__":
    main()
