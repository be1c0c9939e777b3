"""Which failed send attempts to log: every one, but at most ``LINES`` a minute for each channel
and error code, then a count of those left out (issue 21: only the last of eight failed
attempts used to be logged, and a two-minute failure of a photo broadcast left no line).

Pure: the caller gives the time and writes the line.
"""

from __future__ import annotations

from dataclasses import dataclass

LINES = 3
WINDOW_SECONDS = 60.0


@dataclass(slots=True)
class _Window:
    started: float
    logged: int = 0
    left_out: int = 0


class FailureLog:
    """Rate limit for failure lines, per (channel, code)."""

    def __init__(self, lines: int = LINES, window_seconds: float = WINDOW_SECONDS) -> None:
        self._lines, self._window = lines, window_seconds
        self._windows: dict[tuple[str, str], _Window] = {}

    def admit(self, channel: str, code: str, now: float) -> int | None:
        """None: leave this line out. Else log it, saying how many like it were left out
        before it (in the window that just ended)."""
        key = (channel, code)
        window = self._windows.get(key)
        if window is None or now - window.started >= self._window:
            left_out = window.left_out if window is not None else 0
            self._windows[key] = _Window(now, 1)
            return left_out
        if window.logged < self._lines:
            window.logged += 1
            return 0
        window.left_out += 1
        return None
