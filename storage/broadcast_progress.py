"""Progress and final reports of broadcasts: delivery counts per state and channel
(``progress``), and the ``done`` state with its stored report once nothing is left to send
(``finish_if_done``). Read by the progress reporter, the console, the CLI and the admin page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Broadcast, BroadcastState, Delivery, DeliveryState, utcnow


@dataclass(slots=True)
class Progress:
    """Delivery counts of one broadcast, per state, over all channels.

    ``held``: deliveries waiting for their residents' quiet hours to end (``held_until``: the
    last of those ends), neither sent nor failed nor pending for the senders. A broadcast is
    ``finished`` (done, its final report made) only once they went too; ``settled`` says that
    nothing is left for the senders now."""

    sent: int = 0
    failed: int = 0
    pending: int = 0
    held: int = 0
    held_until: datetime | None = None
    per_channel: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.pending + self.held

    @property
    def settled(self) -> bool:
        return self.pending == 0

    @property
    def finished(self) -> bool:
        return self.pending == 0 and self.held == 0


async def progress(session: AsyncSession, broadcast_id: int) -> Progress:
    """The broadcast's delivery counts now (``held_until`` only when some are held)."""
    rows = await session.execute(
        select(Delivery.channel, Delivery.state, func.count())
        .where(Delivery.broadcast_id == broadcast_id)
        .group_by(Delivery.channel, Delivery.state)
    )
    result = Progress()
    for channel, state, count in rows.all():
        result.per_channel.setdefault(channel, {})[state] = int(count)
        if state == DeliveryState.SENT.value:
            result.sent += int(count)
        elif state == DeliveryState.FAILED.value:
            result.failed += int(count)
        elif state == DeliveryState.HELD.value:
            result.held += int(count)
        else:
            result.pending += int(count)
    if result.held:
        result.held_until = await session.scalar(
            select(func.max(Delivery.next_attempt_at)).where(
                Delivery.broadcast_id == broadcast_id, Delivery.state == DeliveryState.HELD.value
            )
        )
    return result


async def finish_if_done(session: AsyncSession, broadcast_id: int) -> Progress:
    """Store the final report once every delivery is sent or failed."""
    current = await progress(session, broadcast_id)
    if current.finished:
        await finish(session, broadcast_id, current, utcnow())
    return current


async def finish(session: AsyncSession, broadcast_id: int, report: Progress, now: datetime) -> None:
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.state == BroadcastState.SENDING.value)
        .values(
            state=BroadcastState.DONE.value,
            finished_at=now,
            report=json.dumps(
                {"sent": report.sent, "failed": report.failed, "per_channel": report.per_channel}
            ),
        )
    )
