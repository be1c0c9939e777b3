"""Login by one-time link (``/admin/login``) and Đăng xuất."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from base import admin_auth as auth
from bot import texts
from storage import admin_access as store
from web.admin.site import PREFIX, Admin, AdminSite

log = logging.getLogger(__name__)


def login_page(site: AdminSite) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        # GET only shows a button: link previews (chat apps fetch links) must not spend it.
        token = request.query_params.get("t", "")
        return site.page("login.html", token=token)

    return endpoint


_REFUSED = {
    store.LinkRefused.USED: texts.ADMIN_LINK_USED,
    store.LinkRefused.EXPIRED: texts.ADMIN_LINK_EXPIRED,
    store.LinkRefused.UNKNOWN: texts.ADMIN_LINK_UNKNOWN,
}


def login(site: AdminSite) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        form = await request.form()
        token = form.get("t")
        async with site.sessions.begin() as session:
            used = await store.use_link(session, token if isinstance(token, str) else None)
            if used.who is None:
                assert used.refused is not None
                log.info("admin page: a %s login link was refused", used.refused.value)
                return site.message(texts.ADMIN_TITLE_LOGIN_FAILED, _REFUSED[used.refused], 403)
            if site.access.scope(used.who) is None:
                log.warning("admin page: login link of %s, no administrator", used.who)
                return site.message(texts.ADMIN_TITLE_FORBIDDEN, texts.ADMIN_NOT_ADMIN, 403)
            cookie = await store.open_session(session, used.who)
        log.info("admin page: web:%s logged in", used.who)
        response = RedirectResponse(f"{PREFIX}/", status_code=303)
        response.set_cookie(
            auth.COOKIE_NAME,
            cookie,
            max_age=int(auth.SESSION_LIFETIME.total_seconds()),
            path=PREFIX,
            httponly=True,
            samesite="lax",
            secure=auth.cookie_secure(site.settings.web.base_url),
        )
        return response

    return endpoint


async def logout(request: Request, site: AdminSite, admin: Admin) -> Response:
    async with site.sessions.begin() as session:
        await store.end_session(session, await site.key(session), admin.cookie)
    log.info("admin page: %s logged out", admin.scope.who)
    response = site.message(texts.ADMIN_TITLE_SIGNED_OUT, texts.ADMIN_SIGNED_OUT, 200)
    response.delete_cookie(auth.COOKIE_NAME, path=PREFIX)
    return response
