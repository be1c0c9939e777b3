"""Poll one source, one pass: read its list pages or feed, fetch what is new, store it.

A pass never fetches an article page twice: links are canonicalised and checked against the
database first. The first successful pass of a source is its backfill (archive, never pushed);
an article first seen later is new and gets its deliveries queued in the transaction that
stores it. One bad article page is logged and skipped; only a list page or feed that cannot be
read fails the pass, which then backs off exponentially.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import HttpSettings, Settings, SourceSettings
from base.timefmt import plural
from jobs.fetch import Fetcher, FetchError, Page
from jobs.health import Health, Pass, Problem, judge, problem_of
from jobs.sniff import sniff
from news.extract import ExtractError, parse_article_page, parse_list_page
from news.feeds import FeedError, parse_feed
from news.items import ArticleData, FeedItem, ListPage
from news.tagging import ArticleTagger, build_tagger
from news.urls import canonical_url
from storage.articles import store_article, stored_urls
from storage.models import utcnow
from storage.outbox import enqueue_for_article
from storage.sources import (
    SourceState,
    ensure_source,
    every_source,
    record_failure,
    record_health,
    record_success,
)

log = logging.getLogger(__name__)

ARTICLE_FETCH_CONCURRENCY = 4  # polite to small government servers, still quick on a backfill


@dataclass(slots=True)
class PollResult:
    """What one pass did; counters feed the logs, the CLI and the benchmark."""

    source: str
    backfill: bool = False  # this pass was the source's first successful one
    not_modified: bool = False  # the list page or feed answered 304
    links: int = 0  # distinct canonical article links seen
    fetched: int = 0  # article pages fetched
    stored: int = 0  # articles stored by this pass
    queued: int = 0  # deliveries queued for them
    skipped: int = 0  # article pages that failed (retried next pass)
    incomplete: int = 0  # article pages read without a title or a date
    skipped_urls: list[str] = field(default_factory=list)
    archived_late: list[str] = field(default_factory=list)  # owed by the backfill, stored now
    error: str | None = None  # why the pass failed; None when it succeeded
    failures: int = 0  # consecutive failed passes, this one included
    next_check: datetime | None = None
    # The health watch: a problem to tell the administrators about, or one that is over.
    alert: Problem | None = None
    recovered: Problem | None = None
    last_success: datetime | None = None  # the last good pass before this one

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(slots=True)
class _Listing:
    """The candidates of a pass: canonical URL -> feed item (None for an HTML list link)."""

    candidates: dict[str, FeedItem | None] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def backoff_delay(
    interval: float, failures: int, cap: float, *, ever_succeeded: bool = True
) -> float:
    """Seconds until the next try after ``failures`` failed passes in a row: doubling, capped.

    A source that never succeeded (a first run offline, a URL being fixed) is retried at its
    interval: its failures, counted across restarts, must not push it hours or days away.
    """
    if failures <= 0:
        return interval
    if not ever_succeeded:
        return float(min(cap, interval))
    return float(min(cap, interval * 2 ** min(failures, 32)))


def _selectors(source: SourceSettings) -> Mapping[str, str | None]:
    return source.selectors.model_dump()


class Poller:
    """Polls sources with one shared fetcher, session factory and tagger."""

    def __init__(
        self,
        fetcher: Fetcher,
        sessions: async_sessionmaker[AsyncSession],
        tagger: ArticleTagger,
        http: HttpSettings,
    ) -> None:
        self._fetcher = fetcher
        self._sessions = sessions
        self._tagger = tagger
        self._http = http
        # Sources of type "auto" whose page advertises a working feed: the feed's URL. Later
        # passes ask the feed itself (with its validators): a homepage that never changes
        # (its news drawn by JavaScript) must not hide new items behind a 304.
        self._feeds: dict[str, str] = {}

    async def poll(self, source: SourceSettings) -> PollResult:
        """One pass over ``source``; its outcome is recorded in the source's state."""
        async with self._sessions.begin() as session:
            state = await ensure_source(session, source.name, source.url)
        result = PollResult(source.name, backfill=not state.backfilled)
        try:
            listing = await self._read_listing(source, state)
            result.not_modified = listing.not_modified
            result.links = len(listing.candidates)
            await self._store_new(source, state, listing, result)
        except (FetchError, ExtractError, FeedError) as exc:
            result.error = str(exc)
        except Exception as exc:  # a bug or a database failure: still one source only
            log.exception("%s: pass failed unexpectedly", source.name)
            result.error = f"{type(exc).__name__}: {exc}"
        else:
            await self._record_success(source, state, listing, result)
            return result
        await self._record_failure(source, state, result)
        return result

    async def _read_listing(self, source: SourceSettings, state: SourceState) -> _Listing:
        feed_url = self._feeds.get(source.name) if source.type == "auto" else None
        if feed_url:
            try:
                return await self._read_known_feed(source, state, feed_url)
            except (FetchError, FeedError) as exc:
                log.info("%s: feed unusable, reading the page again: %s", source.name, exc)
                self._feeds.pop(source.name, None)
                state = dataclasses.replace(state, etag=None, last_modified=None)
        page = await self._fetcher.fetch(
            source.url, etag=state.etag, last_modified=state.last_modified
        )
        listing = _Listing(
            etag=page.etag or state.etag, last_modified=page.last_modified or state.last_modified
        )
        if page.not_modified:
            listing.not_modified = True
            return listing
        if source.type == "auto":
            # Each pass looks again: a portal that starts or stops publishing a feed is followed.
            found = await sniff(self._fetcher, page, _selectors(source))
            items = found.items if found.kind == "rss" else None
            first = found.listing
            if found.kind == "rss" and found.url != page.url:
                self._feeds[source.name] = found.url
                listing.etag, listing.last_modified = found.page.etag, found.page.last_modified
        else:
            items = parse_feed(page.content, page.url) if source.type == "rss" else None
            first = None
        if items is None:
            await self._read_list_pages(source, page, listing, first)
        self._add_items(source, listing, items or [])
        return listing

    async def _read_known_feed(
        self, source: SourceSettings, state: SourceState, feed_url: str
    ) -> _Listing:
        page = await self._fetcher.fetch(
            feed_url, etag=state.etag, last_modified=state.last_modified
        )
        listing = _Listing(
            etag=page.etag or state.etag,
            last_modified=page.last_modified or state.last_modified,
            not_modified=page.not_modified,
        )
        if not page.not_modified:
            self._add_items(source, listing, parse_feed(page.content, page.url))
        return listing

    @staticmethod
    def _add_items(source: SourceSettings, listing: _Listing, items: list[FeedItem]) -> None:
        for item in items:
            listing.candidates.setdefault(canonical_url(item.url, source.ignore_params), item)

    async def _read_list_pages(
        self, source: SourceSettings, page: Page, listing: _Listing, first: ListPage | None = None
    ) -> None:
        """Follow ``next_page`` up to ``max_pages``; a later page failing keeps what was read.

        ``first``: the first page already parsed (by ``jobs.sniff``)."""
        seen_pages = {page.url}
        for number in range(1, source.max_pages + 1):
            parsed = first or parse_list_page(
                page.content, page.url, _selectors(source), encoding=page.charset
            )
            first = None
            for link in parsed.links:
                listing.candidates.setdefault(canonical_url(link, source.ignore_params), None)
            if number == source.max_pages or not parsed.next_page:
                return
            if parsed.next_page in seen_pages:
                return
            seen_pages.add(parsed.next_page)
            try:
                page = await self._fetcher.fetch(parsed.next_page)
            except FetchError as exc:
                log.warning(
                    "%s: list page %d unreadable, keeping %d links: %s",
                    source.name,
                    number + 1,
                    len(listing.candidates),
                    exc,
                )
                return

    async def _store_new(
        self, source: SourceSettings, state: SourceState, listing: _Listing, result: PollResult
    ) -> None:
        if not listing.candidates:
            return
        async with self._sessions() as session:
            known = await stored_urls(session, listing.candidates)
        new = [url for url in listing.candidates if url not in known]
        articles = await self._read_articles(source, new, listing, result)
        # Lists run newest first: store oldest first so ids (and deliveries) follow time.
        for data in reversed(articles):
            await self._store_one(source, state, data, result)

    async def _read_articles(
        self, source: SourceSettings, urls: list[str], listing: _Listing, result: PollResult
    ) -> list[ArticleData]:
        limit = asyncio.Semaphore(ARTICLE_FETCH_CONCURRENCY)

        async def read(url: str) -> ArticleData | None:
            async with limit:
                return await self._read_article(source, url, listing.candidates[url], result)

        found = await asyncio.gather(*(read(url) for url in urls))
        return [data for data in found if data is not None]

    async def _read_article(
        self, source: SourceSettings, url: str, item: FeedItem | None, result: PollResult
    ) -> ArticleData | None:
        return await read_article(self._fetcher, source, url, item, result)

    async def _store_one(
        self, source: SourceSettings, state: SourceState, data: ArticleData, result: PollResult
    ) -> None:
        tags = self._tagger.tag(data, source.commune)
        # A page the backfill listed but could not read is archive too, whenever it is read.
        archive = result.backfill or data.url in state.backfill_pending
        async with self._sessions.begin() as session:
            article_id = await store_article(
                session, source_id=state.id, data=data, is_backfill=archive, tags=tags
            )
            if article_id is None:
                return  # another poller stored it meanwhile
            result.stored += 1
            if data.url in state.backfill_pending:
                result.archived_late.append(data.url)
            if not archive:
                result.queued += await enqueue_for_article(session, article_id)

    async def _record_success(
        self, source: SourceSettings, state: SourceState, listing: _Listing, result: PollResult
    ) -> None:
        now = utcnow()
        result.next_check = now + timedelta(seconds=source.interval_seconds)
        # Skipped articles must be retried: without validators the next pass rereads the list.
        # So must a list that looks broken: a 304 would tell the health watch nothing.
        looks_broken = not result.not_modified and problem_of(_seen(result)) is not None
        keep = result.skipped == 0 and not looks_broken
        async with self._sessions.begin() as session:
            await record_success(
                session,
                state.id,
                now=now,
                next_check=result.next_check,
                etag=listing.etag if keep else None,
                last_modified=listing.last_modified if keep else None,
                backfill_pending=_still_owed(state, result),
            )
            await self._watch(session, source, state, result, now)
        log.info(
            "%s: %s, %s, %s fetched, %d stored%s, %d queued, %d skipped",
            source.name,
            "not modified" if result.not_modified else "read",
            plural(result.links, "link"),
            plural(result.fetched, "article"),
            result.stored,
            " (backfill)" if result.backfill and result.stored else "",
            result.queued,
            result.skipped,
        )

    async def _record_failure(
        self, source: SourceSettings, state: SourceState, result: PollResult
    ) -> None:
        now = utcnow()
        failures = state.consecutive_failures + 1
        delay = backoff_delay(
            source.interval_seconds,
            failures,
            self._http.max_backoff_seconds,
            ever_succeeded=state.backfilled,  # backfilled: read successfully at least once
        )
        result.next_check = now + timedelta(seconds=delay)
        async with self._sessions.begin() as session:
            result.failures = await record_failure(
                session, state.id, now=now, next_check=result.next_check, error=result.error or ""
            )
            await self._watch(session, source, state, result, now)
        log.warning(
            "%s: pass failed (%d in a row), next try in %.0f s: %s",
            source.name,
            result.failures,
            delay,
            result.error,
        )

    async def _watch(
        self,
        session: AsyncSession,
        source: SourceSettings,
        state: SourceState,
        result: PollResult,
        now: datetime,
    ) -> None:
        """The health watch (``jobs.health``), stored with the pass's outcome."""
        before = Health(
            state.quiet_passes,
            state.failing_since,
            Problem(state.alert) if state.alert in set(Problem) else None,
        )
        verdict = judge(before, _seen(result), now)
        health = verdict.health
        await record_health(
            session,
            state.id,
            quiet_passes=health.quiet_passes,
            failing_since=health.failing_since,
            alert=health.alert.value if health.alert else None,
        )
        result.alert, result.recovered = verdict.raised, verdict.recovered
        result.last_success = state.last_success_at
        if verdict.raised:
            log.warning(
                "%s: looks broken (%s); telling the administrators", source.name, verdict.raised
            )
        if verdict.recovered:
            log.info("%s: recovered (%s)", source.name, verdict.recovered)


async def read_article(
    fetcher: Fetcher, source: SourceSettings, url: str, item: FeedItem | None, result: PollResult
) -> ArticleData | None:
    """The article at ``url`` as a pass stores it: from its page, its feed item, or both.

    None if unreadable (counted in ``result``). ``loa sources add`` previews with it too."""
    feed_data = _from_feed(url, item) if item else None
    if feed_data and feed_data.author and feed_data.published_at:
        return feed_data  # the feed said everything the page would
    try:
        result.fetched += 1
        page = await fetcher.fetch(url)
        data = parse_article_page(
            page.content, page.url, _selectors(source), encoding=page.charset, now=utcnow()
        )
    except (FetchError, ExtractError) as exc:
        if isinstance(exc, ExtractError):
            result.incomplete += 1  # no title: the page's layout may have changed
        if feed_data:
            log.info(
                "%s: %s: article page unreadable, keeping the feed item: %s",
                source.name,
                url,
                exc,
            )
            return feed_data
        result.skipped += 1
        result.skipped_urls.append(url)
        log.warning("%s: article skipped, retried next pass: %s", source.name, exc)
        return None
    data = dataclasses.replace(data, url=url)
    if data.published_at is None:
        result.incomplete += 1
    return _complete(feed_data, data) if feed_data else data


def _seen(result: PollResult) -> Pass:
    return Pass(
        ok=result.ok,
        not_modified=result.not_modified,
        links=result.links,
        fetched=result.fetched,
        incomplete=result.incomplete,
    )


def _from_feed(url: str, item: FeedItem) -> ArticleData:
    return ArticleData(
        url=url,
        title=item.title,
        summary=item.summary,
        body=item.summary,
        author=item.author,
        published_at=item.published_at,
        category=item.category,
        guid=item.guid,
    )


def _complete(feed: ArticleData, page: ArticleData) -> ArticleData:
    """The feed item, its gaps filled from the article page (the page's body is fuller)."""
    return dataclasses.replace(
        feed,
        title=feed.title or page.title,
        body=page.body or feed.body,
        summary=feed.summary or page.summary,
        author=feed.author or page.author,
        published_at=feed.published_at or page.published_at,
        category=feed.category or page.category,
        image_url=feed.image_url or page.image_url,
    )


async def poll_all(
    settings: Settings, sessions: async_sessionmaker[AsyncSession], fetcher: Fetcher | None = None
) -> list[PollResult]:
    """One pass over every source (the file's, then those added on the admin page),
    concurrently; results in that order."""
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings.http)
    try:
        tagger = build_tagger(settings.places.province, settings.topics)
        poller = Poller(fetcher, sessions, tagger, settings.http)
        async with sessions() as session:
            sources = await every_source(session, settings.sources)
        return list(await asyncio.gather(*(poller.poll(s) for s in sources)))
    finally:
        if own:
            await fetcher.aclose()


def _still_owed(state: SourceState, result: PollResult) -> set[str]:
    """Links owed to the archive after this pass: the backfill's failures, minus those now read."""
    if result.backfill:
        return set(result.skipped_urls)
    return set(state.backfill_pending) - set(result.archived_late)
