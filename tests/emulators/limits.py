"""Strict rate limits for the emulators: sliding windows, and the bans that 429 answers impose.

A token bucket forgives: it lets a client that was idle send a burst. A strict platform counts
the requests that arrived in the last second and refuses the next one when the count is full.
``StrictLimits`` models that: a bot-wide ``SlidingWindow``, one per chat, and a ban after each
refusal (a request arriving before the ban ends is refused too and counted as "early").

Everything here is pure: callers pass ``now`` (``time.monotonic()`` in the emulators, a fake clock
in tests) and hold their own lock.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Hashable
from dataclasses import dataclass

BOT: None = None  # the ban key of the whole bot (chat keys are never None)


class WindowPeak:
    """The most events seen in any sliding window ``(t - window, t]``."""

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self.count = 0
        self.peak = 0
        self._times: deque[float] = deque()

    def record(self, now: float) -> None:
        while self._times and self._times[0] + self.window <= now:
            self._times.popleft()
        self._times.append(now)
        self.count += 1
        self.peak = max(self.peak, len(self._times))


class SlidingWindow:
    """At most ``limit`` admitted requests whose arrival falls in any window ``(t - window, t]``."""

    def __init__(self, limit: int, window: float = 1.0) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a sliding window needs limit >= 1 and window > 0")
        self.limit, self.window = limit, window
        self.admitted = 0
        self.peak = 0  # the most admitted requests seen in one window (never above limit)
        self._times: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        """0 if a request arriving at ``now`` fits, else the seconds until a slot frees."""
        times = self._times
        while times and times[0] + self.window <= now:
            times.popleft()
        if len(times) < self.limit:
            return 0.0
        # The same expression as the expiry test above: arriving exactly then is admitted.
        return times[0] + self.window - now

    def admit(self, now: float) -> float:
        """Admit a request arriving at ``now`` and return 0, or refuse it: seconds to wait."""
        wait = self.wait_time(now)
        if not wait:
            self._times.append(now)
            self.admitted += 1
            self.peak = max(self.peak, len(self._times))
        return wait


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was refused: how long the client must wait, and whose limit it was."""

    wait: float  # whole seconds (>= 1) when the platform announces retry_after
    whole_bot: bool
    early: bool  # it arrived while an earlier refusal's wait was still in force


class StrictLimits:
    """A bot-wide window, a window per chat, and bans after refusals.

    ``whole_seconds``: the platform announces ``retry_after`` in whole seconds (Telegram), so a
    refusal bans until ``now + ceil(wait)``; otherwise (Zalo announces nothing) the ban ends
    exactly when a slot frees.
    """

    def __init__(
        self,
        global_limit: int | None,
        per_chat_limit: int | None = None,
        per_chat_window: float = 1.0,
        *,
        whole_seconds: bool = True,
    ) -> None:
        self.global_window = SlidingWindow(global_limit) if global_limit else None
        self.per_chat_limit, self.per_chat_window = per_chat_limit, per_chat_window
        self.whole_seconds = whole_seconds
        self.requests = 0
        self.refused = 0
        self.early = 0
        self.accepted = WindowPeak(1.0)  # every admitted request, for the peak per second
        self._chats: dict[Hashable, SlidingWindow] = {}
        self._bans: dict[Hashable, float] = {}

    def ban(self, key: Hashable, until: float) -> None:
        """Refuse requests to ``key`` (a chat, or ``BOT`` for all) arriving before ``until``."""
        self._bans[key] = max(self._bans.get(key, 0.0), until)

    def check(self, chat: Hashable, now: float) -> Refusal | None:
        """Admit a request to ``chat`` arriving at ``now`` (None), or refuse it."""
        self.requests += 1
        for key in (BOT, chat):
            until = self._bans.get(key, 0.0)
            if now < until:
                self.early += 1
                return self._refuse(key, until - now, now, early=True)
        window = self._chat_window(chat)
        global_wait = self.global_window.wait_time(now) if self.global_window else 0.0
        if global_wait:
            return self._refuse(BOT, global_wait, now, early=False)
        chat_wait = window.wait_time(now) if window else 0.0
        if chat_wait:
            return self._refuse(chat, chat_wait, now, early=False)
        if self.global_window:
            self.global_window.admit(now)
        if window:
            window.admit(now)
        self.accepted.record(now)
        return None

    def _chat_window(self, chat: Hashable) -> SlidingWindow | None:
        if not self.per_chat_limit:
            return None
        window = self._chats.get(chat)
        if window is None:
            window = self._chats[chat] = SlidingWindow(self.per_chat_limit, self.per_chat_window)
        return window

    def _refuse(self, key: Hashable, wait: float, now: float, *, early: bool) -> Refusal:
        self.refused += 1
        if self.whole_seconds:
            wait = float(max(1, math.ceil(wait - 1e-9)))
        self.ban(key, now + wait)
        return Refusal(wait, key is BOT, early)

    def stats(self) -> dict[str, int]:
        return {
            "requests": self.requests,
            "accepted": self.accepted.count,
            "rate_limited": self.refused,
            "early_requests": self.early,
            "max_per_second": self.accepted.peak,
        }
