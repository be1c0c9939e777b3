"""Wakes this instance's senders when another instance queued messages, and pauses them when
another instance sending for the same bot was throttled as a whole (PostgreSQL only).

Every transaction that queues deliveries, answers or edits also sends ``NOTIFY loa_outbox``
(``storage.outbox.ring``), delivered at commit. Without it a sender on another instance would
only notice new rows at its next idle poll (``[sender] idle_poll_seconds``); with it, an answer
queued by the instance that read the resident's message leaves within milliseconds. The idle
poll stays as the safety net while the listening connection is down.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.engine import make_url

from base.background import BackgroundTask
from jobs.send import OutboxSignal
from storage.outbox import DOORBELL, PAUSE_BELL

log = logging.getLogger(__name__)


def asyncpg_dsn(url: str) -> str:
    """The plain ``postgresql://`` form of a SQLAlchemy URL (asyncpg's own connect)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Doorbell:
    """LISTEN on ``loa_outbox`` and notify ``signal`` (a ``Service``; reconnects by itself)."""

    name = "outbox doorbell"

    def __init__(self, url: str, signal: OutboxSignal, retry_seconds: float = 2.0) -> None:
        self._dsn = asyncpg_dsn(url)
        self._signal = signal
        self._retry = retry_seconds
        self._task = BackgroundTask(self.name)

    async def start(self) -> None:
        self._task.start(self._run())

    async def stop(self) -> None:
        await self._task.stop()

    async def _run(self) -> None:
        import asyncpg

        while True:
            try:
                connection = await asyncpg.connect(self._dsn)
            except Exception as exc:
                log.warning("outbox doorbell: cannot connect (%s); retrying", type(exc).__name__)
                await asyncio.sleep(self._retry)
                continue
            try:
                lost = asyncio.Event()
                connection.add_termination_listener(lambda _, lost=lost: lost.set())
                await connection.add_listener(DOORBELL, self._ring)
                await connection.add_listener(PAUSE_BELL, self._pause)
                self._signal.notify()  # rows may have been queued while we were away
                await lost.wait()
                log.warning("outbox doorbell: connection lost; reconnecting")
            except asyncio.CancelledError:
                await connection.close(timeout=2)
                raise
            except Exception as exc:
                log.warning("outbox doorbell failed (%s); reconnecting", exc)
                await asyncio.sleep(self._retry)

    def _ring(self, *_: Any) -> None:
        self._signal.notify()

    def _pause(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        """``loa_pause``: "<channel> <until>", from an instance the platform throttled."""
        channel, _, until = payload.partition(" ")
        try:
            self._signal.pause(channel, float(until))
        except ValueError:
            log.warning("outbox doorbell: unreadable pause %r", payload)
