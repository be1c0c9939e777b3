"""The topic taxonomy and its configuration."""

from __future__ import annotations

from base.config import TopicSettings
from news.topics import DEFAULT_TOPICS, build_taxonomy, category_key


def test_default_taxonomy() -> None:
    taxonomy = build_taxonomy()
    assert taxonomy.slugs() == [
        "thong-bao",
        "canh-bao",
        "chinh-tri",
        "kinh-te",
        "ha-tang",
        "xa-hoi",
        "an-ninh",
    ]
    assert taxonomy.get("canh-bao").name == "Cảnh báo – Thiên tai"  # type: ignore[union-attr]
    assert all(t.keywords and t.categories for t in DEFAULT_TOPICS)
    assert all(k == k.lower() for t in DEFAULT_TOPICS for k in t.keywords)


def test_config_overrides_and_extends() -> None:
    taxonomy = build_taxonomy(
        {
            "canh-bao": TopicSettings(name="Cảnh báo", keywords=["sạt lở"]),
            "ca-phe": TopicSettings(name="Cà phê", keywords=["Cà Phê"], categories=["Cà phê"]),
        }
    )
    assert taxonomy.slugs()[-1] == "ca-phe"
    warning = taxonomy.get("canh-bao")
    assert warning is not None
    assert (warning.name, warning.keywords) == ("Cảnh báo", ("sạt lở",))
    assert warning.categories == DEFAULT_TOPICS[1].categories  # not given: kept
    coffee = taxonomy.get("ca-phe")
    assert coffee is not None and coffee.keywords == ("cà phê",)


def test_category_key_ignores_dashes_case_and_diacritics() -> None:
    assert category_key("Quốc phòng – An ninh") == category_key("QUOC PHONG - AN NINH")
