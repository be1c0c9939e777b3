"""RSS parsing: relative links, double-escaped titles, missing fields, broken feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from news.feeds import FeedError, parse_feed
from news.items import FeedItem

FEEDS = Path(__file__).parent / "fixtures" / "portal" / "feed"
FEED_URL = "http://127.0.0.1:8000/rss/tin-tuc.rss"
ICT = timezone(timedelta(hours=7))


def fixture_items() -> list[FeedItem]:
    return parse_feed((FEEDS / "tin-tuc.rss").read_bytes(), FEED_URL)


def test_fixture_feed_items_in_order_with_absolute_links() -> None:
    assert [item.url for item in fixture_items()] == [
        "http://127.0.0.1:8000/Tintuc/View/Canh-bao-lu-quet-sat-lo-dat-tren-dia-ban-xa-Sam-Mun?PageIndex=1",
        "http://127.0.0.1:8000/Tintuc/View/Hoi-nghi-bieu-duong-dien-hinh-Dan-van-kheo-giai-doan-2015-2020",
        "http://127.0.0.1:8000/Tintuc/View/Xa-Sam-Mun-ra-quan-lam-duong-giao-thong-nong-thon",
    ]


def test_complete_item() -> None:
    item = fixture_items()[0]
    assert (
        item.title == "Cảnh báo lũ quét, sạt lở đất trên địa bàn xã Sam Mứn"
    )  # whitespace trimmed
    assert item.author == "Quàng Văn Thắng - Trung tâm Dịch vụ tổng hợp xã Sam Mứn"
    assert item.published_at == datetime(2025, 7, 18, 16, 20, 31, tzinfo=ICT)
    assert item.category == "Phòng chống thiên tai"
    assert item.guid == "tintuc-2025-0718-01"
    # Markup in the description is gone; only its text is the summary.
    assert (
        item.summary
        == "Do ảnh hưởng của hoàn lưu bão, trên địa bàn xã Sam Mứn có mưa to đến rất to."
    )


def test_double_escaped_title_and_markup_are_cleaned() -> None:
    item = fixture_items()[1]
    assert item.title == (
        'Hội nghị biểu dương điển hình "Dân vận khéo" giai đoạn 2015–2020 & định hướng 2021–2025'
    )
    assert item.author == "Hoàng Thu & Lò Văn Hùng - Ban Dân vận Huyện ủy"
    assert '"Dân vận khéo"' in item.summary


def test_item_without_author_or_date() -> None:
    item = fixture_items()[2]
    assert (item.author, item.published_at, item.guid) == (None, None, None)
    assert item.title == "Xã Sam Mứn ra quân làm đường giao thông nông thôn"


@pytest.mark.parametrize("name", ["broken.rss", "not-a-feed.rss"])
def test_broken_feeds_raise_feed_error(name: str) -> None:
    with pytest.raises(FeedError, match="not a readable feed"):
        parse_feed((FEEDS / name).read_bytes(), f"http://127.0.0.1:8000/rss/{name}")


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02", b'{"items": []}'])
def test_garbage_raises_feed_error(data: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(data, FEED_URL)
    assert issubclass(FeedError, ValueError)


def test_empty_but_valid_feed_is_no_items() -> None:
    data = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    assert parse_feed(data, FEED_URL) == []


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title type="html">Xã &lt;b&gt;Mường Nhà&lt;/b&gt; đón Tết</title>
<link href="/tin/muong-nha.html"/><id>urn:1</id><updated>2025-01-20T08:00:00Z</updated>
<author><name>Lò Văn A</name></author><category term="Văn hóa"/></entry>
<entry><title>Không có liên kết</title><id>urn:2</id></entry>
</feed>""".encode()


def test_atom_entries_and_entries_without_links_are_skipped() -> None:
    items = parse_feed(ATOM, "https://xa.example.vn/feed.atom")
    assert len(items) == 1
    item = items[0]
    assert item.url == "https://xa.example.vn/tin/muong-nha.html"
    assert item.title == "Xã Mường Nhà đón Tết"
    assert item.published_at == datetime(2025, 1, 20, 8, 0, tzinfo=UTC)
    assert (item.author, item.category, item.guid) == ("Lò Văn A", "Văn hóa", "urn:1")


def test_nfd_titles_are_composed() -> None:
    import unicodedata

    title = unicodedata.normalize("NFD", "Điện Biên")
    item = f"<item><title>{title}</title><link>/a</link></item>"
    data = f'<rss version="2.0"><channel>{item}</channel></rss>'
    assert parse_feed(data.encode(), FEED_URL)[0].title == "Điện Biên"
