"""Article messages: escaping, fields, and the length limit counted in UTF-16 units."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from bot.render import (
    ArticleView,
    cut,
    html_to_text,
    render_article,
    render_article_list,
    utf16_len,
)

TELEGRAM, ZALO = 4096, 2000
SEED = ArticleView(
    title="Đảng bộ xã Pom Lót trong công tác xây dựng Đảng với phát triển kinh tế - xã hội",
    url="https://dienbien.dienbien.gov.vn/tin-tuc/dang-bo-xa-pom-lot?id=1&p=2",
    published_at=datetime(2017, 7, 5, 1, 57, tzinfo=UTC),
    author="Lưu Hồng Sinh - Đài TT-TH huyện Điện Biên",
    summary=(
        "Trong những năm qua, Đảng bộ xã Pom Lót luôn chú trọng công tác xây dựng Đảng. "
        "Công tác xây dựng Đảng được tập trung triển khai. Nhờ đó kinh tế - xã hội chuyển biến."
    ),
    communes=("Sam Mứn",),
    topics=("chinh-tri",),
)
ALLOWED_TAGS = {"b", "i", "a", "code"}


class _TagChecker(HTMLParser):
    """Fails on tags outside Telegram's subset and on unbalanced tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, tag
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, tag


def _well_formed(html: str) -> None:
    checker = _TagChecker()
    checker.feed(html)
    checker.close()
    assert checker.open == []


def test_seed_article_has_every_field() -> None:
    html = render_article(SEED, TELEGRAM).html
    _well_formed(html)
    assert html.startswith("<b>Đảng bộ xã Pom Lót")
    assert "🗓 05/07/2017 08:57" in html  # UTC+7
    assert "✍️ Lưu Hồng Sinh - Đài TT-TH huyện Điện Biên" in html
    assert "📍 Sam Mứn" in html
    assert 'href="https://dienbien.dienbien.gov.vn/tin-tuc/dang-bo-xa-pom-lot?id=1&amp;p=2"' in html
    # Two sentences of summary, not three.
    assert "triển khai." in html and "Nhờ đó" not in html


def test_missing_author_date_and_communes_leave_no_empty_lines() -> None:
    view = ArticleView(title="Thông báo", url="https://x.test/a", summary="Một câu.")
    text = html_to_text(render_article(view, ZALO).html)
    assert "✍️" not in text and "🗓" not in text and "📍" not in text
    assert text == "Thông báo\n\nMột câu.\n\n🔗 Đọc toàn bài (https://x.test/a)"


@pytest.mark.parametrize(
    ("field", "hostile"),
    [
        ("title", "<script>alert(1)</script> & <b>"),
        ("author", 'Lò "Văn" <A> & co'),
        ("summary", "1 < 2 && 3 > 2 </b><i>"),
        ("url", 'https://x.test/?a=1&b="2"><b>'),
    ],
)
def test_every_field_is_escaped(field: str, hostile: str) -> None:
    view = ArticleView(
        **{"title": "T", "url": "https://x.test/", "summary": "S.", field: hostile}  # type: ignore[arg-type]
    )
    html = render_article(view, TELEGRAM).html
    _well_formed(html)
    assert hostile in html_to_text(html)


def test_emergency_articles_are_marked() -> None:
    view = ArticleView(title="Lũ quét", url="https://x.test/", topics=("canh-bao",))
    assert render_article(view, TELEGRAM).html.startswith("⚠️ <b>Lũ quét</b>")


@pytest.mark.parametrize("limit", [TELEGRAM, ZALO])
@pytest.mark.parametrize("unit", ["a", "&", "ệ", "🌧", "👨‍👩‍👧"])
def test_huge_summary_is_cut_to_the_limit_in_utf16_units(limit: int, unit: str) -> None:
    view = ArticleView(
        title="Mưa lớn 🌧 & lũ",
        url="https://x.test/a",
        author="Phóng viên",
        summary=(f"{unit * 7} " * 3000).strip(),
    )
    html = render_article(view, limit).html
    _well_formed(html)
    text = html_to_text(html)
    assert limit - 60 <= utf16_len(text) <= limit  # a word of 7 family emoji is 56 units
    assert "…" in text
    assert text.endswith("🔗 Đọc toàn bài (https://x.test/a)")


def test_huge_title_is_cut_too() -> None:
    view = ArticleView(title="Tiêu đề " * 1000, url="https://x.test/a", summary="Tóm tắt.")
    text = html_to_text(render_article(view, ZALO).html)
    assert utf16_len(text) <= ZALO
    assert "https://x.test/a" in text


@pytest.mark.parametrize(
    ("text", "budget", "expected"),
    [
        ("short", 10, "short"),
        ("một hai ba bốn", 9, "một hai…"),
        ("🌧🌧🌧", 5, "🌧🌧…"),
        ("🌧🌧🌧", 4, "🌧…"),
        ("abc", 0, ""),
    ],
)
def test_cut(text: str, budget: int, expected: str) -> None:
    assert cut(text, budget) == expected
    assert utf16_len(cut(text, budget)) <= budget


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<b>A &amp; B</b>", "A & B"),
        ('<a href="https://x.test/?a=1&amp;b=2">xem</a>', "xem (https://x.test/?a=1&b=2)"),
        ('<a href="https://x.test/">https://x.test/</a>', "https://x.test/"),
        ("&lt;i&gt; &quot;q&quot;", '<i> "q"'),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


def test_article_list_splits_into_messages_that_fit() -> None:
    views = [
        ArticleView(
            title=f"Tin số {n} " + "dài " * 60,
            url=f"https://x.test/{n}",
            published_at=datetime(2025, 8, 1, tzinfo=UTC),
            communes=("Mường Thanh",),
        )
        for n in range(1, 11)
    ]
    replies = render_article_list("<b>Tin mới nhất</b>", views, ZALO)
    assert len(replies) > 1
    texts = [html_to_text(r.html) for r in replies]
    assert all(utf16_len(t) <= ZALO for t in texts)
    joined = "\n".join(texts)
    assert all(f"https://x.test/{n})" in joined for n in range(1, 11))
    assert "10. Tin số 10" in joined and "01/08/2025 07:00 · 📍 Mường Thanh" in joined
    for reply in replies:
        _well_formed(reply.html)
