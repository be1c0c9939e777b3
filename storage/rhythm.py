"""Residents' rhythm in the database: their settings, and deliveries held until due.

A resident with a daily bulletin time, or in their quiet hours, does not get news at once:
the delivery is queued as usual, then ``held`` with ``next_attempt_at`` = when it may go (the
next bulletin, or the end of the quiet hours). The sender never reads held rows; the rhythm job
(``jobs.rhythm``) turns due ones into a bulletin (the rows become ``bundled``) or releases them
(back to ``pending``). Nothing is lost while Loa is down: due rows wait for the job.

So that holding is plain SQL in the transaction that queued the rows (no time zone there), each
resident also carries the next instants of their choices (``next_bulletin_at``, ``quiet_from``,
``quiet_until``, UTC); ``roll`` moves them forward once they pass. Emergencies are never held,
and ordinary broadcasts only in quiet hours (unless urgent): the callers decide.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, union_all, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from news.rhythm import Window, bulletin_due, format_time, parse_time, parse_window
from news.rhythm import window_around as _window_around
from storage.dialects import unindexed
from storage.models import (
    Article,
    ArticleCommune,
    Delivery,
    DeliveryState,
    Resident,
    in_state,
    of_resident,
)
from storage.rows import execute_count

HELD = DeliveryState.HELD.value
PENDING = DeliveryState.PENDING.value
INACTIVE_REASON = "resident inactive"


@dataclass(frozen=True, slots=True)
class Rhythm:
    """What a resident chose: a daily bulletin time and quiet hours (None: not chosen)."""

    bulletin: time | None = None
    quiet: Window | None = None

    @classmethod
    def of(cls, resident: Resident) -> Rhythm:
        bulletin = parse_time(resident.bulletin_time) if resident.bulletin_time else None
        quiet = parse_window(resident.quiet_hours) if resident.quiet_hours else None
        return cls(bulletin, quiet)


def _instants(rhythm: Rhythm, now: datetime, tz: tzinfo) -> dict[str, Any]:
    """The resident columns that make ``rhythm`` checkable in SQL at ``now``."""
    quiet = _window_around(now, rhythm.quiet, tz) if rhythm.quiet else (None, None)
    bulletin = bulletin_due(now, rhythm.bulletin, rhythm.quiet, tz) if rhythm.bulletin else None
    return {"next_bulletin_at": bulletin, "quiet_from": quiet[0], "quiet_until": quiet[1]}


def _quiet_now(now: datetime) -> ColumnElement[bool]:
    return and_(Resident.quiet_from <= now, Resident.quiet_until > now)


def quiet_now(now: datetime) -> ColumnElement[bool]:
    """The condition on ``Resident``: in their quiet hours at ``now``."""
    return _quiet_now(now)


def _holds_news(now: datetime) -> ColumnElement[bool]:
    return or_(Resident.next_bulletin_at.is_not(None), _quiet_now(now))


# ------------------------------------------------------------------------------ settings


async def set_rhythm(
    session: AsyncSession, resident: Resident, rhythm: Rhythm, now: datetime, tz: tzinfo
) -> None:
    """Store ``rhythm`` for ``resident`` and re-time what is held for them: held news moves to
    the new bulletin time, or goes at once (or at the end of quiet hours) without one."""
    resident.bulletin_time = format_time(rhythm.bulletin) if rhythm.bulletin else None
    resident.quiet_hours = str(rhythm.quiet) if rhythm.quiet else None
    for column, value in _instants(rhythm, now, tz).items():
        setattr(resident, column, value)
    resident.updated_at = now
    await session.flush()
    await _retime(session, resident, now)


async def _retime(session: AsyncSession, resident: Resident, now: datetime) -> None:
    in_quiet = resident.quiet_from is not None and resident.quiet_from <= now
    quiet_end = resident.quiet_until if in_quiet else None
    news_due = resident.next_bulletin_at or quiet_end
    news, rest = of_resident(resident.id)
    for theirs, due in (
        (news, news_due),
        (and_(rest, Delivery.broadcast_id.is_not(None)), quiet_end),
    ):
        rows = update(Delivery).where(theirs, Delivery.state == HELD)
        if due is None:
            await session.execute(rows.values(state=PENDING, next_attempt_at=None))
        else:
            await session.execute(rows.values(next_attempt_at=due))


async def roll(session: AsyncSession, now: datetime, tz: tzinfo) -> int:
    """Move residents' next bulletin and quiet-hours instants forward once they passed."""
    passed = await session.scalars(
        select(Resident).where(or_(Resident.next_bulletin_at <= now, Resident.quiet_until <= now))
    )
    count = 0
    for resident in passed:
        for column, value in _instants(Rhythm.of(resident), now, tz).items():
            setattr(resident, column, value)
        count += 1
    await session.flush()
    return count


# ------------------------------------------------------------------------------ holding


async def hold_new(
    session: AsyncSession,
    subject: InstrumentedAttribute[int | None],
    subject_id: int,
    now: datetime,
    *,
    news: bool,
) -> int:
    """Hold the just-queued pending deliveries of ``subject`` (an article when ``news``, else
    an ordinary broadcast, which only quiet hours hold) for residents whose rhythm says
    "later"; return how many. One indexed look-up when nobody has a rhythm."""
    condition = _holds_news(now) if news else _quiet_now(now)
    # Probes that their indexes answer (an OR in one WHERE, or IS NOT NULL on SQLite, would
    # scan every resident).
    anyone: ColumnElement[bool] = exists().where(_quiet_now(now))
    if news:
        first_bulletin = select(func.min(Resident.next_bulletin_at)).scalar_subquery()
        anyone = or_(first_bulletin.is_not(None), anyone)
    if not await session.scalar(select(anyone)):
        return 0
    due_column = func.coalesce(Resident.next_bulletin_at, Resident.quiet_until)
    due = select(due_column if news else Resident.quiet_until).where(
        Resident.id == Delivery.resident_id
    )
    return await execute_count(
        session,
        update(Delivery)
        .where(
            subject == subject_id,
            Delivery.state == PENDING,
            Delivery.resident_id.in_(select(Resident.id).where(condition)),
        )
        .values(state=HELD, next_attempt_at=due.scalar_subquery()),
    )


# ------------------------------------------------------------------------------ due rows


@dataclass(slots=True)
class Due:
    """A resident's held deliveries whose time has come."""

    resident: Resident
    articles: list[tuple[int, int]] = field(default_factory=list)  # (delivery id, article id)
    broadcasts: list[int] = field(default_factory=list)  # delivery ids

    @property
    def delivery_ids(self) -> list[int]:
        return [delivery for delivery, _ in self.articles] + self.broadcasts


async def due_residents(session: AsyncSession, now: datetime, limit: int = 200) -> list[int]:
    """Residents with held deliveries due at ``now``, those waiting longest first."""
    rows = await session.execute(
        select(Delivery.resident_id)
        .where(in_state(DeliveryState.HELD), Delivery.next_attempt_at <= now)
        .group_by(Delivery.resident_id)
        .order_by(func.min(Delivery.next_attempt_at))
        .limit(limit)
    )
    return [int(resident_id) for (resident_id,) in rows.all() if resident_id is not None]


async def take_due(session: AsyncSession, resident_id: int, now: datetime) -> Due | None:
    """The resident and their due held deliveries (None: the resident is gone)."""
    resident = await session.get(Resident, resident_id)
    if resident is None:
        return None
    halves = [
        select(Delivery.id, Delivery.article_id).where(
            theirs, Delivery.state == HELD, Delivery.next_attempt_at <= now
        )
        for theirs in of_resident(resident_id)
    ]
    rows = await session.execute(union_all(*halves).order_by(Delivery.id))
    due = Due(resident)
    for delivery_id, article_id in rows.all():
        if article_id is None:
            due.broadcasts.append(int(delivery_id))
        else:
            due.articles.append((int(delivery_id), int(article_id)))
    return due


async def settle(
    session: AsyncSession, ids: Collection[int], state: DeliveryState, *, reason: str | None = None
) -> int:
    """Held rows leave ``held``: ``PENDING`` (released: the sender sends them at once),
    ``BUNDLED`` (their bulletin was queued) or ``FAILED`` (with ``reason``)."""
    if not ids:
        return 0
    values: dict[str, Any] = {"state": state.value, "next_attempt_at": None}
    if reason is not None:
        values["last_error"] = reason[:1000]
    return await execute_count(
        session,
        update(Delivery)
        .where(Delivery.id.in_(list(ids)), unindexed(Delivery.state) == HELD)
        .values(values),
    )


async def articles_for(
    session: AsyncSession, article_ids: Sequence[int]
) -> list[tuple[Article, list[str]]]:
    """The articles of a bulletin with their communes, newest first."""
    articles = list(
        await session.scalars(
            select(Article)
            .where(Article.id.in_(list(article_ids)))
            .order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
        )
    )
    communes: dict[int, list[str]] = {}
    rows = await session.execute(
        select(ArticleCommune.article_id, ArticleCommune.commune)
        .where(ArticleCommune.article_id.in_(list(article_ids)))
        .order_by(ArticleCommune.commune)
    )
    for article_id, commune in rows.all():
        communes.setdefault(int(article_id), []).append(str(commune))
    return [(article, communes.get(article.id, [])) for article in articles]


async def next_due(session: AsyncSession) -> datetime | None:
    """The earliest instant the rhythm job has something to do: a held row due, or a
    resident's bulletin or quiet-hours instant to roll forward."""
    held = await session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(in_state(DeliveryState.HELD))
    )
    bulletin = await session.scalar(select(func.min(Resident.next_bulletin_at)))
    quiet = await session.scalar(select(func.min(Resident.quiet_until)))
    instants = [moment for moment in (held, bulletin, quiet) if moment is not None]
    return min(instants) if instants else None
