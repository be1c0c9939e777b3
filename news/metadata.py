"""What a page says about itself: JSON-LD, OpenGraph and ``<meta>`` tags, read without selectors.

Newspapers' CMSs fill these for search engines, so they are the most reliable source of an
article's title, publication time and author when a source has no selectors. Pure: a parsed
page in, plain values out. Organisations named as "author" (the paper itself) are left out:
Loa stores a person's byline or nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from news.bylines import as_name
from news.text import clean, fold

_ARTICLE_TYPES = frozenset(
    {"newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle"}
)
_PUBLISHED_META = (
    "meta[property='article:published_time']",
    "meta[name='article:published_time']",
    "meta[itemprop='datePublished']",
    "meta[name='pubdate']",
    "meta[name='publishdate']",
    "meta[property='og:published_time']",
    "meta[name='dc.date.issued']",
    "meta[name='DC.date.issued']",
)
_AUTHOR_META = ("meta[name='author']", "meta[property='article:author']")
# Names of organisations, not people, given as a page's author. Read with diacritics where
# the name has them: "Báo …" is a paper, "Bảo Bảo" a person (both fold to "bao").
_PUBLICATION = re.compile(r"^(?:cổng|trang) thông tin|^đài (?:phát thanh|truyền hình)|^báo ")
_PUBLICATION_BARE = re.compile(r"^(?:cong|trang) thong tin|^dai (?:phat thanh|truyen hinh)|^bao ")
_TITLE_META = ("meta[property='og:title']", "meta[name='twitter:title']")


@dataclass(frozen=True, slots=True)
class PageMeta:
    """The declared facts of a page; every field may be empty."""

    headline: str = ""
    og_title: str = ""
    published: str = ""  # as written; parsed by the caller with news.dates
    published_also: tuple[str, ...] = ()  # the other declared times (meta tags), as written
    authors: tuple[str, ...] = ()  # people, in the page's order
    site_name: str = ""


def page_meta(tree: LexborHTMLParser) -> PageMeta:
    """The JSON-LD article (first one found) and the head's meta tags, JSON-LD first."""
    article = _json_ld_article(tree)
    site_name = _meta(tree, ("meta[property='og:site_name']",))
    headline = clean(str(article.get("headline") or article.get("name") or ""))
    times = [clean(str(article.get("datePublished") or ""))]
    times += [
        clean(node.attributes.get("content")) for css in _PUBLISHED_META for node in tree.css(css)
    ]
    times = list(dict.fromkeys(value for value in times if value))
    published = times[0] if times else ""
    authors = _people(article.get("author"))
    if not authors:
        declared = _meta(tree, _AUTHOR_META)
        if declared and not declared.startswith("http") and not _is_site(declared, site_name):
            authors = (declared,)
    authors = tuple(name for a in authors if (name := as_name(a)))
    return PageMeta(
        headline=headline,
        og_title=_meta(tree, _TITLE_META),
        published=published,
        published_also=tuple(times[1:]),
        authors=tuple(a for a in authors if not _is_site(a, site_name)),
        site_name=site_name,
    )


def _meta(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> str:
    for css in selectors:
        for node in tree.css(css):
            value = clean(node.attributes.get("content"))
            if value:
                return value
    return ""


def _json_ld_article(tree: LexborHTMLParser) -> dict[str, Any]:
    for node in tree.css("script[type='application/ld+json']"):
        try:
            data = json.loads(node.text(deep=True) or "null", strict=False)
        except ValueError:
            continue  # pages ship broken JSON-LD; the meta tags remain
        for item in _items(data):
            kinds = item.get("@type")
            names = kinds if isinstance(kinds, list) else [kinds]
            if any(str(name).lower() in _ARTICLE_TYPES for name in names):
                return item
    return {}


def _items(data: Any) -> list[dict[str, Any]]:
    """The objects of a JSON-LD document: itself, a list of them, or an ``@graph``."""
    if isinstance(data, list):
        return [item for entry in data for item in _items(entry)]
    if not isinstance(data, dict):
        return []
    graph = data.get("@graph")
    return [data, *_items(graph)] if graph is not None else [data]


def _people(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(name for entry in value for name in _people(entry))
    if isinstance(value, str):
        return (clean(value),) if clean(value) else ()
    if isinstance(value, dict):
        kind = str(value.get("@type") or "person").lower()
        name = clean(str(value.get("name") or ""))
        return (name,) if name and kind != "organization" else ()
    return ()


def _is_site(name: str, site_name: str) -> bool:
    """A byline that is the publication itself ("VnExpress", "Báo Điện Biên Phủ" on
    baodienbienphu.com.vn, "Cổng thông tin điện tử tỉnh"), or an address."""
    folded = _bare(name)
    if not folded or "@" in name or "http" in folded or _names_publication(name):
        return True
    site = _bare(site_name)
    if not site or folded == site:
        return bool(site)
    # Substrings only for names long enough not to hide in a site's name by chance ("Hà").
    return min(len(folded), len(site)) >= 6 and (folded in site or site in folded)


def _names_publication(name: str) -> bool:
    lowered = clean(name).lower()
    if fold(lowered) == lowered:  # written without diacritics ("Bao Dien Bien Phu")
        return _PUBLICATION_BARE.match(lowered) is not None
    return _PUBLICATION.match(lowered) is not None


def _bare(text: str) -> str:
    """Lower-case letters and digits only, without "báo"/"tin nhanh": "Báo Điện Biên Phủ" and
    "baodienbienphu.com.vn" meet as "diendienbienphu…" prefixes."""
    words = fold(text).replace("bao ", "").replace("tin nhanh ", "")
    return re.sub(r"[^a-z0-9]", "", words.split(".")[0] if "." in words else words)
