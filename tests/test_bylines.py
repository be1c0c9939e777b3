"""news.bylines and news.metadata: the author and main text of a page without selectors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from news.bylines import byline, main_content
from news.extract import parse_article_page
from news.markup import parse_html
from news.metadata import page_meta

STORY = (
    "<p>" + "Sáng 14/3, xã Sam Mứn tổ chức lễ ra quân làm đường giao thông nông thôn. " * 4 + "</p>"
)


def _page(ending: str, head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><div class='sidebar'><p>Tin khác</p></div>"
        f"<div class='content'>{STORY}{STORY}{ending}</div></body></html>"
    )


@pytest.mark.parametrize(
    ("ending", "author"),
    [
        ('<p style="text-align: right;"><strong>Lò Văn Hùng</strong></p>', "Lò Văn Hùng"),
        ('<p align="right">Minh Anh - Trung tâm Văn hóa xã</p>', "Minh Anh - Trung tâm Văn hóa xã"),
        ("<p><b>Quàng Thị Mai</b></p>", "Quàng Thị Mai"),
        ("<p>Theo Báo Điện Biên Phủ</p>", "Báo Điện Biên Phủ"),
        ("<p>(Theo TTXVN)</p>", "TTXVN"),
        ("<p>Tác giả: Lưu Hồng Sinh</p>", "Lưu Hồng Sinh"),
        ("<p>Bài và ảnh: Thu Hà</p><p></p>", "Thu Hà"),
        # A photo credit after the signature is skipped, the name before it kept.
        ("<p><strong>Lò Văn Hùng</strong></p><p>Ảnh: Tư liệu</p>", "Lò Văn Hùng"),
        ("<p>Kết thúc buổi lễ, mọi người cùng dọn dẹp.</p>", None),
        # VnExpress appends its related stories after the signature, inside the story.
        (
            '<p style="text-align:right;"><strong>Lê Tuyết</strong></p><ul class="list-news">'
            '<li><a href="/a-4419930.html">Chủ tịch nước: Lao động không về quê cần được quan'
            ' tâm nhiều hơn</a><span><a href="/a-4419930.html#box_comment"></a></span></li>'
            '<li><a href="/b-4412012.html">TP HCM chi 700 tỷ đồng giúp lao động khó khăn</a>'
            "</li></ul>",
            "Lê Tuyết",
        ),
    ],
)
def test_closing_bylines(ending: str, author: str | None) -> None:
    tree = parse_html(_page(ending))
    assert byline(tree, main_content(tree)) == author


def test_a_bold_sentence_is_not_a_name() -> None:
    tree = parse_html(_page("<p><strong>Người dân cần chủ động phòng tránh.</strong></p>"))
    assert byline(tree, main_content(tree)) is None


def test_main_content_is_the_story_not_the_sidebar() -> None:
    tree = parse_html(_page(""))
    node = main_content(tree)
    assert node is not None and node.attributes.get("class") == "content"


def test_json_ld_person_wins_and_the_paper_itself_is_no_author() -> None:
    head = (
        '<meta property="og:site_name" content="Báo VnExpress">'
        '<meta name="author" content="VnExpress">'
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage"}, {"@type": ["NewsArticle"], "headline": "Tiêu đề",'
        '"datePublished": "2025-08-15T09:00:00+07:00",'
        '"author": [{"@type": "Organization", "name": "VnExpress"},'
        ' {"@type": "Person", "name": "By Thu Hà"}]}]}</script>'
    )
    meta = page_meta(parse_html(_page("", head)))
    assert (meta.headline, meta.published, meta.authors) == (
        "Tiêu đề",
        "2025-08-15T09:00:00+07:00",
        ("Thu Hà",),
    )
    paper_only = page_meta(
        parse_html(
            _page(
                "",
                '<meta name="author" content="Báo VnExpress">'
                '<meta property="og:site_name" content="VnExpress">',
            )
        )
    )
    assert paper_only.authors == ()


def test_broken_json_ld_leaves_the_meta_tags() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", broken</script>'
        '<meta property="article:published_time" content="2025-08-15T09:00:00+07:00">'
        '<meta property="og:title" content="Xã Sam Mứn ra quân - Báo Điện Biên Phủ">'
    )
    data = parse_article_page(_page("", head), "https://baodienbienphu.example.vn/a-1.html", {})
    assert data.title == "Xã Sam Mứn ra quân"
    assert (
        data.published_at is not None
        and data.published_at.isoformat() == "2025-08-15T09:00:00+07:00"
    )


def test_a_date_line_next_to_the_title_is_read_to_the_minute() -> None:
    html = (
        "<html><head><title>Xã Thanh Nưa đón Bằng công nhận - Báo tỉnh</title></head><body>"
        "<div class='list'><p>Tin cũ</p><span>01/01/2020</span></div>"
        "<h1>Xã Thanh Nưa đón Bằng công nhận</h1>"
        "<div class='meta'>Thứ Hai, 05/07/2017 - 08:57</div>"
        f"<div class='content'>{STORY}{STORY}</div></body></html>"
    )
    data = parse_article_page(html, "https://baotinh.example.vn/a-2.html", {})
    assert data.title == "Xã Thanh Nưa đón Bằng công nhận"
    assert (
        data.published_at is not None
        and data.published_at.isoformat() == "2017-07-05T08:57:00+07:00"
    )


def test_a_relative_date_line_is_read_against_the_fetch_time() -> None:
    html = (
        "<html><head><title>Mưa lớn ở Mường Nhà - Báo tỉnh</title></head><body>"
        "<h1>Mưa lớn ở Mường Nhà</h1><span class='time'>2 giờ trước</span>"
        f"<div class='content'>{STORY}{STORY}</div></body></html>"
    )
    fetched = datetime(2025, 8, 15, 3, 30, 12, tzinfo=UTC)
    data = parse_article_page(html, "https://baotinh.example.vn/a-3.html", {}, now=fetched)
    assert data.published_at == datetime(2025, 8, 15, 1, 30, tzinfo=UTC)
    assert parse_article_page(html, "https://baotinh.example.vn/a-3.html", {}).published_at is None


@pytest.mark.parametrize(
    ("author", "site", "kept"),
    [
        ("Báo Điện Biên Phủ", "baodienbienphu.com.vn", ()),
        ("Cổng Thông tin điện tử tỉnh Điện Biên", "", ()),
        ("webmaster@dienbien.gov.vn", "", ()),
        ("VnExpress", "Tin nhanh VnExpress", ()),
        ("Hà", "thanhnien.vn", ("Hà",)),
        ("Lê Phương", "VnExpress", ("Lê Phương",)),
        # "Bảo" is a name, "Báo" a newspaper: both fold to "bao".
        ("Bảo Bảo", "", ("Bảo Bảo",)),
        ("Bao Dien Bien Phu", "", ()),
    ],
)
def test_the_publication_is_no_author(author: str, site: str, kept: tuple[str, ...]) -> None:
    head = f'<meta name="author" content="{author}">'
    if site:
        head += f'<meta property="og:site_name" content="{site}">'
    assert page_meta(parse_html(_page("", head))).authors == kept


def test_the_portal_header_date_is_not_the_article_date() -> None:
    # Portals print today's date in their header; the article's own line comes after the title.
    html = (
        "<html><head><title>Xã Núa Ngam ra quân - Cổng thông tin</title></head><body>"
        "<div class='top'>Thứ Bảy, 06/12/2026</div><div class='crumb'>Tin tức</div>"
        "<h1>Xã Núa Ngam ra quân</h1><div class='meta'>Ngày 04/12/2026</div>"
        f"<div class='content'>{STORY}{STORY}</div></body></html>"
    )
    data = parse_article_page(html, "https://nuangam.example.vn/a-4.html", {})
    assert data.published_at is not None and data.published_at.day == 4
    # Without the title among the page's lines, no guess from the header.
    untitled = html.replace("<h1>Xã Núa Ngam ra quân</h1>", "").replace("Ngày 04/12/2026", "")
    assert (
        parse_article_page(untitled, "https://nuangam.example.vn/a-4.html", {}).published_at is None
    )


def test_declared_times_that_disagree_are_settled_by_the_printed_line() -> None:
    # cafebiz: JSON-LD says +08:00, the meta tag and the line under the title say 13:39 in Vietnam.
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "2022-01-20T13:39:00+08:00"}</script>'
        '<meta property="article:published_time" content="2022-01-20T13:39:00+07:00">'
    )
    html = (
        f"<html><head>{head}<title>Cha đẻ Unikey lộ diện</title></head><body>"
        "<h1>Cha đẻ Unikey lộ diện</h1><span class='time'>20/01/2022 01:39 PM</span>"
        f"<div class='content'>{STORY}{STORY}</div></body></html>"
    )
    data = parse_article_page(html, "https://cafebiz.example.vn/a-1.chn", {})
    assert data.published_at is not None
    assert data.published_at.isoformat() == "2022-01-20T13:39:00+07:00"
    # Without a printed line to settle it, the JSON-LD (first declared) stands.
    bare = html.replace("<span class='time'>20/01/2022 01:39 PM</span>", "")
    data = parse_article_page(bare, "https://cafebiz.example.vn/a-1.chn", {})
    assert data.published_at is not None
    assert data.published_at.isoformat() == "2022-01-20T13:39:00+08:00"
