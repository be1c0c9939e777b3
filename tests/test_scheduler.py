"""The poll scheduler on a real event loop: prompt first run, 1 s interval, backoff, no overlap."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import HttpSettings, Selectors, Settings, SourceSettings
from jobs.poll import PollResult
from jobs.scheduler import PollScheduler
from storage.models import utcnow
from storage.sources import add_source, ensure_source, record_success, request_poll
from tests.portal_server import Portal

LIST = "/Tintuc/?PageIndex=1"


@pytest.fixture
def portal() -> Portal:
    portal = Portal.from_fixtures()
    portal.add("/slow/", "<html></html>").hang = True
    return portal


@pytest.fixture
def base_url(portal: Portal) -> Iterator[str]:
    with portal.serving() as url:
        yield url


def source(name: str, url: str, interval: float) -> SourceSettings:
    return SourceSettings(
        name=name,
        type="html",
        url=url,
        interval_seconds=interval,
        selectors=Selectors(item=".news-list a.title"),
    )


async def test_runs_promptly_backs_off_and_never_overlaps(
    portal: Portal,
    base_url: str,
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(
        http=HttpSettings(timeout_seconds=5, max_backoff_seconds=3600),
        sources=[
            source("good", base_url + LIST, 1),
            source("broken", base_url + "/missing/", 1.5),  # 404: backs off to 3 s
            source("slow", base_url + "/slow/", 1),  # held longer than its interval
        ],
    )
    results: dict[str, list[tuple[float, PollResult]]] = defaultdict(list)
    failed_seen_at: list[datetime] = []
    good_thrice = asyncio.Event()

    def on_result(result: PollResult) -> None:
        results[result.source].append((time.monotonic(), result))
        if not result.ok:
            failed_seen_at.append(utcnow())
        if len(results["good"]) >= 3:
            good_thrice.set()

    # The broken source was read once before: it backs off (one never read would not).
    async with sessions.begin() as session:
        state = await ensure_source(session, "broken", base_url + "/missing/")
        now = utcnow()
        await record_success(
            session, state.id, now=now, next_check=now, etag=None, last_modified=None
        )
    scheduler = PollScheduler(settings, sessions, on_result=on_result)
    caplog.set_level(logging.WARNING, logger="jobs.scheduler")
    await scheduler.start()
    started = time.monotonic()
    try:
        await asyncio.wait_for(good_thrice.wait(), timeout=10)
        broken_next = scheduler.next_run("broken")
    finally:
        await scheduler.stop()

    (_, first), *_ = results["good"]
    # The first request left at once (the interval's jitter is ±10 %: never before 0.9 s).
    first_request = next(hit.at for hit in portal.requests if hit.target == LIST)
    # Below good's 1 s interval: the first run did not wait for it (0.5 s was once missed by a
    # loaded 2-core machine running the suite on both cores).
    assert first_request - started < 0.9, "first run must not wait for the interval"
    assert first.ok and first.stored > 0 and results["good"][1][1].not_modified
    # The broken source failed once; without backoff it would have run again by ~1.65 s.
    (_, failed), *rest = results["broken"]
    assert not rest and not failed.ok and failed.failures == 1
    assert failed.next_check is not None and broken_next == failed.next_check
    backoff = failed.next_check - failed_seen_at[0]
    assert timedelta(seconds=2.5) < backoff <= timedelta(seconds=3)
    # The slow source's job fired again while its first pass was still waiting: skipped.
    assert portal.count("/slow/") == 1
    assert "below 60 s" in caplog.text and "good" in caplog.text


async def test_a_pass_stopped_midway_is_no_crash(
    portal: Portal,
    base_url: str,
    sessions: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Stopping (shutdown, or the poller role given up) while a source's page is still being
    read cancels that pass: said once at INFO, never logged by APScheduler as a crash."""
    scheduler = PollScheduler(Settings(sources=[source("slow", base_url + "/slow/", 1)]), sessions)
    caplog.set_level(logging.INFO)
    await scheduler.start()
    try:
        # the portal holds the request: the pass is midway
        assert await asyncio.to_thread(portal.hanging.wait, 10)
    finally:
        await scheduler.stop()
    assert "raised an exception" not in caplog.text and "Traceback" not in caplog.text


async def test_stop_without_sources(sessions: async_sessionmaker[AsyncSession]) -> None:
    scheduler = PollScheduler(Settings(), sessions)
    await scheduler.start()
    assert scheduler.next_run("anything") is None
    await scheduler.stop()


async def test_sources_added_on_the_admin_page_are_scheduled_at_start_and_while_running(
    base_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """The file's sources and the database's: one added before start is polled at start, one
    added while the poller runs is polled once its request is taken; a stored source that is
    neither (dropped from the file) is not."""
    feed = base_url + "/rss/tin-tuc.rss"
    polled: dict[str, asyncio.Event] = defaultdict(asyncio.Event)
    async with sessions.begin() as session:
        await add_source(
            session, name="before", url=feed, commune=None, added_by="web:zalo:1", now=utcnow()
        )
        await ensure_source(session, "dropped", feed)  # once in the file, no longer
        await request_poll(session, "dropped", utcnow())
    settings = Settings(sources=[source("file", base_url + LIST, 60)])
    scheduler = PollScheduler(settings, sessions, on_result=lambda r: polled[r.source].set())
    await scheduler.start()
    try:
        await asyncio.wait_for(polled["before"].wait(), 10)
        assert scheduler.next_run("file") is not None
        assert scheduler.next_run("dropped") is None
        async with sessions.begin() as session:
            await add_source(
                session,
                name="later",
                url=feed,
                commune="Sam Mứn",
                added_by="web:zalo:1",
                now=utcnow(),
            )
        await asyncio.wait_for(polled["later"].wait(), 10)
        assert scheduler.next_run("later") is not None
        assert "dropped" not in polled
    finally:
        await scheduler.stop()
