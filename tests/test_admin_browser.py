"""The admin page in a real browser: Playwright driving Debian's Chromium against a real
``loa run`` with the Telegram and Zalo emulators (one Loa, one browser for the module).

Login through ``/quantri`` and through ``loa admin link``; a used link, a non-administrator's
link and a post without CSRF token are refused; a commune broadcast sent from the form reaches
that commune's residents (also those who chose an old commune it absorbed) once, with the
progress shown to the end, however often Gửi is pressed; the overview's counts are those of
``loa stats --json``; every page fits a 360-px-wide phone. Set ``LOA_ADMIN_SCREENSHOTS=DIR`` to
save a screenshot of each page there (``docs/admin.md`` uses them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from base import admin_auth as auth
from bot import texts
from tests.e2e_support import ZALO_TOKEN, Loa, Options, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.portal_server import FIXTURES, Portal
from tests.support.ports import free_port

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )

pytestmark = pytest.mark.asyncio(loop_scope="module")

TG_ADMIN, ZALO_ADMIN = 9101, "zadmin11"
TG_POM_LOT, TG_SAM_MUN, TG_ELSEWHERE, TG_ALL = 2001, 2002, 2003, 2004
Z_NA_U, Z_ALL = "zna_u001", "zall0011"
SAM_MUN_RESIDENTS = {f"tg:{TG_POM_LOT}", f"tg:{TG_SAM_MUN}", f"zalo:{Z_NA_U}"}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = os.environ.get("LOA_ADMIN_SCREENSHOTS")
# Sources as officials meet them broken: a page gone (404), an RSS address that is a web page,
# a server that does not answer (a port nothing listens on). Shown by their human titles.
BROKEN_SOURCES = """
[[sources]]
name = "trang-mat"
title = "Cổng xã Mường Nhé"
type = "html"
url = "{portal}/khong-co/"
interval_seconds = 3600

[[sources]]
name = "rss-sai"
title = "Tin RSS của tỉnh"
type = "rss"
url = "{portal}/Tintuc/"
interval_seconds = 3600

[[sources]]
name = "may-chu-tat"
title = "Cổng huyện Tủa Chùa"
type = "html"
url = "http://127.0.0.1:{closed}/"
interval_seconds = 3600
"""
# What an official must never read: exception names, raw statuses, English.
ENGLISH = ("ConnectError", "HTTP 404", "not a readable feed", "Not Found", "Errno", "web:", "pid")


class World(Stage):
    zalo: ZaloEmulator
    base = ""

    def got(self, marker: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for m in self.telegram.sent:
            if marker in m.text:
                counts[f"tg:{m.chat_id}"] = counts.get(f"tg:{m.chat_id}", 0) + 1
        for s in self.zalo.sent():
            if marker in s.text:
                counts[f"zalo:{s.chat_id}"] = counts.get(f"zalo:{s.chat_id}", 0) + 1
        return counts

    @property
    def running(self) -> Loa:
        assert self.loa is not None
        return self.loa


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("admin")
    telegram = TelegramEmulator(global_rate=30, per_chat_rate=None)
    stage = World(tmp, telegram, ZaloEmulator(ZALO_TOKEN), Portal.from_fixtures())
    with stage.serving() as world:
        loa = world.make_loa(Options(telegram_admins=[TG_ADMIN], zalo_admins=[ZALO_ADMIN]))
        port = free_port()
        world.base = f"http://127.0.0.1:{port}"
        with loa.config.open("a", encoding="utf-8") as config:
            config.write(f'\n[web]\nenabled = true\nport = {port}\npublic_url = "{world.base}"\n')
            config.write(BROKEN_SOURCES.format(portal=world.portal_url, closed=free_port()))
        loa.start()
        yield world


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def residents(world: World) -> World:
    """Residents subscribe by chat, through today's and old commune names; Loa's web is up."""
    loa, telegram, zalo = world.running, world.telegram, world.zalo
    for chat_id, text in [
        (TG_POM_LOT, "/dangky pom lot"),
        (TG_SAM_MUN, "/dangky sam mun"),
        (TG_ELSEWHERE, "/dangky muong phang"),
        (TG_ALL, "/start"),
    ]:
        telegram.send_text(chat_id, text)
    zalo.inject_message(Z_NA_U, "dang ky na u")
    zalo.inject_message(Z_ALL, "/start")
    await until(
        lambda: (
            all(telegram.messages_to(c) for c in (TG_POM_LOT, TG_SAM_MUN, TG_ELSEWHERE, TG_ALL))
            and all(zalo.sent(c) for c in (Z_NA_U, Z_ALL))
        ),
        30,
        loa,
        "six residents answered",
    )

    def web_up() -> bool:
        try:
            return httpx.get(f"{world.base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    await until(web_up, 20, loa, "the web server answers")
    await until(lambda: bool(loa.one("SELECT count(*) FROM articles")), 30, loa, "backfill")
    return world


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        await launched.close()


async def _context(browser: Browser, width: int = 360) -> BrowserContext:
    return await browser.new_context(viewport={"width": width, "height": 760}, locale="vi-VN")


async def _log_in(browser: Browser, link: str) -> tuple[BrowserContext, Page]:
    """A new phone-sized browser context logged in through ``link``: (context, page)."""
    context = await _context(browser)
    page = await context.new_page()
    await page.goto(link)
    await page.get_by_role("button", name="Đăng nhập").click()
    await page.wait_for_url(re.compile(r"/admin/$"))
    return context, page


def _screenshot(name: str) -> str:
    assert SCREENSHOTS
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    return f"{SCREENSHOTS}/admin-{name}.png"


async def _draft(page: Page, world: World, text: str, commune: str) -> None:
    """Fill the form with ``text`` for ``commune`` and open its preview."""
    await page.goto(f"{world.base}/admin/broadcasts/new")
    await page.get_by_label("Nội dung").fill(text)
    await page.get_by_label("Xã").select_option(commune)
    await page.get_by_role("button", name="Xem trước").click()
    await page.wait_for_url(re.compile(r"/admin/broadcasts/\d+$"))


def _cli_link(world: World, who: str) -> str:
    made = world.running.cli("admin", "link", who)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


async def test_login_through_quantri_a_used_link_and_logout(
    residents: World, browser: Browser
) -> None:
    world, loa, telegram = residents, residents.running, residents.telegram
    before = len(telegram.messages_to(TG_ADMIN))
    telegram.send_text(TG_ADMIN, "/quantri")
    await until(lambda: len(telegram.messages_to(TG_ADMIN)) > before, 10, loa, "/quantri answered")
    answer = telegram.messages_to(TG_ADMIN)[-1].text
    found = re.search(r"(http://\S+/admin/login\?t=\S+)", answer)
    assert found is not None, answer
    link = found.group(1)

    context, page = await _log_in(browser, link)
    assert await page.locator("h1").inner_text() == "Tổng quan"
    cookies = await context.cookies()
    session = next(c for c in cookies if c["name"] == auth.COOKIE_NAME)
    assert session["httpOnly"] and session["sameSite"] == "Lax" and not session["secure"]

    # The same link again, in another browser: refused, and no session.
    other = await _context(browser)
    again = await other.new_page()
    await again.goto(link)
    await again.get_by_role("button", name="Đăng nhập").click()
    assert "đã được dùng" in await again.locator("main").inner_text()
    assert not [c for c in await other.cookies() if c["name"] == auth.COOKIE_NAME]
    await again.goto(f"{world.base}/admin/")
    assert "Cần đăng nhập" in await again.locator("h1").inner_text()
    await other.close()

    # Đăng xuất ends the session: the old cookie no longer opens anything.
    await page.get_by_role("button", name="Đăng xuất").click()
    assert "Đã đăng xuất" in await page.locator("h1").inner_text()
    assert "gửi /quantri cho Loa" in await page.locator("main").inner_text()  # how to come back
    async with httpx.AsyncClient(cookies={auth.COOKIE_NAME: session["value"]}) as client:
        replay = await client.get(f"{world.base}/admin/", timeout=5)
    assert replay.status_code == 401
    await context.close()

    # A resident who is no administrator gets a polite refusal, and no link.
    telegram.send_text(TG_ALL, "/admin")
    await until(
        lambda: telegram.messages_to(TG_ALL)[-1].text == texts.ADMIN_PAGE_REFUSED, 10, loa, "no"
    )


async def test_cli_link_overview_matches_stats_and_non_admin_links_are_refused(
    residents: World, browser: Browser
) -> None:
    world, loa = residents, residents.running
    refused = loa.cli("admin", "link", "zalo:someone-else")
    assert refused.returncode == 2 and "no administrator" in refused.stderr and not refused.stdout

    assert f"admin page at {world.base}/admin/" in loa.log()  # the start-up log says where
    made = loa.cli("admin", "link", f"zalo:{ZALO_ADMIN}")
    assert made.stderr == ""  # public_url is set: no warning
    context, page = await _log_in(browser, _cli_link(world, f"zalo:{ZALO_ADMIN}"))
    status, out, _ = await loa.cli_async("stats", "--json")
    assert status == 0
    stats = json.loads(out)
    for channel in ("zalo", "telegram"):
        shown = await page.locator(f'[data-residents="{channel}"]').inner_text()
        assert int(shown) == stats["residents"][channel]["active"]
    assert stats["communes"]["Sam Mứn"] == 3  # two of them chose an old commune
    for value, count in stats["communes"].items():
        cell = page.locator(f'[data-commune$="{value}"]')  # labelled "xã Sam Mứn"
        assert int(await cell.inner_text()) == count, value
    await context.close()

    # A well-signed link issued for someone who is no administrator: a clear page, no session.
    key = loa.one("SELECT value FROM web_keys")
    token, digest = auth.issue_link(key)
    loa.write(
        "INSERT INTO login_links (token_hash, who, created_at, expires_at)"
        " VALUES (?, 'telegram:777', datetime('now'), datetime('now', '+10 minutes'))",
        [(digest,)],
    )
    stranger = await _context(browser)
    page = await stranger.new_page()
    await page.goto(f"{world.base}/admin/login?t={token}")
    await page.get_by_role("button", name="Đăng nhập").click()
    assert "không phải quản trị viên" in await page.locator("main").inner_text()
    assert not [c for c in await stranger.cookies() if c["name"] == auth.COOKIE_NAME]
    await stranger.close()


async def test_a_commune_broadcast_from_the_form_reaches_its_residents_once(
    residents: World, browser: Browser
) -> None:
    world, loa = residents, residents.running
    context, page = await _log_in(browser, _cli_link(world, f"telegram:{TG_ADMIN}"))
    marker = "Cắt điện <b>từ 14h</b> & sửa đường dây"
    await _draft(page, world, marker, "Sam Mứn")
    preview = page.url
    zalo_shown = await page.locator(".msg.zalo").inner_text()
    assert marker in zalo_shown  # as typed: the page escapes nothing twice
    assert marker in await page.locator(".msg.telegram").inner_text()
    captions = await page.locator("figcaption").all_inner_texts()
    assert captions == ["Zalo · 1 người nhận", "Telegram · 2 người nhận"]

    await page.get_by_role("button", name="Gửi").click()
    # Progress is shown live until the report (the page reloads itself at the end).
    final = page.locator(".final")
    await final.wait_for(timeout=30_000)
    assert "đã gửi 3, thất bại 0" in await final.inner_text()
    assert await page.locator('[data-field="sent"]').inner_text() == "3"
    assert world.got(marker) == dict.fromkeys(SAM_MUN_RESIDENTS, 1)
    # What Zalo residents read is what the preview showed.
    assert zalo_shown in [s.text for s in world.zalo.sent(Z_NA_U)]

    # Gửi again on the old preview page: nothing more is sent.
    await page.goto(preview)
    assert not await page.get_by_role("button", name="Gửi").count()
    broadcast_id = int(preview.rsplit("/", 1)[1])
    csrf = await page.locator('input[name="csrf"]').first.get_attribute("value")
    again = await context.request.post(
        f"{world.base}/admin/broadcasts/{broadcast_id}/send", form={"csrf": csrf}
    )
    assert again.ok and "đã được gửi rồi" in await again.text()
    rows = loa.one(f"SELECT count(*) FROM deliveries WHERE broadcast_id = {broadcast_id}")
    assert rows == 3
    assert world.got(marker) == dict.fromkeys(SAM_MUN_RESIDENTS, 1)
    audit = loa.query(
        f"SELECT created_by, commune, state FROM broadcasts WHERE id = {broadcast_id}"
    )
    assert audit == [(f"web:telegram:{TG_ADMIN}", "Sam Mứn", "done")]

    # The history lists it with its report, like chat and CLI broadcasts.
    await page.goto(f"{world.base}/admin/broadcasts")
    history = await page.locator("main").inner_text()
    assert f"#{broadcast_id} · Đã gửi xong" in history and "đã gửi 3, thất bại 0" in history
    await context.close()


async def test_a_post_without_csrf_token_changes_nothing(
    residents: World, browser: Browser
) -> None:
    world, loa = residents, residents.running
    context, page = await _log_in(browser, _cli_link(world, f"zalo:{ZALO_ADMIN}"))
    before = loa.one("SELECT count(*) FROM broadcasts")
    for form in ({"text": "Không có mã"}, {"text": "Mã sai", "csrf": "forged"}):
        posted = await context.request.post(
            f"{world.base}/admin/broadcasts/new", form=form, max_redirects=0
        )
        assert posted.status == 403 and "Yêu cầu không hợp lệ" in await posted.text()
    logout = await context.request.post(f"{world.base}/admin/logout", form={}, max_redirects=0)
    assert logout.status == 403
    assert loa.one("SELECT count(*) FROM broadcasts") == before
    await page.goto(f"{world.base}/admin/")
    assert await page.locator("h1").inner_text() == "Tổng quan"  # the session lives on
    await context.close()


async def test_a_source_is_paused_resumed_and_polled_now(
    residents: World, browser: Browser
) -> None:
    world, loa = residents, residents.running
    context, page = await _log_in(browser, _cli_link(world, f"zalo:{ZALO_ADMIN}"))
    await page.goto(f"{world.base}/admin/sources")
    card = page.locator("section.card", has_text="huyen-dien-bien")
    await card.get_by_role("button", name="Tạm dừng").click()
    assert "Tạm dừng" in await card.locator(".badge").inner_text()
    assert await card.get_by_role("button", name="Lấy tin ngay").is_disabled()
    assert loa.one("SELECT paused FROM sources WHERE name = 'huyen-dien-bien'") == 1
    await card.get_by_role("button", name="Tiếp tục").click()
    assert loa.one("SELECT paused FROM sources WHERE name = 'huyen-dien-bien'") == 0
    await card.get_by_role("button", name="Lấy tin ngay").click()
    # The request is a row: the poller (wherever it runs) takes it within about a second.
    taken = "SELECT poll_requested_at IS NULL FROM sources WHERE name = 'huyen-dien-bien'"
    await until(lambda: loa.one(taken) == 1, 10, loa, "poll request taken")
    assert "web:zalo:zadmin11: pause source huyen-dien-bien" in loa.log()
    await context.close()


async def test_every_page_fits_a_360_px_phone(residents: World, browser: Browser) -> None:
    world = residents
    context, page = await _log_in(browser, _cli_link(world, f"zalo:{ZALO_ADMIN}"))
    last = world.running.one("SELECT max(id) FROM broadcasts")
    pages = {
        "overview": "/admin/",
        "sources": "/admin/sources",
        "source-new": "/admin/sources/new",
        "articles": "/admin/articles?q=pom+lot",
        "broadcasts": "/admin/broadcasts",
        "broadcast-new": "/admin/broadcasts/new",
        "broadcast": f"/admin/broadcasts/{last}" if last else "/admin/broadcasts",
    }
    for name, path in pages.items():
        await page.goto(world.base + path)
        if SCREENSHOTS:
            await page.screenshot(path=_screenshot(name), full_page=True)
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} is {width} px wide"
        tabs = [await tab.bounding_box() for tab in await page.locator("header nav a").all()]
        assert len(tabs) == 4 and len({round(box["y"]) for box in tabs if box}) == 1, path
        header = await page.locator("header").bounding_box()
        assert header is not None and header["height"] <= 110, f"{path}: header {header}"
    await context.close()


async def test_broken_sources_are_told_in_plain_vietnamese(
    residents: World, browser: Browser
) -> None:
    world, loa = residents, residents.running
    broken = "SELECT count(*) FROM sources WHERE last_error IS NOT NULL"
    await until(lambda: loa.one(broken) == 3, 30, loa, "the three broken sources failed once")
    context, page = await _log_in(browser, _cli_link(world, f"zalo:{ZALO_ADMIN}"))
    for path in ("/admin/sources", "/admin/"):
        await page.goto(world.base + path)
        shown = await page.locator("main").inner_text()
        for plain in (
            "Cổng xã Mường Nhé",
            "Trang không còn (lỗi 404)",
            "Tin RSS của tỉnh",
            "Địa chỉ này không phải nguồn tin RSS",
            "Cổng huyện Tủa Chùa",
            "Không kết nối được tới trang",
        ):
            assert plain in shown, (path, plain)
        for english in ENGLISH:
            assert english not in shown, (path, english)
    # The overview says what Loa does, not which process holds which role.
    assert "Đang lấy tin từ các cổng" in shown and "poller" not in shown
    # The technical detail is there for the IT officer, folded away.
    await page.goto(f"{world.base}/admin/sources")
    card = page.locator("section.card", has_text="Cổng xã Mường Nhé")
    await card.locator("summary", has_text="Chi tiết kỹ thuật").click()
    assert "HTTP 404" in await card.locator("details").inner_text()
    await context.close()


async def test_a_draft_to_a_commune_nobody_chose_says_why_and_offers_no_send(
    residents: World, browser: Browser
) -> None:
    world, loa = residents, residents.running
    context, page = await _log_in(browser, _cli_link(world, f"telegram:{TG_ADMIN}"))
    await _draft(page, world, "Họp dân xã Mường Nhé", "Mường Nhé")
    shown = await page.locator("main").inner_text()
    assert "Không có ai để gửi." in shown
    assert "Chưa có người dân nào đăng ký nhận tin xã Mường Nhé" in shown
    assert not await page.get_by_role("button", name="Gửi").count()
    assert await page.get_by_role("button", name="Hủy").count() == 1
    # Who drafted it is a person, not an id.
    assert "Quản trị viên tỉnh · Telegram" in shown
    for english in ENGLISH:
        assert english not in shown, english
    broadcast_id = int(page.url.rsplit("/", 1)[1])
    assert loa.one(f"SELECT state FROM broadcasts WHERE id = {broadcast_id}") == "preview"
    await context.close()


async def test_an_unknown_address_is_a_404_in_the_site_layout(
    residents: World, browser: Browser
) -> None:
    world = residents
    context, page = await _log_in(browser, _cli_link(world, f"zalo:{ZALO_ADMIN}"))
    answer = await page.goto(f"{world.base}/admin/khong-co-trang-nay")
    assert answer is not None and answer.status == 404
    assert await page.locator("h1").inner_text() == "Không tìm thấy"
    assert await page.locator("header nav a").count() == 4  # the site's menu, logged in
    assert "Not Found" not in await page.content()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
    await context.close()

    stranger = await _context(browser)
    page = await stranger.new_page()
    answer = await page.goto(f"{world.base}/admin/broadcasts/abc")
    assert answer is not None and answer.status == 404
    shown = await page.locator("main").inner_text()
    assert "Không có trang này" in shown and "/quantri" in shown
    await stranger.close()


async def test_a_portal_is_added_by_its_address_on_a_phone(
    residents: World, browser: Browser
) -> None:
    """Thêm nguồn at 360 px: paste the address, read the preview, add it; the running poller
    reads the new source."""
    world, loa = residents, residents.running
    assert world.portal is not None
    world.portal.add_file("/auto/home-feed", FIXTURES / "auto" / "home-feed.html")
    context, page = await _log_in(browser, _cli_link(world, f"zalo:{ZALO_ADMIN}"))
    await page.goto(f"{world.base}/admin/sources")
    await page.get_by_role("link", name="Thêm nguồn").click()
    await page.get_by_label("Địa chỉ trang tin").fill(f"{world.portal_url}/auto/home-feed")
    await page.get_by_label("Tên nguồn").fill("Đài xã Sam Mứn")
    await page.get_by_label("Xã").select_option("Sam Mứn")
    await page.get_by_role("button", name="Xem trước").click()
    preview = page.locator("section.preview")
    assert "Một nguồn tin RSS có 3 bài viết." in await preview.inner_text()
    assert await preview.locator("ol.found li").count() == 3
    assert not await preview.locator("details").evaluate("d => d.open")  # folded
    if SCREENSHOTS:
        await page.screenshot(path=_screenshot("source-preview"), full_page=True)
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the preview is {width} px wide"
    await preview.get_by_role("button", name="Thêm nguồn").click()
    await page.wait_for_url(re.compile(r"/admin/sources$"))
    card = page.locator("section.card", has_text="Đài xã Sam Mứn")
    assert "Người thêm" in await card.inner_text()
    read = "SELECT last_success_at IS NOT NULL FROM sources WHERE name = 'Đài xã Sam Mứn'"
    await until(lambda: loa.one(read) == 1, 30, loa, "the added source read by the poller")
    await context.close()
