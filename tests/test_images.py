"""The lead image: og:image first, else the first content image, never page furniture."""

from __future__ import annotations

from pathlib import Path

from news.extract import parse_article_page
from news.images import lead_image
from news.markup import parse_html

MEDIA = Path(__file__).parent / "fixtures" / "portal" / "media"
PAGE = "http://portal.test/Tintuc/View/bai-viet"


def _image(html: str, url: str = PAGE) -> str | None:
    return lead_image(parse_html(html, None), url)


def test_og_image_wins_and_is_made_absolute() -> None:
    article = parse_article_page((MEDIA / "og-image.html").read_bytes(), PAGE, {})
    assert article.image_url == "http://portal.test/Uploads/2025/08/sam-mun-mua-lu.jpg"


def test_first_content_image_without_og_image_skipping_logo_pixel_and_icon() -> None:
    article = parse_article_page((MEDIA / "content-image.html").read_bytes(), PAGE, {})
    assert article.image_url == "http://portal.test/Uploads/2025/08/thanh-nua-lam-duong.jpg"


def test_a_page_with_only_furniture_has_no_lead_image() -> None:
    article = parse_article_page((MEDIA / "no-image.html").read_bytes(), PAGE, {})
    assert article.image_url is None


def test_the_body_selector_images_come_first() -> None:
    html = (MEDIA / "content-image.html").read_text("utf-8")
    html = html.replace(
        "<p>Công trình", '<p><img src="/a/second.jpg" width="800"></p><p>Công trình'
    )
    first = parse_article_page(html, PAGE, {"body": ".news-content"})
    assert first.image_url == "http://portal.test/Uploads/2025/08/thanh-nua-lam-duong.jpg"


def test_tiny_images_data_uris_and_svg_are_skipped() -> None:
    html = (
        '<div class="content"><img src="data:image/png;base64,AAAA">'
        '<img src="/x/dot.png" width="1" height="1"><img src="/x/map.svg">'
        '<img src="/x/photo.jpg" width="90%"></div>'
    )
    assert _image(html) == "http://portal.test/x/photo.jpg"


def test_a_logo_as_og_image_is_not_taken() -> None:
    html = '<head><meta property="og:image" content="/images/logo.png"></head><body></body>'
    assert _image(html) is None


def test_relative_image_resolves_against_the_page() -> None:
    assert (
        _image('<p><img src="anh/1.jpg"></p>', "http://p.test/a/b.html")
        == "http://p.test/a/anh/1.jpg"
    )
