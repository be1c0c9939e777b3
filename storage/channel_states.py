"""Each channel's state: working, paused since when and why, or off (no live sender).

The sender writes a change (``record``) in the transaction of the outcome that showed it: a
pause, then the first success after it (never one per message). Readers (``loa stats``,
``/healthz``, the admin page) combine it with the live instances' roles: a pause recorded
before the instance holding the sender started was another process's, and is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.instances import InstanceView, sends_for
from storage.models import ChannelState

WORKING, PAUSED, OFF = "working", "paused", "off"
CHANNELS = ("zalo", "telegram")  # Zalo first


async def record(
    session: AsyncSession, channel: str, state: str, now: datetime, reason: str | None = None
) -> None:
    """The channel is now ``state`` (one sender per channel writes it: no race to guard)."""
    row = await session.get(ChannelState, channel)
    if row is None:
        session.add(ChannelState(channel=channel, state=state, since=now, reason=reason))
        return
    if row.state != state:
        row.since = now
    row.state, row.reason = state, reason[:1000] if reason else None


async def current(session: AsyncSession, channel: str) -> str:
    """The state last recorded for ``channel``; working when none was (as ``states`` shows it)."""
    row = await session.get(ChannelState, channel)
    return row.state if row is not None else WORKING


async def states(
    session: AsyncSession, instances: Iterable[InstanceView]
) -> dict[str, dict[str, Any]]:
    """{channel: {"state", "since", "reason"}} for Zalo and Telegram (and any other recorded)."""
    started: dict[str, datetime] = {}  # channel → when its (earliest) sending instance started
    for instance in instances:
        for channel in sends_for(instance.roles) if instance.alive else ():
            started[channel] = min(started.get(channel, instance.started_at), instance.started_at)
    rows = {r.channel: r for r in await session.scalars(select(ChannelState))}
    shown: dict[str, dict[str, Any]] = {}
    for channel in (*CHANNELS, *sorted(set(rows) - set(CHANNELS))):
        row = rows.get(channel)
        holder_started = started.get(channel)
        if holder_started is None:
            shown[channel] = {"state": OFF, "since": None, "reason": "no sender running"}
        elif row is None or row.since < holder_started:
            shown[channel] = {"state": WORKING, "since": None, "reason": None}
        else:
            since = row.since.isoformat() if row.since else None
            shown[channel] = {"state": row.state, "since": since, "reason": row.reason}
    return shown
