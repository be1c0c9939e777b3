"""The lifecycle of Loa's background services (``loa.runtime.Service``): one named task, started
by ``start`` and cancelled, then awaited, by ``stop``; ``every`` is the loop of those that
simply repeat a pass on an interval.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any


class BackgroundTask:
    """A service's one task; ``stop`` before ``start`` does nothing."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._task: asyncio.Task[None] | None = None

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        """Run ``work`` as a task named like the service (as asyncio's debug output shows)."""
        self._task = asyncio.create_task(work, name=self._name)

    async def stop(self) -> None:
        """Cancel the task and wait until it ended; how it ended is no error of the caller's."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def every(
    seconds: float,
    work: Callable[[], Awaitable[object]],
    *,
    log: logging.Logger,
    failure: str,
) -> None:
    """Run ``work`` now and then every ``seconds``, forever: a failing pass is logged
    (``failure``, on the service's own logger) and the next one comes all the same."""
    while True:
        try:
            await work()
        except Exception:
            log.exception(failure)
        await asyncio.sleep(seconds)
