"""The overview's figures: residents, choices, deliveries, instances and broadcasts, as plain
data (``loa stats`` prints them; the admin page's overview shows them)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import channel_states
from storage.broadcast_history import list_broadcasts
from storage.instances import list_instances
from storage.models import Delivery, Resident, Subscription, utcnow


async def collect(session: AsyncSession) -> dict[str, Any]:
    """Every figure ``loa stats`` shows, as plain data."""
    residents = await session.execute(
        select(Resident.channel, Resident.active, func.count()).group_by(
            Resident.channel, Resident.active
        )
    )
    per_channel: dict[str, dict[str, int]] = {}
    for channel, active, count in residents.all():
        key = "active" if active else "inactive"
        per_channel.setdefault(channel, {"active": 0, "inactive": 0})[key] = int(count)
    # Active residents' choices = all choices minus the (few) inactive residents' ones: two
    # narrow index reads, where joining every active resident reads the wide rows (100 000
    # residents on SQLite: ~15 ms instead of ~150 ms; bench/admin_bench.py).
    choice = (Subscription.kind, Subscription.value)
    choices = await session.execute(select(*choice, func.count()).group_by(*choice))
    stopped = await session.execute(
        select(*choice, func.count())
        .join(Resident, Resident.id == Subscription.resident_id)
        .where(Resident.active.is_(False))
        .group_by(*choice)
    )
    inactive = {(kind, value): int(count) for kind, value, count in stopped.all()}
    per_choice: dict[str, dict[str, int]] = {"commune": {}, "topic": {}}
    for kind, value, count in choices.all():
        chosen = int(count) - inactive.get((kind, value), 0)
        if chosen:
            per_choice.setdefault(kind, {})[value] = chosen
    states = await session.execute(
        select(Delivery.channel, Delivery.state, func.count())
        .where(Delivery.payload.is_(None))  # news and broadcasts; answers are not counted
        .group_by(Delivery.channel, Delivery.state)
    )
    deliveries: dict[str, dict[str, int]] = {}
    for channel, state, count in states.all():
        deliveries.setdefault(channel, {})[state] = int(count)
    instances = await list_instances(session, utcnow())
    return {
        "residents": per_channel,
        "channels": await channel_states.states(session, instances),
        "communes": per_choice["commune"],
        "topics": per_choice["topic"],
        "deliveries": deliveries,
        "instances": [i.as_json() for i in instances],
        "broadcasts": [
            {
                "id": b.id,
                "created_by": b.created_by,
                "author": b.created_by,
                "author_name": b.author_name,
                "scope": b.scope,
                "created_at": b.created_at.isoformat(),
                "text": b.text,
                "commune": b.commune,
                "topic": b.topic,
                "emergency": b.emergency,
                "state": b.state,
                "counts": json.loads(b.counts) if b.counts else {},
                "report": json.loads(b.report) if b.report else None,
            }
            for b in await list_broadcasts(session)
        ],
    }
