"""What each admin page shows, read through the same query functions as the CLI (``loa stats``,
``loa sources``, ``loa articles``, ``loa search``, ``loa broadcasts``): plain data for the
templates, a constant number of queries per page whatever the number of rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from base.config import Settings
from bot import texts
from bot.admins import AdminScope
from bot.catalog import Catalog, ChoiceKind
from news.source_problems import classify
from storage.articles import ListedArticle, list_articles
from storage.broadcast_history import list_broadcasts
from storage.models import Broadcast, Delivery, utcnow
from storage.overview import collect
from storage.sources import every_source, list_sources

ARTICLES_PER_PAGE = 20
RECENT_BROADCASTS = 5


@dataclass(frozen=True, slots=True)
class SourceView:
    name: str
    title: str  # ``title`` from the settings, else the name
    url: str
    state: str  # "ok", "failing", "paused", "new"
    last_success: datetime | None
    last_error: str | None  # the technical detail, for the IT officer
    problem: str | None  # the last error in an official's words
    failures: int
    next_check: datetime | None
    alert: str | None
    paused: bool
    poll_requested: bool
    added_by: str | None  # who added it on the admin page (None: the configuration file's)


@dataclass(frozen=True, slots=True)
class BroadcastView:
    id: int
    created_by: str
    author_name: str | None
    created_at: datetime
    text: str
    commune: str | None
    topic: str | None
    emergency: bool
    state: str
    counts: dict[str, int]
    report: dict[str, Any] | None


def broadcast_view(row: Broadcast) -> BroadcastView:
    return BroadcastView(
        id=row.id,
        created_by=row.created_by,
        author_name=getattr(row, "author_name", None),
        created_at=row.created_at,
        text=row.text,
        commune=row.commune,
        topic=row.topic,
        emergency=row.emergency,
        state=row.state,
        counts=json.loads(row.counts) if row.counts else {},
        report=json.loads(row.report) if row.report else None,
    )


async def deliveries_since(session: AsyncSession, since: datetime) -> dict[str, int]:
    """News and broadcast messages queued since ``since``, per state (answers not counted)."""
    rows = await session.execute(
        select(Delivery.state, func.count())
        .where(Delivery.payload.is_(None), Delivery.created_at >= since)
        .group_by(Delivery.state)
    )
    return {state: int(count) for state, count in rows.all()}


async def sources(session: AsyncSession, settings: Settings) -> list[SourceView]:
    """Every source with its stored state (``loa sources``): the file's, then those added on
    the admin page."""
    rows = await list_sources(session)
    views = []
    for source in await every_source(session, settings.sources):
        row = rows.get(source.name)
        paused = bool(row and row.paused)
        error = row.last_error if row else None
        failures = row.consecutive_failures if row else 0
        if paused:
            state = "paused"
        elif failures:
            state = "failing"
        elif row is None or row.last_success_at is None:
            state = "new"
        else:
            state = "ok"
        views.append(
            SourceView(
                name=source.name,
                title=source.title or source.name,
                url=source.url,
                state=state,
                last_success=row.last_success_at if row else None,
                last_error=error,
                problem=texts.admin_source_problem(classify(error)) if error else None,
                failures=failures,
                next_check=row.next_check_at if row else None,
                alert=texts.admin_source_alert(row.alert) if row and row.alert else None,
                paused=paused,
                poll_requested=bool(row and row.poll_requested_at),
                added_by=row.added_by if row else None,
            )
        )
    return views


def _communes_first(
    counts: dict[str, int], scope: AdminScope, catalog: Catalog
) -> list[tuple[str, int, bool]]:
    """(label, residents, the admin's own) — the admin's communes first, then by count."""
    names = set(counts) | set(scope.communes)
    own = set(scope.communes)
    ordered = sorted(names, key=lambda n: (n not in own, -counts.get(n, 0), n))
    return [(catalog.label(ChoiceKind.COMMUNE, n), counts.get(n, 0), n in own) for n in ordered]


async def overview(
    session: AsyncSession,
    settings: Settings,
    scope: AdminScope,
    catalog: Catalog,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    now = now or utcnow()
    stats = await collect(session)
    topics = [
        (catalog.label(ChoiceKind.TOPIC, slug), count)
        for slug, count in sorted(stats["topics"].items(), key=lambda item: -item[1])
    ]
    recent = await list_broadcasts(session, RECENT_BROADCASTS)
    return {
        "residents": stats["residents"],
        "channels": {
            channel: state | {"since": datetime.fromisoformat(state["since"])}
            if state["since"]
            else state
            for channel, state in stats["channels"].items()
        },
        "communes": _communes_first(stats["communes"], scope, catalog),
        "topics": topics,
        "deliveries": await deliveries_since(session, now - timedelta(hours=24)),
        "sources": await sources(session, settings),
        "instances": stats["instances"],
        "broadcasts": [broadcast_view(b) for b in recent],
    }


@dataclass(frozen=True, slots=True)
class ArticlePage:
    items: list[ListedArticle]
    page: int
    has_next: bool
    query: str


async def articles(session: AsyncSession, query: str, page: int) -> ArticlePage:
    """Newest first (``loa articles``), or the best matches (``loa search``, as ``/timkiem``),
    ``ARTICLES_PER_PAGE`` a page."""
    from storage.search import search_articles

    page = max(1, page)
    wanted = page * ARTICLES_PER_PAGE + 1  # one more tells whether a next page exists
    offset = (page - 1) * ARTICLES_PER_PAGE
    if query.strip():
        found = (await search_articles(session, query, wanted))[offset:]
    else:
        found = await list_articles(session, ARTICLES_PER_PAGE + 1, offset=offset)
    return ArticlePage(
        found[:ARTICLES_PER_PAGE], page, len(found) > ARTICLES_PER_PAGE, query.strip()
    )


async def history(session: AsyncSession, limit: int = 50) -> list[BroadcastView]:
    """Broadcasts from chat, CLI and web alike, newest first (``loa broadcasts``)."""
    return [broadcast_view(b) for b in await list_broadcasts(session, limit)]
