"""``loa sources [--json]``: each source's health: the configuration file's, then those added
on the admin page (stored in the database; ``added_by`` says who added them)."""

from __future__ import annotations

import argparse
import json
from datetime import tzinfo
from typing import Any

from base.config import Settings
from base.timefmt import local_iso, shown, zone
from storage.db import open_database, session_factory
from storage.models import Source
from storage.sources import every_source
from storage.sources import list_sources as stored_sources


def _health(name: str, url: str, row: Source | None) -> dict[str, Any]:
    return {
        "name": name,
        "url": url,
        "last_success": local_iso(row.last_success_at) if row else None,
        "consecutive_failures": row.consecutive_failures if row else 0,
        "last_error": row.last_error if row else None,
        "next_check": local_iso(row.next_check_at) if row else None,
        "backfilled": row.backfilled if row else False,
        "alert": row.alert if row else None,  # the problem the administrators were told about
        "added_by": row.added_by if row else None,  # None: a source of the configuration file
    }


_ALERTS = {
    "empty": "the list page yields no article links (layout changed, or news drawn by JavaScript?)",
    "incomplete": "articles are read without a title or date (layout changed?)",
    "failing": "failing for over a day",
}


def _human(item: dict[str, Any], tz: tzinfo) -> str:
    def when(key: str) -> str:
        return shown(item[key], tz, seconds=True)

    failures = item["consecutive_failures"]
    status = "OK" if not failures else f"FAILING ({failures} in a row)"
    if item["last_success"] is None and not failures:
        status = "not polled yet"
    if item["alert"]:
        status += f", ALERT: {_ALERTS.get(item['alert'], item['alert'])}"
    lines = [
        f"{item['name']}: {status}",
        f"    url:          {item['url']}",
        f"    last success: {when('last_success')}",
        f"    next check:   {when('next_check')}",
    ]
    if item["added_by"]:
        lines.append(f"    added by:     {item['added_by']} (admin page; stored in the database)")
    if item["last_error"]:
        lines.append(f"    last error:   {item['last_error']}")
    return "\n".join(lines)


async def list_sources(settings: Settings, args: argparse.Namespace) -> int:
    """Show every configured source with its stored polling state (``add``: a new one)."""
    if getattr(args, "sources_command", None) == "add":
        from loa.cmd.source_add import add_source

        return await add_source(settings, args)
    async with open_database(settings.database.url) as engine:
        async with session_factory(engine)() as session:
            rows = await stored_sources(session)
            sources = await every_source(session, settings.sources)
    tz = zone(settings.places.timezone)
    for source in sources:
        item = _health(source.name, source.url, rows.get(source.name))
        print(json.dumps(item, ensure_ascii=False) if args.json else _human(item, tz))
    if not sources and not args.json:
        print("no [[sources]] configured")
    return 0
