"""What ``loa run`` mounts beside the webhooks: the admin page under ``/admin`` and, with
``[web] metrics = true``, ``/metrics``. Imported only on the run path (jinja2, prometheus)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.routing import BaseRoute

from base.config import Settings
from bot.catalog import Catalog
from web.metrics import Counters, metrics_route

__all__ = ["Counters", "web_routes"]


def web_routes(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    catalog: Callable[[], Catalog],
    on_queued: Callable[[], None] | None = None,
    counters: Counters | None = None,
) -> list[BaseRoute]:
    from web.admin.routes import admin_routes
    from web.admin.site import AdminSite

    site = AdminSite(sessions, settings, catalog, on_queued)
    routes = admin_routes(site)
    if settings.web.metrics:
        routes.append(metrics_route(sessions, counters))
    return routes
