"""What an article is once extracted, before storage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ArticleData:
    """One article as read from a portal: clean NFC text, canonical URL, aware datetime."""

    url: str
    title: str
    body: str = ""
    summary: str = ""
    author: str | None = None
    published_at: datetime | None = None
    category: str | None = None
    guid: str | None = None
    image_url: str | None = None  # the lead image, absolute (news.images)


@dataclass(frozen=True, slots=True)
class ListPage:
    """A portal list page: the article links on it (absolute) and the next page, if any."""

    links: list[str] = field(default_factory=list)
    next_page: str | None = None


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One RSS/Atom entry; author and date may be missing (then the article page supplies them)."""

    url: str
    title: str
    summary: str = ""
    author: str | None = None
    published_at: datetime | None = None
    category: str | None = None
    guid: str | None = None
