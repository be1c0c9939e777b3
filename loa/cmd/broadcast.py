"""``loa broadcast [--as CHANNEL:ID] [--commune NAME] [--topic SLUG] [--emergency] [--yes]
[--wait S] TEXT``.

Without ``--as`` the operator acts, province-wide, signed ``[places] province_name``. With
``--as zalo:ID`` (or ``telegram:ID``) the CLI acts with that administrator's reach and
signature (``bot.admins``): a commune administrator's broadcast stays in their commune (without
``--commune`` it goes to their commune; one of several must be named), anything else is refused
(exit 2, logged, nothing queued); an id that is no administrator exits 2.

A broadcast that would reach nobody is not queued, ``--yes`` or not: the command says why (no
bot configured; nobody chose that commune or topic yet; no resident at all) and exits 1.

The command queues the deliveries; the senders of a running ``loa run`` send them. So first it
checks that a sender is alive for every channel the broadcast reaches (an instance whose
heartbeat holds ``<channel>:sender``); when one is not, it says so at once and cancels the
draft: nothing is queued, and no later ``loa run`` sends it.

Then it shows a progress bar until no delivery is pending, for at most ``--wait`` seconds
(``--wait 0``: queue and return). Deliveries held for residents' quiet hours (``/yentinh``; an
ordinary broadcast, not ``--emergency`` or ``--urgent``) are not waited for: the preview says
how many residents are in quiet hours, and the end says how many are held and until when
("12 held for quiet hours (until 06:00)"); ``loa run`` sends them when those hours end, and the
broadcast is done (``loa broadcasts``) once they went. Ctrl+C asks whether to cancel the
broadcast (on a terminal; otherwise it cancels); a broadcast whose sender is gone when the wait
ends is cancelled too. Exit status 0 when everything was sent or is held for quiet hours, 1
when anything failed, was cancelled or is still pending when the wait ends, 2 for a wrong
argument.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings, resolve_unit
from base.timefmt import zone
from bot.admins import Admins, AdminScope, decide
from bot.catalog import build_catalog
from news.audience import Nobody, all_quiet, nobody_reason
from storage import broadcast_progress, broadcast_targets, broadcasts, residents
from storage.broadcast_progress import Progress
from storage.broadcast_targets import Target
from storage.db import open_database, session_factory
from storage.instances import list_instances, sends_for
from storage.models import Resident, utcnow

CONSOLE = "console"  # bot.commands.CONSOLE, without importing the commands
POLL_SECONDS = 0.5
QUIET_WARNING_SECONDS = 15.0
DEFAULT_WAIT_SECONDS = 600.0
NO_SENDER_REASON = "cancelled: no sender was running"

log = logging.getLogger(__name__)


class UsageError(Exception):
    """A wrong argument: reported on stderr with exit status 2."""


def resolve_target(settings: Settings, commune: str | None, topic: str | None) -> Target:
    """Resolve ``--commune`` like residents' input (old names too) and check ``--topic``."""
    catalog = build_catalog(settings.places.province, settings.topics)
    commune_name = None
    if commune:
        # Told as a configuration mistake is: the closest names, or where to find them.
        choice = resolve_unit(catalog, commune, "--commune", settings.places.province)
        if isinstance(choice, str):
            raise UsageError(choice)
        if choice.old_name:
            print(f"{choice.old_name} is now part of {choice.display}", file=sys.stderr)
        commune_name = choice.value
    if topic and catalog.taxonomy.get(topic) is None:
        slugs = ", ".join(slug for slug, _ in catalog.topics())
        raise UsageError(f"--topic {topic!r} is not a topic slug (one of: {slugs})")
    return Target(commune=commune_name, topic=topic)


def acting_scope(
    settings: Settings, as_admin: str | None, target: Target
) -> tuple[AdminScope, Target]:
    """Who signs and what the broadcast reaches: the operator without ``--as``; else that
    administrator's scope, with a commune administrator's "everyone" narrowed to their commune.

    Raises ``UsageError`` for an id that is no administrator, a target outside their reach
    (logged: who, what, why) or a commune left to choose among several."""
    admins = Admins(settings)
    if not as_admin:
        return admins.operator(), target
    whole = admins.find(as_admin)
    if whole is None:
        raise UsageError(
            f"--as {as_admin!r} is no administrator: write zalo:ID or telegram:ID of someone in"
            " [zalo] admins, [telegram] admins or a [[commune_admins]] table"
        )
    channel, _, user_id = as_admin.strip().partition(":")
    decision = decide(admins.scopes(channel, user_id.strip()), target)
    if decision.reason is not None:
        log.warning("refused CLI broadcast as %s to %s: %s", whole.who, target, decision.reason)
        raise UsageError(f"refused: {decision.reason}; nothing was queued")
    if decision.ask:
        communes = ", ".join(s.communes[0] for s in decision.ask)
        raise UsageError(
            f"{whole.who} administers several communes; name one with --commune ({communes})"
        )
    assert decision.scope is not None
    return decision.scope.as_who(f"cli:{whole.who}"), decision.target


def _bar(current: Progress, width: int = 30) -> str:
    done = current.sent + current.failed
    filled = width * done // current.total if current.total else width
    held = f"  held {current.held}" if current.held else ""
    return (
        f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{current.total}"
        f"  sent {current.sent}  failed {current.failed}  pending {current.pending}{held}"
    )


def until_text(moment: datetime | None, tz: tzinfo, now: datetime | None = None) -> str:
    """When held deliveries go, in ``tz``: "06:00" today, else "2026-12-02 06:00"."""
    if moment is None:
        return "the end of their quiet hours"
    local, today = moment.astimezone(tz), (now or utcnow()).astimezone(tz).date()
    return f"{local:%H:%M}" if local.date() == today else f"{local:%Y-%m-%d %H:%M}"


def held_text(current: Progress, tz: tzinfo) -> str:
    """ "12 held for quiet hours (until 06:00)", or "" when none is held."""
    if not current.held:
        return ""
    return f"{current.held} held for quiet hours (until {until_text(current.held_until, tz)})"


async def missing_senders(session: AsyncSession, channels: list[str]) -> list[str]:
    """Those of ``channels`` for which no live instance holds the ``<channel>:sender`` role."""
    live = {
        channel
        for instance in await list_instances(session, utcnow())
        if instance.alive
        for channel in sends_for(instance.roles)
    }
    return sorted(channel for channel in channels if channel not in live)


async def close_stale_consoles(session: AsyncSession) -> int:
    """Console residents left active by a ``loa chat`` that did not exit cleanly (killed, its
    terminal closed) are deactivated when no console is open: nobody reads a closed console,
    and they must not hold every broadcast back. Return how many."""
    if not await missing_senders(session, [CONSOLE]):
        return 0
    chats = await session.scalars(
        select(Resident.chat_id).where(Resident.channel == CONSOLE, Resident.active.is_(True))
    )
    closed = 0
    for chat_id in list(chats):
        closed += await residents.deactivate(
            session, CONSOLE, chat_id, by="console", why="console closed"
        )
    return closed


def nobody_text(reason: Nobody, target: Target) -> str:
    """Why a broadcast to ``target`` reaches no resident, and what would change that."""
    if reason is Nobody.NO_BOT:
        return (
            "no bot is configured; set [zalo] token (LOA_ZALO_TOKEN) and/or [telegram] token"
            " (LOA_TELEGRAM_TOKEN), and run `loa run`"
        )
    if reason is Nobody.NO_COMMUNE:
        return f"no resident has chosen {target.commune} yet (residents choose it with /dangky)"
    if reason is Nobody.NO_TOPIC:
        return f"no resident has chosen the topic {target.topic} yet, nor receives everything"
    return "no resident has subscribed yet"


def _no_sender(channels: list[str]) -> str:
    roles = ", ".join(f"{c}:sender" for c in channels)
    start = "start `loa run` with that bot's token"
    if channels == ["console"]:
        start = "the console resident's `loa chat` is closed; open it"
    return (
        f"no running `loa run` sends on {', '.join(channels)} (no live instance holds {roles});"
        f" {start}, then broadcast again"
    )


@dataclass(slots=True)
class Outcome:
    """How the wait ended: finished, interrupted (Ctrl+C) or out of time."""

    progress: Progress
    interrupted: bool = False
    timed_out: bool = False


@contextlib.contextmanager
def _interrupts(event: asyncio.Event) -> Iterator[None]:
    """Ctrl+C sets ``event`` instead of stopping the program (main thread only)."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGINT, event.set)
    except (ValueError, RuntimeError, NotImplementedError):  # not the main thread, or Windows
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def _wait(
    sessions: async_sessionmaker[AsyncSession],
    broadcast_id: int,
    channels: list[str],
    wait_seconds: float,
    interrupted: asyncio.Event,
) -> Outcome:
    """Show progress until no delivery is pending (held ones go when quiet hours end), Ctrl+C,
    or ``wait_seconds``."""
    deadline = time.monotonic() + wait_seconds
    last_done, last_change = -1, time.monotonic()
    warned = False
    while True:
        async with sessions.begin() as session:
            current = await broadcast_progress.finish_if_done(session, broadcast_id)
        print(_bar(current), end="", file=sys.stderr, flush=True)
        if current.settled:
            print(file=sys.stderr)
            return Outcome(current)
        if interrupted.is_set():
            print(file=sys.stderr)
            return Outcome(current, interrupted=True)
        if time.monotonic() >= deadline:
            print(file=sys.stderr)
            return Outcome(current, timed_out=True)
        done = current.sent + current.failed
        if done != last_done:
            last_done, last_change = done, time.monotonic()
        elif not warned and time.monotonic() - last_change > QUIET_WARNING_SECONDS:
            warned = True
            async with sessions() as session:
                missing = await missing_senders(session, channels)
            why = f"no sender is running on {', '.join(missing)}" if missing else "no progress"
            print(f"\n{why}: is `loa run` running? The deliveries stay queued.", file=sys.stderr)
        with contextlib.suppress(TimeoutError):  # not wait_for: it may lose a cancellation
            async with asyncio.timeout(POLL_SECONDS):
                await interrupted.wait()


def _confirmed(total: int) -> bool:
    try:
        answer = input(f"Send to {total} residents? [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes", "c", "co", "có"}


def _wants_cancel(broadcast_id: int) -> bool | None:
    """Asked after Ctrl+C on a terminal: True to cancel, False to go on waiting, None to
    leave the broadcast to ``loa run`` and exit (Ctrl+C or end of input again)."""
    try:
        answer = input(f"Cancel broadcast #{broadcast_id}? [y/N] ")
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        return None
    return answer.strip().lower() in {"y", "yes", "c", "co", "có"}


async def _cancel(
    sessions: async_sessionmaker[AsyncSession], broadcast_id: int, reason: str, why: str
) -> int:
    try:
        async with sessions.begin() as session:
            stopped = await broadcasts.cancel_broadcast(session, broadcast_id, reason=reason)
    except broadcasts.CancelRefused as exc:  # it finished meanwhile
        print(f"loa: {exc}", file=sys.stderr)
        return 1
    print(
        f"{why}: broadcast #{broadcast_id} cancelled; sent {stopped.sent} before the cancel,"
        f" failed {stopped.failed}, {stopped.dropped} not sent"
    )
    return 1


def _goes_on(broadcast_id: int, current: Progress, tz: tzinfo | None = None) -> str:
    held = f", {held_text(current, tz or zone())}" if current.held else ""
    return (
        f"broadcast #{broadcast_id} goes on in `loa run` (sent {current.sent}, failed"
        f" {current.failed}, pending {current.pending}{held}); follow it with `loa broadcasts`,"
        f" stop it with `loa broadcasts cancel {broadcast_id}`"
    )


async def follow(
    sessions: async_sessionmaker[AsyncSession],
    broadcast_id: int,
    channels: list[str],
    wait_seconds: float,
    *,
    interactive: Callable[[], bool] = lambda: sys.stdin.isatty(),
    interrupted: asyncio.Event | None = None,
    tz: tzinfo | None = None,
) -> int:
    """Wait for the report; Ctrl+C (``interrupted``) asks whether to cancel, or cancels when
    not ``interactive``. Return the exit status."""
    tz = tz or zone()
    interrupted = interrupted or asyncio.Event()
    deadline = time.monotonic() + wait_seconds
    while True:
        with _interrupts(interrupted):
            left = max(0.0, deadline - time.monotonic())
            outcome = await _wait(sessions, broadcast_id, channels, left, interrupted)
        current = outcome.progress
        if outcome.interrupted:
            interrupted.clear()
            if not interactive():
                return await _cancel(sessions, broadcast_id, broadcasts.CANCELLED_REASON, "Ctrl+C")
            choice = _wants_cancel(broadcast_id)
            if choice is None:
                print(_goes_on(broadcast_id, current, tz), file=sys.stderr)
                return 130
            if choice:
                return await _cancel(sessions, broadcast_id, broadcasts.CANCELLED_REASON, "Ctrl+C")
            continue
        if outcome.timed_out:
            async with sessions() as session:
                missing = await missing_senders(session, channels)
            if missing:
                return await _cancel(sessions, broadcast_id, NO_SENDER_REASON, _no_sender(missing))
            print(f"not finished after {wait_seconds:g} s: {_goes_on(broadcast_id, current, tz)}")
            return 1
        if current.held:
            print(
                f"sent {current.sent}, failed {current.failed}, {held_text(current, tz)}:"
                " `loa run` sends them when those residents' quiet hours end; follow it with"
                " `loa broadcasts`"
            )
        else:
            print(f"done: sent {current.sent}, failed {current.failed}")
        return 1 if current.failed else 0


async def broadcast(settings: Settings, args: argparse.Namespace) -> int:
    """Preview, check the senders, confirm, queue, then follow the deliveries to the end."""
    text = " ".join(args.text).strip()
    problem = broadcasts.text_problem(text)
    if problem:
        print(f"loa: {problem}", file=sys.stderr)
        return 2
    wait_seconds = getattr(args, "wait", None)
    wait_seconds = DEFAULT_WAIT_SECONDS if wait_seconds is None else wait_seconds
    if wait_seconds < 0:
        print("loa: --wait must be 0 or more seconds", file=sys.stderr)
        return 2
    try:
        target = resolve_target(settings, args.commune, args.topic)
        author, target = acting_scope(settings, getattr(args, "as_admin", None), target)
    except UsageError as exc:
        print(f"loa: {exc}", file=sys.stderr)
        return 2
    expiry = timedelta(hours=settings.broadcasts.preview_expiry_hours)
    async with open_database(settings.database.url) as engine:
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            await close_stale_consoles(session)
            preview = await broadcasts.create_preview(
                session,
                text=text,
                target=target,
                emergency=args.emergency,
                urgent=getattr(args, "urgent", False),  # also in quiet hours (/yentinh)
                created_by=author.who,
                preview_expiry=expiry,
                author_name=author.name,
                scope=author.kind,
            )
            counts = await broadcast_targets.count_targets(session, target)
            urgent = args.emergency or getattr(args, "urgent", False)
            quiet = (
                broadcast_targets.Quiet()
                if urgent
                else await broadcast_targets.count_quiet(session, target, utcnow())
            )
        total = sum(counts.values())
        per_channel = ", ".join(f"{c} {n}" for c, n in sorted(counts.items())) or "none"
        tz = zone(settings.places.timezone)
        print(f"target: {total} residents ({per_channel})")
        if all_quiet(total, quiet.count):
            print(
                f"quiet hours: all {total} are in their quiet hours now; nobody gets it before"
                f" those end (the last at {until_text(quiet.until, tz)}; --urgent sends at once)"
            )
        elif quiet.count:
            print(
                f"quiet hours: {quiet.count} of them are in their quiet hours now and get it"
                f" when those end (until {until_text(quiet.until, tz)}; --urgent sends at once)"
            )
        print(f"signed: {author.name} ({author.kind} administrator {author.who})")
        bots = bool(settings.zalo.token or settings.telegram.token)
        reason = nobody_reason(total, bots=bots, commune=target.commune, topic=target.topic)
        if reason is not None:  # sending to nobody is no success, --yes or not
            async with sessions.begin() as session:
                await broadcasts.cancel(session, preview.id)
            print(f"loa: nobody to send to: {nobody_text(reason, target)}", file=sys.stderr)
            print(f"cancelled: broadcast #{preview.id} was not queued, nothing was sent")
            return 1
        channels = sorted(c for c, n in counts.items() if n)
        async with sessions() as session:
            missing = await missing_senders(session, channels)
        if missing:
            async with sessions.begin() as session:
                await broadcasts.cancel_broadcast(session, preview.id, reason=NO_SENDER_REASON)
            print(f"loa: {_no_sender(missing)}", file=sys.stderr)
            print(f"cancelled: broadcast #{preview.id} was not queued, nothing was sent")
            return 1
        if not args.yes and not _confirmed(total):
            async with sessions.begin() as session:
                await broadcasts.cancel(session, preview.id)
            print("cancelled: nothing was sent")
            return 1
        async with sessions.begin() as session:
            queued = await broadcasts.confirm(session, preview.id, preview_expiry=expiry)
        print(f"broadcast #{preview.id}: {queued} deliveries queued", flush=True)
        if wait_seconds == 0:
            print("not waiting (--wait 0): follow it with `loa broadcasts`")
            return 0
        return await follow(sessions, preview.id, channels, wait_seconds, tz=tz)
