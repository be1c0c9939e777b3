"""news.discover: feeds sniffed and advertised, pages with nothing to read, article links."""

from __future__ import annotations

from pathlib import Path

import pytest

from news.discover import advertised_feeds, article_links, looks_like_feed, unreadable_reason
from news.markup import parse_html
from tests.portal_server import DEMO, FIXTURES

PAGE = "https://baotinh.example.vn/"


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel></channel></rss>',
        b"\xef\xbb\xbf<?xml version='1.0'?><!-- generated --><feed xmlns='http://www.w3.org/2005/Atom'>",
        b"  <rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>",
    ],
)
def test_feeds_are_sniffed(data: bytes) -> None:
    assert looks_like_feed(data)


@pytest.mark.parametrize("data", [b"<!DOCTYPE html><html><body>rss</body></html>", b"", b"{}"])
def test_other_bytes_are_not_feeds(data: bytes) -> None:
    assert not looks_like_feed(data)


def test_advertised_feeds_are_absolute_and_only_feeds() -> None:
    tree = parse_html(
        """<html><head>
        <link rel="alternate" type="application/rss+xml" href="/index.rss">
        <link rel="alternate" hreflang="en" href="https://en.baotinh.example.vn/">
        <link rel="alternate" type="application/atom+xml" href="atom.xml">
        <link rel="alternate" type="application/rss+xml" href="/index.rss">
        </head><body></body></html>"""
    )
    assert advertised_feeds(tree, PAGE + "tin-tuc/") == [
        PAGE + "index.rss",
        PAGE + "tin-tuc/atom.xml",
    ]


@pytest.mark.parametrize(
    ("html", "what"),
    [
        (
            '<html><body><div id="root"></div><script src="/app.js"></script></body></html>',
            "a JavaScript-only shell",
        ),
        (
            '<html><head><meta http-equiv="refresh" content="0;url=/home"></head>'
            "<body></body></html>",
            "a redirect stub",
        ),
        (
            "<html><head><script>window.location.href='/portal/';</script></head><body></body></html>",
            "a redirect stub",
        ),
        (
            "<html><head><title>Just a moment...</title></head>"
            "<body>Checking your browser</body></html>",
            "an anti-bot challenge",
        ),
    ],
)
def test_pages_with_nothing_to_read(html: str, what: str) -> None:
    assert unreadable_reason(parse_html(html)) == what


def test_a_page_with_content_is_readable() -> None:
    items = "".join(f'<li><a href="/tin-{i}">Tin số {i}</a></li>' for i in range(5))
    text = "Nội dung trang. " * 30
    html = f"<html><body><script>var a=1;</script><p>{text}</p>{items}</body></html>"
    assert unreadable_reason(parse_html(html)) is None


# A newspaper homepage modelled for this test: articles between a menu, tags, a search link,
# another site's article and a footer.
HOMEPAGE = (FIXTURES / "auto" / "list-home.html").read_text(encoding="utf-8")


def test_article_links_leave_out_navigation_tags_footers_and_other_sites() -> None:
    assert article_links(parse_html(HOMEPAGE), PAGE) == [
        PAGE + "xa-hoi/xa-thanh-nua-ra-quan-lam-duong-giao-thong-nong-thon-289001.html",
        PAGE + "kinh-te/muong-nha-thu-hoach-lua-mua-dat-nang-suat-cao-289002.html",
        PAGE + "van-hoa/le-hoi-hoa-ban-nam-nay-co-nhieu-hoat-dong-moi-289003.html",
        "http://www.baotinh.example.vn/xa-hoi/canh-bao-lu-quet-tai-cac-xa-vung-cao-289004.html",
    ]


def test_article_links_of_the_ward_portal_with_userkey_slugs() -> None:
    links = "".join(
        f'<div class="item"><a href="/TIN_TUC/View/?PageIndex=1&UserKey={slug}">{title}</a></div>'
        for slug, title in [
            (
                "Phuong-Muong-Thanh-to-chuc-hoi-nghi-tiep-xuc-cu-tri",
                "Phường Mường Thanh tổ chức hội nghị tiếp xúc cử tri",
            ),
            (
                "Xay-dung-diem-den-van-hoa---du-lich-Muong-Thanh",
                "Xây dựng điểm đến văn hóa - du lịch Mường Thanh",
            ),
            ("Ra-quan-ve-sinh-moi-truong-khu-dan-cu", "Ra quân vệ sinh môi trường khu dân cư"),
        ]
    )
    html = (
        f'<html><body><div class="menu"><a href="/TIN_TUC/">Tin tức</a></div>{links}</body></html>'
    )
    found = article_links(parse_html(html), "https://muongthanh.dienbien.gov.vn/TIN_TUC/")
    assert len(found) == 3 and all("UserKey=" in link for link in found)


def test_story_cards_with_their_own_header_are_articles() -> None:
    cards = "".join(
        f'<article class="post"><header class="entry-header"><h2><a href="/{year}/08/{slug}/">'
        f"{title}</a></h2></header><footer class='entry-footer'><a href='/category/tin-tuc/'>"
        "Tin tức</a></footer></article>"
        for year, slug, title in [
            (2025, "xa-muong-pon-don-nhan-bang-cong-nhan", "Xã Mường Pồn đón nhận bằng công nhận"),
            (2025, "hoi-nghi-tong-ket-cong-tac-nam-2025", "Hội nghị tổng kết công tác năm 2025"),
            (2024, "ra-quan-lam-thuy-loi-dau-nam-moi", "Ra quân làm thủy lợi đầu năm mới"),
        ]
    )
    html = (
        f"<html><body><header><a href='/gioi-thieu/'>Giới thiệu</a></header>{cards}</body></html>"
    )
    found = article_links(parse_html(html), "https://xa.example.vn/")
    assert [link.split("/")[3] for link in found] == ["2025", "2025", "2024"]


def _newspaper_box(section: str, subsections: list[str], stories: list[str]) -> str:
    """A newspaper homepage's box: a section's subsections beside its latest numbered stories."""
    subs = "".join(
        f"<a href='/{section}/{sub}.htm'>{sub.replace('-', ' ')}</a>" for sub in subsections
    )
    items = "".join(
        f"<li><a href='/{section}/{slug}-2019062{index}064250295.htm'>"
        f"{slug.replace('-', ' ')}</a></li>"
        for index, slug in enumerate(stories)
    )
    heading = f"<h2><a href='/{section}.htm'>{section}</a></h2>"
    return f"<div class='box'>{heading}{subs}<ul>{items}</ul></div>"


def test_a_numbering_newspapers_subsections_are_not_articles() -> None:
    # After Dân trí's homepage: /khoa-hoc-cong-nghe/the-gioi-tu-nhien.htm is a subsection, its
    # long name beside stories of the same shape; the stories all carry a number.
    html = (
        "<html><body>"
        + _newspaper_box(
            "khoa-hoc-cong-nghe",
            ["the-gioi-tu-nhien", "khoa-hoc-do-day", "tai-sao-lai-the"],
            [
                "be-gai-mac-chung-benh-hiem-sau-chuyen-cam-trai",
                "may-bay-khong-nguoi-lai-cho-hang-cuu-tro",
            ],
        )
        + _newspaper_box(
            "kinh-doanh",
            ["tai-chinh-dau-tu"],
            [
                "doanh-nghiep-dong-bang-song-cuu-long-lo-thieu-nguyen-lieu",
                "gia-vang-hom-nay-tang-manh-theo-the-gioi",
                "ngan-hang-giam-lai-suat-cho-vay-ho-tro-nong-dan",
            ],
        )
        # Short subsection names beside four stories: the group is not mostly article-shaped,
        # yet each story still is one.
        + _newspaper_box(
            "nhip-song-tre",
            ["nguoi-viet-tre", "teen-dep", "phong-su-tre"],
            [
                "chan-dung-nu-giam-thi-hot-nhat-ky-thi-quoc-gia",
                "rapper-duoc-dan-mang-phong-thanh-doan-de-mon-van",
                "thanh-nien-tinh-nguyen-cong-thi-sinh-tai-nan-vao-phong-thi",
                "cac-hot-girl-lam-bai-thi-ngay-dau-ra-sao",
            ],
        )
        + "</body></html>"
    )
    found = article_links(parse_html(html), "https://baomoi.example.vn/")
    assert len(found) == 9
    assert all(link.endswith("064250295.htm") for link in found)


@pytest.mark.parametrize(
    ("page", "url", "count"),
    [
        (DEMO / "list.html", "https://huyen.example.vn/Tintuc/?PageIndex=1", 5),
        (
            FIXTURES / "province" / "Tin-tuc-su-kien.html",
            "https://dienbien.gov.vn/portal/Pages/Tin-tuc.aspx",
            2,
        ),
    ],
)
def test_the_portal_families_lists_are_found_without_knowing_their_shapes(
    page: Path, url: str, count: int
) -> None:
    # news.extract knows these shapes; the general search must find them too (a redesign).
    tree = parse_html(page.read_bytes())
    found = article_links(tree, url)
    assert len(found) == count
    assert all("/View/" in link or "/T/" in link or "/portal/Pages/20" in link for link in found)
