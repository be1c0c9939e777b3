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
            "hđnd, bầu cử, đại hội, cải cách hành chính, chính quyền, kỳ họp, mặt trận tổ quốc, "
            "tiếp xúc cử tri, hệ thống chính trị, chính trị, sắp xếp, đơn vị hành chính, bộ máy, "
            "hành chính công, thủ tục hành chính, tuổi đảng, kết nạp đảng"
        ),
        categories=_terms("Chính trị, Xây dựng Đảng, Chính quyền, Cải cách hành chính, Thời sự"),
    ),
    Topic(
        "kinh-te",
        "Kinh tế – Nông nghiệp",
        keywords=_terms(
            "nông nghiệp, nông thôn mới, ocop, trồng trọt, chăn nuôi, gieo trồng, lúa, cà phê, "
            "mắc ca, cây ăn quả, thủy lợi, kênh mương, hồ chứa, giao thông, đầu tư, doanh nghiệp,"
            " hợp tác xã, kinh tế, thương mại, du lịch, sản xuất, thu hoạch, vụ mùa, vụ đông "
            "xuân, vụ chiêm, vụ hè thu, tưới, tưới tiêu, lúa nước, ruộng, gặt, gieo cấy, năng "
            "suất, sản lượng, lương thực, ngô, sắn, chè, cao su, thảo quả, dược liệu, cây trồng,"
            " trồng cây, vật nuôi, gia súc, gia cầm, trâu, bò, lợn, dịch tả lợn, thú y, thủy "
            "sản, nuôi cá, trồng rừng, bảo vệ rừng, lâm nghiệp, khuyến nông, phân bón, giá cả, "
            "hàng hóa, nông sản, tiêu thụ, thu nhập, vốn vay, tín dụng, ngân hàng chính sách, "
            "thuế, ngân sách"
        ),
        categories=_terms("Kinh tế, Nông nghiệp, Nông thôn mới, Kinh tế - Xã hội"),
    ),
    Topic(
        "ha-tang",
        "Hạ tầng – Công trình",
        keywords=_terms(
            "hạ tầng, công trình, kênh mương, thủy lợi, hồ chứa, trạm bơm, đường giao thông,"
            " giao thông nông thôn, đường liên xã, đường liên bản, tuyến đường, mặt đường, cầu "
            "treo, cầu dân sinh, cầu tràn, ngầm tràn, bê tông hóa, cứng hóa, nước sạch, nước sinh "
            "hoạt, công trình cấp nước, điện lưới, lưới điện, đường điện, trạm biến áp, khởi công,"
            " khánh thành, nghiệm thu, bàn giao, thi công, xây dựng cơ bản, nhà văn hóa, trụ sở, "
            "phòng học, nâng cấp, sửa chữa, giải phóng mặt bằng, xây mới, làm đường, hiến đất"
        ),
        categories=_terms("Hạ tầng, Xây dựng, Giao thông, Giao thông - Xây dựng"),
    ),
    Topic(
        "xa-hoi",
        "Văn hóa – Xã hội",
        keywords=_terms(
            "giáo dục, trường học, học sinh, y tế, trạm y tế, sức khỏe, văn hóa, thể thao, lễ "
            "hội, giảm nghèo, hộ nghèo, an sinh xã hội, bảo hiểm xã hội, bảo hiểm y tế, việc làm,"
            " lao động, nhà ở, dân tộc, người có uy tín, đón tết, tết cổ truyền, quà tết, năm "
            "học, khai giảng, tuyển sinh, giáo viên, nhà giáo, điểm trường, tiêm chủng, vắc xin,"
            " sốt xuất huyết, khám bệnh, bóng đá, môi trường"
        ),
        categories=_terms("Văn hóa, Xã hội, Giáo dục, Y tế, Văn hóa - Xã hội, Thể thao"),
    ),
    Topic(
        "an-ninh",
        "Quốc phòng – An ninh",
        keywords=_terms(
            "quốc phòng, an ninh, công an, quân sự, biên phòng, đồn biên phòng, dân quân, tự vệ, "
            "ma túy, tội phạm, trật tự, an toàn giao thông, phòng cháy chữa cháy, khám tuyển "
            "nghĩa vụ quân sự, nghĩa vụ quân sự, nhập ngũ, giao nhận quân, trộm cắp, lừa đảo"
        ),
        categories=_terms(
            "Quốc phòng, An ninh, Quốc phòng - An ninh, Quốc phòng – An ninh, An ninh trật tự"
        ),
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
    with ``name``, ``keywords`` and ``categories`` (``base.config.TopicSettings``).
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
