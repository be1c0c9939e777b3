"""What Loa finds at an address, for ``loa sources add`` and the admin page's Thêm nguồn: a
feed and its items, or a list page and its article links, and three articles read exactly as a
pass would store them; or why the address cannot be a source.

A :class:`Refusal` carries its kind (each door words it for its readers: the CLI in English,
the admin page in Vietnamese) and the English line ``loa sources add`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from base.config import HttpSettings, SourceSettings
from base.timefmt import plural
from jobs.fetch import Fetcher, FetchError, FetchStatusError
from jobs.poll import PollResult, read_article
from jobs.sniff import Found, NothingToRead, sniff
from news.discover import unreadable_reason
from news.feeds import FeedError
from news.items import ArticleData, FeedItem
from news.markup import parse_html
from news.urls import canonical_url

PREVIEW = 3  # articles read and shown

RefusalKind = Literal["address", "challenge", "redirect", "javascript", "unreadable", "no_links"]
_WHAT: dict[str, RefusalKind] = {  # news.discover.unreadable_reason's answers
    "an anti-bot challenge": "challenge",
    "a redirect stub": "redirect",
    "a JavaScript-only shell": "javascript",
}


@dataclass(frozen=True, slots=True)
class Preview:
    found: Found  # found.url is what Loa will poll
    links: list[str]  # the feed's items or the list page's article links (canonical)
    articles: list[ArticleData]  # the first ``PREVIEW``, as a pass stores them


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the address cannot be a source."""

    kind: RefusalKind
    detail: str  # one English line (``loa sources add`` prints it; the admin page folds it)
    scripts: int = 0  # no_links: the page's scripts (they may draw the news)
    error: str = ""  # unreadable: the error as a pass stores it (news.source_problems reads it)


def default_name(url: str) -> str:
    """A source's name when none is given: the address's host, without ``www.``."""
    host = (urlsplit(url).hostname or url).lower()
    return host[4:] if host.startswith("www.") else host


def is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)


async def preview(http: HttpSettings, url: str, name: str) -> Preview | Refusal:
    """Read ``url`` as a source of ``type = "auto"`` named ``name`` would be read."""
    if not is_web_address(url):
        return Refusal("address", f"{url!r} is not an http(s) address")
    source = SourceSettings(name=name, url=url)
    try:
        async with Fetcher(http) as fetcher:
            found = await sniff(fetcher, await fetcher.fetch(url), {}, strict=True)
            report = await _read(fetcher, found, source)
    except NothingToRead as exc:
        return Refusal(_WHAT.get(exc.what, "unreadable"), str(exc))
    except FetchStatusError as exc:
        # A challenge often answers 403 or 503: say what the page is, not only its status.
        what = unreadable_reason(parse_html(exc.content)) if exc.content else None
        if what == "an anti-bot challenge":
            detail = f"{url} is {what} (HTTP {exc.status}), with nothing to read"
            return Refusal("challenge", detail)
        return Refusal("unreadable", f"cannot read {url}: {exc}", error=str(exc))
    except (FetchError, FeedError) as exc:
        return Refusal("unreadable", f"cannot read {url}: {exc}", error=str(exc))
    if not report.links:
        scripts = len(parse_html(report.found.page.content).css("script"))
        drawn = f"; its {plural(scripts, 'script')} may draw the news" if scripts else ""
        detail = f"{url}: no article links found{drawn} (give selectors.item, or the site's feed)"
        return Refusal("no_links", detail, scripts)
    return report


async def _read(fetcher: Fetcher, found: Found, source: SourceSettings) -> Preview:
    items: dict[str, FeedItem | None]
    if found.kind == "rss":
        items = {canonical_url(item.url): item for item in found.items}
    else:
        links = found.listing.links if found.listing else []
        items = {canonical_url(link): None for link in links}
    result = PollResult(source.name)
    articles = []
    for url, item in list(items.items())[:PREVIEW]:
        data = await read_article(fetcher, source, url, item, result)
        if data is not None:
            articles.append(data)
    return Preview(found, list(items), articles)
