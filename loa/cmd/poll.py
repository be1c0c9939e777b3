"""``loa poll --once``: one pass over every source; exit status 1 when any source failed."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from base.config import Settings
from base.timefmt import plural
from jobs.poll import PollResult, poll_all
from storage.db import open_database, session_factory


def _describe(result: PollResult) -> str:
    if result.not_modified:
        return f"{result.source}: not modified"
    kind = "archived (backfill)" if result.backfill else "new"
    text = (
        f"{result.source}: {plural(result.links, 'link')}, "
        f"{plural(result.fetched, 'article page')} fetched, {result.stored} {kind}, "
        f"{plural(result.queued, 'delivery', 'deliveries')} queued"
    )
    return text + (f", {result.skipped} skipped" if result.skipped else "")


class _DropPassFailed(logging.Filter):
    """Drops the poller's own "pass failed … next try in" warning: this command prints each
    failure itself, once, and there is no next try in a single pass."""

    def filter(self, record: logging.LogRecord) -> bool:
        failed_pass = record.funcName == "_record_failure" or str(record.msg).startswith(
            "%s: pass failed ("
        )
        return not (failed_pass and record.levelno == logging.WARNING)


@contextmanager
def _one_report_per_failure() -> Iterator[None]:
    logger, dropping = logging.getLogger("jobs.poll"), _DropPassFailed()
    logger.addFilter(dropping)
    try:
        yield
    finally:
        logger.removeFilter(dropping)


async def poll_once(settings: Settings, args: argparse.Namespace) -> int:
    """Poll every source once; each failing source is one line on stderr, and exit status 1.

    Status 0 only when every source was read, so cron and systemd timers notice a failure.
    """
    with _one_report_per_failure():
        async with open_database(settings.database.url) as engine:
            results = await poll_all(settings, session_factory(engine))
    if not results:
        print("loa: no [[sources]] configured; nothing to poll", file=sys.stderr)
        return 0
    for result in results:
        if result.ok:
            print(_describe(result))
        else:
            print(f"loa: source {result.source} failed: {result.error}", file=sys.stderr)
    return 0 if all(result.ok for result in results) else 1
