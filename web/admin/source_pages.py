"""Thêm nguồn: a province administrator pastes a portal's address, sees what Loa finds there
(``jobs.source_preview``, exactly what ``loa sources add`` shows) and adds it.

The preview is a GET form (it changes nothing, like the search on Bài viết); adding is a POST
(CSRF-checked) that reads the address again, stores the source in the database
(``storage.sources.add_source``) and redirects to Nguồn tin. The poller, on whichever instance
holds it, schedules the new source on its next look. Commune administrators may not add
sources: a portal is read for the whole province.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot import texts
from bot.catalog import ChoiceKind
from jobs.source_preview import Preview, Refusal, default_name, preview
from news.source_problems import classify
from storage.models import utcnow
from storage.sources import add_source, every_source
from web.admin.site import PREFIX, Admin, AdminSite

log = logging.getLogger(__name__)

MAX_FIELD = 500  # characters kept of a pasted address
MAX_NAME = 200  # the column's size


def _refused(site: AdminSite, admin: Admin) -> Response | None:
    if admin.scope.province_wide:
        return None
    refused = texts.ADMIN_SOURCES_ADD_PROVINCE_ONLY
    return site.message(texts.ADMIN_TITLE_FORBIDDEN, refused, 403, admin)


def _form(
    site: AdminSite, admin: Admin, fields: dict[str, str], status: int = 200, **shown: Any
) -> Response:
    return site.page(
        "source_new.html",
        status,
        admin=admin,
        communes=site.commune_options(admin.scope),
        values=fields,
        **shown,
    )


def _fields(data: Any) -> dict[str, str]:
    fields = {key: str(data.get(key) or "").strip()[:MAX_FIELD] for key in ("url", "commune")}
    # A name is part of the source's addresses here (/sources/<name>/poll): no slash in it.
    fields["name"] = str(data.get("name") or "").replace("/", "-").strip()[:MAX_NAME]
    return fields


async def _check(site: AdminSite, fields: dict[str, str]) -> Preview | Refusal | str:
    """The preview of the address, or why it cannot be added (a refusal of the address, or
    a problem of the form in an official's words)."""
    commune = fields["commune"]
    if commune and site.catalog.choice(ChoiceKind.COMMUNE, commune) is None:
        return texts.ADMIN_NO_COMMUNE
    name = fields["name"] or default_name(fields["url"])
    async with site.sessions() as session:
        taken = {s.name for s in await every_source(session, site.settings.sources)}
    if name in taken:
        return texts.ADMIN_SOURCE_NAME_TAKEN.format(name=name)
    return await preview(site.settings.http, fields["url"], name)


def _problem(
    site: AdminSite, admin: Admin, fields: dict[str, str], problem: Refusal | str
) -> Response:
    """The form again, saying why (a refusal's technical line folded under it)."""
    if isinstance(problem, str):
        return _form(site, admin, fields, 400, error=problem)
    error = texts.ADMIN_SOURCE_REFUSED[problem.kind]
    if problem.error:  # what went wrong, as Nguồn tin words a failing source's last error
        error = f"{texts.admin_source_problem(classify(problem.error))}. {error}"
    return _form(site, admin, fields, 400, error=error, detail=problem.detail)


async def source_new(request: Request, site: AdminSite, admin: Admin) -> Response:
    """The form; with an address, what Loa finds there."""
    if refused := _refused(site, admin):
        return refused
    fields = _fields(request.query_params)
    if not fields["url"]:
        return _form(site, admin, fields)
    checked = await _check(site, fields)
    if not isinstance(checked, Preview):
        why = checked.detail if isinstance(checked, Refusal) else "a field of the form"
        log.info("admin page: %s previewed %s, refused: %s", admin.scope.who, fields["url"], why)
        return _problem(site, admin, fields, checked)
    name = fields["name"] or default_name(fields["url"])
    return _form(site, admin, fields, report=checked, source_name=name)


async def source_add(request: Request, site: AdminSite, admin: Admin) -> Response:
    """Add the previewed address (read again: it must still have something to read)."""
    if refused := _refused(site, admin):
        return refused
    fields = _fields(await request.form())
    checked = await _check(site, fields)
    if not isinstance(checked, Preview):
        return _problem(site, admin, fields, checked)
    name = fields["name"] or default_name(fields["url"])
    async with site.sessions.begin() as session:
        added = await add_source(
            session,
            name=name,
            url=checked.found.url,
            commune=fields["commune"] or None,
            added_by=admin.scope.who,
            now=utcnow(),
        )
    if not added:  # stored meanwhile by another press
        error = texts.ADMIN_SOURCE_NAME_TAKEN.format(name=name)
        return _form(site, admin, fields, 400, error=error)
    log.info("admin page: %s added source %s (%s)", admin.scope.who, name, checked.found.url)
    return RedirectResponse(f"{PREFIX}/sources", status_code=303)
