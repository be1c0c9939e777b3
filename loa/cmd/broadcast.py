"""``loa broadcast [--commune NAME] [--topic SLUG] [--emergency] [--yes] TEXT``.

The command queues the deliveries; the senders of a running ``loa run`` send them. It shows a
progress bar until every delivery is sent or failed, and exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.catalog import ChoiceKind, build_catalog
from loa.config import Settings
from storage import broadcasts
from storage.broadcasts import Progress, Target
from storage.db import open_database, session_factory

POLL_SECONDS = 0.5
QUIET_WARNING_SECONDS = 15.0


class UsageError(Exception):
    """A wrong argument: reported on stderr with exit status 2."""


def resolve_target(settings: Settings, commune: str | None, topic: str | None) -> Target:
    """Resolve ``--commune`` like residents' input (old names too) and check ``--topic``."""
    catalog = build_catalog(settings.places.province, settings.topics)
    commune_name = None
    if commune:
        found = catalog.resolve(commune)
        choice = found.choice
        if choice is None or choice.kind is not ChoiceKind.COMMUNE:
            options = [c.display for c in found.candidates or found.suggestions]
            hint = f"; did you mean: {', '.join(options)}" if options else ""
            raise UsageError(f"--commune {commune!r} is not one commune of the province{hint}")
        if choice.old_name:
            print(f"{choice.old_name} is now part of {choice.display}", file=sys.stderr)
        commune_name = choice.value
    if topic and catalog.taxonomy.get(topic) is None:
        slugs = ", ".join(slug for slug, _ in catalog.topics())
        raise UsageError(f"--topic {topic!r} is not a topic slug (one of: {slugs})")
    return Target(commune=commune_name, topic=topic)


def _bar(current: Progress, width: int = 30) -> str:
    done = current.sent + current.failed
    filled = width * done // current.total if current.total else width
    return (
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{current.total}"
        f"  sent {current.sent}  failed {current.failed}  pending {current.pending}"
    )


async def _wait(sessions: async_sessionmaker[AsyncSession], broadcast_id: int) -> Progress:
    """Show progress until every delivery is sent or failed."""
    last_done, last_change = -1, time.monotonic()
    warned = False
    while True:
        async with sessions.begin() as session:
            current = await broadcasts.finish_if_done(session, broadcast_id)
        print(_bar(current), end="", file=sys.stderr, flush=True)
        if current.finished:
            print(file=sys.stderr)
            return current
        done = current.sent + current.failed
        if done != last_done:
            last_done, last_change = done, time.monotonic()
        elif not warned and time.monotonic() - last_change > QUIET_WARNING_SECONDS:
            warned = True
            print(
                "\nno progress yet: is `loa run` running? The deliveries stay queued.",
                file=sys.stderr,
            )
        await asyncio.sleep(POLL_SECONDS)


def _confirmed(total: int) -> bool:
    try:
        answer = input(f"Send to {total} residents? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes", "c", "co", "có"}


async def broadcast(settings: Settings, args: argparse.Namespace) -> int:
    """Preview, confirm, queue, then follow the deliveries to the end."""
    text = " ".join(args.text).strip()
    problem = broadcasts.text_problem(text)
    if problem:
        print(f"loa: {problem}", file=sys.stderr)
        return 2
    try:
        target = resolve_target(settings, args.commune, args.topic)
    except UsageError as exc:
        print(f"loa: {exc}", file=sys.stderr)
        return 2
    async with open_database(settings.database.url) as engine:
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            preview = await broadcasts.create_preview(
                session, text=text, target=target, emergency=args.emergency, created_by="cli"
            )
            counts = await broadcasts.count_targets(session, target)
        total = sum(counts.values())
        per_channel = ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none"
        print(f"target: {total} residents ({per_channel})")
        if not args.yes and not _confirmed(total):
            async with sessions.begin() as session:
                await broadcasts.cancel(session, preview.id)
            print("cancelled: nothing was sent")
            return 1
        async with sessions.begin() as session:
            queued = await broadcasts.confirm(session, preview.id)
        print(f"broadcast #{preview.id}: {queued} deliveries queued")
        final = await _wait(sessions, preview.id)
    print(f"done: sent {final.sent}, failed {final.failed}")
    return 1 if final.failed else 0
