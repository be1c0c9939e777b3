"""``loa check --live [--send-test] [--record FILE]``: the operator's field probe (issue 21).

Zalo documents no error codes and ``sendVoice`` has one third-party source: Loa's reading of
their answers are guesses until a real server has answered. Against each configured platform
(Zalo first) this asks, with plain HTTP so the answer is seen as it came:

- ``getMe`` (the token) and ``getWebhookInfo``;
- ``sendMessage`` to a chat id that cannot exist (what "unknown chat" looks like);
- a method that does not exist (what "no such method" looks like: never a resident's fault);
- with ``--send-test`` only, ``sendMessage`` of a short test text to the first administrator.

Each raw answer is printed (HTTP status and body, the token redacted); ``--record FILE`` writes
them as JSON, to keep (docs/deploy.md). Exit 0 when every configured platform answered getMe
with ``ok: true``, else 1; a platform that cannot be reached is printed as such.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from base.config import Settings
from bot import texts
from loa.logs import RedactSecrets

IMPOSSIBLE_CHAT = {"zalo": "loa-check-no-such-chat", "telegram": "0"}
NO_SUCH_METHOD = "loaCheckNoSuchMethod"


@dataclass(frozen=True, slots=True)
class Answer:
    platform: str
    call: str  # what was asked, e.g. "sendMessage to an impossible chat"
    method: str
    http_status: int | None  # None: no answer (the error is in ``body``)
    body: Any  # the JSON answer, or its text, or the transport error


@dataclass(frozen=True, slots=True)
class _Platform:
    name: str
    base: str  # the URL before the method, token included
    token: str
    first_admin: str | None


def _platforms(settings: Settings) -> list[_Platform]:
    found = []
    if settings.zalo.token:
        base = f"{settings.zalo.api_base_url.rstrip('/')}/bot{settings.zalo.token}/"
        admin = settings.zalo.admins[0] if settings.zalo.admins else None
        found.append(_Platform("zalo", base, settings.zalo.token, admin))
    if settings.telegram.token:
        base = f"{settings.telegram.api_base_url}{settings.telegram.token}/"
        admins = settings.telegram.admins
        found.append(_Platform("telegram", base, settings.telegram.token, _first(admins)))
    return found


def _first(admins: list[int]) -> str | None:
    return str(admins[0]) if admins else None


def _calls(platform: _Platform, send_test: bool) -> list[tuple[str, str, dict[str, Any]]]:
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("getMe", "getMe", {}),
        ("getWebhookInfo", "getWebhookInfo", {}),
        (
            "sendMessage to a chat id that cannot exist",
            "sendMessage",
            {"chat_id": IMPOSSIBLE_CHAT[platform.name], "text": texts.LIVE_CHECK_TEST},
        ),
        ("a method that does not exist", NO_SUCH_METHOD, {}),
    ]
    if send_test and platform.first_admin is not None:
        calls.append(
            (
                "sendMessage (test) to the first administrator",
                "sendMessage",
                {"chat_id": platform.first_admin, "text": texts.LIVE_CHECK_TEST},
            )
        )
    return calls


async def _ask(
    client: httpx.AsyncClient, platform: _Platform, call: str, method: str, params: dict[str, Any]
) -> Answer:
    try:
        response = await client.post(platform.base + method, json=params)
    except httpx.HTTPError as exc:
        return Answer(platform.name, call, method, None, f"no answer: {type(exc).__name__}")
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text[:2000]
    return Answer(platform.name, call, method, response.status_code, body)


async def probe(settings: Settings, *, send_test: bool = False) -> list[Answer]:
    """Every answer, in order (token-free once ``redacted``)."""
    answers = []
    timeout = httpx.Timeout(settings.http.timeout_seconds)
    async with httpx.AsyncClient(timeout=timeout) as client:
        for platform in _platforms(settings):
            for call, method, params in _calls(platform, send_test):
                answers.append(await _ask(client, platform, call, method, params))
    return answers


def redacted(answers: list[Answer], settings: Settings) -> list[dict[str, Any]]:
    """The answers as plain data with every token (and token-shaped URL part) redacted."""
    redact = RedactSecrets([settings.zalo.token, settings.telegram.token]).redact
    return [json.loads(redact(json.dumps(asdict(a), ensure_ascii=False))) for a in answers]


def _ok(answer: dict[str, Any]) -> bool:
    body = answer["body"]
    return isinstance(body, dict) and body.get("ok") is True


async def live_check(settings: Settings, args: argparse.Namespace) -> int:
    answers = redacted(await probe(settings, send_test=args.send_test), settings)
    if not answers:
        print("loa: no bot token configured: nothing to ask", file=sys.stderr)
        return 1
    if args.send_test and any(not p.first_admin for p in _platforms(settings)):
        print("note: --send-test sends only where an administrator is configured")
    for a in answers:
        status = a["http_status"] if a["http_status"] is not None else "-"
        body = json.dumps(a["body"], ensure_ascii=False)
        print(f"{a['platform']} {a['call']}: HTTP {status} {body}")
    if args.record:
        record = json.dumps(answers, ensure_ascii=False, indent=2) + "\n"
        await asyncio.to_thread(Path(args.record).write_text, record, encoding="utf-8")
        print(f"recorded {len(answers)} answers in {args.record}: keep this file")
    me = [a for a in answers if a["method"] == "getMe"]
    return 0 if all(_ok(a) for a in me) else 1
