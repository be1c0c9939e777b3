"""Real pages (``tests/fixtures/real``, provenance in its SOURCES.md): what Loa reads from them.

Articles: title, time to the minute and author, per page, without selectors (and with the
selectors an operator would write, where labels.json gives them). Homepages: the article links
Loa finds, measured against each site's own article-URL pattern.
"""

from __future__ import annotations

import gzip
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from news.discover import article_links
from news.extract import parse_article_page
from news.markup import parse_html
from news.urls import absolute

REAL = Path(__file__).parent / "fixtures" / "real"
LABELS = json.loads((REAL / "labels.json").read_text(encoding="utf-8"))
# Every page, the held-out ones (SOURCES.md) too since the fixes their first figures led to.
ARTICLES: dict[str, dict[str, Any]] = LABELS["articles"]
HOMEPAGES: dict[str, dict[str, Any]] = LABELS["homepages"]


def _page(folder: str, name: str) -> bytes:
    return gzip.decompress((REAL / folder / name).read_bytes())


def _minute(value: datetime | None, label: str) -> bool:
    assert value is not None
    wanted = datetime.fromisoformat(label)
    if wanted.tzinfo is None:  # the page gives no zone: its wall clock
        value = value.replace(tzinfo=None)
    return value.replace(second=0, microsecond=0) == wanted


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_article_read_without_selectors(name: str) -> None:
    label = ARTICLES[name]
    data = parse_article_page(_page("articles", name), label["url"], {})
    assert data.title == label["title"]
    assert _minute(data.published_at, label["published_at"])
    assert data.author == label["author"]
    assert len(data.body) > 300  # the story's text, not an empty shell
    assert label["title"] not in data.body.split("\n\n")[0]  # the body starts after the title


@pytest.mark.parametrize("name", sorted(n for n, label in ARTICLES.items() if "selectors" in label))
def test_article_read_with_selectors(name: str) -> None:
    label = ARTICLES[name]
    data = parse_article_page(_page("articles", name), label["url"], label["selectors"])
    assert (data.title, data.author) == (label["title"], label["author"])
    assert _minute(data.published_at, label["published_at"])


def test_vnexpress_body_and_image_without_selectors() -> None:
    label = ARTICLES["vnexpress-2025-suc-khoe.html.gz"]
    data = parse_article_page(
        _page("articles", "vnexpress-2025-suc-khoe.html.gz"), label["url"], {}
    )
    paragraphs = data.body.split("\n\n")
    assert paragraphs[0].startswith("Ngày 22/10, BS.CK2 Cao Thị Hồng")
    assert paragraphs[-1].endswith("có thể phẫu thuật, hóa trị hoặc xạ trị.")
    assert "Lê Phương" not in data.body  # the signature is the author, not text
    assert data.image_url is not None and data.image_url.startswith("https://vcdn1-suckhoe.vnecdn")


def _key(url: str) -> str:
    parts = urlsplit(url.split("#")[0])
    return f"{(parts.hostname or '').removeprefix('www.')}{parts.path}?{parts.query}"


@pytest.mark.parametrize("name", sorted(HOMEPAGES))
def test_homepage_article_links_precision_and_recall(name: str) -> None:
    label = HOMEPAGES[name]
    pattern = re.compile(label["articles"])
    tree = parse_html(_page("homepages", name))
    found = [_key(link) for link in article_links(tree, label["url"])]
    truth = {
        _key(link)
        for node in tree.css("a[href]")
        if pattern.match(link := absolute(label["url"], node.attributes.get("href") or ""))
    }
    assert len(found) == len(set(found))  # one link per article
    hits = len(set(found) & truth)
    assert hits / len(found) >= 0.9, "precision"
    assert hits / len(truth) >= 0.8, "recall"
