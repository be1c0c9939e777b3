"""``loa run``."""

from __future__ import annotations

import argparse
import sys

from base.config import Settings
from loa.runtime import run_until_signalled
from storage.locks import DatabaseInUse, hold_run_lock


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """Poll, chat and send until stopped.

    On an SQLite file a second ``loa run`` beside the first would poll and send everything
    twice: it exits with status 2, naming the holder, before it opens anything. PostgreSQL
    allows several instances, so there is no lock there.
    """
    try:
        lock = hold_run_lock(settings.database.url)
    except DatabaseInUse as exc:
        print(f"loa run: {exc}", file=sys.stderr)
        return 2
    with lock:
        return await run_until_signalled(settings)
