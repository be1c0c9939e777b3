"""``loa residents [--json]`` and ``loa residents restore --since TIME [--channel C] [--yes]``.

The list counts active residents per channel and the inactive ones per channel and reason:
who deactivated them ("sender": a platform's answer to a message; "member update": Telegram
said the bot was blocked; "console"), why, how many and the latest when.

``restore`` re-activates the residents the sender deactivated at or after TIME (on one channel,
or on all), choices intact, and says how many: the undo for a platform's bad minute. TIME is
ISO (``2026-12-06 04:00``, in ``[places] timezone`` unless it carries an offset) or an age
(``90m``, ``6h``, ``2d``). Without ``--yes`` it asks first (on a terminal; otherwise it does
nothing and exits 1).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime, timedelta
from typing import Any

from base.config import Settings
from base.timefmt import plural, shown, zone
from storage import residents
from storage.db import open_database, session_factory
from storage.models import utcnow

_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def parse_since(value: str, settings: Settings, now: datetime) -> datetime:
    """``--since``: an age before ``now`` or an ISO time (local unless it has an offset)."""
    age = _AGE.match(value.lower())
    if age:
        return now - timedelta(**{_UNITS[age.group(2)]: float(age.group(1))})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"--since {value!r}: give a time (2026-12-06 04:00) or an age (90m, 6h, 2d)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(settings.places.timezone))
    return moment


async def residents_command(settings: Settings, args: argparse.Namespace) -> int:
    if getattr(args, "residents_command", None) == "restore":
        return await restore(settings, args)
    return await show(settings, json_output=args.json)


async def show(settings: Settings, *, json_output: bool) -> int:
    async with open_database(settings.database.url) as engine:
        async with session_factory(engine)() as session:
            active, inactive = await residents.summary(session)
    tz = zone(settings.places.timezone)
    if json_output:
        data: dict[str, Any] = {
            "active": active,
            "inactive": [
                {
                    "channel": d.channel,
                    "by": d.by,
                    "why": d.why,
                    "count": d.count,
                    "last_at": d.last_at.isoformat() if d.last_at else None,
                }
                for d in inactive
            ],
        }
        print(json.dumps(data, ensure_ascii=False))
        return 0
    known = set(active) | {d.channel for d in inactive}
    channels = [c for c in ("zalo", "telegram") if c in known] + sorted(
        known - {"zalo", "telegram"}
    )  # Zalo first
    if not channels:
        print("no residents yet")
    for channel in channels:
        print(f"{channel}: {plural(active.get(channel, 0), 'active resident')}")
        for d in (d for d in inactive if d.channel == channel):
            when = shown(d.last_at, tz, missing="") if d.last_at else ""
            last = f", last {when}" if when else ""
            if d.by == "unknown":
                print(f"  inactive {d.count}: no reason recorded (deactivated before Loa kept one)")
            else:
                print(f"  inactive {d.count}: {d.why} (by {d.by}{last})")
    return 0


async def restore(settings: Settings, args: argparse.Namespace) -> int:
    try:
        since = parse_since(args.since, settings, utcnow())
    except ValueError as exc:
        print(f"loa: {exc}", file=sys.stderr)
        return 2
    channel = args.channel
    where = f" on {channel}" if channel else ""
    tz = zone(settings.places.timezone)
    async with open_database(settings.database.url) as engine:
        sessions = session_factory(engine)
        async with sessions() as session:
            found = await residents.count_restorable(session, since, channel)
        if not found:
            print(f"no resident deactivated by the sender since {shown(since, tz)}{where}")
            return 0
        if not args.yes and not _confirmed(found):
            print("nothing restored")
            return 1
        async with sessions.begin() as session:
            restored = await residents.restore(session, since, channel)
    print(
        f"restored {plural(restored, 'resident')} deactivated by the sender since"
        f" {shown(since, tz)}{where}; their choices are as they were"
    )
    return 0


def _confirmed(count: int) -> bool:
    if not sys.stdin.isatty():
        print("loa: not a terminal: add --yes to restore", file=sys.stderr)
        return False
    try:
        answer = input(f"Re-activate {plural(count, 'resident')}? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes", "c", "co", "có"}
