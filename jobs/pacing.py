"""Pacing for the sender: a bot-wide rate with pauses, and a next-allowed time per chat.

Both work on ``time.monotonic()``. The bot-wide pacer spaces requests evenly (a token bucket
holding two tokens): a platform that allows bursts then never sees more than the configured rate,
even when network delays bunch requests up on arrival.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Pacer:
    """At most ``rate`` requests a second, evenly spaced; ``pause_until`` stops everything."""

    def __init__(self, rate: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._next = 0.0
        self._paused_until = 0.0

    def pause_until(self, moment: float) -> None:
        self._paused_until = max(self._paused_until, moment)

    @property
    def paused_until(self) -> float:
        return self._paused_until

    async def wait(self) -> None:
        """Return when the next request may go out (and book its slot)."""
        while True:
            now = self._clock()
            start = max(now, self._next, self._paused_until)
            if start <= now:
                # Book from the schedule, not from "now": sleep overshoot must not lower the
                # sustained rate. At most one interval of credit (a burst of two) is kept.
                self._next = max(self._next, now - self._interval) + self._interval
                return
            await asyncio.sleep(start - now)


class ChatGates:
    """When each chat may next receive a message (per-chat pacing and per-chat throttles)."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = interval
        self._clock = clock
        self._ready: dict[int, float] = {}

    def ready_at(self, key: int) -> float:
        return self._ready.get(key, 0.0)

    def is_ready(self, key: int) -> bool:
        return self.ready_at(key) <= self._clock()

    def reserve(self, key: int) -> None:
        """A message to ``key`` goes out now: the next one waits the interval."""
        self._ready[key] = max(self.ready_at(key), self._clock() + self._interval)

    def hold_until(self, key: int, moment: float) -> None:
        """The platform asked us to leave this chat alone until ``moment``."""
        self._ready[key] = max(self.ready_at(key), moment)

    def prune(self) -> None:
        """Forget chats whose gate has opened (keeps memory flat over millions of chats)."""
        now = self._clock()
        for key in [k for k, t in self._ready.items() if t <= now]:
            del self._ready[key]
