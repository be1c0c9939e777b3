"""Long answers in pages: lists split across messages, and choices shown a page at a time.

Every message after the first of a split list starts with its heading marked "(tiếp)", so a
resident who sees only the second one still knows what it continues. Choices (commune
suggestions) come a page at a time; the last button of a page asks for the next one ("Thêm…",
a numbered line on Zalo and the console).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from bot import texts
from bot.channel import Reply
from bot.render import html_to_text, split_message, utf16_len

T = TypeVar("T")

CHOICES_PER_PAGE = 8


def continued_pages(html: str, limit: int) -> list[Reply]:
    """``html`` (lines of balanced HTML, the first its heading) split into messages that fit
    ``limit``; each message after the first starts with the heading marked "(tiếp)"."""
    heading, _, _ = html.partition("\n")
    marker = texts.continued(heading)
    room = limit - utf16_len(html_to_text(marker)) - 1  # the marker's own line
    pages = split_message(html, room)
    return pages[:1] + [Reply(f"{marker}\n{page.html}") for page in pages[1:]]


def page_count(total: int, size: int = CHOICES_PER_PAGE) -> int:
    return max(1, -(-total // size))


def page_of(items: Sequence[T], page: int, size: int = CHOICES_PER_PAGE) -> list[T]:
    """Items of ``page`` (1-based; a page past the end is the last one)."""
    page = min(max(page, 1), page_count(len(items), size))
    return list(items[(page - 1) * size : page * size])
