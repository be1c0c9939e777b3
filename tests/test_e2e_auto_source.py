"""End to end: ``loa run`` polls a source configured with only a name and an address.

The address is a homepage that advertises its RSS feed: the backfill stores the feed's three
articles (archive), and an article the portal adds to its feed later is stored as new news
although the homepage itself never changes.
"""

from __future__ import annotations

from pathlib import Path

from tests.e2e_support import ZALO_TOKEN, Loa, Options, Stage, until, write_config
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.portal_server import FIXTURES, Portal

FEED = "/rss/tin-tuc.rss"
NEW_LINK = (
    "/Tintuc/View/Dang-bo-xa-Pom-Lot-huyen-Dien-Bien-trong-cong-tac-xay-dung-Dang-voi-"
    "phat-trien-kinh-te---x"
)
NEW_ITEM = f"""<item>
    <title>Đảng bộ xã Pom Lót huyện Điện Biên trong công tác xây dựng Đảng</title>
    <link>{NEW_LINK}</link>
  </item>
  <item>"""


async def test_a_source_with_only_name_and_url_is_polled(tmp_path: Path) -> None:
    portal = Portal.from_fixtures()
    portal.add_file("/auto/home-feed", FIXTURES / "auto" / "home-feed.html")
    stage = Stage(tmp_path, TelegramEmulator(), ZaloEmulator(ZALO_TOKEN), portal)
    with stage.serving():
        source = (
            f'\n[[sources]]\nname = "dai-tinh"\nurl = "{stage.portal_url}/auto/home-feed"\n'
            "interval_seconds = 1\n"
        )
        config = write_config(
            tmp_path, stage.telegram_url, stage.zalo_url, Options(extra_config=source)
        )
        loa = stage.loa = Loa(tmp_path, config)
        loa.start()
        stored = "SELECT title, author, is_backfill FROM articles ORDER BY id"
        await until(lambda: len(loa.query(stored)) == 3, 30, loa, "the feed's 3 articles")
        rows = loa.query(stored)
        assert {title for title, _, _ in rows} == {
            "Cảnh báo lũ quét, sạt lở đất trên địa bàn xã Sam Mứn",
            'Hội nghị biểu dương điển hình "Dân vận khéo" giai đoạn 2015–2020 & định hướng '
            "2021–2025",
            "Xã Sam Mứn ra quân làm đường giao thông nông thôn",
        }
        assert all(author for _, author, _ in rows)
        assert all(backfill for _, _, backfill in rows)

        feed = portal.page(FEED).body.decode("utf-8")
        portal.add(FEED, feed.replace("<item>", NEW_ITEM, 1), "application/rss+xml")
        await until(lambda: len(loa.query(stored)) == 4, 30, loa, "the new article")
        title, author, backfill = loa.query(stored)[-1]
        assert title == "Đảng bộ xã Pom Lót huyện Điện Biên trong công tác xây dựng Đảng"
        assert author == "Lưu Hồng Sinh - Đài TT-TH huyện Điện Biên"  # from the article page
        assert not backfill
        # The homepage never changes (its news are drawn by JavaScript): once it named its feed,
        # the passes ask the feed, so its new item is not hidden behind the homepage's 304.
        assert portal.count("/auto/home-feed") == 1
