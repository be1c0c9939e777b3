"""Pacing for the sender: a bot-wide rate with pauses, and a next-allowed time per chat.

Both work on ``time.monotonic()``. A configured rate is the platform's limit, and platforms may
count strictly: at most ``rate`` requests arriving in any sliding second. The pacer therefore
spaces requests evenly slightly below the limit, and also never lets more than ``floor(rate)``
dispatches into any window a little longer than a second, so catching up after a late wake-up
cannot crowd a window either.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable

# Loa sends at MARGIN of the limit. Requests reach the platform after a network delay that
# varies: a request can arrive a little earlier, relative to its predecessors, than it was sent.
# Pacing exactly at the limit leaves no room for that, so a strict sliding-window limiter would
# answer 429 now and then; 3 % leaves ~30 ms of slack per one-second window and still keeps the
# achieved rate above 95 % of the limit.
MARGIN = 0.97
WINDOW = 1.0  # the platform counts requests per sliding second


class Pacer:
    """At most ``rate`` requests a second, evenly spaced; ``pause_until`` stops everything.

    Two rules, both against the dispatch times this pacer handed out:

    * even spacing: one request every ``1 / (rate * MARGIN)`` seconds, booked on the schedule
      (not on when the caller actually woke up, so sleep overshoot costs no throughput), but with
      at most half an interval of catch-up credit: two requests are never closer than that;
    * a sliding window: the ``floor(rate)``-th previous request must be at least
      ``WINDOW / MARGIN`` old. That bounds every window of dispatches whatever happened to the
      schedule, and leaves the same slack for arrival jitter.
    """

    def __init__(
        self,
        rate: float | None,
        clock: Callable[[], float] = time.monotonic,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self._interval = 1.0 / (rate * MARGIN) if rate else 0.0
        count = math.floor(rate) if rate else 0
        self._recent: deque[float] = deque(maxlen=max(count, 1))
        self._windowed = count >= 1
        self._clock = clock
        self._sleep = sleep  # None: asyncio.sleep (looked up late, so tests may patch it)
        self._next = -math.inf
        self._paused_until = 0.0
        self._lock: asyncio.Lock | None = None

    def set_rate(self, rate: float) -> None:
        """A new rate from now on (a sender whose part of a shared bot's rate changed); the
        window rule keeps counting the requests already sent."""
        interval = 1.0 / (rate * MARGIN)
        if interval == self._interval:
            return
        self._interval = interval
        count = math.floor(rate)
        self._recent = deque(self._recent, maxlen=max(count, 1))
        self._windowed = count >= 1

    def pause_until(self, moment: float) -> None:
        self._paused_until = max(self._paused_until, moment)

    @property
    def paused_until(self) -> float:
        return self._paused_until

    def _earliest(self) -> float:
        start = max(self._next, self._paused_until)
        if self._windowed and len(self._recent) == self._recent.maxlen:
            start = max(start, self._recent[0] + WINDOW / MARGIN)
        return start

    async def wait(self) -> float:
        """Return when the next request may go out (and book its slot); the booked moment
        is returned for ``left``."""
        if not self._interval:
            if self._paused_until > self._clock():
                await self._wait_unlimited()
            return self._clock()
        if self._lock is None:
            self._lock = asyncio.Lock()
        # One waiter at a time, first come first served: the others queue on the lock instead
        # of all waking at every slot.
        async with self._lock:
            while True:
                now = self._clock()
                start = self._earliest()
                if start <= now:
                    self._next = max(self._next, now - self._interval / 2) + self._interval
                    self._recent.append(now)
                    return now
                await self._nap(start - now)

    def left(self, booked: float) -> None:
        """The request booked at ``booked`` really leaves now. On a busy event loop that can be
        tens of milliseconds later, closer to its successors: the window rule then counts from
        the real moment, so a late request cannot crowd the next second."""
        now = self._clock()
        for index, moment in enumerate(self._recent):
            if moment == booked:
                self._recent[index] = max(moment, now)
                return

    async def _wait_unlimited(self) -> None:
        while (now := self._clock()) < self._paused_until:
            await self._nap(self._paused_until - now)

    async def _nap(self, seconds: float) -> None:
        await (self._sleep or asyncio.sleep)(seconds)


class ChatGates:
    """When each chat may next receive a message (per-chat pacing and per-chat throttles).

    Keys are any hashable (a chat id, a resident id). ``reserve`` keeps ``interval / MARGIN``
    between two messages to a chat, for the same reason the ``Pacer`` stays below its rate.
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval / MARGIN
        self._clock = clock
        self._ready: dict[Hashable, float] = {}

    @property
    def interval(self) -> float:
        """The spacing kept between two messages to one chat (with the margin)."""
        return self._interval

    def ready_at(self, key: Hashable) -> float:
        return self._ready.get(key, 0.0)

    def is_ready(self, key: Hashable) -> bool:
        return self.ready_at(key) <= self._clock()

    def reserve(self, key: Hashable) -> None:
        """A message to ``key`` goes out now: the next one waits the interval."""
        self._ready[key] = max(self.ready_at(key), self._clock() + self._interval)

    def hold_until(self, key: Hashable, moment: float) -> None:
        """The platform asked us to leave this chat alone until ``moment``."""
        self._ready[key] = max(self.ready_at(key), moment)

    def prune(self) -> None:
        """Forget chats whose gate has opened (keeps memory flat over millions of chats)."""
        now = self._clock()
        for key in [k for k, t in self._ready.items() if t <= now]:
            del self._ready[key]
