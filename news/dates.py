"""Dates as the portals print them, read day-first and made timezone-aware.

Vietnamese pages write dd/mm/yyyy; a date is never read month-first, and one that does not fit
day-first is rejected rather than guessed. Times without a zone are Vietnam time.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
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
# Two-digit years ("24/12/12 11:05 tối") are read as 20yy; only a slash form, to stay certain.
_DAY_FIRST_SHORT = re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{1,2})/(\d{2})(?![\d/])")
_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
# "8 January 2020, 3:51 pm": day first too, the month in English (foreign-language editions).
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH_NAME = re.compile(
    r"(?<!\d)(\d{1,2})\.?\s+(" + "|".join(_MONTHS) + r")[a-z]*\.?,?\s+(\d{4})", re.I
)
_TIME = re.compile(
    r"(?<![\d/])(\d{1,2})(?::|h)(\d{2})(?::(\d{2}))?"
    r"(?:\s*(am|pm|sa|ch|sáng|trưa|chiều|tối|đêm)(?!\w))?(?![\d/])",
    re.I,
)
# "2 giờ trước", "15 phút trước", "3 ngày trước": read only against a given ``now``.
_RELATIVE = re.compile(r"(\d{1,3})\s*(phút|giờ|tiếng|ngày|tuần)\s+trước", re.I)
_RELATIVE_UNIT = {"phút": 60, "giờ": 3600, "tiếng": 3600, "ngày": 86400, "tuần": 604800}
# Vietnamese words for the part of the day after a 12-hour time.
_MORNING = frozenset({"am", "sa", "sáng"})
_AFTERNOON = frozenset({"pm", "ch", "chiều", "tối"})
_OFFSET = re.compile(r"(?:gmt|utc)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)


def parse_date(text: str | None, *, now: datetime | None = None) -> datetime | None:
    """An aware datetime for a date as printed, or None when it cannot be read with certainty.

    With ``now`` (aware), a relative time such as "2 giờ trước" is read too, to the minute.
    """
    text = _LABEL.sub("", clean(text))
    if not text:
        return None
    if now is not None:
        relative = _RELATIVE.search(text)
        if relative is not None and not _DAY_FIRST.search(text):
            seconds = int(relative[1]) * _RELATIVE_UNIT[relative[2].lower()]
            return (now - timedelta(seconds=seconds)).replace(second=0, microsecond=0)
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
    century = 0
    named = _DAY_MONTH_NAME.search(text) if found is None else None
    if named is not None:
        month = _MONTHS.index(named[2][:3].lower()) + 1
        rest = text[: named.start()] + " " + text[named.end() :]
        return _at(datetime(int(named[3]), month, int(named[1])), rest)
    if found is None:
        found = _DAY_FIRST_SHORT.search(text)
        century = 2000
    if found is None:
        return None
    day, month, year = (int(part) for part in found.groups())
    year += century
    rest = text[: found.start()] + " " + text[found.end() :]
    return _at(datetime(year, month, day), rest)


def _at(day: datetime, rest: str) -> datetime:
    """``day`` at the time of day (and in the offset) that ``rest`` names."""
    hour, minute, second = _time_of_day(rest)
    value = day.replace(hour=hour, minute=minute, second=second)
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
        hour = _twenty_four(hour, marker)
    return hour, minute, second


def _twenty_four(hour: int, marker: str) -> int:
    """A 12-hour ``hour`` (1-12) followed by AM/PM or a Vietnamese part of the day."""
    if marker in _MORNING:
        return hour % 12
    if marker in _AFTERNOON:
        return hour % 12 + 12
    if marker == "trưa":  # noon: "11:30 trưa", "12:15 trưa", "1:00 trưa"
        return hour if hour >= 11 else hour + 12
    # "đêm": late evening ("10 giờ đêm") or the small hours ("2:00 đêm")
    return hour + 12 if 8 <= hour <= 11 else hour % 12
