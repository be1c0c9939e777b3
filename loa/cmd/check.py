"""``loa check [--json] [--env-file FILE]``: the operator's preflight, one line per check.

Loads the settings (as every command does; ``--env-file`` first reads the service's
``EnvironmentFile``, so its tokens are seen), opens and migrates the database, asks each
configured bot's platform who it is (``getMe``; Zalo first), fetches each source's list page
once and its first article, and checks the webhook and web server settings: a webhook URL must
be https and name the path Loa serves. Each line is ``✓ <what>: <detail>``, ``✗ <what>:
<reason>`` or ``! <what>: <warning>`` (what works, but not as expected: the admin page or Zalo's
photos without ``[web] public_url``); the exit status is 0 only when no check failed. No check
raises: whatever goes wrong becomes that check's reason, with every bot token (and webhook
secret) redacted.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import re
import socket
import sys
from collections.abc import Awaitable
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Connection
from sqlalchemy.engine import make_url

from base.config import Settings, SourceSettings, resolve_path
from jobs.fetch import Fetcher, FetchError
from jobs.sniff import sniff
from loa.logs import RedactSecrets
from news.extract import parse_article_page, parse_list_page
from news.feeds import parse_feed
from news.items import ArticleData, FeedItem
from news.urls import canonical_url

OK, FAIL, WARN = "✓", "✗", "!"
DETAIL_MAX = 300  # one line, however long the library's message
# Telegram's secret_token: 1-256 characters, letters, digits, "_" and "-" (Bot API setWebhook).
TELEGRAM_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
ZALO_SECRET_LENGTH = (8, 256)  # the Zalo Bot Platform's setWebhook bounds


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    warning: bool = False  # passed, but something will not work as expected: printed with "!"


class _Redactor:
    """One line, secrets out: bot tokens, webhook secrets, /bot<token>/ paths."""

    def __init__(self, settings: Settings) -> None:
        secrets = [
            settings.zalo.token,
            settings.telegram.token,
            settings.zalo.webhook_secret,
            settings.telegram.webhook_secret,
        ]
        self._filter = RedactSecrets(secrets)

    def __call__(self, text: str) -> str:
        line = " ".join(self._filter.redact(text).split())
        return line if len(line) <= DETAIL_MAX else line[: DETAIL_MAX - 1] + "…"


def _reason(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# -- database -------------------------------------------------------------------------------


def _shown_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable URL)"


async def _database(settings: Settings) -> Check:
    from alembic.migration import MigrationContext

    from storage.db import open_database

    url = settings.database.url
    try:
        async with open_database(url) as engine:
            async with engine.connect() as connection:

                def heads(sync: Connection) -> tuple[str, ...]:
                    return MigrationContext.configure(sync).get_current_heads()

                revision = ", ".join(await connection.run_sync(heads)) or "none"
    except Exception as exc:
        return Check("database", False, f"{_shown_url(url)}: {_reason(exc)}")
    return Check("database", True, f"{_shown_url(url)}, schema at revision {revision}")


# -- bots -----------------------------------------------------------------------------------


def _custom_base(channel: str, settings: Settings) -> str:
    """A refusal from a server other than the platform's may mean a wrong ``api_base_url``."""
    url = getattr(settings, channel).api_base_url
    default = type(getattr(settings, channel))().api_base_url
    return "" if url == default else f" (or [{channel}] api_base_url {url} is wrong)"


async def _zalo(settings: Settings) -> Check:
    from bot.zalo_api import ZaloApiError, ZaloBotApi, ZaloTransportError

    config = settings.zalo
    assert config.token
    try:
        async with ZaloBotApi(
            config.token,
            base_url=config.api_base_url,
            timeout_seconds=settings.http.timeout_seconds,
        ) as api:
            me = await api.get_me()
    except ZaloTransportError as exc:
        reason = exc.description + (f" (HTTP {exc.error_code})" if exc.error_code else "")
        return Check("zalo bot", False, f"{config.api_base_url} unreachable: {reason}")
    except ZaloApiError as exc:
        answer = f"{exc.error_code} {exc.description}" if exc.error_code else exc.description
        detail = f"Zalo refused the token ({answer}); check [zalo] token"
        return Check("zalo bot", False, detail + _custom_base("zalo", settings))
    except Exception as exc:
        return Check("zalo bot", False, f"getMe failed: {_reason(exc)}")
    name = me.get("account_name") or me.get("display_name") or "(no name)"
    return Check("zalo bot", True, f"{name} (id {me.get('id', '?')})")


async def _telegram(settings: Settings) -> Check:
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError

    config = settings.telegram
    assert config.token
    try:
        async with Bot(config.token, base_url=config.api_base_url) as bot:  # getMe on enter
            me = bot.bot
    except InvalidToken:  # 401 or 404; its message quotes the token, so it is not shown
        detail = "Telegram refused the token; check [telegram] token"
        return Check("telegram bot", False, detail + _custom_base("telegram", settings))
    except NetworkError as exc:  # timeouts too
        return Check("telegram bot", False, f"{config.api_base_url} unreachable: {_reason(exc)}")
    except TelegramError as exc:
        return Check("telegram bot", False, f"getMe failed: {_reason(exc)}")
    except Exception as exc:
        return Check("telegram bot", False, f"getMe failed: {_reason(exc)}")
    return Check("telegram bot", True, f"{me.first_name} (@{me.username})")


# -- sources --------------------------------------------------------------------------------


def _found(data: ArticleData) -> tuple[bool, str]:
    """Title and date are needed (an article without them is broken); author is optional."""
    found = [label for label, ok in _fields(data) if ok]
    missing = [label for label, ok in _fields(data) if not ok]
    text = "first article: " + (", ".join(found) + " found" if found else "nothing found")
    if missing:
        text += f"; {', '.join(missing)} not found"
    return bool(data.title) and data.published_at is not None, text


def _fields(data: ArticleData) -> list[tuple[str, bool]]:
    return [
        ("title", bool(data.title)),
        ("date", data.published_at is not None),
        ("author", bool(data.author)),
    ]


async def _article(fetcher: Fetcher, source: SourceSettings, url: str) -> ArticleData:
    page = await fetcher.fetch(url)
    selectors = source.selectors.model_dump()
    return parse_article_page(page.content, page.url, selectors, encoding=page.charset)


def _from_feed(url: str, item: FeedItem) -> ArticleData:
    return ArticleData(
        url=url, title=item.title, author=item.author, published_at=item.published_at
    )


def _canonical(urls: list[str], source: SourceSettings) -> list[str]:
    """Distinct article links, keyed as the poller keys them."""
    return list(dict.fromkeys(canonical_url(url, source.ignore_params) for url in urls))


async def _source(fetcher: Fetcher, source: SourceSettings) -> Check:
    name = f"source {source.name}"
    try:
        page = await fetcher.fetch(source.url)
        selectors = source.selectors.model_dump()
        is_feed = source.type == "rss"
        if source.type == "auto":
            sniffed = await sniff(fetcher, page, selectors)
            is_feed, page = sniffed.kind == "rss", sniffed.page
        if is_feed:
            items = parse_feed(page.content, page.url)
            links = _canonical([item.url for item in items], source)
            kind = "items in the feed"
        else:
            parsed = parse_list_page(page.content, page.url, selectors, encoding=page.charset)
            links = _canonical(parsed.links, source)
            items, kind = [], "items on the list page"
    except FetchError as exc:
        return Check(name, False, f"list page unreadable: {exc}")
    except Exception as exc:  # a broken feed, a bad selector
        return Check(name, False, f"list page unusable: {_reason(exc)}")
    if not links:
        how = (
            f"selectors.item = {source.selectors.item!r}"
            if source.selectors.item
            else "no selectors.item, no article-like links"
        )
        what = "the feed has no items" if is_feed else f"0 items ({how})"
        return Check(name, False, f"{what}: {source.url}")
    first = links[0]
    data = _from_feed(first, items[0]) if items else None
    if data is None or not (data.author and data.published_at):
        try:
            page_data = await _article(fetcher, source, first)
        except Exception as exc:
            if data is None or data.published_at is None:
                reason = str(exc) if isinstance(exc, FetchError) else _reason(exc)
                return Check(
                    name, False, f"{len(links)} {kind}; first article unreadable: {reason}"
                )
        else:
            data = page_data if data is None else _filled(data, page_data)
    assert data is not None
    ok, found = _found(data)
    return Check(name, ok, f"{len(links)} {kind}; {found}")


def _filled(feed: ArticleData, page: ArticleData) -> ArticleData:
    return ArticleData(
        url=feed.url,
        title=feed.title or page.title,
        author=feed.author or page.author,
        published_at=feed.published_at or page.published_at,
    )


async def _sources(settings: Settings) -> list[Check]:
    sources = await _every_source(settings)
    if not sources:
        return [Check("sources", False, "no [[sources]] configured; nothing would be polled")]
    async with Fetcher(settings.http) as fetcher:
        return list(await asyncio.gather(*(_source(fetcher, s) for s in sources)))


async def _every_source(settings: Settings) -> list[SourceSettings]:
    """The file's sources and those added on the admin page; the file's alone when the
    database cannot be read (its own check says why)."""
    from storage.db import open_database, session_factory
    from storage.sources import every_source

    try:
        async with open_database(settings.database.url) as engine:
            async with session_factory(engine)() as session:
                return await every_source(session, settings.sources)
    except Exception:
        return list(settings.sources)


# -- webhooks and the web server ------------------------------------------------------------


def _webhook(settings: Settings, channel: str) -> Check:
    from web.app import TELEGRAM_PATH, ZALO_PATH

    config = settings.zalo if channel == "zalo" else settings.telegram
    name = f"{channel} updates"
    if not config.webhook_url:
        return Check(name, True, "long polling (no webhook_url)")
    url, secret = config.webhook_url, config.webhook_secret or ""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return Check(name, False, f"webhook_url must be an https:// URL, not {url}")
    if not secret:
        return Check(name, False, "webhook_url needs webhook_secret")
    if channel == "telegram" and not TELEGRAM_SECRET.match(secret):
        reason = "webhook_secret: 1-256 characters, only letters, digits, '_' and '-'"
        return Check(name, False, reason)
    low, high = ZALO_SECRET_LENGTH
    if channel == "zalo" and not low <= len(secret) <= high:
        return Check(name, False, f"webhook_secret must be {low}-{high} characters")
    path = ZALO_PATH if channel == "zalo" else TELEGRAM_PATH
    if parts.path != path:
        served = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
        return Check(
            name,
            False,
            f"webhook_url path {parts.path or '/'} is not served by Loa: the platform's calls"
            f" would get 404; Loa serves POST {path}: set webhook_url = {served!r}",
        )
    where = f"{settings.web.host}:{settings.web.port}"
    return Check(name, True, f"webhook {url}, secret set; Loa serves POST {path} on {where}")


def _webhooks(settings: Settings) -> list[str]:
    """The channels whose updates come by webhook (so ``loa run`` serves a port for them)."""
    return [
        channel
        for channel in ("zalo", "telegram")
        if getattr(settings, channel).token and getattr(settings, channel).webhook_url
    ]


def _web(settings: Settings) -> Check:
    web = settings.web
    webhooks = _webhooks(settings)
    if not (web.enabled or webhooks or web.public_url):  # as loa.runtime decides
        return Check("web", True, "off (no [web] enabled, no webhook): no port served")
    why = "webhooks and /healthz" if webhooks else "/healthz"
    try:
        with socket.create_server((web.host, web.port)):
            pass
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else _reason(exc)
        hint = " (is loa run already running?)" if exc.errno == errno.EADDRINUSE else ""
        return Check("web", False, f"cannot listen on {web.host}:{web.port}: {reason}{hint}")
    return Check("web", True, f"will serve {why} on {web.host}:{web.port}")


def _public_url(settings: Settings) -> list[Check]:
    """What ``[web] public_url`` missing silently breaks: links to the admin page and the
    photos Zalo fetches. Warnings: ``loa run`` works, but not as the operator thinks."""
    web, found = settings.web, []
    if web.enabled and not web.public_url:
        detail = (
            f"admin page on without [web] public_url: login links (/quantri, loa admin link)"
            f" would point at {web.base_url}, the server itself, useless on an official's phone;"
            " set [web] public_url to the https:// address the reverse proxy answers on"
        )
        found.append(Check("admin page", True, detail, warning=True))
    if settings.zalo.token and not web.public_url:
        detail = (
            "no [web] public_url: photo and voice broadcasts reach Zalo residents as text only"
            " (Zalo fetches media from <public_url>/media/)"
        )
        found.append(Check("zalo media", True, detail, warning=True))
    return found


# -- the command ----------------------------------------------------------------------------


async def _guarded(name: str, check: Awaitable[Check | list[Check]]) -> list[Check]:
    try:
        found = await check
    except Exception as exc:  # a check's own bug: still one line, never a traceback
        return [Check(name, False, _reason(exc))]
    return found if isinstance(found, list) else [found]


async def run_checks(settings: Settings, config_path: str) -> list[Check]:
    """Every check, in the order printed."""
    checks = [Check("config", True, config_path)]
    checks += await _guarded("database", _database(settings))
    bots: list[Awaitable[list[Check]]] = []
    if settings.zalo.token:
        bots.append(_guarded("zalo bot", _zalo(settings)))
    if settings.telegram.token:
        bots.append(_guarded("telegram bot", _telegram(settings)))
    found = await asyncio.gather(*bots, _guarded("sources", _sources(settings)))
    if not bots:
        hint = "set [zalo] token (LOA_ZALO_TOKEN) and/or [telegram] token (LOA_TELEGRAM_TOKEN)"
        checks.append(Check("bots", False, f"none configured, residents get nothing: {hint}"))
    for group in found:
        checks += group
    for channel in ("zalo", "telegram"):
        if getattr(settings, channel).token:
            checks.append(_webhook(settings, channel))
    checks.append(_web(settings))
    checks += _public_url(settings)
    redact = _Redactor(settings)
    return [Check(c.name, c.ok, redact(c.detail), c.warning) for c in checks]


async def check(settings: Settings, args: argparse.Namespace) -> int:
    """Run every check; exit 0 when all passed, 1 otherwise."""
    if getattr(args, "live", False):  # the field probe (issue 21), its own module
        from loa.cmd.live_check import live_check

        return await live_check(settings, args)
    checks = await run_checks(settings, str(resolve_path(getattr(args, "config", None))))
    ok = all(c.ok for c in checks)
    if getattr(args, "json", False):
        print(json.dumps({"ok": ok, "checks": [asdict(c) for c in checks]}, ensure_ascii=False))
    else:
        for c in checks:
            mark = (WARN if c.warning else OK) if c.ok else FAIL
            print(f"{mark} {c.name}: {c.detail}")
    sys.stdout.flush()
    return 0 if ok else 1
