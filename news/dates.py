"""Dates as the portals print them, read day-first and made timezone-aware.

Vietnamese pages write dd/mm/yyyy; a date is never read month-first, and one that does not fit
day-first is rejected rather than guessed. Times without a zone are Vietnam time.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

from news.text import clean

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# Labels printed before a date ("Thời gian đăng: …", "Đăng ngày …"); removed before parsing.
_LABEL = re.compile(
    r"^\s*(?:(?:thời gian đăng|ngày đăng|ngày cập nhật|cập nhật|đăng ngày|đăng lúc)\s*:?"
    r"|ngày\s*:)\s*",
    re.IGNORECASE,
)
_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$"
)
_RFC822 = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_DAY_FIRST = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_TIME = re.compile(
    r"(?<![\d/])(\d{1,2})(?::|h)(\d{2})(?::(\d{2}))?(?:\s*(am|pm|sa|ch)\b)?(?![\d/])", re.I
)
_OFFSET = re.compile(r"(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)


def parse_date(text: str | None) -> datetime | None:
    """An aware datetime for a date as printed, or None when it cannot be read with certainty."""
    text = _LABEL.sub("", clean(text))
    if not text:
        return None
    for parser in (_parse_iso, _parse_rfc822, _parse_day_first):
        try:
            value = parser(text)
        except (ValueError, OverflowError, IndexError, TypeError):
            value = None
        if value is not None:
            return value if value.tzinfo else value.replace(tzinfo=VIETNAM)
    return None


def _parse_iso(text: str) -> datetime | None:
    if not _ISO.match(text):
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _parse_rfc822(text: str) -> datetime | None:
    if not _RFC822.search(text):
        return None
    return parsedate_to_datetime(text)


def _parse_day_first(text: str) -> datetime | None:
    found = _DAY_FIRST.search(text) or _WORDS.search(text)
    if found is None:
        return None
    day, month, year = (int(part) for part in found.groups())
    rest = text[: found.start()] + " " + text[found.end() :]
    hour, minute, second = _time_of_day(rest)
    value = datetime(year, month, day, hour, minute, second)
    offset = _OFFSET.search(rest)
    if offset is None:
        return value
    sign, hours, minutes = offset.groups()
    return datetime.fromisoformat(f"{value.isoformat()}{sign}{int(hours):02d}:{minutes or '00'}")


def _time_of_day(text: str) -> tuple[int, int, int]:
    """Hour, minute, second found in ``text`` (midnight when it names no time)."""
    found = _TIME.search(text)
    if found is None:
        return 0, 0, 0
    hour, minute = int(found[1]), int(found[2])
    second = int(found[3] or 0)
    marker = (found[4] or "").lower()
    if marker:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} with {marker}")
        hour = hour % 12 + (12 if marker in ("pm", "ch") else 0)
    return hour, minute, second
