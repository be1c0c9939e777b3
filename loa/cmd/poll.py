"""``loa poll --once``."""

from __future__ import annotations

import argparse
import sys

from jobs.poll import PollResult, poll_all
from loa.config import Settings
from storage.db import open_database, session_factory


def _describe(result: PollResult) -> str:
    if result.not_modified:
        return f"{result.source}: not modified"
    kind = "archived (backfill)" if result.backfill else "new"
    text = (
        f"{result.source}: {result.links} links, {result.fetched} article pages fetched, "
        f"{result.stored} {kind}, {result.queued} deliveries queued"
    )
    return text + (f", {result.skipped} skipped" if result.skipped else "")


async def poll_once(settings: Settings, args: argparse.Namespace) -> int:
    """Poll every source once; a failing source is reported on stderr, not as an exit status."""
    if not settings.sources:
        print("loa: no [[sources]] configured; nothing to poll", file=sys.stderr)
        return 0
    async with open_database(settings.database.url) as engine:
        results = await poll_all(settings, session_factory(engine))
    for result in results:
        if result.ok:
            print(_describe(result))
        else:
            print(f"loa: source {result.source} failed: {result.error}", file=sys.stderr)
    return 0
