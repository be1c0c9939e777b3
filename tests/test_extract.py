"""Extraction from the portal fixture pages: list pages, article pages, fallbacks, encodings."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest

from news.extract import ExtractError, parse_article_page, parse_list_page
from news.text import clean
from news.urls import canonical_url
from tests.portal_server import DEMO, DISTRICT_LISTS, FIXTURES

PORTAL = FIXTURES
EXPECTED: dict[str, dict[str, Any]] = json.loads((PORTAL / "expected.json").read_text("utf-8"))
BASE = "http://127.0.0.1:8000"
SEED = (
    "/Tintuc/View/"
    "Dang-bo-xa-Pom-Lot-huyen-Dien-Bien-trong-cong-tac-xay-dung-Dang-voi-phat-trien-kinh-te---x"
)

# The source profiles shipped in config.example.toml, as extraction sees them.
DISTRICT = {
    "item": "a[href*='View/'], a[href*='/T/']",
    "next_page": "a[href*='PageIndex=']:last-child",
}
PROVINCE = {
    "item": ".channel-news-title a",
    "title": ".tandan-p-article-news-title, .tandan-title-view",
    "date": ".tandan-span-date-publish",
    "body": ".tandan-p-article-main, .ms-rtestate-field",
}
SIDEBAR = (
    "Thống kê truy cập",
    "Liên kết Website",
    "Ảnh đẹp huyện Điện Biên",
    "Bản đồ hành chính",
    "Tổng truy cập",
)


def page(name: str) -> bytes:
    return (PORTAL / name).read_bytes()


def article(path: str, selectors: dict[str, str] | None = None) -> Any:
    return parse_article_page(page(EXPECTED[path]["file"]), BASE + path, selectors or {})


# --- article pages ---------------------------------------------------------------------


def test_seed_article_title_date_and_author_come_out_exactly() -> None:
    data = article(SEED)
    assert data.title == (
        "Đảng bộ xã Pom Lót huyện Điện Biên trong công tác xây dựng Đảng "
        "với phát triển kinh tế - xã hội."
    )
    assert data.published_at is not None
    assert data.published_at.isoformat() == "2017-07-05T08:57:14+07:00"
    assert data.author == "Lưu Hồng Sinh - Đài TT-TH huyện Điện Biên"
    assert data.url == BASE + SEED


def test_seed_article_body_is_the_article_only() -> None:
    data = article(SEED)
    assert data.body.startswith("Trong những năm qua, Đảng bộ xã Pom Lót")
    assert data.body.endswith("góp phần thực hiện thắng lợi mục tiêu, nhiệm vụ năm 2017.")
    assert data.body.count("\n\n") == 5  # lead + 5 paragraphs; the image-only one is dropped
    for unwanted in (*SIDEBAR, "Tác giả", "Thời gian đăng", data.title, "Các tin khác", "Quay lại"):
        assert unwanted not in data.body
    assert data.summary == (
        "Trong những năm qua, Đảng bộ xã Pom Lót luôn chú trọng công tác xây dựng Đảng gắn với "
        "phát triển kinh tế - xã hội."
    )


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_every_fixture_article_without_selectors(path: str) -> None:
    expected = EXPECTED[path]
    data = article(path)
    assert data.title == expected["title"]
    assert data.published_at is not None
    assert data.published_at.isoformat() == expected["published_at"]
    assert data.author == expected["author"]
    assert data.body and data.summary and len(data.summary) <= 300
    assert clean(data.body).startswith(data.summary.rstrip("…"))
    for text in (data.title, data.body, data.author or ""):
        assert unicodedata.is_normalized("NFC", text)
    for unwanted in (
        *SIDEBAR,
        "Tác giả:",
        "Thời gian đăng",
        "Đăng ngày",
        "Lượt xem",
        "Các tin khác",
    ):
        assert unwanted not in data.body


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("noong-luong-nfd.html", "xã Noong Luống đạt chuẩn nông thôn mới"),
        ("pom-lot-ntm-nang-cao-cp1258.html", "tỷ lệ hộ nghèo giảm còn 3,8%"),
        ("dan-van-kheo-entities.html", "«Dân vận khéo»"),
        ("dan-van-kheo-entities.html", "“Bản không có ma túy” đã lan tỏa rộng rãi."),
        ("dan-van-kheo-entities.html", "15 tập thể & 25 cá nhân"),
    ],
)
def test_body_text_is_clean_whatever_the_page_form(name: str, check: str) -> None:
    path = next(p for p, e in EXPECTED.items() if e["file"].endswith(name))
    assert check in article(path).body


def test_pm_time_and_missing_author() -> None:
    pm = article("/Tintuc/View/Xa-Sam-Mun-ra-quan-lam-duong-giao-thong-nong-thon")
    assert pm.published_at is not None and pm.published_at.hour == 14
    no_author = article(
        "/Tintuc/View/Huyen-Dien-Bien-trien-khai-ke-hoach-tiep-cong-dan-thang-12-2024"
    )
    assert no_author.author is None


def test_entities_in_title_and_author_are_decoded() -> None:
    data = article("/Tintuc/View/Hoi-nghi-bieu-duong-dien-hinh-Dan-van-kheo-giai-doan-2015-2020")
    assert (
        data.title
        == 'Hội nghị biểu dương điển hình "Dân vận khéo" giai đoạn 2015–2020 & định hướng 2021–2025'
    )
    assert data.author == "Hoàng Thu & Lò Văn Hùng - Ban Dân vận Huyện ủy"


def test_windows_1258_page_decodes_from_its_meta_charset() -> None:
    raw = (DEMO / "pom-lot-ntm-nang-cao-cp1258.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    data = parse_article_page(raw, BASE + "/x", {})
    assert data.title == "Pom Lót đón nhận xã Nông thôn mới nâng cao"


def test_http_charset_wins_over_meta() -> None:
    # windows-1258 writes "ệ" as "ê" + combining dot below; the <meta> wrongly says utf-8.
    text = (
        "<meta charset='utf-8'><title>x</title><h1>Điê\u0323n Biên</h1><p>Ngày đăng: 01/12/2024</p>"
    )
    raw = text.encode("cp1258")
    data = parse_article_page(raw, BASE, {}, encoding="windows-1258")
    assert data.title == "Điện Biên"
    # Without the HTTP charset the (wrong) meta is believed: mojibake, but no crash.
    garbled = parse_article_page(raw, BASE, {})
    assert garbled.title != "Điện Biên" and "\ufffd" in garbled.title


def test_province_article_with_configured_selectors() -> None:
    path = (
        "/portal/Pages/2025-8-15/UBND-tinh-chi-dao-chu-dong-ung-pho-mua-lu-sau-sap-xepk3f9qa.aspx"
    )
    data = article(path, PROVINCE)
    assert data.title == EXPECTED[path]["title"]
    assert (
        data.published_at is not None
        and data.published_at.isoformat() == "2025-08-15T09:00:00+07:00"
    )
    assert data.body.startswith("Theo Đài Khí tượng Thủy văn tỉnh")
    # Nested selector matches (.tandan-p-article-main contains .ms-rtestate-field) count once.
    assert data.body.count("Theo Đài Khí tượng Thủy văn tỉnh") == 1
    assert "Hội nghị sơ kết" not in data.body  # the "other articles" box


def test_author_label_inside_the_selected_body_is_the_author_not_body() -> None:
    path = (
        "/portal/Pages/2025-7-1/Xa-Muong-Phang-ra-mat-Trung-tam-Phuc-vu-hanh-chinh-congm2x7wd.aspx"
    )
    data = article(path, PROVINCE)
    assert data.author == "Thu Hà"
    assert "Thu Hà" not in data.body
    assert data.body.endswith("đăng ký khai sinh.")


def test_selectors_win_and_labels_are_stripped_from_values() -> None:
    html = """<html><head><title>T</title></head><body>
      <div class="t">Tiêu đề bài</div><span class="d">Ngày đăng: 01/07/2013</span>
      <p class="a">Tác giả: Quàng Thị Mai</p><div class="c">Kinh tế</div>
      <div class="b"><p>Câu một.</p><p>Câu hai.</p></div></body></html>"""
    selectors = {"title": ".t", "date": ".d", "author": ".a", "body": ".b", "category": ".c"}
    data = parse_article_page(html, BASE, selectors)
    assert (data.title, data.author, data.category) == ("Tiêu đề bài", "Quàng Thị Mai", "Kinh tế")
    assert (
        data.published_at is not None
        and data.published_at.isoformat() == "2013-07-01T00:00:00+07:00"
    )
    assert data.body == "Câu một.\n\nCâu hai."


def test_selectors_that_match_nothing_fall_back_to_labels() -> None:
    selectors = {"title": ".missing", "date": ".missing", "author": ".missing", "body": ".missing"}
    data = article(SEED, selectors)
    assert (
        data.published_at is not None
        and data.published_at.isoformat() == "2017-07-05T08:57:14+07:00"
    )
    assert data.author == "Lưu Hồng Sinh - Đài TT-TH huyện Điện Biên"
    assert data.body.startswith("Trong những năm qua")


@pytest.mark.parametrize("label", ["Thời gian đăng:", "Ngày đăng:", "Cập nhật:"])
def test_each_date_label_is_recognised(label: str) -> None:
    html = (
        f"<title>x</title><h1>Tin mới về xã Thanh Nưa</h1>"
        f"<p>{label} 14/03/2019 02:15:00 PM</p><p>Nội dung.</p>"
    )
    data = parse_article_page(html, BASE, {})
    assert (
        data.published_at is not None
        and data.published_at.isoformat() == "2019-03-14T14:15:00+07:00"
    )
    assert data.body == "Nội dung."


@pytest.mark.parametrize(
    "html",
    [
        b"",
        b"<html><body><div class='x'></div></body></html>",
        b"\x00\xff\xfe garbage",
        b"<html><head></head><body><p>Only a paragraph, no heading.</p></body></html>",
    ],
)
def test_malformed_page_raises_extract_error(html: bytes) -> None:
    with pytest.raises(ExtractError, match="no article title"):
        parse_article_page(html, BASE + "/broken", {})


def test_bad_selector_is_an_extract_error_naming_it() -> None:
    with pytest.raises(ExtractError, match=r"a\[\["):
        parse_article_page(page(EXPECTED[SEED]["file"]), BASE, {"title": "a[["})
    assert issubclass(ExtractError, ValueError)


# --- list pages ------------------------------------------------------------------------

PAGE_1 = [
    "/Tintuc/View/Canh-bao-lu-quet-sat-lo-dat-tren-dia-ban-xa-Sam-Mun",
    "/Tintuc/View/Huyen-Dien-Bien-trien-khai-ke-hoach-tiep-cong-dan-thang-12-2024",
    "/Tintuc/View/Pom-Lot-don-nhan-xa-Nong-thon-moi-nang-cao",
    "/Tintuc/View/Hoi-nghi-bieu-duong-dien-hinh-Dan-van-kheo-giai-doan-2015-2020",
    "/T/HUYEN-DIEN-BIEN-70-NAM-PHAN-DAU---XAY-DUNG---TRUONG-THANH",
]
PAGE_2 = [
    "/T/HUYEN-DIEN-BIEN-70-NAM-PHAN-DAU---XAY-DUNG---TRUONG-THANH",
    "/Tintuc/View/LE-CONG-BO-XA-NOONG-LUONG-HUYEN-DIEN-BIEN-DAT-CHUAN-NONG-THON-MOI-",
    "/Tintuc/View/Xa-Sam-Mun-ra-quan-lam-duong-giao-thong-nong-thon",
    SEED,
]


@pytest.mark.parametrize("selectors", [{}, DISTRICT], ids=["fallback", "configured"])
@pytest.mark.parametrize(
    ("number", "paths", "next_page"),
    [(1, PAGE_1, BASE + "/Tintuc/?PageIndex=2"), (2, PAGE_2, None)],
)
def test_district_list_pages(
    selectors: dict[str, str], number: int, paths: list[str], next_page: str | None
) -> None:
    listing = parse_list_page(
        DISTRICT_LISTS[number].read_bytes(),
        f"{BASE}/Tintuc/?PageIndex={number}",
        selectors,
    )
    assert [canonical_url(link) for link in listing.links] == [BASE + p for p in paths]
    assert all(link.startswith(BASE + "/") for link in listing.links)
    assert listing.next_page == next_page


def test_relative_links_resolve_against_the_list_page() -> None:
    listing = parse_list_page(DISTRICT_LISTS[1].read_bytes(), BASE + "/Tintuc/?PageIndex=1", {})
    assert BASE + PAGE_1[1] + "?PageIndex=1" in listing.links  # written as View/<slug>?PageIndex=1


def test_province_list_page() -> None:
    url = BASE + "/portal/Pages/Tin-tuc-su-kien.aspx"
    for selectors in ({"item": ".channel-news-title a"}, {}):
        listing = parse_list_page(page("province/Tin-tuc-su-kien.html"), url, selectors)
        assert [link.removeprefix(BASE) for link in listing.links] == [
            p for p in EXPECTED if p.startswith("/portal/")
        ]
        assert listing.next_page is None


@pytest.mark.parametrize(
    ("html", "page_url", "next_page"),
    [
        ('<a href="/list?p=2" rel="next">x</a>', BASE + "/list", BASE + "/list?p=2"),
        ('<a href="?page=3">Trang sau</a>', BASE + "/list?page=2", BASE + "/list?page=3"),
        (
            '<a href="/Tintuc/?PageIndex=4">4</a>',
            BASE + "/Tintuc/?PageIndex=3",
            BASE + "/Tintuc/?PageIndex=4",
        ),
        # An article link that merely carries PageIndex is not the next list page.
        ('<a href="/Tintuc/View/A?PageIndex=4">A</a>', BASE + "/Tintuc/?PageIndex=3", None),
        ('<a href="/Tintuc/?PageIndex=3">»</a>', BASE + "/Tintuc/?PageIndex=3", None),
    ],
)
def test_next_page_guess_without_selector(html: str, page_url: str, next_page: str | None) -> None:
    assert parse_list_page(html, page_url, {}).next_page == next_page


def test_item_selector_matching_containers_takes_their_link() -> None:
    html = (
        '<div class="it"><a href="/T/a">A</a></div>'
        '<div class="it"><a href="/T/b">B</a></div><div class="it"></div>'
    )
    listing = parse_list_page(html, BASE + "/", {"item": ".it"})
    assert listing.links == [BASE + "/T/a", BASE + "/T/b"]


def test_fallback_ignores_other_sites_and_non_article_links() -> None:
    html = """<a href="/GioiThieu/">Giới thiệu</a><a href="https://dienbien.gov.vn/T/other">x</a>
      <a href="mailto:a@b.vn">m</a>
      <a href="/TIN_TUC/View/?PageIndex=9&amp;UserKey=Xay-dung">ok</a>"""
    listing = parse_list_page(html, BASE + "/TIN_TUC/?PageIndex=1", {})
    assert listing.links == [BASE + "/TIN_TUC/View/?PageIndex=9&UserKey=Xay-dung"]


def test_paragraph_starting_like_a_label_stays_in_the_body() -> None:
    html = """<title>x</title><h1>Tình hình mưa lũ tại xã Mường Nhà</h1>
      <div>Lượt xem: 12 | Cập nhật: 01/07/2025 08:00</div>
      <p>Cập nhật tình hình mưa lũ trên địa bàn xã đến 17 giờ.</p>
      <p>Không có thiệt hại về người.</p>"""
    data = parse_article_page(html, BASE, {})
    assert data.published_at is not None
    assert data.published_at.isoformat() == "2025-07-01T08:00:00+07:00"
    assert data.body == (
        "Cập nhật tình hình mưa lũ trên địa bàn xã đến 17 giờ.\n\nKhông có thiệt hại về người."
    )
