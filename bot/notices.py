"""Notices to the administrators of every bot: a long platform pause, a source that broke or
recovered. Queued in the outbox like every message, so they are paced and survive a restart."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from base.timefmt import shown
from bot import texts
from bot.channel import Reply
from bot.outgoing import Answers
from bot.render import html_to_text


class PollResult(Protocol):
    """What ``source_changed`` reads of one poll pass (``jobs.poll.PollResult``, handed in)."""

    @property
    def source(self) -> str: ...
    @property
    def error(self) -> str | None: ...
    @property
    def alert(self) -> StrEnum | None: ...  # the problem this pass raised (jobs.health.Problem)
    @property
    def recovered(self) -> StrEnum | None: ...  # the problem it cleared
    @property
    def last_success(self) -> datetime | None: ...


log = logging.getLogger(__name__)


class AdminNotices:
    """Tells every configured administrator (Zalo first, then Telegram)."""

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self._admins: dict[str, list[str]] = {
            "zalo": list(settings.zalo.admins) if settings.zalo.token else [],
            "telegram": [str(a) for a in settings.telegram.admins]
            if settings.telegram.token
            else [],
        }
        self._answers = {
            channel: Answers(sessions, channel, on_queued=on_queued) for channel in self._admins
        }
        self._pending: set[asyncio.Task[None]] = set()

    async def tell(self, html: str, *, skip: str | None = None) -> int:
        """Queue ``html`` to every administrator (but those on channel ``skip``); return how
        many were told."""
        told = 0
        for channel, ids in self._admins.items():
            if channel == skip:
                continue
            for chat_id in ids:
                await self._answers[channel].send(chat_id, [Reply(html)])
                told += 1
        if not told:
            log.warning("no administrator configured to tell: %s", html_to_text(html))
        return told

    def tell_soon(self, html: str) -> None:
        """``tell`` from code that cannot wait (a callback); failures are logged."""
        self._keep(asyncio.get_running_loop().create_task(self._tell_logged(html)))

    async def _tell_logged(self, html: str) -> None:
        try:
            await self.tell(html)
        except Exception:
            log.exception("could not queue a notice to the administrators")

    def _keep(self, task: asyncio.Task[None]) -> None:
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def source_changed(self, result: PollResult, tz: tzinfo) -> None:
        """A pass raised a source alert or ended one: tell the administrators (once each)."""
        if result.alert is not None:
            last_good = shown(result.last_success, tz, missing="") or None
            self.tell_soon(texts.source_alert(result.source, result.alert, result.error, last_good))
        elif result.recovered is not None:
            self.tell_soon(texts.source_recovered(result.source))

    def channel_broken(self) -> Callable[[str, str, str], Coroutine[Any, Any, None]]:
        """For ``jobs.send.Sender(on_broken=...)``."""

        async def tell(channel: str, answer: str, checked: str) -> None:
            # Not on the broken channel: a notice queued there would come after the problem.
            await self.tell(texts.channel_broken(channel, answer, checked), skip=channel)

        return tell

    def voice_off(self) -> Callable[[str, str], Coroutine[Any, Any, None]]:
        """For ``jobs.send.Sender(on_voice_off=...)``."""

        async def tell(channel: str, answer: str) -> None:
            await self.tell(texts.voice_off(channel, answer))

        return tell

    def channel_paused(self) -> Callable[[str, float], Coroutine[Any, Any, None]]:
        """For ``jobs.send.Sender(on_long_pause=...)``."""

        async def tell(channel: str, seconds: float) -> None:
            await self.tell(texts.channel_paused(channel, seconds / 60))

        return tell
