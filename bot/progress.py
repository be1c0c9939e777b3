"""Broadcast progress on the administrator's preview: sent / failed / pending / held, then the
final report (``ProgressReporter``, a background service of ``loa run``).

The preview is the message the administrator pressed Gửi on (``bot.broadcast`` remembers its
id); every edit and report goes through the outbox like any message a bot sends.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.background import BackgroundTask, every
from bot import texts
from bot.channel import Channel, Reply
from bot.outgoing import Outgoing, encode
from storage import broadcast_progress, outbox
from storage.models import Broadcast, BroadcastState, Priority

log = logging.getLogger(__name__)


class ProgressReporter:
    """Shows each sending broadcast's progress (sent / failed / pending / held for quiet hours)
    on its preview, then the final report, through the outbox like every message a bot sends.

    Deliveries held for residents' quiet hours are neither sent nor failed: the broadcast is
    done, and its final report made, only once they went too (the morning after, maybe); till
    then the progress shows them as their own count.

    One ``report_once`` pass per ``interval_seconds``; a preview is edited only when its counts
    changed and its last edit has gone out. Between them, every ``finish_seconds``, a pass
    that only finishes: the final report follows the last delivery within that, not within
    the progress interval. Channels that cannot edit a message (their
    ``edit`` is ``Channel.edit``, as on Zalo) get the final report only, as a new message. The
    report is queued in the transaction that marks the broadcast done, so it is shown once.
    """

    name = "broadcast progress"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: Mapping[str, Channel],
        interval_seconds: float = 3.0,
        on_queued: Callable[[], None] | None = None,
        finish_seconds: float = 0.5,
    ) -> None:
        self._sessions = sessions
        self._editable = {
            name for name, channel in channels.items() if type(channel).edit is not Channel.edit
        }
        self._channels = set(channels)
        self._interval = interval_seconds
        self._finish = min(finish_seconds, interval_seconds)
        self._last_progress = -math.inf
        self._on_queued = on_queued
        self._shown: dict[int, tuple[int, int, int, int]] = {}
        self._task = BackgroundTask(self.name)

    async def start(self) -> None:
        failure = "reporting broadcast progress failed"
        self._task.start(every(self._finish, self._tick, log=log, failure=failure))

    async def stop(self) -> None:
        await self._task.stop()

    async def _tick(self) -> int:
        now = time.monotonic()
        # A little early counts: the ticks' own jitter must not skip a progress pass.
        progress = now - self._last_progress >= self._interval - self._finish / 2
        if progress:
            self._last_progress = now
        return await self.report_once(progress=progress)

    async def report_once(self, *, progress: bool = True) -> int:
        """Report every broadcast still sending (without ``progress``: only those that are
        finished, with their final report); return how many reports were queued."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(Broadcast).where(Broadcast.state == BroadcastState.SENDING.value)
            )
            sending = list(rows.scalars())
        queued = 0
        for broadcast in sending:
            try:
                queued += await self._report(broadcast, progress=progress)
            except Exception:
                # One broadcast's failure must not silence the others' reports.
                log.exception("reporting broadcast %d failed", broadcast.id)
        if queued and self._on_queued is not None:
            self._on_queued()
        return queued

    async def _report(self, broadcast: Broadcast, *, progress: bool) -> int:
        async with self._sessions.begin() as session:
            now = await broadcast_progress.progress(session, broadcast.id)
            counts = (now.sent, now.failed, now.pending, now.held)
            if now.finished:
                await broadcast_progress.finish_if_done(session, broadcast.id)
                self._shown.pop(broadcast.id, None)
                return await self._queue(session, broadcast, counts, final=True)
            if not progress or self._shown.get(broadcast.id) == counts:
                return 0
            tag = f"progress:{broadcast.id}"
            if await outbox.has_pending_tag(session, tag):
                return 0  # the last edit has not gone out yet: no pile of edits
            self._shown[broadcast.id] = counts
            return await self._queue(session, broadcast, counts, final=False)

    async def _queue(
        self,
        session: AsyncSession,
        broadcast: Broadcast,
        counts: tuple[int, int, int, int],
        *,
        final: bool,
    ) -> int:
        channel, chat_id = broadcast.origin_channel or "", broadcast.origin_chat_id
        if channel not in self._channels or not chat_id:
            return 0
        editable = channel in self._editable and broadcast.preview_message_id is not None
        if not (final or editable):
            return 0
        sent, failed, pending, held = counts
        reply = Reply(texts.broadcast_progress(sent, failed, pending, done=final, held=held))
        message = Outgoing(
            reply,
            edit_message_id=broadcast.preview_message_id if editable else None,
            send_if_uneditable=final,
            broadcast_id=broadcast.id,
        )
        await outbox.queue_messages(
            session,
            channel,
            chat_id,
            [encode(message)],
            priority=Priority.ANSWER if final else Priority.PROGRESS,
            tag=f"progress:{broadcast.id}",
        )
        return 1
