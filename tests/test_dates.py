"""Day-first Vietnamese dates, ISO 8601 and RFC 822; naive times are Vietnam time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from news.dates import parse_date

ICT = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/07/2017 08:57:14 AM", datetime(2017, 7, 5, 8, 57, 14, tzinfo=ICT)),
        ("14/03/2019 02:15:00 PM", datetime(2019, 3, 14, 14, 15, tzinfo=ICT)),
        ("01/12/2024 03:34:04 PM", datetime(2024, 12, 1, 15, 34, 4, tzinfo=ICT)),
        ("12/12/2024 12:30:00 PM", datetime(2024, 12, 12, 12, 30, tzinfo=ICT)),
        ("12/12/2024 12:05:00 AM", datetime(2024, 12, 12, 0, 5, tzinfo=ICT)),
        ("15/08/2025 09:00", datetime(2025, 8, 15, 9, 0, tzinfo=ICT)),
        ("Thứ Hai, 01/07/2013", datetime(2013, 7, 1, tzinfo=ICT)),
        ("01/12/2024", datetime(2024, 12, 1, tzinfo=ICT)),
        ("Thứ hai - 19/12/2016 20:58", datetime(2016, 12, 19, 20, 58, tzinfo=ICT)),
        ("17:11 - Thứ Ba, 28/05/2019", datetime(2019, 5, 28, 17, 11, tzinfo=ICT)),
        ("Thứ Ba, 13/08/2024, 16:29 [GMT+7]", datetime(2024, 8, 13, 16, 29, tzinfo=ICT)),
        ("ngày 15 tháng 8 năm 2025", datetime(2025, 8, 15, tzinfo=ICT)),
        # Labels the portals print before the date are tolerated.
        ("Thời gian đăng: 05/07/2017 08:57:14 AM", datetime(2017, 7, 5, 8, 57, 14, tzinfo=ICT)),
        ("Ngày đăng: 25-12-2024", datetime(2024, 12, 25, tzinfo=ICT)),
        ("Cập nhật: 01/07/2025 07:30", datetime(2025, 7, 1, 7, 30, tzinfo=ICT)),
        ("Đăng ngày 15/08/2025 09:00", datetime(2025, 8, 15, 9, 0, tzinfo=ICT)),
        # ISO 8601 and RFC 822 keep their own offsets.
        ("2025-08-15T09:00:00+07:00", datetime(2025, 8, 15, 9, 0, tzinfo=ICT)),
        ("2025-08-15T02:00:00Z", datetime(2025, 8, 15, 2, 0, tzinfo=UTC)),
        ("2025-08-15", datetime(2025, 8, 15, tzinfo=ICT)),
        ("2025-08-15 09:00:00", datetime(2025, 8, 15, 9, 0, tzinfo=ICT)),
        ("Sat, 25 Mar 2017 19:40:38 +0700", datetime(2017, 3, 25, 19, 40, 38, tzinfo=ICT)),
        ("Mon, 5 May 2025 03:05:00 GMT", datetime(2025, 5, 5, 3, 5, tzinfo=UTC)),
        # Decomposed (NFD) labels and odd whitespace.
        (
            "Thời gian đăng:\u00a0 22/07/2020\n10:02:18 AM",
            datetime(2020, 7, 22, 10, 2, 18, tzinfo=ICT),
        ),
    ],
)
def test_parse_date(text: str, expected: datetime) -> None:
    value = parse_date(text)
    assert value == expected
    assert value is not None and value.utcoffset() == expected.utcoffset()


def test_naive_times_are_vietnam_time_with_zoneinfo() -> None:
    value = parse_date("05/07/2017 08:57:14 AM")
    assert value is not None
    assert str(value.tzinfo) == "Asia/Ho_Chi_Minh"
    assert value.isoformat() == "2017-07-05T08:57:14+07:00"


@pytest.mark.parametrize(
    "text",
    [
        "07/13/2024",  # month-first: 13 is no month, and is never swapped
        "31/02/2024",  # no such day
        "14/03/2019 13:15:00 PM",  # 13 PM
        "",
        None,
        "   ",
        "hôm qua",
        "Thời gian đăng:",
    ],
)
def test_unreadable_dates_are_none(text: str | None) -> None:
    assert parse_date(text) is None


def test_day_first_even_when_month_first_would_fit() -> None:
    value = parse_date("05/07/2017")
    assert value is not None and (value.month, value.day) == (7, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thứ Hai, 05/07/2017 - 08:57", datetime(2017, 7, 5, 8, 57, tzinfo=ICT)),
        ("24/12/12 11:05 tối", datetime(2012, 12, 24, 23, 5, tzinfo=ICT)),
        ("24/12/12 09:30 sáng", datetime(2012, 12, 24, 9, 30, tzinfo=ICT)),
        ("03/04/2020 1:15 chiều", datetime(2020, 4, 3, 13, 15, tzinfo=ICT)),
        ("03/04/2020 12:15 trưa", datetime(2020, 4, 3, 12, 15, tzinfo=ICT)),
        ("03/04/2020 1:00 trưa", datetime(2020, 4, 3, 13, 0, tzinfo=ICT)),
        ("03/04/2020 10:00 đêm", datetime(2020, 4, 3, 22, 0, tzinfo=ICT)),
        ("03/04/2020 2:00 đêm", datetime(2020, 4, 3, 2, 0, tzinfo=ICT)),
        ("Thứ năm, 2/11/2023, 19:20 (GMT+7)", datetime(2023, 11, 2, 19, 20, tzinfo=ICT)),
        ("By Emily Burack 8 January 2020, 3:51 pm", datetime(2020, 1, 8, 15, 51, tzinfo=ICT)),
    ],
)
def test_parse_vietnamese_date_lines(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


def test_relative_times_need_now() -> None:
    now = datetime(2025, 8, 15, 10, 30, 42, tzinfo=ICT)
    assert parse_date("2 giờ trước") is None
    assert parse_date("2 giờ trước", now=now) == datetime(2025, 8, 15, 8, 30, tzinfo=ICT)
    assert parse_date("15 phút trước", now=now) == datetime(2025, 8, 15, 10, 15, tzinfo=ICT)
    assert parse_date("3 ngày trước", now=now) == datetime(2025, 8, 12, 10, 30, tzinfo=ICT)
    # An absolute date on the line wins over the relative words.
    assert parse_date("01/08/2025 07:00 (2 tuần trước)", now=now) == datetime(
        2025, 8, 1, 7, 0, tzinfo=ICT
    )


def test_a_two_digit_year_is_only_read_in_the_slash_form() -> None:
    assert parse_date("24.12.12") is None
    assert parse_date("24/13/12 11:05") is None  # no month 13: rejected, not guessed
