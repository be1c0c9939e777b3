"""What a page at an address is, and which of its links are articles, found without selectors.

- ``looks_like_feed``: RSS/Atom bytes (sniffed, whatever the Content-Type says);
- ``advertised_feeds``: the feeds an HTML page names in ``<link rel="alternate">``;
- ``unreadable_reason``: a JavaScript-only shell, a redirect stub or an anti-bot challenge;
- ``article_links``: the links of a list page or homepage that lead to articles.

Article links are told from the rest by what news sites have in common: an article's address
carries a long slug or a long numeric id, its anchor text reads like a headline (several words,
not a one-word section name), and a page lists many articles of the same URL shape. Links in
navigation, menus, footers, tag clouds, pagers, and links to other sites are left out. Pure:
a parsed page in, absolute URLs out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from news.markup import node_text
from news.urls import absolute, canonical_url

_FEED_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S
)
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")

# Blocks whose links are never articles: site chrome. Matched against tag, id and class words.
_CHROME_TAGS = frozenset({"nav", "footer", "header"})
_CHROME_WORDS = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|mainmenu|submenu|megamenu|footer|breadcrumbs?|"
    r"tags?|tag-list|keywords?|pager|paging|pagination|social|share|sitemap|copyright|"
    r"lienket|weblink|login|search)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
# Path segments of pages that are not articles.
_NOT_ARTICLE_SEGMENTS = frozenset(
    {
        "tag",
        "tags",
        "chu-de",
        "tu-khoa",
        "tim-kiem",
        "search",
        "login",
        "dang-nhap",
        "lien-he",
        "author",
        "tac-gia",
        "rss",
        "feed",
        "category",
        "danh-muc",
    }
)
_SLUG_SPLIT = re.compile(r"[-_+]+|%20")
_LONG_ID = re.compile(r"\d{5,}")
# A date in the path (/2017/08/30/, /202408/, /2025-8-15/): blogs' and newspapers' articles.
_DATED = re.compile(r"/(?:19|20)\d{2}(?:/\d{1,2}/|\d{2}/|-\d{1,2}-\d{1,2}/)")
_WORD = re.compile(r"\w+")
HEADLINE_WORDS = 5  # Vietnamese words are syllables: a headline has many, a section name few
SLUG_WORDS = 4
MIN_GROUP = 3  # URLs of one shape that make a list of articles
NUMBERED_SHARE = 0.9  # of the headline links carrying an id or a date: the site numbers them


@dataclass(slots=True)
class _Candidate:
    url: str
    shape: str
    order: int
    slug_words: int
    long_id: bool  # a long number or a date in the address: an article's identity
    words: int = 0  # of the longest anchor text pointing at this URL


@dataclass(slots=True)
class _Group:
    members: list[_Candidate] = field(default_factory=list)

    def share(self, test: str) -> float:
        hits = sum(1 for member in self.members if _passes(member, test))
        return hits / len(self.members)


def looks_like_feed(content: bytes) -> bool:
    """RSS, Atom or RDF bytes (a BOM and comments before the root are allowed)."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf")
    return _FEED_START.match(head) is not None


def advertised_feeds(tree: LexborHTMLParser, page_url: str) -> list[str]:
    """Absolute URLs of the feeds the page advertises, in page order."""
    feeds: list[str] = []
    for node in tree.css("link[rel~='alternate'][href]"):
        kind = (node.attributes.get("type") or "").lower().strip()
        if kind in _FEED_TYPES:
            url = absolute(page_url, node.attributes.get("href") or "")
            if urlsplit(url).scheme in ("http", "https") and url not in feeds:
                feeds.append(url)
    return feeds


def article_links(tree: LexborHTMLParser, page_url: str) -> list[str]:
    """Absolute article URLs of a list page or homepage, one per article, in page order."""
    candidates = _candidates(tree, page_url)
    groups: dict[str, _Group] = defaultdict(_Group)
    for candidate in candidates.values():
        groups[candidate.shape].members.append(candidate)
    kept = [
        member for group in groups.values() for member in group.members if _keeps(group, member)
    ]
    # A site that numbers (or dates) nearly every story it lists (links with a headline's
    # words) numbers them all: its unnumbered links of the same shape are sections (Dân trí's
    # /kinh-doanh/tai-chinh-dau-tu.htm beside /kinh-doanh/<slug>-<id>.htm), whose long names
    # only look like slugs.
    stories = [member for member in kept if _passes(member, "headline")]
    if stories and sum(member.long_id for member in stories) >= NUMBERED_SHARE * len(stories):
        kept = [member for member in kept if member.long_id]
    return [member.url for member in sorted(kept, key=lambda member: member.order)]


def _keeps(group: _Group, member: _Candidate) -> bool:
    """A member of a large, headline-rich group of article-shaped URLs; or, alone, both."""
    if not _passes(member, "address"):
        return False
    if len(group.members) >= MIN_GROUP and group.share("headline") >= 0.5:
        if group.share("address") >= 0.6:
            return True
        # A section's group mixes its subsections with its stories: judge each on its own.
    return _passes(member, "headline") and member.slug_words >= SLUG_WORDS + 1


def _passes(member: _Candidate, test: str) -> bool:
    if test == "headline":
        return member.words >= HEADLINE_WORDS
    return member.slug_words >= SLUG_WORDS or member.long_id


def _candidates(tree: LexborHTMLParser, page_url: str) -> dict[str, _Candidate]:
    site = _site(urlsplit(page_url).hostname or "")
    page_parts = urlsplit(page_url)
    page_key = (
        _site(page_parts.hostname or "")
        + canonical_url(page_url).split("://", 1)[1].split("/", 1)[-1]
    )
    found: dict[str, _Candidate] = {}
    for order, node in enumerate(tree.css("a[href]")):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = absolute(page_url, href).split("#")[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or _site(parts.hostname or "") != site:
            continue
        # http/https and www./bare are one page (portals link both ways).
        key = _site(parts.hostname or "") + canonical_url(url).split("://", 1)[1].split("/", 1)[-1]
        if key == page_key or _in_chrome(node):
            continue
        candidate = found.get(key)
        if candidate is None:
            slug_words, long_id, skip = _address(parts.path, parts.query)
            if skip:
                continue
            candidate = _Candidate(url, _shape(parts.path, parts.query), order, slug_words, long_id)
            found[key] = candidate
        text = node_text(node) or (node.attributes.get("title") or "")
        candidate.words = max(candidate.words, len(_WORD.findall(text)))
    return found


def _site(host: str) -> str:
    """The host without ``www.``: ``www.x.vn`` and ``x.vn`` are one site, subdomains are not."""
    host = host.lower()
    return host[4:] if host.startswith("www.") else host


def _in_chrome(node: LexborNode) -> bool:
    chain: list[LexborNode] = []
    element: LexborNode | None = node
    while element is not None and element.tag not in ("body", "html"):
        chain.append(element)
        element = element.parent
    # A <header>/<footer> inside an <article> is the card's own (its headline link), not the
    # page's: themes wrap each listed story as <article><header><h2><a>.
    article = next((i for i, e in enumerate(chain) if e.tag == "article"), None)
    for index, element in enumerate(chain):
        inside_article = article is not None and index < article
        if element.tag in _CHROME_TAGS and (element.tag == "nav" or not inside_article):
            return True
        words = f"{element.attributes.get('id') or ''} {element.attributes.get('class') or ''}"
        if words.strip() and _CHROME_WORDS.search(words):
            return True
    return False


def _address(path: str, query: str) -> tuple[int, bool, bool]:
    """Words of the longest slug, whether a long numeric id is present, whether to skip."""
    segments = [segment for segment in path.split("/") if segment]
    if any(segment.lower() in _NOT_ARTICLE_SEGMENTS for segment in segments[:-1] or segments):
        return 0, False, True
    values = segments + [value for _, value in parse_qsl(query)]
    slug_words = max((_slug_words(value) for value in values), default=0)
    last = segments[-1] if segments else ""
    identified = _LONG_ID.search(last) or _LONG_ID.search(query) or _DATED.search(path + "/")
    return slug_words, bool(identified), False


def _slug_words(value: str) -> int:
    stem = re.sub(r"\.[a-z]{2,5}$", "", value, flags=re.IGNORECASE)
    return len([part for part in _SLUG_SPLIT.split(stem) if part and not part.isdigit()])


def _shape(path: str, query: str) -> str:
    """The URL's template: literal short segments, ``*`` for slugs, ``#`` for numbers."""
    parts = []
    segments = [segment for segment in path.split("/") if segment]
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment.isdigit() or re.fullmatch(r"[\d-]+", segment):
            parts.append("#")
        elif last or _slug_words(segment) >= SLUG_WORDS:
            extension = re.search(r"\.[a-z]{2,5}$", segment, re.IGNORECASE)
            parts.append("*" + (extension.group(0).lower() if extension else ""))
        else:
            parts.append(segment.lower())
    names = sorted({name.lower() for name, _ in parse_qsl(query) if name.lower() != "pageindex"})
    return "/" + "/".join(parts) + ("?" + "&".join(names) if names else "")


# --- pages with nothing to read ------------------------------------------------------------

_CHALLENGE = re.compile(
    r"just a moment|checking your browser|cf-browser-verification|challenge-platform|"
    r"cf_chl_|attention required|ddos protection|captcha|are you a robot|"
    r"access denied|request unsuccessful|incapsula|xác minh bạn không phải",
    re.IGNORECASE,
)
_SCRIPT_REDIRECT = re.compile(
    r"(?:window\.|document\.|top\.)?location(?:\.href)?\s*=|location\.(?:replace|assign)\s*\(",
    re.IGNORECASE,
)
_NOSCRIPT_JS = re.compile(
    r"enable javascript|bật javascript|javascript is (?:required|disabled)", re.I
)
_VISIBLE_TEXT_MIN = 200  # characters of text a page needs to be more than a shell
_LINKS_MIN = 3


def unreadable_reason(tree: LexborHTMLParser) -> str | None:
    """Why the page holds nothing to read: "an anti-bot challenge", "a redirect stub" or "a
    JavaScript-only shell"; None for a page with content."""
    head = tree.css_first("title")
    title = node_text(head) if head is not None else ""
    body = tree.body
    text = node_text(body) if body is not None else ""
    links = len(tree.css("a[href]"))
    scripts = " ".join(node.text(deep=True) or "" for node in tree.css("script"))
    thin = len(text) < _VISIBLE_TEXT_MIN and links < _LINKS_MIN
    if _CHALLENGE.search(title) or (thin and _CHALLENGE.search(text + " " + scripts)):
        return "an anti-bot challenge"
    refresh = any(
        (node.attributes.get("http-equiv") or "").lower() == "refresh"
        for node in tree.css("meta[http-equiv]")
    )
    if thin and (refresh or _SCRIPT_REDIRECT.search(scripts)):
        return "a redirect stub"
    noscript = " ".join(node_text(node) for node in tree.css("noscript"))
    if thin and (tree.css("script") or _NOSCRIPT_JS.search(noscript)):
        return "a JavaScript-only shell"
    return None
