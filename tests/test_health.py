"""The health watch's rules: quiet breakage and long failures raise one alert, then a recovery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from jobs.health import FAILING_TOO_LONG, Health, Pass, Problem, judge, problem_of

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
GOOD = Pass(ok=True, links=12, fetched=2, incomplete=0)
EMPTY = Pass(ok=True, links=0)
NO_DATES = Pass(ok=True, links=12, fetched=3, incomplete=3)
FAILED = Pass(ok=False)
NOT_MODIFIED = Pass(ok=True, not_modified=True)


@pytest.mark.parametrize(
    ("result", "problem"),
    [
        (GOOD, None),
        (EMPTY, Problem.EMPTY),
        (NO_DATES, Problem.INCOMPLETE),
        (Pass(ok=True, links=12, fetched=3, incomplete=2), None),  # one good article is enough
        (Pass(ok=True, links=12), None),  # nothing new to read: the list itself is fine
    ],
)
def test_what_looks_broken(result: Pass, problem: Problem | None) -> None:
    assert problem_of(result) is problem


HEALTHY = Health()


def _run(
    passes: list[Pass], start: Health = HEALTHY, step: timedelta = timedelta(minutes=15)
) -> tuple[Health, list[str]]:
    health, told = start, []
    for n, result in enumerate(passes):
        verdict = judge(health, result, NOW + n * step)
        health = verdict.health
        if verdict.raised:
            told.append(f"alert {verdict.raised}")
        if verdict.recovered:
            told.append(f"recovered {verdict.recovered}")
    return health, told


@pytest.mark.parametrize(
    ("passes", "told"),
    [
        ([EMPTY, EMPTY], []),
        ([EMPTY, EMPTY, EMPTY], ["alert empty"]),
        ([EMPTY, EMPTY, EMPTY, EMPTY, EMPTY], ["alert empty"]),  # told once
        ([EMPTY, EMPTY, GOOD, EMPTY, EMPTY], []),  # a good pass resets the count
        ([EMPTY, EMPTY, NOT_MODIFIED, EMPTY], ["alert empty"]),  # 304 changes nothing
        ([NO_DATES] * 3 + [GOOD], ["alert incomplete", "recovered incomplete"]),
        ([EMPTY] * 3 + [NO_DATES, GOOD], ["alert empty", "recovered empty"]),
        ([EMPTY] * 3 + [FAILED, EMPTY], ["alert empty"]),  # still broken
    ],
)
def test_quiet_breakage(passes: list[Pass], told: list[str]) -> None:
    assert _run(passes)[1] == told


def test_failing_for_over_a_day_is_told_once_then_its_recovery() -> None:
    hourly = timedelta(hours=1)
    failing = [FAILED] * 26
    health, told = _run(failing, step=hourly)
    assert told == ["alert failing"]
    assert health.failing_since == NOW and health.alert is Problem.FAILING
    assert _run([*failing, NOT_MODIFIED], step=hourly)[1] == ["alert failing", "recovered failing"]
    assert _run([*failing, GOOD], step=hourly)[1] == ["alert failing", "recovered failing"]


def test_failures_shorter_than_a_day_are_not_told() -> None:
    hours = int(FAILING_TOO_LONG / timedelta(hours=1)) - 1
    assert _run([FAILED] * hours + [GOOD], step=timedelta(hours=1))[1] == []


def test_a_never_read_source_counts_from_its_first_failure() -> None:
    health, _ = _run([FAILED])
    assert health.failing_since == NOW
    assert _run([GOOD], start=health)[0].failing_since is None
