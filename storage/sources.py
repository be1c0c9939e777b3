"""Per-source polling state: validators for conditional GET, health, backoff schedule; and the
sources added on the admin page (rows that say who added them), polled beside the file's."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from base.config import SourceSettings
from storage.dialects import upsert
from storage.models import Source
from storage.rows import execute_count


@dataclass(frozen=True, slots=True)
class SourceState:
    """What one poll needs to know about its source before it starts."""

    id: int
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    backfilled: bool  # False until the first successful poll
    # Links the backfill saw but could not read; still archive when a later pass reads them.
    backfill_pending: frozenset[str] = field(default_factory=frozenset)
    # The health watch's memory (jobs.health).
    quiet_passes: int = 0
    failing_since: datetime | None = None
    alert: str | None = None
    last_success_at: datetime | None = None


async def ensure_source(session: AsyncSession, name: str, url: str) -> SourceState:
    """The state of source ``name``, creating its row on first sight (safe if two race).

    A changed URL in the settings drops the stored validators: they belonged to another page.
    """
    values = {"name": name, "url": url, "consecutive_failures": 0, "backfilled": False}
    await session.execute(
        upsert(session, Source).values(values).on_conflict_do_nothing(index_elements=["name"])
    )
    row = (await session.execute(select(Source).where(Source.name == name))).scalar_one()
    if row.url != url:
        row.url, row.etag, row.last_modified = url, None, None
    return SourceState(
        id=row.id,
        etag=row.etag,
        last_modified=row.last_modified,
        consecutive_failures=row.consecutive_failures,
        backfilled=row.backfilled,
        backfill_pending=frozenset(json.loads(row.backfill_pending or "[]")),
        quiet_passes=row.quiet_passes or 0,
        failing_since=row.failing_since,
        alert=row.alert,
        last_success_at=row.last_success_at,
    )


async def record_success(
    session: AsyncSession,
    source_id: int,
    *,
    now: datetime,
    next_check: datetime,
    etag: str | None,
    last_modified: str | None,
    backfill_pending: Collection[str] = (),
) -> None:
    """A pass read the source: reset failures, keep the validators, end the backfill.

    ``backfill_pending`` replaces the links still owed to the archive (see ``SourceState``).
    """
    await session.execute(
        update(Source)
        .where(Source.id == source_id)
        .values(
            etag=etag,
            last_modified=last_modified,
            last_attempt_at=now,
            last_success_at=now,
            consecutive_failures=0,
            last_error=None,
            next_check_at=next_check,
            backfilled=True,
            backfill_pending=json.dumps(sorted(backfill_pending)) if backfill_pending else None,
        )
    )


async def record_failure(
    session: AsyncSession, source_id: int, *, now: datetime, next_check: datetime, error: str
) -> int:
    """A pass failed: count it, keep its message; return the failures in a row."""
    await session.execute(
        update(Source)
        .where(Source.id == source_id)
        .values(
            last_attempt_at=now,
            consecutive_failures=Source.consecutive_failures + 1,
            last_error=error[:2000],
            next_check_at=next_check,
        )
    )
    failures = await session.scalar(
        select(Source.consecutive_failures).where(Source.id == source_id)
    )
    return int(failures or 0)


async def record_health(
    session: AsyncSession,
    source_id: int,
    *,
    quiet_passes: int,
    failing_since: datetime | None,
    alert: str | None,
) -> None:
    """What the health watch concluded from the latest pass (see ``jobs.health``)."""
    await session.execute(
        update(Source)
        .where(Source.id == source_id)
        .values(quiet_passes=quiet_passes, failing_since=failing_since, alert=alert)
    )


async def list_sources(session: AsyncSession) -> dict[str, Source]:
    """Every stored source by name (detached-safe: sessions here never expire on commit)."""
    rows = (await session.execute(select(Source).order_by(Source.name))).scalars()
    return {row.name: row for row in rows}


async def is_paused(session: AsyncSession, name: str) -> bool:
    """Whether an administrator paused polling of ``name`` (the admin page)."""
    return bool(await session.scalar(select(Source.paused).where(Source.name == name)))


async def take_poll_requests(session: AsyncSession) -> list[str]:
    """The sources whose Lấy tin ngay was pressed, each request cleared as it is taken (a
    conditional UPDATE: of two pollers racing, one takes it)."""
    rows = await session.execute(
        select(Source.name, Source.poll_requested_at).where(Source.poll_requested_at.is_not(None))
    )
    taken: list[str] = []
    for name, requested in rows.all():
        cleared = await execute_count(
            session,
            update(Source)
            .where(Source.name == name, Source.poll_requested_at == requested)
            .values(poll_requested_at=None),
        )
        if cleared:
            taken.append(name)
    return taken


async def request_poll(session: AsyncSession, name: str, now: datetime) -> bool:
    """Lấy tin ngay: the poller, on whichever instance holds it, polls ``name`` promptly."""
    query = update(Source).where(Source.name == name).values(poll_requested_at=now)
    return await execute_count(session, query) > 0


async def set_paused(session: AsyncSession, name: str, paused: bool, now: datetime) -> bool:
    """Pause or resume polling of ``name``; a resumed source is polled at once."""
    values: dict[str, object] = {"paused": paused}
    if not paused:
        values["poll_requested_at"] = now
    query = update(Source).where(Source.name == name).values(values)
    return await execute_count(session, query) > 0


async def add_source(
    session: AsyncSession, *, name: str, url: str, commune: str | None, added_by: str, now: datetime
) -> bool:
    """A source added on the admin page, polled at once: its row carries a poll request, which
    the poller (on whichever instance holds it) takes on its next look and schedules the new
    source for. False when a source of that name is stored already."""
    values = {
        "name": name,
        "url": url,
        "consecutive_failures": 0,
        "backfilled": False,
        "added_by": added_by,
        "added_at": now,
        "commune": commune,
        "poll_requested_at": now,
    }
    query = upsert(session, Source).values(values).on_conflict_do_nothing(index_elements=["name"])
    return await execute_count(session, query) > 0


async def added_sources(session: AsyncSession) -> list[SourceSettings]:
    """The sources added on the admin page, oldest first, as the file would give them."""
    rows = await session.execute(
        select(Source.name, Source.url, Source.commune)
        .where(Source.added_by.is_not(None))
        .order_by(Source.added_at, Source.id)
    )
    return [SourceSettings(name=name, url=url, commune=commune) for name, url, commune in rows]


async def every_source(
    session: AsyncSession, configured: Sequence[SourceSettings]
) -> list[SourceSettings]:
    """The file's sources, then those added on the admin page (a name in the file wins)."""
    names = {source.name for source in configured}
    added = [s for s in await added_sources(session) if s.name not in names]
    return [*configured, *added]
