"""Canonical URLs: every variant of one article's link has one spelling."""

from __future__ import annotations

import pytest

from news.urls import absolute, canonical_url

ARTICLE = (
    "https://huyendienbien.dienbien.gov.vn/Tintuc/View/Pom-Lot-don-nhan-xa-Nong-thon-moi-nang-cao"
)


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE,
        ARTICLE + "?PageIndex=1",
        ARTICLE + "?PageIndex=2",
        ARTICLE + "?pageindex=60",
        ARTICLE + "#noi-dung",
        ARTICLE + "?PageIndex=1&utm_source=zalo&utm_medium=share#noi-dung",
        ARTICLE + "?UTM_Campaign=x&fbclid=IwAR0abc&gclid=Cj0K",
        "HTTPS://HuyenDienBien.DienBien.gov.vn:443/Tintuc/View/Pom-Lot-don-nhan-xa-Nong-thon-moi-nang-cao",
        "  " + ARTICLE + "?PageIndex=3  ",
    ],
)
def test_variants_of_one_article_share_one_canonical_url(variant: str) -> None:
    assert canonical_url(variant) == ARTICLE


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # Identity parameters stay (newer commune portals identify articles by UserKey).
        (
            "https://muongthanh.dienbien.gov.vn/TIN_TUC/View/?PageIndex=9&UserKey=Xay-dung-diem-den",
            "https://muongthanh.dienbien.gov.vn/TIN_TUC/View/?UserKey=Xay-dung-diem-den",
        ),
        # Parameter order does not matter.
        ("http://a.gov.vn/news?id=7&cat=2", "http://a.gov.vn/news?cat=2&id=7"),
        ("http://a.gov.vn/news?cat=2&id=7", "http://a.gov.vn/news?cat=2&id=7"),
        # Path case is kept: slugs are case-sensitive.
        ("http://A.gov.vn/T/HUYEN-DIEN-BIEN", "http://a.gov.vn/T/HUYEN-DIEN-BIEN"),
        # Non-default ports stay, default ones go; an empty path is "/".
        ("http://a.gov.vn:8080/x", "http://a.gov.vn:8080/x"),
        ("http://a.gov.vn:80", "http://a.gov.vn/"),
        # Raw Unicode and its percent-encoding are the same URL.
        ("http://a.gov.vn/tin-tức", "http://a.gov.vn/tin-t%E1%BB%A9c"),
        ("http://a.gov.vn/tin-t%E1%BB%A9c", "http://a.gov.vn/tin-t%E1%BB%A9c"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_source_ignore_params_are_dropped_case_insensitively() -> None:
    url = "http://a.gov.vn/View/?UserKey=abc&SessionId=9&ref=home"
    assert (
        canonical_url(url, ignore_params=["sessionid", "REF"])
        == "http://a.gov.vn/View/?UserKey=abc"
    )
    assert canonical_url(url) == "http://a.gov.vn/View/?SessionId=9&UserKey=abc&ref=home"


@pytest.mark.parametrize(
    ("base", "href", "expected"),
    [
        (
            "http://h.vn/Tintuc/?PageIndex=1",
            "View/Slug?PageIndex=1",
            "http://h.vn/Tintuc/View/Slug?PageIndex=1",
        ),
        ("http://h.vn/Tintuc/?PageIndex=1", "/T/Slug", "http://h.vn/T/Slug"),
        ("http://h.vn/rss/tin-tuc.rss", "../Tintuc/View/Slug", "http://h.vn/Tintuc/View/Slug"),
        (
            "http://h.vn/portal/Pages/List.aspx",
            " 2025-7-1/Slug.aspx\n",
            "http://h.vn/portal/Pages/2025-7-1/Slug.aspx",
        ),
        ("http://h.vn/a", "https://other.vn/b", "https://other.vn/b"),
    ],
)
def test_absolute(base: str, href: str, expected: str) -> None:
    assert absolute(base, href) == expected
