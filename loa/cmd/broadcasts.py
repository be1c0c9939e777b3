"""``loa broadcasts [--json] [--limit N]`` and ``loa broadcasts cancel ID``.

The list shows each broadcast, newest first: id, state, author (the signature residents saw,
its scope — province or commune — and who acted), when it was created, its
target, and its counts (residents per channel while in preview, live sent / failed / pending
/ held while sending, the report once done or cancelled). ``held``: deliveries waiting for
residents' quiet hours to end (``held_until``: the last end); a broadcast stays sending until
they went, then it is done. Listing also marks drafts left in preview
longer than ``[broadcasts] preview_expiry_hours`` as expired.

``cancel`` stops a broadcast in preview or sending: its pending deliveries are dropped (failed,
"cancelled by the operator"), it becomes cancelled, and its report says how many had been sent.
An unknown id, or a broadcast already done or cancelled, exits 2 with the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from base.config import Settings
from storage import broadcast_progress
from storage import broadcasts as store
from storage.db import open_database, session_factory
from storage.models import Broadcast, BroadcastState

TEXT_SHOWN = 50


async def broadcasts(settings: Settings, args: argparse.Namespace) -> int:
    if getattr(args, "broadcasts_command", None) == "cancel":
        return await cancel(settings, args.id)
    return await list_broadcasts(settings, json_lines=args.json, limit=args.limit)


async def cancel(settings: Settings, broadcast_id: int) -> int:
    async with open_database(settings.database.url) as engine:
        sessions = session_factory(engine)
        try:
            async with sessions.begin() as session:
                stopped = await store.cancel_broadcast(session, broadcast_id)
        except store.CancelRefused as exc:
            print(f"loa: {exc}", file=sys.stderr)
            return 2
    if stopped.was == BroadcastState.PREVIEW.value:
        print(f"broadcast #{broadcast_id} cancelled before it was sent: nothing was sent")
    else:
        print(
            f"broadcast #{broadcast_id} cancelled: sent {stopped.sent} before the cancel,"
            f" failed {stopped.failed}, {stopped.dropped} pending deliveries dropped"
        )
    return 0


async def list_broadcasts(settings: Settings, *, json_lines: bool, limit: int) -> int:
    if limit < 1:
        print("loa: --limit must be at least 1", file=sys.stderr)
        return 2
    expiry = timedelta(hours=settings.broadcasts.preview_expiry_hours)
    async with open_database(settings.database.url) as engine:
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            rows = await store.list_broadcasts(session, limit, preview_expiry=expiry)
            views = [await describe(session, row, expiry) for row in rows]
    if json_lines:
        for view in views:
            print(json.dumps(view, ensure_ascii=False))
        return 0
    if not views:
        print("no broadcasts yet")
        return 0
    tz = ZoneInfo(settings.places.timezone)
    for view in views:
        print(_line(view, tz))
    return 0


async def describe(session: AsyncSession, row: Broadcast, expiry: timedelta) -> dict[str, Any]:
    """One broadcast as a JSON object (times ISO 8601 UTC)."""
    report = json.loads(row.report) if row.report else None
    live = None
    if row.state == BroadcastState.SENDING.value:
        current = await broadcast_progress.progress(session, row.id)
        live = {
            "sent": current.sent,
            "failed": current.failed,
            "pending": current.pending,
            "held": current.held,
            "held_until": _iso(current.held_until),
        }
    expired = row.state == BroadcastState.CANCELLED.value and (report or {}).get("reason") == (
        store.EXPIRED
    )
    return {
        "id": row.id,
        "state": row.state,
        "expired": expired,
        "created_by": row.created_by,
        "author": row.created_by,
        "author_name": row.author_name,
        "scope": row.scope,
        "created_at": _iso(row.created_at),
        "confirmed_at": _iso(row.confirmed_at),
        "finished_at": _iso(row.finished_at),
        "expires_at": _iso(row.created_at + expiry)
        if row.state == BroadcastState.PREVIEW.value
        else None,
        "commune": row.commune,
        "topic": row.topic,
        "emergency": row.emergency,
        "text": row.text,
        "counts": json.loads(row.counts) if row.counts else {},
        "progress": live,
        "report": report,
    }


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _local(iso: str, tz: tzinfo) -> str:
    local = datetime.fromisoformat(iso).astimezone(tz)
    offset = int((local.utcoffset() or timedelta()).total_seconds()) // 60
    sign = "-" if offset < 0 else "+"
    hours, minutes = divmod(abs(offset), 60)
    return f"{local:%Y-%m-%d %H:%M} {sign}{hours:02d}" + (f":{minutes:02d}" if minutes else "")


def _target(view: dict[str, Any]) -> str:
    if view["scope"] == store.COMMUNE and not view["commune"]:
        return "(its commune not chosen yet)"  # a commune administrator's draft
    parts = [p for p in (view["commune"], view["topic"] and f"topic {view['topic']}") if p]
    return " + ".join(parts) or "everyone"


def _numbers(view: dict[str, Any], tz: tzinfo) -> str:
    report, live = view["report"] or {}, view["progress"]
    if view["expired"]:
        return "expired before it was confirmed"
    if live is not None:
        numbers = f"sent {live['sent']} failed {live['failed']} pending {live['pending']}"
        if live.get("held"):
            until = f" until {_local(live['held_until'], tz)}" if live.get("held_until") else ""
            numbers += f" held {live['held']} (quiet hours{until})"
        return numbers
    if view["state"] == BroadcastState.PREVIEW.value:
        total = sum(view["counts"].values())
        return f"{total} residents, not confirmed"
    if report.get("was") == BroadcastState.PREVIEW.value:
        return f"not sent ({report.get('why') or 'cancelled'})"
    if "sent" in report:
        numbers = f"sent {report['sent']} failed {report.get('failed', 0)}"
        if report.get("cancelled"):
            numbers += f" dropped {report['cancelled']}"
        return numbers
    return "nothing sent"


def _author(view: dict[str, Any]) -> str:
    """Who acted, the signature residents saw and its reach: "zalo:123 as UBND xã Sam Mứn
    (commune)"."""
    if not view.get("author_name"):
        return f"{view['author']} ({view['scope']})"
    return f"{view['author']} as {view['author_name']} ({view['scope']})"


def _line(view: dict[str, Any], tz: tzinfo) -> str:
    state = view["state"] + ("!" if view["emergency"] else "")
    text = view["text"].replace("\n", " ")
    if len(text) > TEXT_SHOWN:
        text = text[: TEXT_SHOWN - 1] + "…"
    return (
        f"#{view['id']:<5} {state:<10} {_local(view['created_at'], tz)}  by {_author(view)}"
        f"  to {_target(view)}  {_numbers(view, tz)}  «{text}»"
    )
