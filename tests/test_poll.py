"""One-source polling end to end: the fake portal over HTTP, a real database (SQLite, PG)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import HttpSettings, Selectors, Settings, SourceSettings
from base.timefmt import zone
from bot.notices import AdminNotices
from bot.outgoing import decode
from jobs.fetch import Fetcher
from jobs.poll import Poller, PollResult, backoff_delay
from news.tagging import build_tagger
from news.text import fold
from storage.db import open_database, session_factory
from storage.models import Article, ArticleCommune, Delivery, Resident, Source, utcnow
from tests.portal_server import FIXTURES, Portal

EXPECTED: dict[str, dict[str, Any]] = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
DISTRICT_PATHS = [path for path in EXPECTED if not path.startswith("/portal/")]
LIST_1 = "/Tintuc/?PageIndex=1"
NEW_PATH = "/Tintuc/View/Xa-Sam-Mun-to-chuc-ngay-hoi-dai-doan-ket"
NEW_TITLE = "Xã Sam Mứn tổ chức Ngày hội Đại đoàn kết toàn dân tộc"


def district(base_url: str, **overrides: Any) -> SourceSettings:
    values: dict[str, Any] = {
        "name": "huyen-dien-bien",
        "type": "html",
        "url": base_url + LIST_1,
        "interval_seconds": 900,
        "max_pages": 2,
        "selectors": Selectors(
            item=".news-list a.title, .featured a", next_page="a[title='Trang sau']"
        ),
    }
    return SourceSettings(**(values | overrides))


@pytest.fixture
def portal() -> Portal:
    return Portal.from_fixtures()


@pytest.fixture
def base_url(portal: Portal) -> Iterator[str]:
    with portal.serving() as url:
        yield url


@pytest.fixture
async def poller(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[Poller]:
    http = HttpSettings(timeout_seconds=2, max_response_bytes=200_000, max_backoff_seconds=3600)
    async with Fetcher(http) as fetcher:
        yield Poller(fetcher, sessions, build_tagger("Điện Biên", {}), http)


async def articles(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Article]:
    async with sessions() as session:
        return {a.url: a for a in (await session.execute(select(Article))).scalars()}


async def source_row(sessions: async_sessionmaker[AsyncSession], name: str) -> Source:
    async with sessions() as session:
        return (await session.execute(select(Source).where(Source.name == name))).scalar_one()


def article_hits(portal: Portal) -> int:
    return sum(1 for hit in portal.requests if "/View/" in hit.target or "/T/" in hit.target)


def publish_new_article(portal: Portal) -> None:
    """The portal posts a new article at the top of list page 1."""
    body = (FIXTURES / EXPECTED[DISTRICT_PATHS[0]]["file"]).read_text("utf-8")
    old_title = EXPECTED[DISTRICT_PATHS[0]]["title"]
    portal.add(NEW_PATH, body.replace(old_title, NEW_TITLE))
    listing = portal.page(LIST_1).body.decode("utf-8")
    link = f'<div class="news-item"><a class="title" href="{NEW_PATH}?PageIndex=1">{NEW_TITLE}</a>'
    portal.add(
        LIST_1,
        listing.replace('<div class="news-list">', '<div class="news-list">' + link + "</div>"),
    )


# -- backfill: pagination, variants, extraction -----------------------------------------------


async def test_first_poll_backfills_every_page_once(
    portal: Portal, base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    result = await poller.poll(district(base_url))

    assert result.ok and result.backfill, result
    stored = await articles(sessions)
    assert sorted(stored) == sorted(base_url + path for path in DISTRICT_PATHS)
    assert all(a.is_backfill for a in stored.values())
    assert result.stored == len(DISTRICT_PATHS) == result.fetched
    # PageIndex/utm/fragment variants of one article: one fetch each, no variant stored.
    assert article_hits(portal) == len(DISTRICT_PATHS)
    assert not any("PageIndex" in url or "utm_" in url or "#" in url for url in stored)
    assert portal.count("/Tintuc/?PageIndex=2") == 1  # pagination followed


async def test_max_pages_limits_pagination(portal: Portal, base_url: str, poller: Poller) -> None:
    result = await poller.poll(district(base_url, max_pages=1))

    assert result.ok and portal.count("/Tintuc/?PageIndex=2") == 0
    assert result.links == 5


async def test_extracted_fields_are_stored(
    base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    """NFD text, PM times, entities, a missing author, windows-1258: as expected.json says."""
    await poller.poll(district(base_url))
    stored = await articles(sessions)

    for path in DISTRICT_PATHS:
        article, expected = stored[base_url + path], EXPECTED[path]
        assert article.title == expected["title"], path
        assert article.author == expected["author"], path
        assert article.published_at == datetime.fromisoformat(expected["published_at"]), path
        assert article.summary and len(article.summary) <= 300, path
        text = f"{article.title} {article.summary} {article.body}"
        assert article.search_text == fold(text), path
        assert len(article.content_hash) == 64, path


async def test_non_utf8_page_is_decoded_by_its_charset(
    portal: Portal, base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    path = next(p for p in DISTRICT_PATHS if EXPECTED[p]["form"] == "cp1258")
    assert "windows-1258" in portal.page(path).content_type

    await poller.poll(district(base_url))

    article = (await articles(sessions))[base_url + path]
    assert article.title == EXPECTED[path]["title"]
    assert "\ufffd" not in article.title + article.body


async def test_source_commune_tags_every_article(
    base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await poller.poll(district(base_url, commune="Sam Mứn"))

    async with sessions() as session:
        rows = (await session.execute(select(ArticleCommune))).scalars().all()
    tagged = {row.article_id for row in rows if row.commune == "Sam Mứn"}
    assert len(tagged) == len(DISTRICT_PATHS)


# -- later polls: 304, new articles, restart --------------------------------------------------


async def test_unchanged_portal_costs_one_conditional_request(
    portal: Portal, base_url: str, poller: Poller
) -> None:
    await poller.poll(district(base_url))
    before = len(portal.requests)

    result = await poller.poll(district(base_url))

    assert result.ok and result.not_modified and result.fetched == 0
    assert len(portal.requests) - before == 1
    assert portal.requests[-1].status == 304
    assert portal.requests[-1].headers["if-none-match"] == portal.page(LIST_1).etag


async def test_new_article_after_backfill_is_new_and_queued(
    portal: Portal, base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await poller.poll(district(base_url))
    async with sessions.begin() as session:
        session.add(Resident(channel="telegram", chat_id="1001"))
    publish_new_article(portal)
    hits = article_hits(portal)

    result = await poller.poll(district(base_url))

    assert result.ok and not result.backfill
    assert (result.stored, result.fetched, result.queued) == (1, 1, 1)
    assert article_hits(portal) - hits == 1  # only the new page was fetched
    new = (await articles(sessions))[base_url + NEW_PATH]
    assert new.title == NEW_TITLE and not new.is_backfill
    async with sessions() as session:
        deliveries = (await session.execute(select(Delivery))).scalars().all()
    assert [(d.article_id, d.channel) for d in deliveries] == [(new.id, "telegram")]


async def test_backfill_queues_nothing(
    base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        session.add(Resident(channel="zalo", chat_id="z1"))

    result = await poller.poll(district(base_url))

    assert result.stored > 0 and result.queued == 0
    async with sessions() as session:
        assert (await session.execute(select(Delivery))).first() is None


async def test_restart_keeps_dedupe(portal: Portal, base_url: str, database_url: str) -> None:
    for page in portal.pages.values():
        page.conditional = False  # no 304 shortcut: dedupe must come from the database
    http = HttpSettings(timeout_seconds=2)
    results: list[PollResult] = []
    for _ in range(2):  # two process lifetimes: a fresh engine on the same database each time
        async with open_database(database_url) as engine, Fetcher(http) as fetcher:
            poller = Poller(fetcher, session_factory(engine), build_tagger("Điện Biên", {}), http)
            results.append(await poller.poll(district(base_url)))

    first, second = results
    assert first.stored == len(DISTRICT_PATHS)
    assert second.ok and not second.not_modified
    assert (second.stored, second.fetched, second.backfill) == (0, 0, False)


# -- failures ----------------------------------------------------------------------------------


async def test_bad_article_pages_do_not_lose_the_others(
    portal: Portal, base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    broken = DISTRICT_PATHS[:2]
    portal.page(broken[0]).status = 404
    portal.page(broken[1]).status = 500

    result = await poller.poll(district(base_url))

    assert result.ok and result.skipped == 2
    assert result.stored == len(DISTRICT_PATHS) - 2
    assert (await source_row(sessions, "huyen-dien-bien")).etag is None  # so they are retried
    assert (await source_row(sessions, "huyen-dien-bien")).backfill_pending is not None
    async with sessions.begin() as session:
        session.add(Resident(channel="telegram", chat_id="1001"))
    for path in broken:
        portal.page(path).status = 200
    retry = await poller.poll(district(base_url))
    assert (retry.stored, retry.fetched, retry.skipped) == (2, 2, 0)
    # Listed by the backfill, read only now: still archive, pushed to nobody.
    assert retry.queued == 0
    async with sessions() as session:
        flags = set((await session.execute(select(Article.is_backfill))).scalars())
    assert flags == {True}
    row = await source_row(sessions, "huyen-dien-bien")
    assert row.etag == portal.page(LIST_1).etag
    assert row.backfill_pending is None


@pytest.mark.parametrize(("status", "message"), [(404, "HTTP 404"), (500, "HTTP 500")])
async def test_failing_list_page_is_recorded_with_backoff(
    portal: Portal,
    base_url: str,
    poller: Poller,
    sessions: async_sessionmaker[AsyncSession],
    status: int,
    message: str,
) -> None:
    portal.page(LIST_1).status = status
    source = district(base_url, interval_seconds=60)

    first = await poller.poll(source)
    second = await poller.poll(source)

    assert not first.ok and message in (first.error or "")
    assert (first.failures, second.failures) == (1, 2)
    row = await source_row(sessions, source.name)
    assert row.consecutive_failures == 2 and message in (row.last_error or "")
    assert row.last_success_at is None and not row.backfilled
    assert row.next_check_at is not None
    wait = row.next_check_at - utcnow()
    # Never read yet (a first run offline?): retried at its interval, however many failures.
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)

    portal.page(LIST_1).status = 200
    healed = await poller.poll(source)
    row = await source_row(sessions, source.name)
    assert healed.ok and healed.backfill and row.consecutive_failures == 0
    assert row.last_error is None and row.backfilled

    # Read once, then failing: exponential backoff.
    portal.page(LIST_1).status = status
    await poller.poll(source)
    again = await poller.poll(source)
    row = await source_row(sessions, source.name)
    assert again.failures == 2 and row.next_check_at is not None
    wait = row.next_check_at - utcnow()
    assert timedelta(seconds=200) < wait <= timedelta(seconds=240)  # 60 s * 2**2


async def test_timeout_fails_the_pass(
    portal: Portal, base_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    portal.page(LIST_1).hang = True
    http = HttpSettings(timeout_seconds=0.2)
    async with Fetcher(http) as fetcher:
        poller = Poller(fetcher, sessions, build_tagger("Điện Biên", {}), http)
        result = await poller.poll(district(base_url))

    assert not result.ok and "timed out" in (result.error or "")
    assert "timed out" in ((await source_row(sessions, "huyen-dien-bien")).last_error or "")


async def test_oversized_list_page_fails_the_pass(
    portal: Portal, base_url: str, poller: Poller
) -> None:
    portal.page(LIST_1).oversize = 1_000_000  # the poller's cap is 200 000 bytes

    result = await poller.poll(district(base_url))

    assert not result.ok and "larger than 200000 bytes" in (result.error or "")


@pytest.mark.parametrize(
    ("failures", "expected"), [(0, 60), (1, 120), (2, 240), (5, 1920), (6, 3600), (400, 3600)]
)
def test_backoff_doubles_up_to_the_cap(failures: int, expected: float) -> None:
    assert backoff_delay(60, failures, cap=3600) == expected


# -- RSS and the provincial portal -----------------------------------------------------------


def feed(base_url: str, path: str = "/rss/tin-tuc.rss") -> SourceSettings:
    return SourceSettings(name="rss-huyen", type="rss", url=base_url + path)


async def test_rss_items_lacking_author_or_date_take_them_from_the_page(
    portal: Portal, base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    result = await poller.poll(feed(base_url))

    assert result.ok and result.stored == 3
    assert result.fetched == 1 and article_hits(portal) == 1  # only the item lacking both
    stored = await articles(sessions)
    bare = "/Tintuc/View/Xa-Sam-Mun-ra-quan-lam-duong-giao-thong-nong-thon"
    assert stored[base_url + bare].author == EXPECTED[bare]["author"]
    assert stored[base_url + bare].published_at == datetime.fromisoformat(
        EXPECTED[bare]["published_at"]
    )
    relative = "/Tintuc/View/Hoi-nghi-bieu-duong-dien-hinh-Dan-van-kheo-giai-doan-2015-2020"
    assert stored[base_url + relative].author == EXPECTED[relative]["author"]  # dc:creator
    flood = stored[base_url + DISTRICT_PATHS[1]]
    assert flood.guid == "tintuc-2025-0718-01" and flood.category == "Phòng chống thiên tai"


@pytest.mark.parametrize("path", ["/rss/broken.rss", "/rss/not-a-feed.rss"])
async def test_broken_feed_fails_the_pass(
    base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession], path: str
) -> None:
    result = await poller.poll(feed(base_url, path))

    assert not result.ok and result.stored == 0
    row = await source_row(sessions, "rss-huyen")
    assert row.consecutive_failures == 1 and row.last_error == result.error


async def test_provincial_portal_by_configuration_alone(
    base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    source = SourceSettings(
        name="tinh-dien-bien",
        type="html",
        url=base_url + "/portal/Pages/Tin-tuc-su-kien.aspx",
        selectors=Selectors(
            item=".channel-news-title a",
            title=".tandan-p-article-news-title, .tandan-title-view",
            date=".tandan-span-date-publish",
            body=".tandan-p-article-main, .ms-rtestate-field",
        ),
    )
    result = await poller.poll(source)

    assert result.ok, result.error
    stored = await articles(sessions)
    for path in (p for p in EXPECTED if p.startswith("/portal/")):
        article = stored[base_url + path]
        assert article.title == EXPECTED[path]["title"]
        assert article.published_at == datetime.fromisoformat(EXPECTED[path]["published_at"])


async def test_a_layout_change_raises_one_alert_then_one_recovery_to_the_admins(
    portal: Portal, base_url: str, poller: Poller, sessions: async_sessionmaker[AsyncSession]
) -> None:
    source = district(base_url, max_pages=1)
    settings = Settings.model_validate(
        {"zalo": {"token": "z:t", "admins": ["za"]}, "telegram": {"token": "1:t", "admins": [7]}}
    )
    notices = AdminNotices(settings, sessions)
    tz = zone("Asia/Ho_Chi_Minh")

    async def poll() -> PollResult:
        result = await poller.poll(source)
        notices.source_changed(result, tz)  # as loa run does after every pass
        await asyncio.gather(*notices._pending)
        return result

    assert (await poll()).ok  # the backfill: a healthy portal
    listing = portal.page(LIST_1).body
    # The portal is rebuilt: the page still answers 200, with no article link Loa can find.
    portal.add(LIST_1, "<html><body><div class='portal-v2'>Trang chủ</div></body></html>")
    results = [await poll() for _ in range(4)]
    assert [(r.ok, r.links) for r in results] == [(True, 0)] * 4  # every poll "succeeds", empty
    assert [r.alert for r in results] == [None, None, "empty", None]  # told once
    assert (await source_row(sessions, source.name)).alert == "empty"
    portal.add(LIST_1, listing)
    recovered = await poll()
    assert recovered.recovered == "empty" and recovered.alert is None
    assert (await source_row(sessions, source.name)).alert is None
    async with sessions() as session:
        rows = (await session.execute(select(Delivery).order_by(Delivery.id))).scalars().all()
    told = [(r.channel, r.chat_id, decode(r.payload or "").reply.html) for r in rows]
    assert [(c, chat) for c, chat, _ in told] == [("zalo", "za"), ("telegram", "7")] * 2
    assert "“huyen-dien-bien” có vấn đề" in told[0][2] and "đổi giao diện" in told[0][2]
    assert "hoạt động trở lại" in told[2][2]
