"""Times of day as residents say them: "7 giờ sáng", "6 giờ chiều", "10 giờ tối", "7h30", "19h",
"7 giờ rưỡi", and windows "từ 10 giờ tối đến 6 giờ sáng" (pure, no I/O).

Works on folded text ("6 gio chieu"). ``news.rhythm`` reads the strict forms the commands
document ("07:00", "22:00-06:00"); this reads speech, and both give a ``datetime.time``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from itertools import pairwise

from news.rhythm import Window

# "7 gio 30", "7h30", "7:30", "7g", "19.30", "7 gio ruoi", "6 chieu"; the part of the day after.
_PERIOD = r"(?:\s*(?P<period>sang|trua|chieu|toi|dem|khuya))?"
_CLOCK = re.compile(
    r"(?<![\d:.])(?P<hour>\d{1,2})"
    r"(?:\s*(?:gio|h|g|:|\.)\s*(?P<minute>\d{1,2}(?!\s*(?:h|g|gio)\b))?(?:\s*(?:phut|p))?"
    r"(?P<half>\s*ruoi)?|(?P<bare_half>\s+ruoi)|(?=\s*(?:sang|trua|chieu|toi|dem|khuya)\b))"
    + _PERIOD
    + r"(?![\d:])"
)
# "lúc 7", "vào 19": a bare hour after a word that announces a time.
_AT_HOUR = re.compile(r"\b(?:luc|vao)\s+(?P<hour>\d{1,2})\b(?!\s*[:.h\d])")
_BETWEEN = re.compile(r"^\s*(?:-|–|—|~|den|toi|cho den|->)\s*$")


@dataclass(frozen=True, slots=True)
class Spoken:
    """A time found in a message and where it was (character offsets in the folded text)."""

    at: time
    start: int
    end: int


def _hour(hour: int, period: str | None) -> int | None:
    """The 24-hour hour of "``hour`` giờ ``period``" ("6 giờ chiều" -> 18, "12 giờ đêm" -> 0)."""
    if hour > 24:
        return None
    if period is None or hour > 12:  # "19 giờ tối" is 19; "13 giờ sáng" is nothing
        return hour % 24 if period in (None, "chieu", "toi", "dem", "khuya") else None
    if period in ("chieu", "toi") and hour < 12:
        return hour + 12
    if period == "trua" and hour < 6:
        return hour + 12
    if period in ("dem", "khuya") and hour >= 7:
        return (hour + 12) % 24
    return 0 if period == "sang" and hour == 12 else hour


def times_in(folded: str) -> list[Spoken]:
    """Every time of day in ``folded`` text, in order."""
    found = []
    for match in _CLOCK.finditer(folded):
        minute = 30 if match["half"] or match["bare_half"] else int(match["minute"] or 0)
        hour = _hour(int(match["hour"]), match["period"])
        if hour is None or minute > 59:
            continue
        found.append(Spoken(time(hour, minute), match.start(), match.end()))
    for match in _AT_HOUR.finditer(folded):
        if int(match["hour"]) < 24 and not any(
            s.start <= match.start("hour") < s.end for s in found
        ):
            found.append(Spoken(time(int(match["hour"]), 0), match.start("hour"), match.end()))
    return sorted(found, key=lambda spoken: spoken.start)


def window_in(folded: str) -> Window | None:
    """The first "A đến B" / "A-B" window in ``folded`` text, or None."""
    spoken = times_in(folded)
    for first, second in pairwise(spoken):
        if _BETWEEN.match(folded[first.end : second.start]) and first.at != second.at:
            return Window(first.at, second.at)
    return None


def spoken_time(folded: str) -> time | None:
    """The only time of day in ``folded`` text ("7 gio sang"), or None (none, or several)."""
    found = times_in(folded)
    return found[0].at if len(found) == 1 else None
