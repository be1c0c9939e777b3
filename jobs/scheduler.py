"""The poll scheduler: one APScheduler job per source, at its interval, with jitter.

Every source is polled once right after start, then every ``interval_seconds`` ± 10 % (the
jitter spreads the load on the portals). A failing source is pushed back exponentially, up to
``[http] max_backoff_seconds`` (one that never succeeded is retried at its interval); a source
never runs twice at once, and one source's failure never touches the others' jobs. When every
source fails its first pass after start, one warning says the portal is not reachable.

The sources are the configuration file's and those added on the admin page (database rows,
``storage.sources.every_source``): read at start, and a source added later reaches the poller
through its poll request, the path Lấy tin ngay takes, on whichever instance holds the role.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings, SourceSettings
from base.timefmt import plural
from jobs.fetch import Fetcher
from jobs.poll import Poller, PollResult
from news.source_problems import classify
from news.tagging import build_tagger
from storage.models import utcnow
from storage.sources import added_sources, every_source, is_paused, take_poll_requests

log = logging.getLogger(__name__)

JITTER = 0.10  # ± share of the interval
# How often the poller looks for Lấy tin ngay pressed on the admin page (on any instance).
REQUEST_CHECK_SECONDS = 1.0
SHORT_INTERVAL_SECONDS = 60  # below this a real portal would see Loa as a nuisance


class PollScheduler:
    """Polls every configured source on its own schedule inside the running event loop."""

    name = "poll scheduler"

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        on_result: Callable[[PollResult], None] | None = None,
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._on_result = on_result  # tests and metrics watch passes through this
        self._scheduler: AsyncIOScheduler | None = None
        self._fetcher: Fetcher | None = None
        self._poller: Poller | None = None
        self._running: set[asyncio.Task[object]] = set()
        self._first_passes: dict[str, PollResult] = {}  # each source's first pass since start
        self._requests: asyncio.Task[None] | None = None
        self._sources: dict[str, SourceSettings] = {}  # scheduled, by name

    async def start(self) -> None:
        self._fetcher = Fetcher(self._settings.http)
        tagger = build_tagger(self._settings.places.province, self._settings.topics)
        self._poller = Poller(self._fetcher, self._sessions, tagger, self._settings.http)
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        async with self._sessions() as session:
            sources = await every_source(session, self._settings.sources)
        for source in sources:
            self._add_job(self._scheduler, source)
        self._scheduler.start()
        self._requests = asyncio.create_task(self._take_requests(), name="poll requests")

    async def _take_requests(self) -> None:
        """Lấy tin ngay (the admin page) is a database row, so it reaches the poller wherever
        it runs: the source's job is moved to now. A source added on the admin page asks the
        same way: it is scheduled (its first run is now)."""
        while True:
            try:
                async with self._sessions.begin() as session:
                    names = await take_poll_requests(session)
                    unknown = [n for n in names if n not in self._sources]
                    added = await added_sources(session) if unknown else []
                for source in added:
                    if source.name in unknown and self._scheduler is not None:
                        log.info("%s: added on the admin page; polled from now on", source.name)
                        self._add_job(self._scheduler, source)
                for name in names:
                    if self._scheduler is not None and self._scheduler.get_job(name):
                        log.info("%s: polled now (asked on the admin page)", name)
                        self._scheduler.modify_job(name, next_run_time=utcnow())
            except Exception:
                log.exception("reading poll requests failed")
            await asyncio.sleep(REQUEST_CHECK_SECONDS)

    def _add_job(self, scheduler: AsyncIOScheduler, source: SourceSettings) -> None:
        self._sources[source.name] = source
        interval = source.interval_seconds
        if interval < SHORT_INTERVAL_SECONDS:
            log.warning(
                "source %s is polled every %g s; below %d s is fine for tests, rude to a portal",
                source.name,
                interval,
                SHORT_INTERVAL_SECONDS,
            )
        # APScheduler adds uniform(0, jitter): shift the base so runs land at interval ± 10 %.
        trigger = IntervalTrigger(
            seconds=interval * (1 - JITTER), jitter=interval * 2 * JITTER, timezone="UTC"
        )
        scheduler.add_job(
            self._run,
            trigger,
            args=[source],
            id=source.name,
            name=f"poll {source.name}",
            next_run_time=utcnow(),
            max_instances=1,  # never two passes of one source at once
            coalesce=True,
            misfire_grace_time=None,
        )

    async def _run(self, source: SourceSettings) -> None:
        assert self._poller is not None
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            if await self._paused(source.name):
                return
            result = await self._poller.poll(source)
        except asyncio.CancelledError:
            # Stopped mid-pass (the poller role given up, or shutting down): its transaction
            # rolls back and whoever polls next reads the page again. Returning keeps
            # APScheduler from logging the cancellation as a crash.
            log.info("%s: poll stopped mid-pass", source.name)
            return
        except Exception:
            # Even recording the failure failed (the database is down?): retry on schedule.
            log.exception("%s: poll crashed", source.name)
            return
        finally:
            if task is not None:
                self._running.discard(task)
        if not result.ok and result.next_check is not None:
            self._postpone(source, result.next_check)
        self._note_first_pass(result)
        if self._on_result is not None:
            self._on_result(result)

    async def _paused(self, name: str) -> bool:
        async with self._sessions() as session:
            return await is_paused(session, name)

    def _note_first_pass(self, result: PollResult) -> None:
        """One plain warning when no source could be read on the first pass after start."""
        if result.source in self._first_passes:
            return
        self._first_passes[result.source] = result
        first = self._first_passes.values()
        if len(first) < len(self._sources) or any(r.ok for r in first):
            return
        failed = plural(len(first), "source")
        if not all(r.error and classify(r.error).unreachable for r in first):
            # Some answered (a 404, not a feed): the network is fine, a source is wrong.
            log.warning(
                "no source could be read (%s failed on the first pass; each one's error is "
                "above): `loa check` tests them one by one. Retrying with backoff",
                failed,
            )
        elif all(r.backfill for r in first):  # none was ever read: a first run, likely offline
            log.warning(
                "no source could be read (%s failed on the first pass): the portal is not "
                "reachable from here; check the network and the [[sources]] urls. Retrying at "
                "each source's interval. To see Loa work offline on sample pages: loa demo",
                failed,
            )
        else:
            log.warning(
                "no source could be read (%s failed on the first pass): the portal is not "
                "reachable from here; check the network. Retrying with backoff",
                failed,
            )

    def _postpone(self, source: SourceSettings, until: datetime) -> None:
        # The interval trigger counts on from this run time, so a later success resumes the
        # normal interval by itself.
        if self._scheduler is not None and self._scheduler.get_job(source.name):
            self._scheduler.modify_job(source.name, next_run_time=until)

    def next_run(self, source_name: str) -> datetime | None:
        """When ``source_name`` is polled next (None when not scheduled)."""
        job = self._scheduler.get_job(source_name) if self._scheduler else None
        return job.next_run_time if job else None

    async def stop(self) -> None:
        if self._requests is not None:
            self._requests.cancel()
            await asyncio.gather(self._requests, return_exceptions=True)
            self._requests = None
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down in a loop callback: let it run
        for task in list(self._running):
            task.cancel()
        await asyncio.gather(*self._running, return_exceptions=True)
        self._running.clear()
        if self._fetcher is not None:
            await self._fetcher.aclose()
        self._scheduler, self._poller, self._fetcher = None, None, None
        self._first_passes.clear()
        self._sources.clear()
