"""Articles as chat messages: pure functions, no I/O.

Output is the Telegram-HTML subset of ``Reply.html`` with every field escaped; channels without
markup use ``html_to_text``. Length limits are checked on the text a resident actually sees
(``html_to_text`` of the message, which is never shorter than Telegram's text after entity
parsing) and counted in UTF-16 code units: never fewer than code points, so one limit is safe
for Telegram (4096) and for Zalo (2000) alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

from bot import texts
from bot.channel import Reply
from news.text import clean
from storage.models import Article

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
EMERGENCY_TOPIC = "canh-bao"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_ELLIPSIS = "…"


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What a message shows of an article (built from a stored row or a search hit)."""

    title: str
    url: str
    published_at: datetime | None = None
    author: str | None = None
    summary: str = ""
    communes: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    image_url: str | None = None  # the lead image: the message is then a photo with caption


def article_view(article: Article, communes: Sequence[str], topics: Sequence[str]) -> ArticleView:
    """The view of a stored article and its tags."""
    return ArticleView(
        title=article.title,
        url=article.url,
        published_at=article.published_at,
        author=article.author,
        summary=article.summary,
        communes=tuple(communes),
        topics=tuple(topics),
        image_url=article.image_url,
    )


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, budget: int) -> str:
    """``text`` shortened to at most ``budget`` UTF-16 units, at a word boundary, with "…"."""
    if utf16_len(text) <= budget:
        return text
    if budget <= 0:
        return ""
    kept, used = [], 0
    for char in text:
        used += utf16_len(char)
        if used > budget - 1:  # keep one unit for the ellipsis
            break
        kept.append(char)
    head = "".join(kept)
    words = head.rsplit(" ", 1)[0] if " " in head else head
    if len(words) >= len(head) // 2:  # a word boundary unless it throws away too much
        head = words
    return head.rstrip(" ,;:-–\u200d") + _ELLIPSIS


def format_date(moment: datetime) -> str:
    """dd/mm/yyyy HH:MM in Vietnam's time."""
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def first_sentences(summary: str, count: int = 2) -> str:
    """The first ``count`` sentences: a message teases the article, the link tells it."""
    sentences = _SENTENCE_END.split(clean(summary))
    return " ".join(sentences[:count])


def render_article(view: ArticleView, limit: int) -> Reply:
    """One article as a message whose visible text fits ``limit`` UTF-16 units.

    With ``view.image_url`` the message is that photo with this text as caption (pass the
    channel's caption limit). The summary is cut to fit (the title too, in the pathological
    case where even the message without summary is too long); tags are never cut, since the
    cut happens on the raw fields before escaping.
    """
    title = clean(view.title)
    summary = first_sentences(view.summary)
    skeleton = _article_html(view, title, "")
    overflow = utf16_len(html_to_text(skeleton)) - limit
    if overflow > 0:
        title = cut(title, utf16_len(title) - overflow)
        skeleton = _article_html(view, title, "")
    room = limit - utf16_len(html_to_text(skeleton)) - 2  # the blank line before the summary
    summary = cut(summary, room)
    html = _article_html(view, title, summary) if summary else skeleton
    return Reply(html, photo_url=view.image_url)


def _article_html(view: ArticleView, title: str, summary: str) -> str:
    mark = f"{texts.EMERGENCY_MARK} " if EMERGENCY_TOPIC in view.topics else ""
    head = [f"{mark}<b>{escape(title)}</b>"]
    if view.published_at is not None:
        head.append(f"🗓 {format_date(view.published_at)}")
    author = clean(view.author)
    if author:
        head.append(f"✍️ {escape(author)}")
    if view.communes:
        head.append("📍 " + escape(", ".join(view.communes)))
    parts = ["\n".join(head)]
    if summary:
        parts.append(escape(summary))
    parts.append(f'🔗 <a href="{escape(view.url)}">{texts.READ_MORE}</a>')
    return "\n\n".join(parts)


def render_article_list(heading: str, views: Sequence[ArticleView], limit: int) -> list[Reply]:
    """A numbered list (for /tinmoi and /timkiem), split into messages that fit ``limit``.

    ``heading`` is trusted HTML from ``bot.texts``.
    """
    pages: list[list[str]] = [[heading]]
    room = limit - utf16_len(html_to_text(texts.continued(heading))) - 2
    for number, view in enumerate(views, start=1):
        item = _list_item(number, view, room)
        candidate = "\n\n".join([*pages[-1], item])
        if utf16_len(html_to_text(candidate)) > limit and len(pages[-1]) > 1:
            pages.append([texts.continued(heading), item])
        else:
            pages[-1].append(item)
    return [Reply("\n\n".join(page)) for page in pages]


def _list_item(number: int, view: ArticleView, limit: int) -> str:
    details = [f"🗓 {format_date(view.published_at)}"] if view.published_at else []
    if view.communes:
        details.append("📍 " + escape(", ".join(view.communes)))
    tail = ("\n" + " · ".join(details)) if details else ""
    href = escape(view.url)
    # One character of title in the skeleton, so the link reads "title (url)" as it will.
    skeleton = f'{number}. <a href="{href}">.</a>{tail}'
    title = cut(clean(view.title), limit - utf16_len(html_to_text(skeleton)) + 1)
    return f'{number}. <a href="{href}">{escape(title)}</a>{tail}'


def split_message(html: str, limit: int) -> list[Reply]:
    """A long message (each line balanced HTML) split at line ends into messages that fit."""
    pages: list[list[str]] = [[]]
    for line in html.split("\n"):
        candidate = "\n".join([*pages[-1], line])
        if pages[-1] and utf16_len(html_to_text(candidate)) > limit:
            pages.append([line])
        else:
            pages[-1].append(line)
    return [Reply("\n".join(page)) for page in pages]


def html_to_text(html: str) -> str:
    """Plain text for channels without markup: tags removed, entities decoded, links as URLs.

    A link whose text differs from its address reads "text (address)".
    """
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[tuple[str | None, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag != "a" or not self._links:
            return
        href, start = self._links.pop()
        label = "".join(self.parts[start:])
        if href and href != label:
            self.parts.append(f" ({href})" if label else href)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def render_broadcast(text: str, emergency: bool, author: str | None = None) -> Reply:
    """An administrator's announcement as residents see it (the preview shows exactly this):
    signed "📢 UBND xã Sam Mứn: …" by ``author`` (unsigned when None: broadcasts from
    before signatures)."""
    mark = f"{texts.EMERGENCY_MARK} " if emergency else ""
    signature = f"{texts.BROADCAST_SIGNATURE} {escape(author)}: " if author else ""
    return Reply(signature + mark + escape(text))
