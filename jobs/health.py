"""Is a source quietly broken? Pure rules over one pass's outcome and what was seen before.

A portal that changes its layout still answers 200: the list yields no items, or its article
pages lose their title or date, and every poll "succeeds". ``QUIET_PASSES`` such passes in a
row, or failing for longer than ``FAILING_TOO_LONG``, raise one alert to the administrators;
the first healthy pass after it is reported as a recovery. A pass answered "not modified"
tells nothing about the layout and changes no counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

QUIET_PASSES = 3
FAILING_TOO_LONG = timedelta(days=1)


class Problem(StrEnum):
    EMPTY = "empty"  # the list page yields no article links (selectors or Loa's own search)
    INCOMPLETE = "incomplete"  # every article page read lacked its title or its date
    FAILING = "failing"  # every pass has failed for over a day


@dataclass(frozen=True, slots=True)
class Pass:
    """What the watch needs of one pass."""

    ok: bool
    not_modified: bool = False
    links: int = 0
    fetched: int = 0  # article pages read
    incomplete: int = 0  # of them, without a title or a date


@dataclass(frozen=True, slots=True)
class Health:
    quiet_passes: int = 0
    failing_since: datetime | None = None
    alert: Problem | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    health: Health
    raised: Problem | None = None  # tell the administrators about this, once
    recovered: Problem | None = None  # this problem is over: tell them too


def problem_of(result: Pass) -> Problem | None:
    """What looks broken in a successful pass that read something (None: healthy)."""
    if result.links == 0:
        return Problem.EMPTY
    if result.fetched and result.incomplete == result.fetched:
        return Problem.INCOMPLETE
    return None


def judge(before: Health, result: Pass, now: datetime) -> Verdict:
    """The source's health after ``result``, and what to tell the administrators."""
    if not result.ok:
        since = before.failing_since or now
        health = Health(before.quiet_passes, since, before.alert)
        if before.alert is None and now - since >= FAILING_TOO_LONG:
            return Verdict(Health(before.quiet_passes, since, Problem.FAILING), Problem.FAILING)
        return Verdict(health)
    if result.not_modified:
        # The source answers again; the layout is as it was.
        if before.alert is Problem.FAILING:
            return Verdict(Health(before.quiet_passes), recovered=Problem.FAILING)
        return Verdict(Health(before.quiet_passes, None, before.alert))
    problem = problem_of(result)
    quiet = before.quiet_passes + 1 if problem else 0
    recovered = None
    alert = before.alert
    if alert is Problem.FAILING or (alert is not None and problem is None):
        recovered, alert = alert, None
    if alert is None and problem is not None and quiet >= QUIET_PASSES:
        return Verdict(Health(quiet, None, problem), raised=problem)
    return Verdict(Health(quiet, None, alert), recovered=recovered)
