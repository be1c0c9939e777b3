"""Connecting a bot to its platform without letting an outage stop Loa.

A platform that refuses Loa's token is a configuration error: ``loa run`` stops and says so.
A platform that cannot be reached (network down, 5xx, timeouts) is retried in the background
with backoff, while the portal polling, the other channel and the queue go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.channel import CallRefused, ChannelError, MalformedAnswer

log = logging.getLogger(__name__)


class ChannelRefused(ChannelError):
    """The platform refused Loa's credentials: fix the configuration, retrying will not help."""


async def connect_patiently(
    platform: str,
    connect: Callable[[], Awaitable[None]],
    *,
    refused: Callable[[BaseException], bool],
    backoff_seconds: float = 1.0,
    max_backoff_seconds: float = 300.0,
) -> asyncio.Task[None] | None:
    """Run ``connect`` now; if the platform is unreachable, keep trying in a background task.

    Returns that task (cancel it on stop), or None when connected at once. Raises
    ``ChannelRefused`` when ``refused(error)`` says the credentials were rejected.
    """
    try:
        await connect()
        return None
    except Exception as exc:
        _check_refused(platform, exc, refused)
        log.warning("%s %s at start; retrying in the background", platform, _failure(exc))
    return asyncio.create_task(
        _retry(platform, connect, refused, backoff_seconds, max_backoff_seconds),
        name=f"{platform} connect",
    )


async def _retry(
    platform: str,
    connect: Callable[[], Awaitable[None]],
    refused: Callable[[BaseException], bool],
    delay: float,
    max_delay: float,
) -> None:
    while True:
        await asyncio.sleep(delay)
        try:
            await connect()
        except Exception as exc:
            if refused(exc):
                log.error("%s refused the bot token; the %s bot stays off", platform, platform)
                return
            delay = min(delay * 2, max_delay)
            log.warning("%s still %s; next try in %.0f s", platform, _failure(exc), delay)
        else:
            log.info("%s connected", platform)
            return


def _failure(exc: Exception) -> str:
    """How a failed connect is logged: an answer in the wrong shape is not "unreachable"."""
    if isinstance(exc, MalformedAnswer):
        return f"gave a {exc}"
    if isinstance(exc, CallRefused):
        return f"refused {exc}"
    return f"unreachable ({exc})"


async def cancel(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task (a pending connect, a poller) and wait until it has ended."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _check_refused(platform: str, exc: Exception, refused: Callable[[BaseException], bool]) -> None:
    if refused(exc):
        # `from None`: the platform library's message may quote the token itself.
        raise ChannelRefused(
            f"{platform} refused the bot token: check the token in the configuration"
        ) from None


class UpdateStream:
    """Whether this instance reads a bot's update stream (long polling): only while it holds
    the bot's ``updates`` role (``wanted``) and only once the bot is connected."""

    def __init__(
        self, begin: Callable[[], Awaitable[None]], end: Callable[[], Awaitable[None]]
    ) -> None:
        self._begin, self._end = begin, end
        self._connected = self._wanted = False

    async def connected(self) -> None:
        self._connected = True
        if self._wanted:
            await self._begin()

    def disconnected(self) -> None:
        self._connected = False

    async def want(self) -> None:
        self._wanted = True
        if self._connected:
            await self._begin()

    async def drop(self) -> None:
        self._wanted = False
        await self._end()
