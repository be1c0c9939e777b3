"""Times of day as residents say them (``news.spoken_time``)."""

from __future__ import annotations

from datetime import time

import pytest

from news.spoken_time import spoken_time, times_in, until_in, window_in
from news.text import fold


@pytest.mark.parametrize(
    ("said", "at"),
    [
        ("7 giờ sáng", time(7, 0)),
        ("6 giờ chiều", time(18, 0)),
        ("10 giờ tối", time(22, 0)),
        ("7h30", time(7, 30)),
        ("19h", time(19, 0)),
        ("7 giờ rưỡi", time(7, 30)),
        ("7 rưỡi tối", time(19, 30)),
        ("1 giờ trưa", time(13, 0)),
        ("11 giờ trưa", time(11, 0)),
        ("12 giờ đêm", time(0, 0)),
        ("11 giờ đêm", time(23, 0)),
        ("2 giờ đêm", time(2, 0)),
        ("18:30", time(18, 30)),
        ("19 giờ tối", time(19, 0)),
        ("lúc 7", time(7, 0)),
        ("6 giờ 15 phút chiều", time(18, 15)),
        # The part of the day said first, hours in words (voice typing).
        ("chiều 6h", time(18, 0)),
        ("bản tin tối 9 giờ", time(21, 0)),
        ("đêm 11h", time(23, 0)),
        ("trưa 1 giờ", time(13, 0)),
        ("sáu giờ sáng", time(6, 0)),
        ("mười một giờ đêm", time(23, 0)),
        ("bảy giờ rưỡi tối", time(19, 30)),
        # "tôi" is no "tối", "sang" no "sáng".
        ("gửi cho tôi 7h", time(7, 0)),
        ("đổi sang 12h", time(12, 0)),
        # The part of the day said earlier in the message, a word or more before the time.
        ("mỗi tối lúc 8h30", time(20, 30)),
        ("hàng tối gửi lúc 9", time(21, 0)),
        ("chiều nào cũng gửi 5h", time(17, 0)),
        ("buổi sáng gửi lúc 7h", time(7, 0)),
        ("tôi muốn nhận lúc 7h", time(7, 0)),
        # "kém" (to the hour), "nửa đêm" (midnight).
        ("7 giờ kém 15", time(6, 45)),
        ("8h kém 5 tối", time(19, 55)),
        ("1 giờ kém 10 chiều", time(12, 50)),
        ("nửa đêm", time(0, 0)),
        ("từ bảy giờ sáng", time(7, 0)),
    ],
)
def test_spoken_times(said: str, at: time) -> None:
    assert spoken_time(fold(said)) == at


@pytest.mark.parametrize(
    "said",
    [
        *("13 giờ sáng", "25h", "7h75", "số 5", "", "7h hoặc 8h", "năm 2025", "mười"),
        *("từ bây giờ", "ngay bay gio", "7 giờ kém 60"),  # "bây giờ" is now
    ],
)
def test_not_one_time(said: str) -> None:
    assert spoken_time(fold(said)) is None


@pytest.mark.parametrize(
    ("said", "window"),
    [
        ("từ 10 giờ tối đến 6 giờ sáng", "22:00-06:00"),
        ("22h-6h", "22:00-06:00"),
        ("22h - 5h", "22:00-05:00"),
        ("từ 9h tối tới 6h sáng", "21:00-06:00"),
        ("12h đến 13h30", "12:00-13:30"),
        ("đêm từ 10 giờ tối đến 5 rưỡi sáng", "22:00-05:30"),
        ("22h tới 7h", "22:00-07:00"),  # "tới" (folded "toi") between is no "tối"
        ("đêm 11h đến 5h sáng", "23:00-05:00"),
        ("đêm từ 10h đến sáng 6h", "22:00-06:00"),
        ("tối mười giờ trở đi đến sáng năm giờ", "22:00-05:00"),
        ("sau 8h tối đừng gửi tin đến 6h sáng", "20:00-06:00"),  # the ask said in between
        ("22h không nhận tin đến 5h", "22:00-05:00"),
        # An end said without its part of the day, in the start's afternoon or evening when
        # that is later the same half-day; a 24-hour clock keeps its hours.
        ("chiều từ 2 giờ đến 5 giờ", "14:00-17:00"),
        ("từ 8 giờ tối đến 10 giờ", "20:00-22:00"),
        ("từ 10 giờ tối đến 6 giờ", "22:00-06:00"),
        ("18h-8h", "18:00-08:00"),
        ("từ bảy giờ đến chín giờ", "07:00-09:00"),
        ("từ nửa đêm đến 5 giờ sáng", "00:00-05:00"),
    ],
)
def test_spoken_windows(said: str, window: str) -> None:
    found = window_in(fold(said))
    assert found is not None and str(found) == window


def test_two_times_without_a_link_are_no_window() -> None:
    assert window_in(fold("7h và 19h")) is None
    assert [str(t.at) for t in times_in(fold("7h và 19h"))] == ["07:00:00", "19:00:00"]


@pytest.mark.parametrize(
    ("said", "until"),
    [
        ("đừng gửi tin đến 5h sáng", time(5, 0)),
        ("không nhận tin cho đến 6 giờ sáng", time(6, 0)),
        ("22h tới 7h", None),  # a window, not an end alone
        ("gửi bản tin lúc 7h", None),
        ("gửi tin tối 8h", None),  # "tối" read with its time is no "tới"
    ],
)
def test_until_a_time(said: str, until: time | None) -> None:
    assert until_in(fold(said)) == until
