"""Tổng quan, Nguồn tin (poll now, pause, resume) and Bài viết."""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot import texts
from storage.models import utcnow
from storage.sources import every_source, request_poll, set_paused
from web.admin import views
from web.admin.site import PREFIX, Admin, AdminSite, Page

log = logging.getLogger(__name__)


async def overview(request: Request, site: AdminSite, admin: Admin) -> Response:
    async with site.sessions() as session:
        data = await views.overview(session, site.settings, admin.scope, site.catalog)
    return site.page("overview.html", admin=admin, site=site, **data)


async def sources_page(request: Request, site: AdminSite, admin: Admin) -> Response:
    async with site.sessions() as session:
        found = await views.sources(session, site.settings)
    return site.page("sources.html", admin=admin, site=site, sources=found)


def source_action(action: str) -> Page:
    async def page(request: Request, site: AdminSite, admin: Admin) -> Response:
        name = request.path_params["name"]
        async with site.sessions() as session:
            known = {s.name for s in await every_source(session, site.settings.sources)}
        if name not in known:
            return site.message(texts.ADMIN_TITLE_NOT_FOUND, texts.ADMIN_NO_SOURCE, 404, admin)
        if action != "poll" and not admin.scope.province_wide:
            # The portal is read for the whole province: only its administrators stop it.
            refused = texts.ADMIN_SOURCES_PROVINCE_ONLY
            return site.message(texts.ADMIN_TITLE_FORBIDDEN, refused, 403, admin)
        now = utcnow()
        async with site.sessions.begin() as session:
            if action == "poll":
                await request_poll(session, name, now)
            else:
                await set_paused(session, name, action == "pause", now)
        log.info("admin page: %s: %s source %s", admin.scope.who, action, name)
        return RedirectResponse(f"{PREFIX}/sources", status_code=303)

    return page


async def articles(request: Request, site: AdminSite, admin: Admin) -> Response:
    query = request.query_params.get("q", "")[:200]
    raw_page = request.query_params.get("page", "1")
    number = int(raw_page) if raw_page.isdigit() else 1
    async with site.sessions() as session:
        found = await views.articles(session, query, number)
    return site.page("articles.html", admin=admin, site=site, found=found)
