"""Vietnamese text hygiene and summaries."""

from __future__ import annotations

import unicodedata

import pytest

from news.text import clean, fold, nfc, summarize

SEED_LEAD = (
    "Trong những năm qua, Đảng bộ xã Pom Lót luôn chú trọng công tác xây dựng Đảng gắn với phát "
    "triển kinh tế - xã hội. Công tác xây dựng Đảng được tập trung triển khai bằng nhiều giải pháp "
    "cụ thể, thiết thực trên các mặt chính trị, tư tưởng, tổ chức… "
    "qua đó Đảng bộ xã Pom Lót đã xác định phát triển kinh tế là nhiệm vụ trọng tâm, "
    "xây dựng Đảng là nhiệm vụ then chốt. Nhờ đó kinh tế - xã hội của xã đã có những bước "
    "chuyển biến tích cực."
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (unicodedata.normalize("NFD", "Mường Nhà"), "Mường Nhà"),
        ("Hội nghị &quot;Dân vận khéo&quot; 2015&ndash;2020", 'Hội nghị "Dân vận khéo" 2015–2020'),
        ("r&#227;i &amp; r&#x1ED9;ng", "rãi & rộng"),
        ("  xã\u00a0Sam\tMứn \n\n bản\u200b Na Ư ", "xã Sam Mứn bản Na Ư"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean(raw: str | None, expected: str) -> None:
    assert clean(raw) == expected
    assert unicodedata.is_normalized("NFC", clean(raw))


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = unicodedata.normalize("NFD", "Điện Biên")
    assert decomposed != "Điện Biên"
    assert nfc(decomposed) == "Điện Biên"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Mường Nhà", "muong nha"), ("ĐIỆN BIÊN", "dien bien"), ("  Sam   Mứn ", "sam mun")],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("body", "limit", "expected"),
    [
        # Short bodies come back whole (cleaned).
        ("Một câu ngắn.  Hai câu.", 300, "Một câu ngắn. Hai câu."),
        # Whole sentences that fit; an ellipsis followed by lower case is not a sentence end.
        (
            SEED_LEAD,
            300,
            "Trong những năm qua, Đảng bộ xã Pom Lót luôn chú trọng công tác xây dựng Đảng gắn "
            "với phát triển kinh tế - xã hội.",
        ),
        (
            "Câu một ngắn. Câu hai cũng ngắn! Câu ba dài hơn nhiều so với giới hạn cho phép ở đây.",
            40,
            "Câu một ngắn. Câu hai cũng ngắn!",
        ),
        # Abbreviations are not sentence ends.
        (
            "Tại TP. Điện Biên Phủ có mưa lớn. Người dân cần chú ý an toàn khi đi lại trên đường.",
            40,
            "Tại TP. Điện Biên Phủ có mưa lớn.",
        ),
        # Paragraph breaks count as whitespace.
        ("Đoạn một.\n\nĐoạn hai rất dài " + "x " * 200, 50, "Đoạn một."),
        # A first sentence longer than the limit is cut at a word boundary with "…".
        (
            "Mưa lớn kéo dài gây sạt lở nhiều tuyến đường liên xã trên địa bàn.",
            30,
            "Mưa lớn kéo dài gây sạt lở…",
        ),
        ("x" * 40, 10, "x" * 9 + "…"),
        ("", 300, ""),
    ],
)
def test_summarize(body: str, limit: int, expected: str) -> None:
    summary = summarize(body, limit)
    assert summary == expected
    assert len(summary) <= limit


def test_summary_never_exceeds_limit_on_long_bodies() -> None:
    body = " ".join(["Câu thứ nhất khá dài về chuyện xây dựng nông thôn mới."] * 30)
    for limit in (20, 57, 100, 300):
        assert 0 < len(summarize(body, limit)) <= limit
