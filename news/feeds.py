"""RSS/Atom bytes to :class:`FeedItem` values, with feedparser.

Feeds from Vietnamese portals are untidy: relative links, double-escaped titles
(``&amp;quot;``), markup in titles, missing authors and dates. Each item is cleaned here; an
item without author or date gets them later from its article page.
"""

from __future__ import annotations

import calendar
import html
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser

from news.dates import parse_date
from news.items import FeedItem
from news.markup import node_text, parse_html
from news.text import clean, summarize
from news.urls import absolute


class FeedError(ValueError):
    """The bytes are not a usable feed (broken XML with no items, or not a feed at all)."""


def parse_feed(data: bytes, feed_url: str) -> list[FeedItem]:
    """The items of the feed at ``feed_url``, in feed order; links made absolute."""
    # Headers as feedparser would get them over HTTP: a base for relative links, and a generic
    # XML type so the document's own encoding declaration decides.
    headers = {"content-location": feed_url, "content-type": "application/xml"}
    parsed = feedparser.parse(data, response_headers=headers)
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") if parsed.get("version") else None
        reason = reason or "no RSS or Atom document found"
        raise FeedError(f"{feed_url}: not a readable feed: {reason}")
    items = [_item(entry, feed_url) for entry in entries]
    return [item for item in items if item is not None]


def _item(entry: Any, feed_url: str) -> FeedItem | None:
    url = absolute(feed_url, entry.get("link") or "")
    if not entry.get("link") or urlsplit(url).scheme not in ("http", "https"):
        return None  # feedparser may offer an id such as "urn:…" as the link
    return FeedItem(
        url=url,
        title=_plain(entry.get("title")),
        summary=summarize(_plain(entry.get("summary"))),
        author=_plain(entry.get("author")) or None,
        published_at=_published(entry),
        category=_category(entry),
        guid=(entry.get("id") or "").strip() or None,
    )


def _plain(value: str | None) -> str:
    """Text without markup; entities decoded twice because some feeds escape them twice."""
    if not value:
        return ""
    unescaped = html.unescape(value)
    if "<" in unescaped:
        tree = parse_html(f"<div>{unescaped}</div>")
        unescaped = node_text(tree.body) if tree.body is not None else unescaped
    return clean(unescaped)


def _published(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        value = parse_date(entry.get(key))
        if value is not None:
            return value
    for key in ("published_parsed", "updated_parsed"):
        struct = entry.get(key)
        if struct:
            return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    return None


def _category(entry: Any) -> str | None:
    tags = entry.get("tags") or []
    term = tags[0].get("term") if tags else None
    return clean(term) or None
