"""Thêm nguồn on the admin page, in process (httpx over ASGI, SQLite and PostgreSQL) against the
fixture portal served over HTTP: the preview is what ``loa sources add`` shows, in Vietnamese;
adding stores the source in the database for the poller; commune administrators may not; a page
with nothing to read is refused saying which, its technical line folded."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import HttpSettings
from bot import texts
from jobs.source_preview import Preview, preview
from storage.models import Source
from storage.sources import every_source
from tests.portal_server import FIXTURES, Portal
from tests.test_admin_pages import COMMUNE_ADMIN, PROVINCE_ADMIN, Web, _web, make_settings

AUTO = FIXTURES / "auto"
NAME = "Đài Phát thanh xã Sam Mứn"


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    served = Portal.from_fixtures()
    for name in ("home-feed", "js-shell", "redirect-stub", "challenge"):
        served.add_file(f"/auto/{name}", AUTO / f"{name}.html")
    with served.serving() as url:
        yield url


@pytest.fixture
async def web(sessions: async_sessionmaker[AsyncSession], tmp_path: Path) -> AsyncIterator[Web]:
    async for item in _web(sessions, make_settings(tmp_path)):
        yield item


async def _stored(web: Web) -> list[Source]:
    async with web.sessions() as session:
        return list((await session.scalars(select(Source))).all())


def _preview_address(url: str, name: str = "", commune: str = "") -> str:
    return "/admin/sources/new?" + urlencode({"url": url, "name": name, "commune": commune})


async def test_a_province_administrator_previews_and_adds_a_portal(web: Web, portal: str) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    listing = (await web.client.get("/admin/sources")).text
    assert 'href="/admin/sources/new"' in listing
    address = f"{portal}/auto/home-feed"
    page = await web.client.get(_preview_address(address, NAME, "Sam Mứn"))
    assert page.status_code == 200, page.text
    shown = html.unescape(page.text)
    assert "Một nguồn tin RSS có 3 bài viết." in shown
    # Exactly what `loa sources add` previews: the same reading, worded for officials.
    expected = await preview(HttpSettings(), address, NAME)
    assert isinstance(expected, Preview) and len(expected.articles) == 3
    for article in expected.articles:
        assert article.title in shown and article.author and article.author in shown
        assert f'href="{article.url}"' in page.text
    assert "Thời gian: 16:20 18/07/2025" in shown  # Vietnam time, as the page's other times
    technical = shown.split("<details", 1)[1]
    assert f"{portal}/rss/tin-tuc.rss" in technical  # what Loa will poll, folded
    assert await _stored(web) == []  # a preview stores nothing

    added = await web.client.post(
        "/admin/sources/new",
        data={"csrf": csrf, "url": address, "name": NAME, "commune": "Sam Mứn"},
    )
    assert added.status_code == 303 and added.headers["location"] == "/admin/sources"
    [row] = await _stored(web)
    assert (row.name, row.url, row.commune) == (NAME, f"{portal}/rss/tin-tuc.rss", "Sam Mứn")
    assert row.added_by == f"web:zalo:{PROVINCE_ADMIN}" and row.added_at is not None
    assert row.poll_requested_at is not None  # the poller's next look schedules it
    async with web.sessions() as session:
        [source] = await every_source(session, [])
    assert (source.name, source.type, source.commune) == (NAME, "auto", "Sam Mứn")
    listing = html.unescape((await web.client.get("/admin/sources")).text)
    assert NAME in listing and "Người thêm" in listing

    # Like a source of the file: paused and resumed from Nguồn tin.
    paused = await web.client.post(f"/admin/sources/{NAME}/pause", data={"csrf": csrf})
    assert paused.status_code == 303
    assert [row.paused for row in await _stored(web)] == [True]

    again = await web.client.post(
        "/admin/sources/new", data={"csrf": csrf, "url": address, "name": NAME}
    )
    assert again.status_code == 400
    assert texts.ADMIN_SOURCE_NAME_TAKEN.format(name=NAME) in html.unescape(again.text)
    assert len(await _stored(web)) == 1


async def test_a_commune_administrator_may_not_add_a_source(web: Web, portal: str) -> None:
    csrf = await web.log_in(f"zalo:{COMMUNE_ADMIN}")
    assert 'href="/admin/sources/new"' not in (await web.client.get("/admin/sources")).text
    address = f"{portal}/auto/home-feed"
    page = await web.client.get(_preview_address(address))
    assert page.status_code == 403
    assert texts.ADMIN_SOURCES_ADD_PROVINCE_ONLY in html.unescape(page.text)
    posted = await web.client.post(
        "/admin/sources/new", data={"csrf": csrf, "url": address, "commune": "Sam Mứn"}
    )
    assert posted.status_code == 403
    assert await _stored(web) == []


async def test_a_name_keeps_no_slash_and_fits_its_column(web: Web, portal: str) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    name = "Báo tỉnh / Thời sự " + "x" * 300
    form = {"csrf": csrf, "url": f"{portal}/auto/home-feed", "name": name}
    assert (await web.client.post("/admin/sources/new", data=form)).status_code == 303
    [row] = await _stored(web)
    assert row.name == ("Báo tỉnh - Thời sự " + "x" * 300)[:200]
    polled = await web.client.post(f"/admin/sources/{row.name}/poll", data={"csrf": csrf})
    assert polled.status_code == 303


async def test_adding_without_the_csrf_token_changes_nothing(web: Web, portal: str) -> None:
    await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    posted = await web.client.post("/admin/sources/new", data={"url": f"{portal}/auto/home-feed"})
    assert posted.status_code == 403
    assert await _stored(web) == []


@pytest.mark.parametrize(
    ("page", "kind", "what"),
    [
        ("js-shell", "javascript", "a JavaScript-only shell"),
        ("redirect-stub", "redirect", "a redirect stub"),
        ("challenge", "challenge", "an anti-bot challenge"),
    ],
)
async def test_a_page_with_nothing_to_read_is_refused_in_vietnamese(
    web: Web, portal: str, page: str, kind: str, what: str
) -> None:
    csrf = await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    address = f"{portal}/auto/{page}"
    answer = await web.client.get(_preview_address(address))
    assert answer.status_code == 400
    shown = html.unescape(answer.text)
    said, technical = shown.split("<details", 1)
    assert texts.ADMIN_SOURCE_REFUSED[kind] in said and what not in said
    assert f"{address} is {what}, with nothing to read" in technical  # the CLI's line, folded
    assert "Thêm nguồn</button>" not in shown  # nothing to add
    posted = await web.client.post("/admin/sources/new", data={"csrf": csrf, "url": address})
    assert posted.status_code == 400
    assert await _stored(web) == []


async def test_a_page_that_is_gone_is_told_in_plain_words(web: Web, portal: str) -> None:
    await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    answer = await web.client.get(_preview_address(f"{portal}/khong-co/"))
    assert answer.status_code == 400
    said, technical = html.unescape(answer.text).split("<details", 1)
    assert "Trang không còn (lỗi 404)" in said and texts.ADMIN_SOURCE_REFUSED["unreadable"] in said
    assert "HTTP 404" in technical and "HTTP 404" not in said


async def test_an_address_that_is_no_web_page_and_an_unknown_commune_are_refused(
    web: Web,
) -> None:
    await web.log_in(f"zalo:{PROVINCE_ADMIN}")
    answer = await web.client.get(_preview_address("dienbien.gov.vn"))
    assert answer.status_code == 400
    assert texts.ADMIN_SOURCE_REFUSED["address"] in html.unescape(answer.text)
    answer = await web.client.get(_preview_address("https://dienbien.gov.vn", commune="Atlantis"))
    assert answer.status_code == 400 and texts.ADMIN_NO_COMMUNE in answer.text
    assert re.search(r'<input id="url"[^>]*value="https://dienbien.gov.vn"', answer.text)
