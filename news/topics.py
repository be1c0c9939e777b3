"""The topic taxonomy: default topics, overridable and extensible from ``[topics]`` of the config.

Keywords are matched with their diacritics (folded, "bão" = storm and "báo" = newspaper would be
the same word); the portal's category names are matched folded, as whole phrases.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from news.text import fold, nfc


@dataclass(frozen=True, slots=True)
class Topic:
    slug: str
    name: str
    keywords: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


def _terms(text: str) -> tuple[str, ...]:
    return tuple(term.strip() for term in text.split(",") if term.strip())


DEFAULT_TOPICS: tuple[Topic, ...] = (
    Topic(
        "thong-bao",
        "Thông báo",
        keywords=_terms(
            "thông báo, lịch cắt điện, cắt điện, mất điện, tạm ngừng cung cấp điện, lịch tiếp "
            "công dân, tuyển dụng, thi tuyển, xét tuyển, tuyển sinh, lịch làm việc, giấy mời, kế "
            "hoạch tổ chức, thời gian tổ chức, lịch trực, tạm dừng, ngừng cấp nước"
        ),
        categories=_terms("Thông báo, Thông báo - Kế hoạch, Tuyển dụng, Lịch công tác"),
    ),
    Topic(
        "canh-bao",
        "Cảnh báo – Thiên tai",
        keywords=_terms(
            "cảnh báo, thiên tai, lũ quét, lũ ống, lũ lụt, mưa lũ, sạt lở, sạt lở đất, mưa đá, "
            "giông lốc, lốc xoáy, bão, áp thấp nhiệt đới, rét đậm, rét hại, cháy rừng, dịch bệnh,"
            " dịch tả lợn, sốt xuất huyết, khẩn cấp, ứng phó, phòng chống thiên tai, cứu hộ, cứu "
            "nạn, động đất"
        ),
        categories=_terms("Cảnh báo, Phòng chống thiên tai, Thiên tai"),
    ),
    Topic(
        "chinh-tri",
        "Chính trị – Chính quyền",
        keywords=_terms(
            "xây dựng đảng, đảng bộ, đảng ủy, chi bộ, đảng viên, nghị quyết, hội đồng nhân dân, "
            "hđnd, ủy ban nhân dân, ubnd, bầu cử, đại hội, cải cách hành chính, chính quyền, kỳ "
            "họp, mặt trận tổ quốc, tiếp xúc cử tri, hệ thống chính trị, chính trị"
        ),
        categories=_terms("Chính trị, Xây dựng Đảng, Chính quyền, Cải cách hành chính, Thời sự"),
    ),
    Topic(
        "kinh-te",
        "Kinh tế – Nông nghiệp",
        keywords=_terms(
            "nông nghiệp, nông thôn mới, ocop, trồng trọt, chăn nuôi, gieo trồng, lúa, cà phê, "
            "mắc ca, cây ăn quả, thủy lợi, giao thông, hạ tầng, đầu tư, doanh nghiệp, hợp tác xã,"
            " kinh tế, thương mại, du lịch, sản xuất, thu hoạch, vụ mùa, vụ đông xuân"
        ),
        categories=_terms("Kinh tế, Nông nghiệp, Nông thôn mới, Kinh tế - Xã hội"),
    ),
    Topic(
        "xa-hoi",
        "Văn hóa – Xã hội",
        keywords=_terms(
            "giáo dục, trường học, học sinh, y tế, trạm y tế, sức khỏe, văn hóa, thể thao, lễ "
            "hội, giảm nghèo, hộ nghèo, an sinh xã hội, bảo hiểm xã hội, bảo hiểm y tế, việc làm,"
            " nhà ở, dân tộc, người có uy tín, tết"
        ),
        categories=_terms("Văn hóa, Xã hội, Giáo dục, Y tế, Văn hóa - Xã hội, Thể thao"),
    ),
    Topic(
        "an-ninh",
        "Quốc phòng – An ninh",
        keywords=_terms(
            "quốc phòng, an ninh, công an, quân sự, biên phòng, đồn biên phòng, dân quân, tự vệ, "
            "ma túy, tội phạm, trật tự, an toàn giao thông, phòng cháy chữa cháy, khám tuyển "
            "nghĩa vụ quân sự, nghĩa vụ quân sự"
        ),
        categories=_terms("Quốc phòng, An ninh, Quốc phòng - An ninh, Quốc phòng – An ninh"),
    ),
)


class Taxonomy:
    """An ordered set of topics, looked up by slug or by folded name."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self._by_slug = {t.slug: t for t in self.topics}

    def get(self, slug: str) -> Topic | None:
        return self._by_slug.get(slug)

    def slugs(self) -> list[str]:
        return [t.slug for t in self.topics]


def build_taxonomy(overrides: Mapping[str, Any] | None = None) -> Taxonomy:
    """The default topics with ``[topics]`` from the config applied.

    A config entry for an existing slug replaces its name, and its keywords or categories when
    given (non-empty); an entry for a new slug adds a topic. Entries may be mappings or objects
    with ``name``, ``keywords`` and ``categories`` (``loa.config.TopicSettings``).
    """
    topics = {t.slug: t for t in DEFAULT_TOPICS}
    for slug, entry in (overrides or {}).items():
        name, keywords, categories = _fields(entry)
        base = topics.get(slug, Topic(slug, name))
        topics[slug] = Topic(
            slug=slug,
            name=nfc(name) or base.name,
            keywords=tuple(nfc(k).lower() for k in keywords) or base.keywords,
            categories=tuple(nfc(c) for c in categories) or base.categories,
        )
    return Taxonomy(topics.values())


def _fields(entry: Any) -> tuple[str, list[str], list[str]]:
    if isinstance(entry, Mapping):
        return (
            entry.get("name", ""),
            list(entry.get("keywords", [])),
            list(entry.get("categories", [])),
        )
    return entry.name, list(entry.keywords), list(entry.categories)


def category_key(category: str) -> str:
    """How categories are compared: folded, dashes and extra spaces ignored."""
    return " ".join(fold(category).replace("–", " ").replace("-", " ").split())
