"""An article's lead image: pure, a parsed page in, an absolute URL (or None) out.

Order: the page's own choice (``og:image``, ``twitter:image``, ``link rel=image_src``), else the
first image of the article itself: inside the body selector's nodes when a source has one, else
the first image of the page that is not page furniture. Skipped everywhere: logos, icons,
banners, spacers and tracking pixels (by name, by a declared size under ``MIN_SIDE`` pixels, or
by sitting in the header, menu, footer or a sidebar box), ``data:`` URIs and SVG drawings.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from news.urls import absolute

# A lead image smaller than this (declared width or height, in CSS pixels) is decoration.
MIN_SIDE = 100
_META = (
    "meta[property='og:image:secure_url']",
    "meta[property='og:image']",
    "meta[name='og:image']",
    "meta[name='twitter:image']",
    "meta[property='twitter:image']",
    "link[rel='image_src']",
)
_FURNITURE_WORDS = re.compile(
    r"logo|icon|favicon|banner|sprite|spacer|blank|pixel|tracking|counter|button|avatar|"
    r"quangcao|quang-cao|advert|\bads?\b|social|share|facebook|zalo-icon",
    re.IGNORECASE,
)
_FURNITURE_BLOCKS = re.compile(
    r"header|banner|menu|nav|footer|sidebar|col-right|box|widget|other|related|lienket|"
    r"thongke|counter|advert|quangcao",
    re.IGNORECASE,
)
_FURNITURE_TAGS = frozenset({"header", "nav", "footer", "aside"})
_STYLE_SIDE = re.compile(r"(width|height)\s*:\s*(\d+)\s*px", re.IGNORECASE)


def lead_image(
    tree: LexborHTMLParser, page_url: str, body: list[LexborNode] | None = None
) -> str | None:
    """The article's lead image as an absolute http(s) URL, or None when it has none.

    ``body``: the nodes the source's body selector matched (their images come first)."""
    declared = _declared(tree, page_url)
    if declared is not None:
        return declared
    for node in body or []:
        found = _first_image(node.css("img"), page_url, inside_article=True)
        if found is not None:
            return found
    return _first_image(tree.css("img"), page_url, inside_article=False)


def _declared(tree: LexborHTMLParser, page_url: str) -> str | None:
    for css in _META:
        node = tree.css_first(css)
        value = node.attributes.get("content") or node.attributes.get("href") if node else None
        url = _usable(value, page_url)
        if url is not None and not _FURNITURE_WORDS.search(urlsplit(url).path):
            return url
    return None


def _first_image(nodes: list[LexborNode], page_url: str, *, inside_article: bool) -> str | None:
    for node in nodes:
        if _is_decoration(node) or (not inside_article and _in_furniture(node)):
            continue
        attrs = node.attributes
        url = _usable(attrs.get("src") or attrs.get("data-src"), page_url)
        if url is not None:
            return url
    return None


def _usable(value: str | None, page_url: str) -> str | None:
    if not value or not value.strip() or value.strip().startswith("data:"):
        return None
    url = absolute(page_url, value.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.path.lower().endswith(".svg"):
        return None
    return url


def _is_decoration(node: LexborNode) -> bool:
    attrs = node.attributes
    words = " ".join(attrs.get(name) or "" for name in ("src", "alt", "class", "id"))
    if _FURNITURE_WORDS.search(words):
        return True
    sides = [_number(attrs.get("width")), _number(attrs.get("height"))]
    sides += [int(value) for _, value in _STYLE_SIDE.findall(attrs.get("style") or "")]
    return any(side is not None and side < MIN_SIDE for side in sides)


def _in_furniture(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        if parent.tag in _FURNITURE_TAGS:
            return True
        marks = f"{parent.attributes.get('class') or ''} {parent.attributes.get('id') or ''}"
        if _FURNITURE_BLOCKS.search(marks):
            return True
        parent = parent.parent
    return False


def _number(value: str | None) -> int | None:
    digits = re.fullmatch(r"\s*(\d+)\s*(?:px)?\s*", value or "")  # "90%" is no size
    return int(digits.group(1)) if digits else None
