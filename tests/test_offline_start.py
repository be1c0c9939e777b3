"""Offline first run: one plain warning, and a never-read source is not pushed days away."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import HttpSettings, Selectors, Settings, SourceSettings
from jobs.fetch import Fetcher
from jobs.poll import Poller, PollResult, backoff_delay
from jobs.scheduler import PollScheduler
from news.tagging import build_tagger
from storage.models import utcnow
from storage.sources import ensure_source, list_sources, record_success
from tests.e2e_support import Loa
from tests.support.ports import closed_port


def closed_port_url() -> str:
    """A URL nothing listens at: connecting is refused at once, like a machine offline."""
    return f"http://127.0.0.1:{closed_port()}/Tintuc/"


def source(name: str, interval: float, url: str | None = None) -> SourceSettings:
    return SourceSettings(
        name=name,
        type="html",
        url=url or closed_port_url(),
        interval_seconds=interval,
        selectors=Selectors(item=".news-list a.title"),
    )


@pytest.mark.parametrize(
    ("failures", "ever_succeeded", "cap", "expected"),
    [
        (1, False, 86_400, 1800),  # never read: its interval, however many failures
        (2, False, 86_400, 1800),
        (50, False, 86_400, 1800),
        (3, False, 600, 600),  # the operator's cap wins even over the interval
        (1, True, 86_400, 3600),  # read once before: doubling
        (3, True, 86_400, 14_400),
        (10, True, 7200, 7200),  # ... up to the cap
        (0, False, 86_400, 1800),
    ],
)
def test_backoff_of_a_source_never_read(
    failures: int, ever_succeeded: bool, cap: float, expected: float
) -> None:
    assert backoff_delay(1800, failures, cap, ever_succeeded=ever_succeeded) == expected


async def test_restarts_do_not_push_a_never_read_source_further(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Each restart is a new poller on the same database; the failures count on, the wait not."""
    offline = source("huyen-dien-bien", 1800)
    http = HttpSettings(timeout_seconds=2, max_backoff_seconds=86_400)
    for restart in range(1, 5):
        async with Fetcher(http) as fetcher:
            poller = Poller(fetcher, sessions, build_tagger("Điện Biên", {}), http)
            result = await poller.poll(offline)
        assert not result.ok and result.failures == restart
        assert result.next_check is not None
        assert result.next_check - utcnow() <= timedelta(seconds=1800)
    async with sessions() as session:
        row = (await list_sources(session))["huyen-dien-bien"]
    assert row.consecutive_failures == 4 and row.last_success_at is None
    assert row.next_check_at is not None
    assert row.next_check_at - utcnow() <= timedelta(seconds=1800)


async def test_the_cap_is_honoured_for_a_source_read_before(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    offline = source("huyen-dien-bien", 1800)
    async with sessions.begin() as session:
        state = await ensure_source(session, offline.name, offline.url)
        now = utcnow()
        await record_success(
            session, state.id, now=now, next_check=now, etag=None, last_modified=None
        )
    http = HttpSettings(timeout_seconds=2, max_backoff_seconds=5000)
    async with Fetcher(http) as fetcher:
        poller = Poller(fetcher, sessions, build_tagger("Điện Biên", {}), http)
        first = await poller.poll(offline)
        second = await poller.poll(offline)
    assert first.next_check is not None and second.next_check is not None
    assert timedelta(seconds=3500) < first.next_check - utcnow() <= timedelta(seconds=3600)
    assert timedelta(seconds=4900) < second.next_check - utcnow() <= timedelta(seconds=5000)


async def _first_passes(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> list[PollResult]:
    results: list[PollResult] = []
    all_in = asyncio.Event()

    def on_result(result: PollResult) -> None:
        results.append(result)
        if len(results) >= len(settings.sources):
            all_in.set()

    scheduler = PollScheduler(settings, sessions, on_result=on_result)
    await scheduler.start()
    try:
        await asyncio.wait_for(all_in.wait(), timeout=15)
    finally:
        await scheduler.stop()
    return results


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "jobs.scheduler" and "no source could be read" in r.getMessage()
    ]


async def test_every_source_failing_at_first_start_says_so_once_and_suggests_the_demo(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        http=HttpSettings(timeout_seconds=2),
        sources=[source("huyen-dien-bien", 1800), source("xa-sam-mun", 900)],
    )
    caplog.set_level(logging.WARNING, logger="jobs.scheduler")

    results = await _first_passes(settings, sessions)

    assert not any(r.ok for r in results)
    (warning,) = _warnings(caplog)
    assert "2 sources failed" in warning and "not reachable" in warning
    assert "loa demo" in warning
    assert all(r.next_check is not None for r in results)
    waits = {r.source: r.next_check - utcnow() for r in results if r.next_check}
    assert waits["huyen-dien-bien"] <= timedelta(seconds=1800)
    assert waits["xa-sam-mun"] <= timedelta(seconds=900)


async def test_one_source_read_means_no_warning(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    from tests.portal_server import Portal

    with Portal.from_fixtures().serving() as base_url:
        settings = Settings(
            http=HttpSettings(timeout_seconds=5),
            sources=[
                source("huyen-dien-bien", 1800, base_url + "/Tintuc/?PageIndex=1"),
                source("xa-sam-mun", 900),
            ],
        )
        caplog.set_level(logging.WARNING, logger="jobs.scheduler")
        results = await _first_passes(settings, sessions)

    assert sorted(r.ok for r in results) == [False, True]
    assert _warnings(caplog) == []


async def test_an_established_install_offline_is_told_without_the_demo(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    offline = source("huyen-dien-bien", 1800)
    async with sessions.begin() as session:
        state = await ensure_source(session, offline.name, offline.url)
        now = utcnow()
        await record_success(
            session, state.id, now=now, next_check=now, etag=None, last_modified=None
        )
    caplog.set_level(logging.WARNING, logger="jobs.scheduler")

    await _first_passes(Settings(http=HttpSettings(timeout_seconds=2), sources=[offline]), sessions)

    (warning,) = _warnings(caplog)
    assert "1 source failed" in warning and "not reachable" in warning
    assert "loa demo" not in warning


def test_loa_run_offline_says_so_once_and_restarts_do_not_double_the_wait(tmp_path: Path) -> None:
    """``make run`` on a machine without network, started twice."""
    config = tmp_path / "loa.toml"
    config.write_text(
        f"""
[database]
url = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"

[http]
timeout_seconds = 2

[[sources]]
name = "huyen-dien-bien"
type = "html"
url = "{closed_port_url()}"
interval_seconds = 1800

[web]
enabled = false
""",
        encoding="utf-8",
    )
    loa = Loa(tmp_path, config)
    for restart in (1, 2):
        loa.start()
        try:
            deadline = time.monotonic() + 30
            while loa.log().count("no source could be read") < restart:
                assert time.monotonic() < deadline, loa.recent_log()
                time.sleep(0.05)
        finally:
            loa.stop()
        log = loa.log()
        assert f"pass failed ({restart} in a row), next try in 1800 s" in log, log
    log = loa.log()
    waits = [int(s) for s in re.findall(r"next try in (\d+) s", log)]
    assert waits == [1800, 1800], log
    assert log.count("loa demo") == 2 and "Traceback" not in log


async def test_a_portal_answering_404_is_no_offline_hint(
    sessions: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    """The network works (the portal answered 404): no "not reachable", no demo."""
    from tests.portal_server import Portal

    with Portal.from_fixtures().serving() as base_url:
        settings = Settings(
            http=HttpSettings(timeout_seconds=5),
            sources=[source("huyen-dien-bien", 1800, base_url + "/khong-co/")],
        )
        caplog.set_level(logging.WARNING, logger="jobs.scheduler")
        results = await _first_passes(settings, sessions)

    assert [r.error for r in results] == [f"HTTP 404 ({base_url}/khong-co/)"]
    (warning,) = _warnings(caplog)
    assert "1 source failed" in warning and "loa check" in warning
    assert "not reachable" not in warning and "loa demo" not in warning
