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

from news.rhythm import Window, parse_time, parse_window
from news.text import fold

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
    r"(?P<each>toi|dem|sang|trua|chieu) nao(?: cung)?|"  # "tối nào cũng gửi … lúc 7 giờ"
    r"(?P<plain>chieu|khuya)|"
    # "đêm (thì) đừng gửi từ 11h đến 5h", "đêm từ 11h": the night first ("đêm qua" is no part)
    r"^(?P<first>dem)(?= (?:thi |ve )?(?:dung|khong|ngung|tu \d|sau \d)))\b"
)
# Hours said in words, as voice typing writes them ("sáu giờ sáng"), only before "giờ" or before
# "rưỡi" and a part of the day ("bảy rưỡi tối"; "một năm rưỡi" is a year and a half).
_WORD_HOURS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9,
    "muoi": 10, "muoi mot": 11, "muoi hai": 12,
}  # fmt: skip
# Minutes said in words after "kém" ("tám giờ kém mười lăm": a quarter to eight).
_WORD_MINUTES = {
    "nam": 5, "muoi": 10, "muoi lam": 15, "muoi nam": 15, "hai muoi": 20, "hai lam": 25,
    "hai muoi lam": 25, "hai nam": 25,
}  # fmt: skip
_CLOCK = re.compile(
    _PRE
    + r"(?:(?<![\d:.])(?P<hour>\d{1,2})|\b(?P<word>muoi mot|muoi hai|mot|hai|ba|bon|nam|sau|bay"
    r"|tam|chin|muoi)(?=\s+gio\b|\s+ruoi\s+(?:sang|trua|chieu|toi|dem|khuya)\b))"
    r"(?:\s*(?:gio|h|g|:|\.)\s*(?P<minute>\d{1,2}(?!\s*(?:h|g|gio)\b))?(?:\s*(?:phut|p))?"
    r"(?P<half>\s*ruoi)?(?:\s*kem\s*(?:(?P<less>\d{1,2})|(?P<less_word>"
    + "|".join(sorted(_WORD_MINUTES, key=len, reverse=True))
    + r")\b)(?:\s*(?:phut|p)\b)?)?|"  # "7 giờ kém 15", "tám giờ kém mười lăm"
    r"(?P<bare_half>\s+ruoi)|(?=\s*(?:sang|trua|chieu|toi|dem|khuya)\b))" + _PERIOD + r"(?![\d:])"
)
# "Nửa đêm" (midnight): 00:00.
_MIDNIGHT = re.compile(r"\bnua dem\b")
# "Từ bây giờ", "ngay bây giờ" (from now, right now) typed without marks: "bay gio" is no seven
# o'clock there unless a time follows ("từ bảy giờ đến chín giờ").
_NOW_BEFORE = re.compile(r"\b(?:tu|ngay)\s+$")
_TIME_AFTER = re.compile(r"\s*(?:-|–|den|toi|cho den)\b")
# "lúc 7", "vào 19": a bare hour after a word that announces a time.
_AT_HOUR = re.compile(r"\b(?:luc|vao)\s+(?P<hour>\d{1,2})\b(?!\s*[:.h\d])")
# Between the two times of a window: "-", "đến", "tới", "từ 10 giờ tối trở đi đến sáng …",
# and the ask itself said in between ("sau 8h tối đừng gửi tin đến 6h sáng").
_BETWEEN = re.compile(
    r"^\s*(?:tro di\s+)?(?:(?:thi\s+)?(?:dung|khong|dung co|ngung)\s+(?:gui|nhan|bao)"
    r"(?:\s+(?:tin|tin tuc|gi|cho (?:toi|minh|em)))*\s+)?"
    r"(?:-|–|—|~|den|toi|cho den|->|to)(?:\s+(?:sang|sang hom sau))?\s*$"
)


# "Đến", "tới" right before a time: the end of something ("đừng gửi tin tới 5h sáng").
_UNTIL = re.compile(r"\b(?:den|toi|cho den|cho toi)\s*$")


@dataclass(frozen=True, slots=True)
class Spoken:
    """A time found in a message and where it was (character offsets in the folded text)."""

    at: time
    start: int
    end: int
    part: str | None = None  # the part of the day said for it ("chieu"), if any


def _hour(hour: int, period: str | None) -> int | None:
    """The 24-hour hour of "``hour`` giờ ``period``" ("6 giờ chiều" -> 18, "12 giờ đêm" -> 0)."""
    if hour > 24:
        return None
    if period == "trua" and 12 < hour <= 15:  # "13h30 trưa": midday runs past one o'clock
        return hour
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
    return parts[-1]["said"] or parts[-1]["each"] or parts[-1]["plain"] or parts[-1]["first"]


# "8am", "8 pm", "7:30pm": borrowed 12-hour times, read as the hour and its part of the day.
_TWELVE_HOUR = re.compile(r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))? ?(?P<half>am|pm)\b")


def _twelve_hour(found: re.Match[str]) -> str:
    """ "8pm" -> "8h toi", "7:30am" -> "7h30 sang", "12pm" -> "12h trua", "3pm" -> "3h chieu"."""
    hour = int(found["hour"])
    said = f"{hour}h{found['minute'] or ''}"
    if found["half"] == "am":
        return f"{said} sang" if hour != 12 else f"{said} dem"
    return f"{said} " + ("trua" if hour == 12 else "chieu" if hour < 6 else "toi")


def times_in(folded: str) -> list[Spoken]:
    """Every time of day in ``folded`` text, in order."""
    folded = _TWELVE_HOUR.sub(_twelve_hour, folded)
    found = []
    for match in _CLOCK.finditer(folded):
        if _now(folded, match):
            continue
        minute = 30 if match["half"] or match["bare_half"] else int(match["minute"] or 0)
        said = int(match["hour"]) if match["hour"] else _WORD_HOURS[match["word"]]
        if match["less"] or match["less_word"]:  # "7 giờ kém 15": a quarter to seven, 6:45
            less = int(match["less"]) if match["less"] else _WORD_MINUTES[match["less_word"]]
            said, minute = said - 1, 60 - less
            if said < 0 or not 0 < minute < 60:
                continue
        before = match["pre"] or match["pre_toi"] or _day_part(folded[: match.start()])
        part = match["period"] or before
        hour = _hour(said, part)
        if hour is None or minute > 59:
            continue
        found.append(Spoken(time(hour, minute), match.start(), match.end(), part))
    for match in _MIDNIGHT.finditer(folded):
        if not any(s.start <= match.start() < s.end for s in found):
            found.append(Spoken(time(0, 0), match.start(), match.end(), "dem"))
    for match in _AT_HOUR.finditer(folded):
        if int(match["hour"]) < 24 and not any(
            s.start <= match.start("hour") < s.end for s in found
        ):
            part = _day_part(folded[: match.start()])
            hour = _hour(int(match["hour"]), part)
            if hour is not None:
                found.append(Spoken(time(hour, 0), match.start("hour"), match.end(), part))
    return sorted(found, key=lambda spoken: spoken.start)


_PART_BEFORE_FROM = re.compile(r"\b(sang|trua|chieu|toi|dem) tu (?=\d)")


# "12-13h", "22 - 6 giờ": the hour's unit said once, after the end, is the start's too.
_UNIT_ONCE = re.compile(
    r"(?<!gio )(?<!\dh )(?<!\dg )(?<![\d:.] )"  # not minutes: "12 giờ 00 đến 13 giờ 30"
    r"\b(?P<start>\d{1,2}) ?(?P<between>-|den|toi) ?(?P<end>\d{1,2}) ?(?P<unit>h|g|gio)\b"
)


def window_in(folded: str) -> Window | None:
    """The first "A đến B" / "A-B" window in ``folded`` text, or None. A part of the day
    said before "từ" is the start's: "tối từ 8h đến sáng 6h" is "từ tối 8h …"."""
    folded = _PART_BEFORE_FROM.sub(r"tu \1 ", _TWELVE_HOUR.sub(_twelve_hour, folded))
    folded = _UNIT_ONCE.sub(r"\g<start>\g<unit> \g<between> \g<end>\g<unit>", folded)
    spoken = times_in(folded)
    for first, second in pairwise(spoken):
        end = _same_half(first, second)
        if _BETWEEN.match(folded[first.end : second.start]) and first.at != end:
            return Window(_evening_start(first, _start_half(first, second, end), end), end)
    return None


def _start_half(first: Spoken, second: Spoken, end: time) -> time:
    """The start of a window said without its part of the day, in the afternoon of an end
    said with one when that keeps it before the end: "từ 1h đến 3h chiều" starts at 13:00
    ("từ 10h đến 3h chiều" at 10:00)."""
    start = first.at
    if first.part is not None or second.part not in ("chieu", "toi") or start.hour >= 12:
        return start
    later = time(start.hour + 12, start.minute)
    return later if later < end else start


def _evening_start(first: Spoken, start: time, end: time) -> time:
    """A start said without its part of the day, in the morning after a morning end, is the
    evening before: "10h-5h" are 22:00-05:00, not nineteen hours from 10:00."""
    if first.part is not None or not end < start < time(12):
        return start
    return time(start.hour + 12, start.minute)


# "từ 22 đến 6", "22-6"
_BARE_WINDOW = re.compile(
    r"\b(?:tu (?P<start>\d{1,2}) (?:den|toi|-)|(?P<from>\d{1,2}) -) (?P<end>\d{1,2})\b"
    r"(?! ?(?:h|g|gio|:)\b| (?:ngay|hom|tuan|thang|nam|lan|tieng|phut)\b)"
)


def bare_window_in(folded: str) -> Window | None:
    """A window said in bare hours, "từ 22 đến 6", "22-6", or None: read only where quiet
    hours are named ("yên tĩnh từ 22 đến 6"), since bare numbers may count anything else."""
    found = _BARE_WINDOW.search(folded)
    if found is None:
        return None
    start, end = int(found["start"] or found["from"]), int(found["end"])
    if start > 24 or end > 24 or start % 24 == end % 24:
        return None
    return Window(time(start % 24), time(end % 24))


def _same_half(first: Spoken, second: Spoken) -> time:
    """The end of a window said without its part of the day, in the afternoon or evening of
    a start said with one, when that makes it later the same half-day: "chiều từ 2 giờ đến 4
    giờ" ends at 16:00, "từ 10 giờ tối đến 6 giờ" at 06:00, "22h-6h" (a 24-hour clock) too."""
    end = second.at
    if second.part is not None or first.part is None or first.at.hour < 12 or end.hour >= 12:
        return end
    later = time(end.hour + 12, end.minute)
    return later if later > first.at else end


def _now(folded: str, match: re.Match[str]) -> bool:
    """Whether a "bay gio" is "bây giờ" (now): after "từ"/"ngay", with nothing making it a
    time of day (minutes, a part of the day, a second time after it)."""
    if match["word"] != "bay" or match["minute"] or match["half"] or match["period"]:
        return False
    if match["less"] or match["less_word"] or not _NOW_BEFORE.search(folded[: match.start()]):
        return False
    return not _TIME_AFTER.match(folded[match.end() :])


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


def overnight_in(folded: str) -> Window | None:
    """Two times said apart, an evening then a morning ("sau 10h đêm đừng gửi, sáng 6h hẵng
    gửi"): the night between them, or None. Read only where sending is refused."""
    found = times_in(folded)
    if len(found) != 2 or found[0].at.hour < 18 or found[1].at.hour >= 12:
        return None
    return Window(found[0].at, found[1].at)


# What switches a bulletin or quiet hours off when given as the argument ("/bantin tat").
OFF_WORDS = frozenset({"tat", "off", "huy", "bo", "khong", "ngung", "dung"})


def bulletin_argument(args: str) -> time | str | None:
    """A /bantin argument as its handler reads it: the time ("21h", "7 giờ tối", "07:30"),
    "off", or None when it says no time."""
    if fold(args).strip() in OFF_WORDS:
        return "off"
    return parse_time(args) or spoken_time(fold(args))


def quiet_argument(args: str) -> Window | str | None:
    """A /yentinh argument as its handler reads it: the window, "off", or None."""
    if fold(args).strip() in OFF_WORDS:
        return "off"
    return parse_window(args) or window_in(fold(args))
