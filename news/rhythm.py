"""A resident's rhythm as time rules: pure functions, no I/O, no clock (``now`` is given).

A daily bulletin time ("07:00") and quiet hours ("22:00-06:00", which may span midnight) are
wall-clock times in a time zone (Vietnam's: no daylight saving time, but nothing here assumes
that). What residents type is read leniently: "7:00", "07:00", "7h", "7h30", "19.30", and
"22h-6h", "22:00 – 06:00", "22:00 đến 06:00" for a window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from news.text import fold

_TIME = re.compile(r"^(\d{1,2})\s*(?:[:.h]\s*(\d{2})?)?$")
_WINDOW_SEPARATORS = re.compile(r"\s*(?:-|–|—|~|\bden\b|\bto\b)\s*")


@dataclass(frozen=True, slots=True)
class Window:
    """Quiet hours from ``start`` (included) to ``end`` (excluded); ``end`` before ``start``
    means the window spans midnight."""

    start: time
    end: time

    def __str__(self) -> str:  # the stored form, "22:00-06:00"
        return f"{format_time(self.start)}-{format_time(self.end)}"

    @property
    def spans_midnight(self) -> bool:
        return self.end < self.start


def format_time(moment: time) -> str:
    """``07:00``: how a time is stored and shown."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def parse_time(text: str) -> time | None:
    """A time of day as residents type it ("7:00", "07:00", "7h", "7h30", "19.30"), or None."""
    found = _TIME.match(fold(text).strip())
    if found is None:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_window(text: str) -> Window | None:
    """Quiet hours as residents type them ("22:00-06:00", "22h - 6h", "22:00 đến 6:00"), or
    None when it is not two times, or both are the same (an empty or whole-day window)."""
    parts = _WINDOW_SEPARATORS.split(fold(text).strip())
    if len(parts) != 2:
        return None
    start, end = parse_time(parts[0]), parse_time(parts[1])
    if start is None or end is None or start == end:
        return None
    return Window(start, end)


def _at(day: datetime, moment: time, tz: tzinfo) -> datetime:
    return datetime.combine(day.date(), moment, tzinfo=tz)


def next_at(now: datetime, moment: time, tz: tzinfo) -> datetime:
    """The first instant after ``now`` when the clock in ``tz`` reads ``moment``."""
    local = now.astimezone(tz)
    candidate = _at(local, moment, tz)
    if candidate <= local:
        candidate = _at(local + timedelta(days=1), moment, tz)
    return candidate


def window_around(now: datetime, window: Window, tz: tzinfo) -> tuple[datetime, datetime]:
    """The occurrence of ``window`` that contains ``now``, else the next one: (start, end)."""
    local = now.astimezone(tz)
    start = _at(local, window.start, tz)
    if window.spans_midnight and local.time() < window.end:
        start -= timedelta(days=1)  # in the part after midnight of the window begun yesterday
    end = _at(start, window.end, tz)
    if window.spans_midnight:
        end = _at(start + timedelta(days=1), window.end, tz)
    if end <= local:  # today's window is over: the next is tomorrow's
        start = _at(start + timedelta(days=1), window.start, tz)
        end = _at(end + timedelta(days=1), window.end, tz)
    return start, end


def quiet_until(now: datetime, window: Window | None, tz: tzinfo) -> datetime | None:
    """When the quiet hours around ``now`` end; None when ``now`` is not in them."""
    if window is None:
        return None
    start, end = window_around(now, window, tz)
    return end if start <= now < end else None


def bulletin_due(now: datetime, bulletin: time, window: Window | None, tz: tzinfo) -> datetime:
    """When the next bulletin goes: the next ``bulletin`` time, or, when that falls in the
    resident's quiet hours, the end of them (quiet is what the resident asked for too)."""
    due = next_at(now, bulletin, tz)
    return quiet_until(due, window, tz) or due
