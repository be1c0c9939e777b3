"""What to poll at an address (a source of ``type = "auto"``): a feed, the feed a page
advertises, or the page itself as a list of articles.

The first page is fetched by the caller (the poller sends its validators); this module looks at
it and fetches at most one more document, the advertised feed. A feed that does not answer, or
answers with something that is not a feed, is passed over: the page is then read as a list.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from jobs.fetch import Fetcher, FetchError, Page
from news.discover import advertised_feeds, looks_like_feed, unreadable_reason
from news.extract import parse_list_page
from news.feeds import FeedError, parse_feed
from news.items import FeedItem, ListPage
from news.markup import parse_html

log = logging.getLogger(__name__)


class NothingToRead(Exception):
    """The page is a JavaScript-only shell, a redirect stub or an anti-bot challenge."""

    def __init__(self, url: str, what: str) -> None:
        super().__init__(f"{url} is {what}, with nothing to read")
        self.url = url
        self.what = what


@dataclass(frozen=True, slots=True)
class Found:
    """The address read: ``url`` is what Loa polls (the feed, or the list page)."""

    kind: Literal["rss", "html"]
    url: str
    page: Page  # the document read last (the feed, or the list page)
    items: list[FeedItem] = field(default_factory=list)  # rss
    listing: ListPage | None = None  # html: the first list page's links and next page


async def sniff(
    fetcher: Fetcher, page: Page, selectors: Mapping[str, str | None], *, strict: bool = False
) -> Found:
    """What ``page`` (already fetched) is, following an advertised feed if it answers.

    An ``item`` selector makes the page a list whatever it advertises (selectors win).
    ``strict``: raise :class:`NothingToRead` for a page with nothing to read rather than
    return an empty list (``loa sources add`` says so; the poller lets its health watch tell).
    """
    if looks_like_feed(page.content):
        return Found("rss", page.url, page, items=parse_feed(page.content, page.url))
    tree = parse_html(page.content, page.charset)
    if not selectors.get("item"):
        for feed_url in advertised_feeds(tree, page.url):
            found = await _feed(fetcher, feed_url)
            if found is not None:
                return found
    listing = parse_list_page(page.content, page.url, selectors, encoding=page.charset)
    if strict and not listing.links:
        what = unreadable_reason(tree)
        if what:
            raise NothingToRead(page.url, what)
    return Found("html", page.url, page, listing=listing)


async def _feed(fetcher: Fetcher, url: str) -> Found | None:
    try:
        page = await fetcher.fetch(url)
        items = parse_feed(page.content, page.url)
    except (FetchError, FeedError) as exc:
        log.info("advertised feed passed over, reading the page instead: %s", exc)
        return None
    if not items:
        return None
    return Found("rss", page.url, page, items=items)
