"""Pacing against a strict limiter: the Pacer, ChatGates, and the emulators' sliding windows.

Everything runs on a fake clock: the pacer's sleeps advance it (with overshoot, like a real
event loop), so ten simulated seconds take milliseconds.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import random

import pytest

from jobs.pacing import MARGIN, ChatGates, Pacer
from tests.emulators.limits import BOT, SlidingWindow, StrictLimits, WindowPeak


class FakeTime:
    """A clock and an ``asyncio.sleep`` stand-in: sleeping moves the clock, plus overshoot."""

    def __init__(self, overshoot: float = 0.0, stalls: float = 0.0, seed: int = 1) -> None:
        self.now = 0.0
        self.overshoot, self.stalls = overshoot, stalls
        self.stalled = 0.0  # seconds lost to stalls in all
        self._rng = random.Random(seed)

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        late = self._rng.uniform(0, self.overshoot)
        if self._rng.random() < self.stalls:  # the loop was busy elsewhere for a while
            late += 0.05
            self.stalled += 0.05
        self.now += max(seconds, 0.0) + late
        await asyncio.sleep(0)


def max_in_window(times: list[float], window: float = 1.0) -> int:
    """The most of ``times`` inside any window ``(t - window, t]``."""
    ordered = sorted(times)
    return max(
        (i + 1 - bisect.bisect_right(ordered, t - window) for i, t in enumerate(ordered)),
        default=0,
    )


async def dispatch(pacer: Pacer, clock: FakeTime, until: float, workers: int) -> list[float]:
    """``workers`` concurrent senders, each waiting on the pacer before every request."""
    times: list[float] = []

    async def worker() -> None:
        while clock.now < until:
            await pacer.wait()
            if clock.now < until:
                times.append(clock.now)
            await asyncio.sleep(0)  # the request itself (takes no simulated time)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return times


# ------------------------------------------------------------------------ the limiter


def test_sliding_window_counts_arrivals_in_any_second() -> None:
    window = SlidingWindow(3, 1.0)
    assert [window.admit(t) for t in (0.0, 0.1, 0.2)] == [0.0, 0.0, 0.0]
    assert window.admit(0.5) == pytest.approx(0.5)  # the 0.0 request leaves at 1.0
    assert window.admit(0.999) == pytest.approx(0.001)
    assert window.admit(1.0) == 0.0  # (0.0, 1.0]: the first one is out
    assert window.admit(1.05) == pytest.approx(0.05)
    assert (window.admitted, window.peak) == (4, 3)


def test_strict_limits_ban_after_a_refusal_and_count_early_requests() -> None:
    limits = StrictLimits(global_limit=2, whole_seconds=True)
    assert limits.check("a", 0.0) is None and limits.check("b", 0.1) is None
    refusal = limits.check("c", 0.4)
    assert refusal is not None and (refusal.wait, refusal.whole_bot, refusal.early) == (
        1.0,
        True,
        False,
    )
    # A slot frees at 1.0, but retry_after=1 from 0.4 bans the bot until 1.4.
    early = limits.check("d", 1.2)
    assert early is not None and early.early
    assert limits.check("d", 2.2) is None
    assert limits.stats() == {
        "requests": 5,
        "accepted": 3,
        "rate_limited": 2,
        "early_requests": 1,
        "max_per_second": 2,
    }


def test_strict_limits_per_chat_window_and_exact_bans_without_retry_after() -> None:
    limits = StrictLimits(global_limit=None, per_chat_limit=1, per_chat_window=1.0)
    assert limits.check(7, 0.0) is None
    refusal = limits.check(7, 0.25)
    assert refusal is not None and (refusal.wait, refusal.whole_bot) == (1.0, False)
    assert limits.check(8, 0.3) is None  # another chat is not concerned
    zalo = StrictLimits(global_limit=1, whole_seconds=False)
    assert zalo.check("a", 0.0) is None
    refused = zalo.check("b", 0.75)
    assert refused is not None and refused.wait == pytest.approx(0.25)
    assert zalo.check("b", 1.0) is None  # the ban ended when the slot freed
    zalo.ban(BOT, 5.0)
    assert zalo.check("c", 4.0) is not None and zalo.early == 1


def test_window_peak() -> None:
    peak = WindowPeak(1.0)
    for t in (0.0, 0.5, 0.9, 1.0, 1.4, 3.0):
        peak.record(t)
    assert (peak.count, peak.peak) == (6, 4)  # 0.5, 0.9, 1.0, 1.4 in (0.4, 1.4]


# ------------------------------------------------------------------------ the pacer


@pytest.mark.parametrize(
    ("overshoot", "stalls", "workers"),
    [(0.0, 0.0, 1), (0.004, 0.0, 1), (0.004, 0.0, 16), (0.002, 0.02, 16)],
)
async def test_pacer_fills_a_strict_window_without_overflowing_it(
    overshoot: float, stalls: float, workers: int
) -> None:
    clock = FakeTime(overshoot, stalls)
    pacer = Pacer(20, clock, sleep=clock.sleep)
    times = await dispatch(pacer, clock, until=10.0, workers=workers)
    assert max_in_window(times) <= 20
    # Slack for arrival jitter: no 21 dispatches within a window of 1/MARGIN seconds either.
    assert max_in_window(times, 1.0 / MARGIN - 1e-9) <= 20
    # Overshoot costs nothing; a stall costs its own length (it is never made up with a burst).
    assert len(times) / (10.0 - clock.stalled) >= 0.95 * 20
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.5 / (20 * MARGIN) - 1e-9  # never a burst


async def test_pacer_dispatches_pass_a_strict_limiter_despite_arrival_jitter() -> None:
    clock = FakeTime(0.003)
    pacer = Pacer(30, clock, sleep=clock.sleep)
    times = await dispatch(pacer, clock, until=10.0, workers=8)
    rng = random.Random(5)
    arrivals = sorted(t + rng.uniform(0.0, 0.025) for t in times)  # network delays vary
    limits = StrictLimits(global_limit=30)
    assert all(limits.check(i, at) is None for i, at in enumerate(arrivals))
    assert limits.accepted.peak <= 30 and len(times) >= 0.95 * 30 * 10


async def test_pacer_catches_up_after_an_idle_spell_without_a_burst() -> None:
    clock = FakeTime()
    pacer = Pacer(10, clock, sleep=clock.sleep)
    await pacer.wait()
    clock.now = 100.0  # nothing to send for a while
    await pacer.wait()
    await pacer.wait()
    assert clock.now == pytest.approx(100.0 + 0.5 / (10 * MARGIN))


async def test_pause_until_holds_every_request() -> None:
    clock = FakeTime()
    pacer = Pacer(20, clock, sleep=clock.sleep)
    await pacer.wait()
    pacer.pause_until(5.0)
    pacer.pause_until(3.0)  # a pause never shrinks
    assert pacer.paused_until == 5.0
    await pacer.wait()
    assert clock.now >= 5.0
    unlimited = Pacer(None, clock, sleep=clock.sleep)
    before = clock.now
    for _ in range(100):
        await unlimited.wait()
    assert clock.now == before  # no limit: returns at once
    unlimited.pause_until(clock.now + 2.0)
    paused_at = clock.now
    await unlimited.wait()
    assert clock.now >= paused_at + 2.0


# ------------------------------------------------------------------------ chat gates


def test_chat_gates_take_any_hashable_key_and_keep_the_margin() -> None:
    clock = FakeTime()
    gates = ChatGates(1.0, clock)
    gates.reserve("chat-7")
    gates.reserve(("zalo", "u1"))
    assert not gates.is_ready("chat-7") and gates.is_ready("chat-8")
    assert gates.ready_at("chat-7") == pytest.approx(1.0 / MARGIN)
    clock.now = 1.0
    assert not gates.is_ready("chat-7")  # the platform may see it arrive a little early
    gates.hold_until("chat-8", 30.0)
    clock.now = 1.05
    gates.prune()
    assert gates.is_ready("chat-7") and gates.ready_at("chat-7") == 0.0
    assert gates.ready_at("chat-8") == 30.0
