"""Failed send attempts are logged, a few lines a minute per channel and code, then counted."""

from __future__ import annotations

from jobs.failure_log import FailureLog


def test_a_few_lines_a_minute_per_channel_and_code_then_the_count_left_out() -> None:
    lines = FailureLog(lines=3, window_seconds=60)
    admitted = [lines.admit("zalo", "403", t) for t in (0, 1, 2, 3, 4, 5)]
    assert admitted == [0, 0, 0, None, None, None]
    assert lines.admit("zalo", "429", 6) == 0  # another code has its own budget
    assert lines.admit("telegram", "403", 6) == 0  # and another channel
    assert lines.admit("zalo", "403", 61) == 3  # the next minute says how many were left out
    assert lines.admit("zalo", "403", 62) == 0
    assert lines.admit("zalo", "403", 200) == 0  # nothing was left out meanwhile
