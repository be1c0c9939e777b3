"""``loa stats [--json]``: residents, subscriptions, deliveries and broadcasts at a glance."""

from __future__ import annotations

import argparse
import json
from datetime import tzinfo
from typing import Any

from base.config import Settings
from base.timefmt import shown, zone
from storage.db import open_database, session_factory
from storage.instances import by_base
from storage.overview import collect


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
        roles = held_roles(i["roles"]) if i["alive"] else "gone (no heartbeat for a minute)"
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


def held_roles(roles: list[str]) -> str:
    """ "poller, telegram:sender shares 1/3 2/3": a bot's shares of sending on one line."""
    return ", ".join(
        f"{base} share{'s' if len(shares) > 1 else ''} {' '.join(shares)}" if shares else base
        for base, shares in by_base(roles).items()
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
