"""What every admin route shares: the site (sessions, settings, templates, catalog, the
signing key) and the guard that checks the session, the administrator and, on a post, the
CSRF token before a page runs.

Every request re-reads the session (Đăng xuất and expiry take effect at once, on every
instance) and re-checks that its owner is still an administrator (``web.admin.access``). A
form post whose CSRF token does not belong to the session changes nothing (403).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from base import admin_auth as auth
from base.config import Settings
from base.timefmt import zone
from bot import texts
from bot.admins import AdminScope
from bot.catalog import Catalog, ChoiceKind
from storage import admin_access as store
from web.admin.access import Access

log = logging.getLogger(__name__)


HERE = Path(__file__).parent
PREFIX = "/admin"
STATES = texts.ADMIN_STATES


@dataclass(slots=True)
class Admin:
    """The administrator behind one request."""

    who: str  # "zalo:<id>"
    scope: AdminScope  # acting as "web:zalo:<id>"
    cookie: str
    csrf: str


@dataclass
class AdminSite:
    """Everything the admin routes share; build once per app."""

    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    catalog_factory: Callable[[], Catalog]
    on_queued: Callable[[], None] | None = None
    access: Access = field(init=False)
    env: Environment = field(init=False)
    _key: str | None = None
    _catalog: Catalog | None = None

    def __post_init__(self) -> None:
        self.access = Access(self.settings)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        tz = zone(self.settings.places.timezone)
        self.env.filters["when"] = lambda moment: (
            moment.astimezone(tz).strftime("%H:%M %d/%m/%Y") if moment else "—"
        )
        self.env.filters["state"] = lambda state: STATES.get(state, state)
        self.env.globals["prefix"] = PREFIX
        self.env.filters["roles"] = texts.admin_roles

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = self.catalog_factory()
        return self._catalog

    async def key(self, session: AsyncSession) -> str:
        if self._key is None:  # one key for ever, shared by every instance: read it once
            self._key = await store.signing_key(session)
        return self._key

    def page(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    def message(self, title: str, text: str, status: int, admin: Admin | None = None) -> Response:
        return self.page("message.html", status, title=title, text=text, admin=admin)

    def person(self, created_by: str) -> str:
        """Who drafted a broadcast, as a person (``Access.person``)."""
        return self.access.person(created_by)

    def source_title(self, name: str) -> str:
        """A source as people know it: its ``title`` setting, else its name."""
        found = next((s for s in self.settings.sources if s.name == name), None)
        return (found.title if found else None) or name

    def commune_options(self, scope: AdminScope) -> list[tuple[str, str]]:
        """(value, label) of a Xã list: today's units with the old ones they absorbed (so old
        names are findable); a commune administrator sees only theirs."""
        options = []
        absorbed = dict(self.catalog.communes())
        for choice in self.catalog.commune_choices():
            if not scope.province_wide and choice.value not in scope.communes:
                continue
            old = absorbed.get(choice.display, [])
            options.append((choice.value, texts.admin_commune_with_old(choice.display, old)))
        return options

    def commune_label(self, value: str | None) -> str:
        return self.catalog.label(ChoiceKind.COMMUNE, value) if value else texts.ADMIN_EVERYONE

    def topic_label(self, value: str | None) -> str:
        return self.catalog.label(ChoiceKind.TOPIC, value) if value else ""


Page = Callable[[Request, AdminSite, Admin], Awaitable[Response]]


def _signed_out(site: AdminSite) -> Response:
    return site.message(texts.ADMIN_TITLE_SIGN_IN, texts.ADMIN_SIGN_IN, 401)


async def _visitor(site: AdminSite, request: Request) -> tuple[str, str | None, str | None]:
    """The signing key, the session cookie and whose session it is (None: none valid)."""
    cookie = request.cookies.get(auth.COOKIE_NAME)
    async with site.sessions.begin() as session:
        key = await site.key(session)
        who = await store.session_who(session, key, cookie)
    return key, cookie, who


def not_found(site: AdminSite) -> Callable[[Request], Awaitable[Response]]:
    """Any other address under ``/admin``: a 404 in the site's layout (with the menu when the
    visitor is logged in), not the framework's bare English "Not Found"."""

    async def endpoint(request: Request) -> Response:
        key, cookie, who = await _visitor(site, request)
        scope = site.access.scope(who) if who else None
        admin = None
        if scope is not None and cookie is not None and who is not None:
            admin = Admin(who, scope, cookie, auth.csrf_token(key, cookie))
        text = texts.ADMIN_PAGE_NOT_FOUND
        if admin is None:
            text += " " + texts.ADMIN_SIGN_IN
        return site.message(texts.ADMIN_TITLE_NOT_FOUND, text, 404, admin)

    return endpoint


def guarded(
    site: AdminSite, page: Page, *, post: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """The session and administrator checks (and CSRF for a post) before ``page`` runs."""

    async def endpoint(request: Request) -> Response:
        key, cookie, who = await _visitor(site, request)
        if who is None or cookie is None:
            return _signed_out(site)
        scope = site.access.scope(who)
        if scope is None:
            log.warning("admin page: %s is no administrator any more; session refused", who)
            response = site.message(texts.ADMIN_TITLE_FORBIDDEN, texts.ADMIN_NO_LONGER, 403)
            response.delete_cookie(auth.COOKIE_NAME, path=PREFIX)
            return response
        admin = Admin(who, scope, cookie, auth.csrf_token(key, cookie))
        if post:
            form = await request.form()
            token = form.get(auth.CSRF_FIELD)
            if not auth.csrf_ok(key, cookie, token if isinstance(token, str) else None):
                log.warning(
                    "admin page: %s posted %s without a valid CSRF token", who, request.url.path
                )
                return site.message(texts.ADMIN_TITLE_BAD_REQUEST, texts.ADMIN_BAD_CSRF, 403, admin)
        return await page(request, site, admin)

    return endpoint
