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

# "7 gio 30", "7h30", "7:30", "7g", "19.30", "7 gio ruoi", "6 chieu"; the part of the day after
# ("toi" there is "tối", not "tới" before the next time: "22h tới 7h").
_PERIOD = r"(?:\s*(?P<period>sang|trua|chieu|toi(?!\s*\d)|dem|khuya))?"
# The part of the day said first: "chiều 6h", "đêm 11h", "đêm từ 10h"; "tối 8 giờ" only right
# before the hour and not after a time or "cho"/"gửi"… ("cho tôi 7h" is "tôi", not "tối").
# "sáng" is left out: folded it is also "sang" ("đổi sang 12h"), and before an hour it adds
# nothing.
_NOT_TOI_AFTER = r"\d \dh \dg gio cho giup gui voi cua nhan toi sang trua chieu dem khuya".split()
_PRE = (
    r"(?:\b(?P<pre>trua|chieu|dem|khuya)\s+(?:(?:tu|luc|vao|khoang)\s+)?|"
    + "".join(f"(?<!{word} )" for word in _NOT_TOI_AFTER)
    + r"\b(?P<pre_toi>toi)\s+)?"
)
# The part of the day said earlier in the message ("mỗi tối lúc 8h30", "chiều nào cũng gửi
# 5h"): "tối"/"đêm"/"sáng" only after a word that makes them the time of day ("tôi" folds alike).
_DAY_PART = re.compile(
    r"\b(?:(?:moi|hang|buoi|cac|vao|ca|tu) (?P<said>toi|dem|sang|trua|chieu|khuya)|"
    r"(?P<plain>chieu|khuya))\b"
)
# Hours said in words, as voice typing writes them ("sáu giờ sáng"), only before "giờ".
_WORD_HOURS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10, "muoi mot": 11, "muoi hai": 12,
}  # fmt: skip
_CLOCK = re.compile(
    _PRE
    + r"(?:(?<![\d:.])(?P<hour>\d{1,2})|\b(?P<word>muoi mot|muoi hai|mot|hai|ba|bon|nam|sau|bay"
    r"|tam|chin|muoi)(?=\s+gio\b))"
    r"(?:\s*(?:gio|h|g|:|\.)\s*(?P<minute>\d{1,2}(?!\s*(?:h|g|gio)\b))?(?:\s*(?:phut|p))?"
    r"(?P<half>\s*ruoi)?|(?P<bare_half>\s+ruoi)|(?=\s*(?:sang|trua|chieu|toi|dem|khuya)\b))"
    + _PERIOD
    + r"(?![\d:])"
)
# "lúc 7", "vào 19": a bare hour after a word that announces a time.
_AT_HOUR = re.compile(r"\b(?:luc|vao)\s+(?P<hour>\d{1,2})\b(?!\s*[:.h\d])")
# Between the two times of a window: "-", "đến", "tới", "từ 10 giờ tối trở đi đến sáng …",
# and the ask itself said in between ("sau 8h tối đừng gửi tin đến 6h sáng").
_BETWEEN = re.compile(
    r"^\s*(?:tro di\s+)?(?:(?:thi\s+)?(?:dung|khong|dung co|ngung)\s+(?:gui|nhan|bao)"
    r"(?:\s+(?:tin|tin tuc|gi|cho (?:toi|minh|em)))*\s+)?"
    r"(?:-|–|—|~|den|toi|cho den|->)(?:\s+(?:sang|sang hom sau))?\s*$"
)


# "Đến", "tới" right before a time: the end of something ("đừng gửi tin tới 5h sáng").
_UNTIL = re.compile(r"\b(?:den|toi|cho den|cho toi)\s*$")


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


def _day_part(before: str) -> str | None:
    """The last part of the day named in ``before`` (the text before a time), unless another
    time follows it there ("tối 9h, sáng 7h" keeps each its own)."""
    parts = list(_DAY_PART.finditer(before))
    if not parts or re.search(r"\d", before[parts[-1].end() :]):
        return None
    return parts[-1]["said"] or parts[-1]["plain"]


def times_in(folded: str) -> list[Spoken]:
    """Every time of day in ``folded`` text, in order."""
    found = []
    for match in _CLOCK.finditer(folded):
        minute = 30 if match["half"] or match["bare_half"] else int(match["minute"] or 0)
        said = int(match["hour"]) if match["hour"] else _WORD_HOURS[match["word"]]
        before = match["pre"] or match["pre_toi"] or _day_part(folded[: match.start()])
        hour = _hour(said, match["period"] or before)
        if hour is None or minute > 59:
            continue
        found.append(Spoken(time(hour, minute), match.start(), match.end()))
    for match in _AT_HOUR.finditer(folded):
        if int(match["hour"]) < 24 and not any(
            s.start <= match.start("hour") < s.end for s in found
        ):
            hour = _hour(int(match["hour"]), _day_part(folded[: match.start()]))
            if hour is not None:
                found.append(Spoken(time(hour, 0), match.start("hour"), match.end()))
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


def until_in(folded: str) -> time | None:
    """The time something lasts until when no window is said: the first time right after
    "đến"/"tới" ("đừng gửi tin đến 5h sáng" -> 05:00), or None. A "toi" read as "tối" belongs
    to its time ("tối 8h") and is no "tới"."""
    if window_in(folded) is not None:
        return None
    for spoken in times_in(folded):
        if _UNTIL.search(folded[: spoken.start]):
            return spoken.at
    return None
