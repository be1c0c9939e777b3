"""The rhythm job: held deliveries become bulletins, or are released, when their time comes.

For each resident with due held rows, in one transaction: a resident with a daily bulletin
gets ONE bulletin (every held article, newest first, split only where the platform's limit
forces it), queued in the outbox like an answer (priority news) — the held rows become
``bundled``, never sent on their own; at the end of quiet hours, held news is released to the
sender (or, when more than ``BUNDLE_ABOVE`` articles were held, sent as one bulletin too);
held broadcasts are always released. Deliveries of a resident who is no longer active fail.

Only the instance holding the ``reporter`` role runs it (``loa.runtime``), so a bulletin is
made once. Loa down at bulletin time loses nothing: the rows stay held, and the first pass
after the restart finds them due. The clock is injected (``now``), so tests do not wait.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.background import BackgroundTask
from bot import texts
from bot.channel import Reply
from bot.outgoing import Outgoing, encode
from bot.render import article_view, render_article_list
from storage import outbox, rhythm
from storage.models import Article, DeliveryState, Priority, utcnow

log = logging.getLogger(__name__)

# At the end of quiet hours, more held articles than this come as one bulletin.
BUNDLE_ABOVE = 3
DEFAULT_LIMIT = 2000  # fits every channel
TICK_SECONDS = 5.0  # a setting changed elsewhere (another instance) is seen within this


class ChangedMeanwhile(Exception):
    """A resident's held deliveries changed while a pass settled them (retried next pass)."""


class RhythmJob:
    """Turns due held deliveries into bulletins or releases them; ``wake`` to run a pass now."""

    name = "rhythm"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tz: tzinfo,
        *,
        limits: Mapping[str, int] | None = None,
        now: Callable[[], datetime] = utcnow,
        tick_seconds: float = TICK_SECONDS,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        """``limits``: each channel's message limit (visible text); ``on_queued`` wakes the
        senders when a pass queued or released anything."""
        self._sessions = sessions
        self._tz = tz
        self._limits = dict(limits or {})
        self._now = now
        self._tick = tick_seconds
        self._on_queued = on_queued
        self._wake = asyncio.Event()
        self._task = BackgroundTask(self.name)
        self._failed = 0  # residents the last pass could not settle

    async def start(self) -> None:
        self._task.start(self._run())

    async def stop(self) -> None:
        await self._task.stop()

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
                # A resident whose rows could not be settled is still due: not again at once.
                wait = self._tick if self._failed else await self._seconds_to_next()
            except Exception:
                log.exception("rhythm pass failed")
                wait = self._tick
            try:  # asyncio.timeout: wait_for (3.11) may lose a cancellation coming as it wakes
                async with asyncio.timeout(max(wait, 0.01)):
                    await self._wake.wait()
            except TimeoutError:
                pass
            self._wake.clear()

    async def _seconds_to_next(self) -> float:
        async with self._sessions() as session:
            due = await rhythm.next_due(session)
        if due is None:
            return self._tick
        return min(self._tick, (due - self._now()).total_seconds())

    async def run_once(self) -> int:
        """One pass at ``now()``: roll residents' instants forward, then settle every due
        resident; return how many messages were queued or released."""
        now = self._now()
        async with self._sessions.begin() as session:
            await rhythm.roll(session, now, self._tz)
            residents = await rhythm.due_residents(session, now)
        moved, self._failed = 0, 0
        for resident_id in residents:
            try:
                async with self._sessions.begin() as session:
                    moved += await self._settle(session, resident_id, now)
            except Exception:
                self._failed += 1
                log.exception("rhythm: resident %d: could not settle held deliveries", resident_id)
        if moved:
            log.info(
                "rhythm: %d residents' held deliveries settled: %d messages", len(residents), moved
            )
            if self._on_queued is not None:
                self._on_queued()
        return moved

    async def _settle(self, session: AsyncSession, resident_id: int, now: datetime) -> int:
        due = await rhythm.take_due(session, resident_id, now)
        if due is None:
            return 0
        resident = due.resident
        if not resident.active:
            reason = rhythm.INACTIVE_REASON
            await rhythm.settle(session, due.delivery_ids, DeliveryState.FAILED, reason=reason)
            return 0
        released = list(due.broadcasts)
        queued = 0
        bundle = resident.bulletin_time is not None or len(due.articles) > BUNDLE_ABOVE
        if due.articles and bundle:
            # Rows first: a setting changed meanwhile (another instance) may have released
            # some; then this transaction is rolled back, and the next pass sees the change.
            bundled = [delivery for delivery, _ in due.articles]
            if await rhythm.settle(session, bundled, DeliveryState.BUNDLED) != len(bundled):
                raise ChangedMeanwhile(f"resident {resident.id}: held deliveries changed")
            queued = await self._bulletin(session, resident.channel, resident.chat_id, due, now)
        else:
            released += [delivery for delivery, _ in due.articles]
        if released:
            await outbox.ring(session)
        await rhythm.settle(session, released, DeliveryState.PENDING)
        log.debug(
            "rhythm: %s chat %s: bulletin of %d articles in %d messages, %d released",
            resident.channel,
            resident.chat_id,
            len(due.articles) if queued else 0,
            queued,
            len(released),
        )
        return queued + len(released)

    async def _bulletin(
        self, session: AsyncSession, channel: str, chat_id: str, due: rhythm.Due, now: datetime
    ) -> int:
        found = await rhythm.articles_for(session, [article for _, article in due.articles])
        limit = self._limits.get(channel, DEFAULT_LIMIT)
        replies = render_bulletin(found, now, self._tz, limit)
        payloads = [encode(Outgoing(reply)) for reply in replies]
        tag = f"bulletin:{due.resident.id}"
        ids = await outbox.queue_messages(
            session, channel, chat_id, payloads, priority=Priority.NEWS, tag=tag
        )
        return len(ids)


def render_bulletin(
    articles: Sequence[tuple[Article, Sequence[str]]], now: datetime, tz: tzinfo, limit: int
) -> list[Reply]:
    """The bulletin's messages: a heading, then title · date · link per article (newest
    first, as given), split into messages only where ``limit`` forces it."""
    views = [article_view(article, communes, ()) for article, communes in articles]
    heading = texts.bulletin_heading(now.astimezone(tz).strftime("%d/%m/%Y"), len(views))
    return render_article_list(heading, views, limit)
