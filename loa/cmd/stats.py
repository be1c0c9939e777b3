"""``loa stats [--json]``: residents, subscriptions, deliveries and broadcasts at a glance."""

from __future__ import annotations

import argparse
import json
from datetime import tzinfo
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from loa.config import Settings
from loa.timefmt import shown, zone
from storage import channel_states
from storage.broadcast_history import list_broadcasts
from storage.db import open_database, session_factory
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


def _print_human(stats: dict[str, Any], tz: tzinfo | None = None) -> None:
    """The figures for people; times in ``tz`` (Vietnam time by default), labelled."""
    tz = tz or zone()
    print("Residents per channel:")
    for channel, counts in sorted(stats["residents"].items()):
        print(f"  {channel:<10} active {counts['active']:>7}   inactive {counts['inactive']:>7}")
    print("Channels:")
    for channel, state in stats["channels"].items():
        print(f"  {channel:<10} {channel_state_line(state, tz)}")
    for title, key in (("Residents per commune:", "communes"), ("Residents per topic:", "topics")):
        print(title)
        for value, count in sorted(stats[key].items(), key=lambda item: -item[1]):
            print(f"  {value:<24} {count:>7}")
    print("Deliveries:")
    for channel, states in sorted(stats["deliveries"].items()):
        line = "   ".join(f"{state} {count}" for state, count in sorted(states.items()))
        print(f"  {channel:<10} {line}")
    print("Instances (loa run):")
    if not stats["instances"]:
        print("  none running")
    for i in stats["instances"]:
        roles = ", ".join(i["roles"]) if i["alive"] else "gone (no heartbeat for a minute)"
        print(
            f"  {i['host']} pid {i['pid']:<7} since {shown(i['started_at'], tz)}"
            f"  seen {shown(i['last_seen'], tz, seconds=True)}  {roles or 'standby'}"
        )
    print("Broadcasts (newest first):")
    for b in stats["broadcasts"]:
        target = b["commune"] or "mọi người"
        report = b["report"] or {}
        print(
            f"  #{b['id']} {shown(b['created_at'], tz)} {b['state']:<9} to {target}"
            f" sent {report.get('sent', '-')} failed {report.get('failed', '-')}"
            f" by {_author(b)}: {b['text'][:60]}"
        )


def channel_state_line(state: dict[str, Any], tz: tzinfo) -> str:
    """ "working", "paused since 2026-12-06 11:05 +07: the bot is refused: …", "off (…)"."""
    if state["state"] == "off":
        return f"off ({state['reason']})"
    if state["state"] == "paused":
        return f"paused since {shown(state['since'], tz)}: {state['reason']}"
    return str(state["state"])


def _author(broadcast: dict[str, Any]) -> str:
    """Who acted, the signature residents saw and its reach: "zalo:123 as UBND xã Sam Mứn
    (commune)"."""
    who = broadcast.get("author") or broadcast["created_by"]
    scope = broadcast.get("scope") or "province"  # figures from before commune administrators
    if not broadcast.get("author_name"):
        return f"{who} ({scope})"
    return f"{who} as {broadcast['author_name']} ({scope})"


async def stats(settings: Settings, args: argparse.Namespace) -> int:
    """Print the figures, as text or one JSON object."""
    async with open_database(settings.database.url) as engine:
        async with session_factory(engine)() as session:
            figures = await collect(session)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        _print_human(figures, zone(settings.places.timezone))
    return 0
