"""Commune and topic tagging: table-driven, on the real Điện Biên gazetteer."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from news.items import ArticleData
from news.tagging import ArticleTagger, build_tagger, trie_pattern

VN = timezone(timedelta(hours=7))
BEFORE = datetime(2019, 5, 1, 9, 0, tzinfo=VN)
AFTER = datetime(2025, 8, 2, 9, 0, tzinfo=VN)
# A copy of ../shared/seeds/000_a26cdb5e4219828f.txt (the portal prints "xã Pom Lótcho biết").
SEED = Path(__file__).parent / "fixtures" / "seed_000_a26cdb5e4219828f.txt"


@pytest.fixture(scope="module")
def tagger() -> ArticleTagger:
    return build_tagger("Điện Biên")


def _communes(tagger: ArticleTagger, text: str, when: datetime | None) -> list[str]:
    return tagger.tag(ArticleData(url="u", title="Tin", body=text, published_at=when)).communes


@pytest.mark.parametrize(
    ("text", "when", "communes"),
    [
        # One name, two places, by date.
        ("UBND xã Sam Mứn tổ chức hội nghị.", BEFORE, ["Thanh An"]),
        ("UBND xã Sam Mứn tổ chức hội nghị.", AFTER, ["Sam Mứn"]),
        ("Phường Mường Thanh ra quân dọn vệ sinh.", BEFORE, ["Điện Biên Phủ"]),
        ("Phường Mường Thanh ra quân dọn vệ sinh.", AFTER, ["Mường Thanh"]),
        ("Xã Thanh Xương trồng lúa.", BEFORE, ["Mường Thanh"]),
        ("Xã Pom Lót trồng lúa.", AFTER, ["Sam Mứn"]),  # only an old name: its successor
        # Marked as old after the reform.
        ("Người dân xã Sam Mứn (cũ) nay là xã Thanh An.", AFTER, ["Thanh An"]),
        ("Tại xã Sam Mứn cũ, bà con đã gặt xong.", AFTER, ["Thanh An"]),
        ("Xã Na Ư (cũ) và xã Pom Lót.", AFTER, ["Sam Mứn"]),
        # Prefixes and lists.
        ("P. Him Lam và P.Tân Thanh.", BEFORE, ["Điện Biên Phủ"]),
        ("Các xã Thanh An, Noong Hẹt và Pom Lót.", BEFORE, ["Thanh An", "Sam Mứn"]),
        ("Các xã Thanh Nưa, Hua Thanh; Thanh Luông.", BEFORE, ["Thanh Nưa"]),
        ("Các xã, phường Him Lam, Thanh Minh.", BEFORE, ["Điện Biên Phủ"]),
        ("Thị trấn Mường Chà.", BEFORE, ["Na Sang"]),
        ("Xã Mường Chà.", AFTER, ["Mường Chà"]),
        # Bare names count when unambiguous.
        ("Pom Lót là xã vùng lòng chảo.", BEFORE, ["Sam Mứn"]),
        ("Đoàn công tác đến Noong Hẹt.", BEFORE, ["Thanh An"]),
        # People are not places.
        ("Chị Lò Thị Thanh Yên cho biết.", BEFORE, []),
        ("Anh Lường Thanh An, bản Phiêng Ban.", BEFORE, []),
        ("ông Thanh An nói.", AFTER, []),
        ("Đồng chí Thanh Yên phát biểu.", AFTER, []),
        ("Chị Lò Thị Thanh Yên, xã Thanh Yên.", AFTER, ["Thanh Yên"]),
        # Districts, cities, the province and villages are not communes.
        ("Thành phố Điện Biên Phủ đón khách.", AFTER, []),
        ("TP Điện Biên Phủ và TP. Điện Biên Phủ.", AFTER, []),
        ("Tỉnh Điện Biên, huyện Điện Biên.", BEFORE, []),
        ("Thị xã Mường Lay và huyện Tuần Giáo.", BEFORE, []),
        ("Chiến thắng Điện Biên Phủ.", AFTER, []),  # a bare district name is not counted
        ("Các huyện Tuần Giáo, Mường Chà.", BEFORE, []),
        ("Bản Na Ư, thôn Thanh An.", BEFORE, []),
        ("Phường Điện Biên Phủ họp.", AFTER, ["Điện Biên Phủ"]),
        # Lower-case words that happen to spell a name are not names.
        ("Cuộc sống thanh bình.", BEFORE, []),
        # Undated: read as today's news.
        ("Xã Sam Mứn.", None, ["Sam Mứn"]),
        # Glued to the next word or to "xã", as the portal prints them: found after a place
        # marker, never as a bare name (nor glued to any word: "Thanh Anh" is not "Thanh An").
        ("Bí thư Đảng ủy xã Pom Lótcho biết.", BEFORE, ["Sam Mứn"]),
        ("Đảng bộ xã Pom Lótđã 3 năm liền đạt trong sạch vững mạnh.", BEFORE, ["Sam Mứn"]),
        ("Đảng bộ xãPom Lót họp.", BEFORE, ["Sam Mứn"]),
        ("Người dân phườngMường Thanh.", AFTER, ["Mường Thanh"]),
        ("Về Sam Mứnđã.", AFTER, []),
        ("Ông Lò Văn Thanh Ancho biết.", AFTER, []),
        ("Xã Thanh Anh.", AFTER, []),
        ("Cô giáo xanh Thanh Ancho.", AFTER, []),
    ],
)
def test_communes(tagger: ArticleTagger, text: str, when: datetime, communes: list[str]) -> None:
    assert _communes(tagger, text, when) == communes


@pytest.mark.parametrize(
    ("text", "communes"),
    [
        ("Xã Na Tông, huyện Điện Biên.", ["Núa Ngam"]),  # exact spelling
        ("Xã Nà Tòng, huyện Tuần Giáo.", ["Tủa Chùa"]),
        ("Xa Na Tong, huyen Dien Bien.", ["Núa Ngam"]),  # no diacritics: the district decides
        ("Xa Na Tong, huyen Tuan Giao.", ["Tủa Chùa"]),
        ("Xa Na Tong.", []),  # still ambiguous: tag nothing rather than guess
    ],
)
def test_shared_old_name(tagger: ArticleTagger, text: str, communes: list[str]) -> None:
    assert _communes(tagger, text, BEFORE) == communes


def test_reform_boundary_is_vietnam_midnight(tagger: ArticleTagger) -> None:
    last_old = datetime(2025, 6, 30, 23, 59, tzinfo=VN)
    first_new = datetime(2025, 7, 1, 0, 0, tzinfo=VN)
    assert _communes(tagger, "Xã Sam Mứn.", last_old) == ["Thanh An"]
    assert _communes(tagger, "Xã Sam Mứn.", first_new) == ["Sam Mứn"]


def test_source_commune_applies_to_every_article(tagger: ArticleTagger) -> None:
    data = ArticleData(url="u", title="Họp", body="Xã Thanh An họp.", published_at=AFTER)
    assert tagger.tag(data, source_commune="sam mun").communes == ["Sam Mứn", "Thanh An"]
    assert tagger.tag(data, source_commune="Thanh An").communes == ["Thanh An"]


def test_source_commune_disambiguates_a_shared_old_name(tagger: ArticleTagger) -> None:
    data = ArticleData(url="u", title="Tin", body="Xa Na Tong.", published_at=BEFORE)
    assert tagger.tag(data, source_commune="Núa Ngam").communes == ["Núa Ngam"]


def test_seed_article(tagger: ArticleTagger) -> None:
    text = SEED.read_text(encoding="utf-8")
    title = text.splitlines()[1].strip(" •")
    published = datetime(2017, 7, 5, 8, 57, tzinfo=VN)
    tags = tagger.tag(ArticleData(url="u", title=title, body=text, published_at=published))
    assert tags.communes == ["Sam Mứn"]
    assert "chinh-tri" in tags.topics


@pytest.mark.parametrize(
    ("title", "body", "category", "topics"),
    [
        ("Cảnh báo lũ quét, sạt lở đất", "", None, ["canh-bao"]),
        ("Lịch cắt điện tuần tới", "", None, ["thong-bao"]),
        ("Kỳ họp thứ 10 HĐND tỉnh", "", None, ["chinh-tri"]),
        ("Hội nghị", "", "Quốc phòng - An ninh", ["an-ninh"]),
        ("Tin vắn", "Nông thôn mới. Chăn nuôi. Hợp tác xã.", None, ["kinh-te"]),
        ("Tin vắn", "Một lần mưa lũ.", None, []),  # one body hit is not enough
        ("Báo chí cách mạng", "Bảo vệ báo cáo.", None, []),  # "báo" is not "bão"
        ("Bão số 3 đổ bộ", "", None, ["canh-bao"]),
        # Plain cases: irrigation, roads, harvests.
        (
            "Công trình kênh mương bản Noong Hẹt hoàn thành",
            "Công trình phục vụ tưới cho 40 ha lúa.",
            None,
            ["kinh-te", "ha-tang"],
        ),
        ("Khởi công tuyến đường liên xã", "", None, ["ha-tang"]),
        ("Xã Thanh Nưa thu hoạch lúa mùa", "", None, ["kinh-te"]),
        ("Lịch tiếp công dân của Chủ tịch UBND xã", "", None, ["thong-bao"]),  # UBND: an actor
    ],
)
def test_topics(
    tagger: ArticleTagger, title: str, body: str, category: str | None, topics: list[str]
) -> None:
    data = ArticleData(url="u", title=title, body=body, category=category)
    assert tagger.tag(data).topics == topics


def test_config_topics_extend_and_override() -> None:
    custom = build_tagger(
        "Điện Biên",
        {
            "ca-phe": {"name": "Cà phê", "keywords": ["cà phê"]},
            "canh-bao": {"name": "Cảnh báo", "keywords": ["cảnh báo khẩn"]},
        },
    )
    data = ArticleData(url="u", title="Cà phê Mường Ảng; cảnh báo khẩn", body="")
    assert custom.tag(data).topics == ["canh-bao", "kinh-te", "ca-phe"]
    assert custom.tag(ArticleData(url="u", title="Lũ quét", body="")).topics == []


@pytest.mark.parametrize(
    ("words", "hits", "misses"),
    [
        (["ab", "abc", "b d"], ["ab", "abc", "b  d"], ["a", "abd", "b"]),
        (["a.b", "x"], ["a.b", "x"], ["axb"]),
    ],
)
def test_trie_pattern(words: list[str], hits: list[str], misses: list[str]) -> None:
    import re

    pattern = re.compile(trie_pattern(words))
    assert all(pattern.fullmatch(h) for h in hits)
    assert not any(pattern.fullmatch(m) for m in misses)
