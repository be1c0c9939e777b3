"""Portal HTML to Loa's items: list pages to article links, article pages to :class:`ArticleData`.

Selectors come from each source's configuration and win where they match. Without them (or
where they match nothing) a page is read from what real pages carry: the JSON-LD article and
OpenGraph/meta tags (``news.metadata``), the labels the Điện Biên portals print ("Thời gian
đăng:", "Tác giả:"), ``<time>`` elements, a date line near the title ("Thứ Hai, 05/07/2017 -
08:57", "(GMT+7)"), the paragraphs of the page's main text and the byline closing it
(``news.bylines``). List pages without an ``item`` selector: the links shaped like the two
portal families' articles, else the links ``news.discover`` judges to be articles. Pure: bytes
or text in, values out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from urllib.parse import parse_qsl, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from news.bylines import byline, main_content
from news.dates import parse_date
from news.discover import article_links
from news.images import lead_image
from news.items import ArticleData, ListPage
from news.markup import SelectorError, node_text, outermost, parse_html, select, text_lines
from news.metadata import PageMeta, page_meta
from news.text import clean, summarize
from news.urls import absolute, canonical_url

Selectors = Mapping[str, str | None]

# Article links of the two portal families, for list pages without an ``item`` selector:
# /Tintuc/View/<slug>, /TIN_TUC/View/?UserKey=<slug>, /T/<slug>, /portal/Pages/2025-8-15/<slug>.aspx
_ARTICLE_PATH = re.compile(
    r"/\w+/View/|^/T/[^/]+$|/portal/Pages/\d{4}-\d{1,2}-\d{1,2}/[^/]+\.aspx$", re.IGNORECASE
)
_NEXT_WORDS = frozenset({"trang sau", "sau", "tiếp", "trang tiếp", "»", "›", ">", ">>", "next"})

# A date label at the start of a line or after a separator ("Lượt xem: 12 | Cập nhật: …").
_DATE_LABEL = re.compile(
    r"(?:^|[|•·–-])\s*(?:thời gian đăng|ngày đăng|cập nhật|đăng ngày)\b", re.IGNORECASE
)
_AUTHOR_LABEL = re.compile(r"^\s*tác giả\s*:\s*", re.IGNORECASE)
# Where a date line is looked for around the title, and how long it may be.
_DATE_LINES_BEFORE = 4
_DATE_LINES_AFTER = 12
_DATE_LINE_MAX = 80
_CLOCK = re.compile(r"\d{1,2}[:h]\d{2}|\b(?:phút|giờ|tiếng)\s+trước")
# Short lines that end the article: related-news headings, the portals' sidebar boxes, footer.
_END_MARKERS = (
    "các tin khác",
    "tin khác",
    "tin liên quan",
    "tin cùng chuyên mục",
    "ảnh đẹp huyện",
    "thư viện ảnh",
    "bản đồ hành chính",
    "liên kết website",
    "thống kê truy cập",
    "đang truy cập",
    "tổng truy cập",
    "cơ quan chủ quản",
    "bản quyền",
    "in bài viết",
    "quay lại",
)
# Short lines inside the article that are not its text (view counters).
_SKIP_MARKERS = ("lượt xem", "số lượt xem", "lượt đọc")
_MARKER_LINE_MAX = 60
# Blocks no article body ever includes (Tân Dân "other articles" box and its label).
_NOISE = ".tandan-div-article-other, #ctl00_PlaceHolderMain_ctl08_label"
_SITE_NAME = re.compile(r"cổng thông tin|trang thông tin|portal", re.IGNORECASE)


class ExtractError(ValueError):
    """The page is not an article Loa can read (no recognisable title, or a bad selector)."""


def parse_list_page(
    html: bytes | str, page_url: str, selectors: Selectors, *, encoding: str | None = None
) -> ListPage:
    """Absolute article links in page order (one per article) and the next list page, if any.

    ``next_page`` uses the ``next_page`` selector when configured (no match: last page);
    without one, a rel=next / "Trang sau" / "»" link or the link to ``PageIndex`` + 1.
    """
    tree = _parse(html, encoding)
    hrefs = _item_hrefs(tree, selectors.get("item")) or _article_like_hrefs(tree, page_url)
    links = _unique_links(hrefs, page_url) if hrefs else article_links(tree, page_url)
    return ListPage(
        links=links,
        next_page=_next_page(tree, page_url, selectors.get("next_page")),
    )


def parse_article_page(
    html: bytes | str,
    url: str,
    selectors: Selectors,
    *,
    encoding: str | None = None,
    now: datetime | None = None,
) -> ArticleData:
    """Title, date, author, category, body and summary of one article page.

    ``encoding`` is the charset of the HTTP Content-Type, when there is one; it wins over the
    page's ``<meta>``. The body is the article's paragraphs joined by blank lines, without the
    title, date or author lines and without the portals' sidebar boxes. ``now`` (aware): the
    moment the page was fetched, to read a date line such as "2 giờ trước".
    """
    tree = _parse(html, encoding)
    _remove(tree, _NOISE)
    meta = page_meta(tree)
    title = _title(tree, selectors.get("title"), meta)
    if not title:
        raise ExtractError(f"no article title found on {url}")
    page_lines = text_lines(tree.body) if tree.body is not None else []
    # The portals' label layout ("Thời gian đăng:" … "Tác giả:") is read line by line; other
    # pages by their main text container.
    labelled = _labelled_date(page_lines) is not None
    content = None if selectors.get("body") or labelled else main_content(tree)
    author = _author(tree, selectors.get("author"), page_lines, meta, content)
    body = _body(tree, selectors.get("body"), page_lines, title, content, author)
    return ArticleData(
        url=url,
        title=title,
        body=body,
        summary=summarize(body),
        author=author,
        published_at=_published(tree, selectors.get("date"), page_lines, meta, title, now),
        category=_selected_text(tree, selectors.get("category")) or None,
        image_url=_image(tree, url, selectors.get("body")),
    )


# --- list pages --------------------------------------------------------------------------


def _item_hrefs(tree: LexborHTMLParser, css: str | None) -> list[str]:
    if not css:
        return []
    hrefs = []
    for node in _select(tree, css):
        link = node if node.tag == "a" else node.css_first("a[href]")
        href = link.attributes.get("href") if link is not None else None
        if href:
            hrefs.append(href)
    return hrefs


def _article_like_hrefs(tree: LexborHTMLParser, page_url: str) -> list[str]:
    host = urlsplit(page_url).hostname
    hrefs = []
    for node in tree.css("a[href]"):
        href = node.attributes.get("href") or ""
        parts = urlsplit(absolute(page_url, href))
        if parts.hostname == host and _ARTICLE_PATH.search(parts.path):
            hrefs.append(href)
    return hrefs


def _unique_links(hrefs: list[str], page_url: str) -> list[str]:
    """Absolute http(s) links, first of each article kept (variants differ only in noise)."""
    seen: set[str] = set()
    links = []
    for href in hrefs:
        link = absolute(page_url, href)
        key = canonical_url(link)
        if urlsplit(link).scheme in ("http", "https") and key not in seen:
            seen.add(key)
            links.append(link)
    return links


def _next_page(tree: LexborHTMLParser, page_url: str, css: str | None) -> str | None:
    if css:
        nodes = _select(tree, css)
        link = _link_of(nodes[0]) if nodes else None
    else:
        link = _next_link_guess(tree, page_url)
    if not link:
        return None
    target = absolute(page_url, link)
    # A selector that matches the current page would make the poller loop.
    return None if target.split("#")[0] == page_url.split("#")[0] else target


def _link_of(node: LexborNode) -> str | None:
    link = node if node.tag == "a" else node.css_first("a[href]")
    return link.attributes.get("href") if link is not None else None


def _next_link_guess(tree: LexborHTMLParser, page_url: str) -> str | None:
    anchors = tree.css("a[href]")
    for node in anchors:
        rel = (node.attributes.get("rel") or "").lower().split()
        words = {node_text(node).lower(), (node.attributes.get("title") or "").lower()}
        if "next" in rel or words & _NEXT_WORDS:
            return node.attributes.get("href")
    wanted = str(_page_index(page_url) + 1)
    path = urlsplit(page_url).path
    for node in anchors:
        target = urlsplit(absolute(page_url, node.attributes.get("href") or ""))
        if target.path == path and _page_index_of(target.query) == wanted:
            return node.attributes.get("href")
    return None


def _page_index(url: str) -> int:
    value = _page_index_of(urlsplit(url).query)
    return int(value) if value and value.isdigit() else 1


def _page_index_of(query: str) -> str | None:
    for name, value in parse_qsl(query):
        if name.lower() == "pageindex":
            return value
    return None


# --- article pages -----------------------------------------------------------------------


def _title(tree: LexborHTMLParser, css: str | None, meta: PageMeta) -> str:
    selected = _selected_text(tree, css)
    if selected:
        return selected
    head = tree.css_first("title")
    page_title = node_text(head) if head is not None else ""
    declared = [text for text in (meta.headline, meta.og_title, page_title) if text]
    # The visible heading is complete; <title> adds the site name (and may be truncated).
    for node in tree.css("h1, h2, h3, [class*='title']"):
        text = node_text(node)
        if len(text) >= 8 and any(title.startswith(text) for title in declared):
            return text
    h1 = tree.css_first("h1")
    candidates = (
        meta.headline,
        _without_site_name(meta.og_title, meta.site_name),
        node_text(h1) if h1 is not None else "",
        _without_site_name(page_title, meta.site_name),
    )
    return next((text for text in candidates if text and not _SITE_NAME.search(text)), "")


def _without_site_name(page_title: str, site_name: str = "") -> str:
    for separator in (" - ", " | ", " – "):
        head, found, site = page_title.rpartition(separator)
        if not (found and head):
            continue
        named = _is_paper(site) or (bool(site_name) and site_name.lower() in site.lower())
        if named or _SITE_NAME.search(site) or site.isupper():
            return head.strip()
    return page_title


def _is_paper(site: str) -> bool:
    """A newspaper's name after the title ("Báo VnExpress Sức khỏe")."""
    return site.lower().startswith(("báo ", "tạp chí ")) or bool(_SITE_NAME.search(site))


def _published(
    tree: LexborHTMLParser,
    css: str | None,
    lines: list[str],
    meta: PageMeta,
    title: str,
    now: datetime | None,
) -> datetime | None:
    selected = _selected_text(tree, css)
    value = parse_date(selected, now=now) if selected else None
    if value is None and meta.published:
        value = _declared(meta, lines, title, now)
    if value is None:
        value = _labelled_date(lines)
    if value is None:
        node = tree.css_first("time[datetime]")
        if node is not None:
            value = parse_date(node.attributes.get("datetime"))
    if value is None:
        value = _date_near_title(lines, title, now)
    return value


def _declared(
    meta: PageMeta, lines: list[str], title: str, now: datetime | None
) -> datetime | None:
    """The time the page declares. When its declarations disagree (cafebiz's JSON-LD says
    +08:00 where its meta tag and the printed line say 13:39 in Vietnam), the one the reader
    sees printed under the title wins."""
    values = [parse_date(text) for text in (meta.published, *meta.published_also)]
    found = [value for value in values if value is not None]
    if len({value for value in found}) <= 1:
        return found[0] if found else None
    printed = _labelled_date(lines) or _date_near_title(lines, title, now)
    return next((value for value in found if value == printed), found[0])


def _date_near_title(lines: list[str], title: str, now: datetime | None) -> datetime | None:
    """A short date line next to the title: after it before before it, one with a time of day
    first. Pages may repeat the title (a sticky header): each place is looked at. A page
    whose title is not among its lines gives None: portals print today's date in their header,
    and a guess from the top of the page would date the article to the day it was read."""
    places = [index for index, line in enumerate(lines) if line == title]
    after: list[str] = []
    before: list[str] = []
    for start in places:
        after.extend(lines[start + 1 : start + _DATE_LINES_AFTER])
        before.extend(lines[max(0, start - _DATE_LINES_BEFORE) : start])
    dated = [
        (line, value)
        for line in after + before
        if len(line) <= _DATE_LINE_MAX and (value := parse_date(line, now=now)) is not None
    ]
    timed = [value for line, value in dated if _CLOCK.search(line)]
    choices = timed or [value for _, value in dated]
    return choices[0] if choices else None


def _labelled_date(lines: list[str]) -> datetime | None:
    for line in lines:
        found = _DATE_LABEL.search(line)
        if found:
            value = parse_date(line[found.start() :].lstrip("|•·–- "))
            if value is not None:
                return value
    return None


def _is_date_line(line: str) -> bool:
    """A short line that is a labelled date (not a paragraph starting "Cập nhật tình hình…")."""
    return (
        len(line) <= _MARKER_LINE_MAX
        and _DATE_LABEL.match(line) is not None
        and parse_date(line) is not None
    )


def _author(
    tree: LexborHTMLParser,
    css: str | None,
    lines: list[str],
    meta: PageMeta,
    content: LexborNode | None,
) -> str | None:
    selected = _selected_text(tree, css)
    if selected:
        return clean(_AUTHOR_LABEL.sub("", selected)) or None
    for line in lines:
        if _AUTHOR_LABEL.match(line):
            return clean(_AUTHOR_LABEL.sub("", line)) or None
    if meta.authors:
        return ", ".join(meta.authors)
    return byline(tree, content)


def _body(
    tree: LexborHTMLParser,
    css: str | None,
    page_lines: list[str],
    title: str,
    content: LexborNode | None,
    author: str | None,
) -> str:
    lines: list[str] = []
    if css:
        for node in outermost(_select(tree, css)):
            lines.extend(text_lines(node))
    elif content is not None:
        lines = text_lines(content)
    if not lines:
        lines = page_lines[_body_start(page_lines, title) :]
    kept = _article_lines(lines, title)
    if kept and author and author in kept[-1] and len(kept[-1]) <= len(author) + 10:
        kept.pop()  # the signature under the story is the author, not its text
    return "\n\n".join(kept)


def _image(tree: LexborHTMLParser, url: str, css: str | None) -> str | None:
    return lead_image(tree, url, outermost(_select(tree, css)) if css else None)


def _body_start(lines: list[str], title: str) -> int:
    """Index of the first line after the title and the date line (0 when neither is found)."""
    start = 0
    for index, line in enumerate(lines):
        if line == title or _is_date_line(line):
            start = index + 1
        elif start:
            break
    return start


def _article_lines(lines: list[str], title: str) -> list[str]:
    kept = []
    for line in lines:
        if _AUTHOR_LABEL.match(line) or _is_marker(line, _END_MARKERS):
            break
        if line != title and not _is_date_line(line) and not _is_marker(line, _SKIP_MARKERS):
            kept.append(line)
    return kept


def _is_marker(line: str, markers: tuple[str, ...]) -> bool:
    return len(line) <= _MARKER_LINE_MAX and line.lower().startswith(markers)


# --- helpers -----------------------------------------------------------------------------


def _parse(html: bytes | str, encoding: str | None) -> LexborHTMLParser:
    return parse_html(html, encoding)


def _select(tree: LexborHTMLParser, css: str) -> list[LexborNode]:
    try:
        return select(tree, css)
    except SelectorError as exc:
        raise ExtractError(str(exc)) from exc


def _selected_text(tree: LexborHTMLParser, css: str | None) -> str:
    """Text of the first node ``css`` matches that has any text ("" when none)."""
    if not css:
        return ""
    for node in _select(tree, css):
        text = node_text(node)
        if text:
            return text
    return ""


def _remove(tree: LexborHTMLParser, css: str) -> None:
    for node in tree.css(css):
        node.decompose()
