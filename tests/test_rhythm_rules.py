"""The pure time rules of bulletins and quiet hours (news.rhythm): parsing what residents type,
the next bulletin instant, quiet-hours windows that span midnight, in Vietnam time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from news.rhythm import (
    Window,
    bulletin_due,
    format_time,
    next_at,
    parse_time,
    parse_window,
    quiet_until,
    window_around,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")  # UTC+7 all year
NIGHT = Window(time(22), time(6))
NOON = Window(time(12), time(13, 30))


def vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=VN)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("07:00", time(7)),
        ("7:00", time(7)),
        ("7h", time(7)),
        ("7h30", time(7, 30)),
        ("19.30", time(19, 30)),
        (" 18:05 ", time(18, 5)),
        ("0:00", time(0)),
        ("23:59", time(23, 59)),
    ],
)
def test_times_as_residents_type_them(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "7:60", "bay gio", "7:5", "", "-1:00", "700"])
def test_what_is_not_a_time(typed: str) -> None:
    assert parse_time(typed) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("22:00-06:00", NIGHT),
        ("22h-6h", NIGHT),
        ("22:00 – 06:00", NIGHT),
        ("22:00 đến 6:00", NIGHT),
        ("22:00 den 06:00", NIGHT),
        ("12:00-13:30", NOON),
    ],
)
def test_windows_as_residents_type_them(typed: str, expected: Window) -> None:
    assert parse_window(typed) == expected


@pytest.mark.parametrize("typed", ["22:00", "22:00-22:00", "22:00-25:00", "a-b", "1-2-3"])
def test_what_is_not_a_window(typed: str) -> None:
    assert parse_window(typed) is None


def test_stored_forms() -> None:
    assert format_time(time(7, 5)) == "07:05"
    assert str(NIGHT) == "22:00-06:00"
    assert parse_window(str(NIGHT)) == NIGHT
    assert NIGHT.spans_midnight and not NOON.spans_midnight


def test_next_bulletin_is_today_until_its_time_then_tomorrow() -> None:
    assert next_at(vn(1, 6, 59), time(7), VN) == vn(1, 7)
    assert next_at(vn(1, 7), time(7), VN) == vn(2, 7)  # at 07:00 itself: that one is going
    assert next_at(vn(1, 23), time(7), VN) == vn(2, 7)


def test_next_bulletin_from_a_utc_clock_uses_vietnam_days() -> None:
    # 18:30 UTC on 1 December is 01:30 on 2 December in Vietnam: the 07:00 bulletin is that day's.
    now = datetime(2026, 12, 1, 18, 30, tzinfo=UTC)
    assert next_at(now, time(7), VN) == vn(2, 7)
    assert next_at(now, time(7), VN) - now == timedelta(hours=5, minutes=30)


def test_the_month_and_year_roll_over() -> None:
    last = datetime(2026, 12, 31, 23, 0, tzinfo=VN)
    assert next_at(last, time(7), VN) == datetime(2027, 1, 1, 7, tzinfo=VN)


@pytest.mark.parametrize(
    ("now", "until"),
    [
        (vn(1, 22), vn(2, 6)),  # the window opens
        (vn(1, 23, 30), vn(2, 6)),
        (vn(2, 0, 0), vn(2, 6)),  # midnight
        (vn(2, 5, 59), vn(2, 6)),
        (vn(2, 6), None),  # the end is not inside
        (vn(1, 12), None),
        (vn(1, 21, 59), None),
    ],
)
def test_quiet_hours_spanning_midnight(now: datetime, until: datetime | None) -> None:
    assert quiet_until(now, NIGHT, VN) == until


@pytest.mark.parametrize(
    ("now", "until"),
    [
        (vn(1, 12), vn(1, 13, 30)),
        (vn(1, 13), vn(1, 13, 30)),
        (vn(1, 13, 30), None),
        (vn(1, 9), None),
    ],
)
def test_quiet_hours_within_a_day(now: datetime, until: datetime | None) -> None:
    assert quiet_until(now, NOON, VN) == until


def test_window_around_gives_the_current_or_the_next_occurrence() -> None:
    assert window_around(vn(2, 3), NIGHT, VN) == (vn(1, 22), vn(2, 6))  # begun yesterday
    assert window_around(vn(2, 9), NIGHT, VN) == (vn(2, 22), vn(3, 6))  # tonight's
    assert window_around(vn(1, 14), NOON, VN) == (vn(2, 12), vn(2, 13, 30))  # tomorrow's
    assert window_around(vn(1, 11), NOON, VN) == (vn(1, 12), vn(1, 13, 30))


def test_no_window_means_never_quiet() -> None:
    assert quiet_until(vn(1, 23), None, VN) is None


def test_a_bulletin_inside_quiet_hours_waits_for_their_end() -> None:
    assert bulletin_due(vn(1, 12), time(23), NIGHT, VN) == vn(2, 6)
    assert bulletin_due(vn(1, 12), time(7), NIGHT, VN) == vn(2, 7)
    assert bulletin_due(vn(1, 12), time(18), None, VN) == vn(1, 18)
