"""``GET /metrics`` in Prometheus text format (``[web] metrics = true``).

Figures that live in the database (articles, deliveries by channel and state, queue depth per
priority, send latency, broadcasts, sources' health) are read at each scrape, so every instance
reports the same truth; poll outcomes, 429s and throttled time are counted in the process that
polls or sends (``Counters``).
A scrape costs a constant number of queries.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from jobs.send import Throttling
from storage.models import (
    Article,
    Broadcast,
    Delivery,
    DeliveryState,
    Source,
    in_state,
    utcnow,
)

LATENCY_WINDOW = timedelta(hours=1)
LATENCY_SAMPLE = 10_000  # the newest sent messages a scrape looks at, at most


class Counters:
    """This process's figures: poll passes per source and outcome (fed by the scheduler's
    results), and the senders' throttling (``jobs.send.Throttling``)."""

    def __init__(self) -> None:
        self.passes: Counter[tuple[str, str]] = Counter()
        self.stored: Counter[str] = Counter()
        self.throttling = Throttling()

    def polled(self, source: str, ok: bool, not_modified: bool, stored: int) -> None:
        outcome = "not_modified" if not_modified else ("ok" if ok else "failed")
        self.passes[(source, outcome)] += 1
        self.stored[source] += stored


async def snapshot(session: AsyncSession) -> dict[str, Any]:
    """The database's figures for one scrape."""
    articles = await session.scalar(select(func.count(Article.id)))
    deliveries = (
        await session.execute(
            select(Delivery.channel, Delivery.state, func.count())
            .where(Delivery.payload.is_(None))
            .group_by(Delivery.channel, Delivery.state)
        )
    ).all()
    queue = (
        await session.execute(
            select(Delivery.channel, Delivery.priority, func.count())
            .where(in_state(DeliveryState.PENDING))
            .group_by(Delivery.channel, Delivery.priority)
        )
    ).all()
    since = utcnow() - LATENCY_WINDOW
    sent = (
        await session.execute(
            select(Delivery.channel, Delivery.created_at, Delivery.sent_at)
            .where(Delivery.state == DeliveryState.SENT.value, Delivery.sent_at >= since)
            .order_by(Delivery.sent_at.desc())
            .limit(LATENCY_SAMPLE)
        )
    ).all()
    broadcasts = (
        await session.execute(select(Broadcast.state, func.count()).group_by(Broadcast.state))
    ).all()
    sources = (
        await session.execute(
            select(Source.name, Source.last_success_at, Source.consecutive_failures, Source.paused)
        )
    ).all()
    latency: dict[str, list[float]] = {}
    for channel, created, delivered in sent:
        if created is not None and delivered is not None:
            latency.setdefault(channel, []).append((delivered - created).total_seconds())
    return {
        "articles": int(articles or 0),
        "deliveries": [(c, s, int(n)) for c, s, n in deliveries],
        "queue": [(c, int(p), int(n)) for c, p, n in queue],
        "latency": latency,
        "broadcasts": [(s, int(n)) for s, n in broadcasts],
        "sources": list(sources),
    }


class _Snapshot(Collector):
    def __init__(self, figures: dict[str, Any], polls: Counters | None) -> None:
        self._figures = figures
        self._polls = polls

    def collect(self) -> Iterator[Metric]:
        f = self._figures
        yield GaugeMetricFamily("loa_articles", "Articles stored", value=f["articles"])
        deliveries = GaugeMetricFamily(
            "loa_deliveries",
            "News and broadcast messages by channel and state",
            labels=["channel", "state"],
        )
        for channel, state, count in f["deliveries"]:
            deliveries.add_metric([channel, state], count)
        yield deliveries
        queue = GaugeMetricFamily(
            "loa_queue_depth",
            "Pending messages per channel and priority",
            labels=["channel", "priority"],
        )
        for channel, priority, count in f["queue"]:
            queue.add_metric([channel, str(priority)], count)
        yield queue
        latency = GaugeMetricFamily(
            "loa_send_latency_seconds",
            "Queued to accepted by the platform, messages sent in the last hour",
            labels=["channel", "quantile"],
        )
        for channel, values in sorted(f["latency"].items()):
            cuts = statistics.quantiles(values, n=20) if len(values) > 1 else values * 19
            latency.add_metric([channel, "0.5"], statistics.median(values))
            latency.add_metric([channel, "0.95"], cuts[18])
        yield latency
        broadcasts = GaugeMetricFamily("loa_broadcasts", "Broadcasts by state", labels=["state"])
        for state, count in f["broadcasts"]:
            broadcasts.add_metric([state], count)
        yield broadcasts
        success = GaugeMetricFamily(
            "loa_source_last_success_timestamp_seconds", "Last successful poll", labels=["source"]
        )
        failures = GaugeMetricFamily(
            "loa_source_consecutive_failures", "Failed polls in a row", labels=["source"]
        )
        paused = GaugeMetricFamily(
            "loa_source_paused", "Paused on the admin page", labels=["source"]
        )
        for name, last, failed, is_paused in f["sources"]:
            if last is not None:
                success.add_metric([name], last.timestamp())
            failures.add_metric([name], failed or 0)
            paused.add_metric([name], 1 if is_paused else 0)
        yield success
        yield failures
        yield paused
        if self._polls is not None:
            polls = CounterMetricFamily(
                "loa_polls", "Poll passes in this process by outcome", labels=["source", "outcome"]
            )
            for (source, outcome), count in sorted(self._polls.passes.items()):
                polls.add_metric([source, outcome], count)
            yield polls
            stored = CounterMetricFamily(
                "loa_polled_articles_stored",
                "Articles stored by this process's polls",
                labels=["source"],
            )
            for source, count in sorted(self._polls.stored.items()):
                stored.add_metric([source], count)
            yield stored
            throttling = self._polls.throttling
            refused = CounterMetricFamily(
                "loa_throttled_answers",
                "429 / quota answers from the platforms to this process's senders",
                labels=["channel"],
            )
            for channel, count in sorted(throttling.answers.items()):
                refused.add_metric([channel], count)
            yield refused
            held = CounterMetricFamily(
                "loa_throttled_seconds",
                "Time this process's senders paused a whole channel for them",
                labels=["channel"],
            )
            for channel, seconds in sorted(throttling.seconds.items()):
                held.add_metric([channel], seconds)
            yield held


def metrics_route(
    sessions: async_sessionmaker[AsyncSession], polls: Counters | None = None
) -> Route:
    async def endpoint(request: Request) -> Response:
        async with sessions() as session:
            figures = await snapshot(session)
        registry = CollectorRegistry(auto_describe=False)
        registry.register(_Snapshot(figures, polls))
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return Route("/metrics", endpoint, methods=["GET"])
