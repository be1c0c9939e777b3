"""The admin page's HTTP side (Starlette): login by one-time link, session checks, CSRF-checked
forms, the pages, and the broadcast progress fragment.

Every request re-reads the session (Đăng xuất and expiry take effect at once, on every
instance) and re-checks that its owner is still an administrator (``web.admin.access``). A
form post whose CSRF token does not belong to the session changes nothing (403). Broadcasts go
through ``storage.broadcasts`` like chat and CLI ones: Gửi flips the draft once, so a second
press queues nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.admins import AdminScope, refusal
from bot.catalog import Catalog, ChoiceKind
from bot.render import html_to_text, render_broadcast
from loa.config import Settings
from loa.timefmt import zone
from storage import broadcasts
from storage.broadcasts import CancelRefused, Target, text_problem
from storage.models import Broadcast, utcnow
from storage.sources import request_poll, set_paused
from web.admin import auth, store, views
from web.admin.access import Access

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
PREFIX = "/admin"
STATES = {
    "preview": "Bản nháp",
    "sending": "Đang gửi",
    "done": "Đã gửi xong",
    "cancelled": "Đã hủy",
}


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

    def commune_label(self, value: str | None) -> str:
        return self.catalog.label(ChoiceKind.COMMUNE, value) if value else "Mọi người"

    def topic_label(self, value: str | None) -> str:
        return self.catalog.label(ChoiceKind.TOPIC, value) if value else ""


Page = Callable[[Request, AdminSite, Admin], Awaitable[Response]]


def _signed_out(site: AdminSite) -> Response:
    return site.message(
        "Cần đăng nhập",
        "Gửi /quantri cho Loa trên Zalo hoặc Telegram để nhận đường dẫn đăng nhập.",
        401,
    )


def _guarded(
    site: AdminSite, page: Page, *, post: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """The session and administrator checks (and CSRF for a post) before ``page`` runs."""

    async def endpoint(request: Request) -> Response:
        cookie = request.cookies.get(auth.COOKIE_NAME)
        async with site.sessions.begin() as session:
            key = await site.key(session)
            who = await store.session_who(session, key, cookie)
        if who is None or cookie is None:
            return _signed_out(site)
        scope = site.access.scope(who)
        if scope is None:
            log.warning("admin page: %s is no administrator any more; session refused", who)
            response = site.message(
                "Không có quyền",
                "Tài khoản của bạn không còn là quản trị viên của Loa.",
                403,
            )
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
                return site.message(
                    "Yêu cầu không hợp lệ",
                    "Biểu mẫu đã cũ hoặc không đến từ trang quản trị. "
                    "Hãy tải lại trang và thử lại.",
                    403,
                    admin,
                )
        return await page(request, site, admin)

    return endpoint


# -- login / logout ------------------------------------------------------------------------


def _login_page(site: AdminSite) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        # GET only shows a button: link previews (chat apps fetch links) must not spend it.
        token = request.query_params.get("t", "")
        return site.page("login.html", token=token)

    return endpoint


_ASK_AGAIN = " Gửi /quantri cho Loa để nhận đường dẫn mới."
_REFUSED = {
    store.LinkRefused.USED: "Đường dẫn này đã được dùng." + _ASK_AGAIN,
    store.LinkRefused.EXPIRED: "Đường dẫn này đã hết hạn (chỉ dùng được 10 phút)." + _ASK_AGAIN,
    store.LinkRefused.UNKNOWN: "Đường dẫn không hợp lệ." + _ASK_AGAIN,
}


def _login(site: AdminSite) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        form = await request.form()
        token = form.get("t")
        async with site.sessions.begin() as session:
            used = await store.use_link(session, token if isinstance(token, str) else None)
            if used.who is None:
                assert used.refused is not None
                log.info("admin page: a %s login link was refused", used.refused.value)
                return site.message("Không đăng nhập được", _REFUSED[used.refused], 403)
            if site.access.scope(used.who) is None:
                log.warning("admin page: login link of %s, no administrator", used.who)
                return site.message(
                    "Không có quyền",
                    "Tài khoản này không phải quản trị viên của Loa.",
                    403,
                )
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


async def _logout(request: Request, site: AdminSite, admin: Admin) -> Response:
    async with site.sessions.begin() as session:
        await store.end_session(session, await site.key(session), admin.cookie)
    log.info("admin page: %s logged out", admin.scope.who)
    response = site.message("Đã đăng xuất", "Bạn đã đăng xuất khỏi trang quản trị.", 200)
    response.delete_cookie(auth.COOKIE_NAME, path=PREFIX)
    return response


# -- pages ---------------------------------------------------------------------------------


async def _overview(request: Request, site: AdminSite, admin: Admin) -> Response:
    async with site.sessions() as session:
        data = await views.overview(session, site.settings, admin.scope, site.catalog)
    return site.page("overview.html", admin=admin, site=site, **data)


async def _sources(request: Request, site: AdminSite, admin: Admin) -> Response:
    async with site.sessions() as session:
        found = await views.sources(session, site.settings)
    return site.page("sources.html", admin=admin, sources=found)


def _source_action(action: str) -> Page:
    async def page(request: Request, site: AdminSite, admin: Admin) -> Response:
        name = request.path_params["name"]
        if name not in {s.name for s in site.settings.sources}:
            return site.message("Không tìm thấy", "Không có nguồn tin này.", 404, admin)
        if action != "poll" and not admin.scope.province_wide:
            # The portal is read for the whole province: only its administrators stop it.
            return site.message(
                "Không có quyền", "Chỉ quản trị viên cấp tỉnh tạm dừng được nguồn tin.", 403, admin
            )
        now = utcnow()
        async with site.sessions.begin() as session:
            if action == "poll":
                await request_poll(session, name, now)
            else:
                await set_paused(session, name, action == "pause", now)
        log.info("admin page: %s: %s source %s", admin.scope.who, action, name)
        return RedirectResponse(f"{PREFIX}/sources", status_code=303)

    return page


async def _articles(request: Request, site: AdminSite, admin: Admin) -> Response:
    query = request.query_params.get("q", "")[:200]
    raw_page = request.query_params.get("page", "1")
    number = int(raw_page) if raw_page.isdigit() else 1
    async with site.sessions() as session:
        found = await views.articles(session, query, number)
    return site.page("articles.html", admin=admin, site=site, found=found)


async def _history(request: Request, site: AdminSite, admin: Admin) -> Response:
    async with site.sessions() as session:
        found = await views.history(session)
    return site.page("broadcasts.html", admin=admin, site=site, broadcasts=found)


def _commune_options(site: AdminSite, scope: AdminScope) -> list[tuple[str, str]]:
    """(value, label) of the Xã list: today's units with the old ones they absorbed (so old
    names are findable); a commune administrator sees only theirs."""
    options = []
    absorbed = dict(site.catalog.communes())
    for choice in site.catalog.commune_choices():
        if not scope.province_wide and choice.value not in scope.communes:
            continue
        old = absorbed.get(choice.display, [])
        label = choice.display + (f" (gồm {', '.join(old)})" if old else "")
        options.append((choice.value, label))
    return options


def _form(site: AdminSite, admin: Admin, status: int = 200, **values: Any) -> Response:
    return site.page(
        "broadcast_new.html",
        status,
        admin=admin,
        communes=_commune_options(site, admin.scope),
        topics=site.catalog.topic_choices(),
        values=values,
    )


async def _new(request: Request, site: AdminSite, admin: Admin) -> Response:
    return _form(site, admin)


async def _draft(request: Request, site: AdminSite, admin: Admin) -> Response:
    form = await request.form()
    text = str(form.get("text") or "").replace("\r\n", "\n").strip()
    commune = str(form.get("commune") or "") or None
    topic = str(form.get("topic") or "") or None
    emergency = form.get("emergency") is not None
    values = {"text": text, "commune": commune, "topic": topic, "emergency": emergency}
    if commune is not None and site.catalog.choice(ChoiceKind.COMMUNE, commune) is None:
        return _form(site, admin, 400, error="Không có xã này.", **values)
    if topic is not None and site.catalog.choice(ChoiceKind.TOPIC, topic) is None:
        return _form(site, admin, 400, error="Không có chủ đề này.", **values)
    if text_problem(text):
        error = "Hãy nhập nội dung." if not text else "Nội dung quá dài (tối đa 1500 ký tự)."
        return _form(site, admin, 400, error=error, **values)
    target = Target(commune=commune, topic=topic)
    refused = refusal(admin.scope, target, site.catalog)
    if refused is not None:
        return _form(site, admin, 403, error=Markup(refused), **values)
    expiry = timedelta(hours=site.settings.broadcasts.preview_expiry_hours)
    async with site.sessions.begin() as session:
        broadcast = await broadcasts.create_preview(
            session,
            text=text,
            target=target,
            emergency=emergency,
            created_by=admin.scope.who,
            preview_expiry=expiry,
            author_name=admin.scope.name,
            scope=admin.scope.kind,
        )
    log.info("broadcast %d drafted by %s", broadcast.id, admin.scope.who)
    return RedirectResponse(f"{PREFIX}/broadcasts/{broadcast.id}", status_code=303)


async def _load(site: AdminSite, broadcast_id: int) -> tuple[Broadcast | None, broadcasts.Progress]:
    async with site.sessions() as session:
        row = await session.get(Broadcast, broadcast_id)
        progress = await broadcasts.progress(session, broadcast_id)
    return row, progress


async def _broadcast(request: Request, site: AdminSite, admin: Admin) -> Response:
    row, progress = await _load(site, int(request.path_params["id"]))
    if row is None:
        return site.message("Không tìm thấy", "Không có thông báo này.", 404, admin)
    view = views.broadcast_view(row)
    message = render_broadcast(row.text, row.emergency, view.author_name)
    note = request.query_params.get("note")
    return site.page(
        "broadcast.html",
        admin=admin,
        site=site,
        b=view,
        progress=progress,
        telegram_html=Markup(message.html),  # escaped by the renderer, as Telegram reads it
        zalo_text=html_to_text(message.html),
        note={
            "already": "Thông báo này đã được gửi rồi: không gửi lại.",
            "expired": "Bản nháp đã hết hạn, không gửi được nữa.",
        }.get(note or ""),
    )


async def _send(request: Request, site: AdminSite, admin: Admin) -> Response:
    broadcast_id = int(request.path_params["id"])
    expiry = timedelta(hours=site.settings.broadcasts.preview_expiry_hours)
    async with site.sessions.begin() as session:
        row = await session.get(Broadcast, broadcast_id)
        if row is None:
            return site.message("Không tìm thấy", "Không có thông báo này.", 404, admin)
        target = Target(commune=row.commune, topic=row.topic)
        if refusal(admin.scope, target, site.catalog) is not None:
            return site.message("Không có quyền", "Bạn không được gửi thông báo này.", 403, admin)
        queued = await broadcasts.confirm(session, broadcast_id, preview_expiry=expiry)
        expired = queued is None and await broadcasts.is_expired(session, broadcast_id)
    where = f"{PREFIX}/broadcasts/{broadcast_id}"
    if queued is None:
        return RedirectResponse(f"{where}?note={'expired' if expired else 'already'}", 303)
    log.info("broadcast %d confirmed by %s: %d queued", broadcast_id, admin.scope.who, queued)
    if queued and site.on_queued is not None:
        site.on_queued()
    return RedirectResponse(where, status_code=303)


async def _cancel(request: Request, site: AdminSite, admin: Admin) -> Response:
    broadcast_id = int(request.path_params["id"])
    async with site.sessions.begin() as session:
        row = await session.get(Broadcast, broadcast_id)
        if row is None:
            return site.message("Không tìm thấy", "Không có thông báo này.", 404, admin)
        if refusal(admin.scope, Target(row.commune, row.topic), site.catalog) is not None:
            return site.message("Không có quyền", "Bạn không được dừng thông báo này.", 403, admin)
        try:
            await broadcasts.cancel_broadcast(
                session, broadcast_id, reason=f"cancelled by {admin.scope.who}"
            )
        except CancelRefused as exc:
            log.info("admin page: %s: %s", admin.scope.who, exc)
        else:
            log.info("broadcast %d cancelled by %s", broadcast_id, admin.scope.who)
    return RedirectResponse(f"{PREFIX}/broadcasts/{broadcast_id}", status_code=303)


async def _progress(request: Request, site: AdminSite, admin: Admin) -> Response:
    row, progress = await _load(site, int(request.path_params["id"]))
    if row is None:
        return JSONResponse({"error": "not found"}, status_code=404)
    return JSONResponse(
        {
            "state": row.state,
            "state_label": STATES.get(row.state, row.state),
            "sent": progress.sent,
            "failed": progress.failed,
            "pending": progress.pending,
            "final": row.state in ("done", "cancelled"),
        }
    )


def admin_routes(site: AdminSite) -> list[BaseRoute]:
    """The routes to mount at the app's root (everything under ``/admin``)."""

    def get(path: str, page: Page) -> Route:
        return Route(path, _guarded(site, page), methods=["GET"])

    def post(path: str, page: Page) -> Route:
        return Route(path, _guarded(site, page, post=True), methods=["POST"])

    routes: list[BaseRoute] = [
        Route("/login", _login_page(site), methods=["GET"]),
        Route("/login", _login(site), methods=["POST"]),
        post("/logout", _logout),
        get("/", _overview),
        get("/sources", _sources),
        post("/sources/{name}/poll", _source_action("poll")),
        post("/sources/{name}/pause", _source_action("pause")),
        post("/sources/{name}/resume", _source_action("resume")),
        get("/articles", _articles),
        get("/broadcasts", _history),
        get("/broadcasts/new", _new),
        post("/broadcasts/new", _draft),
        get("/broadcasts/{id:int}", _broadcast),
        get("/broadcasts/{id:int}/progress", _progress),
        post("/broadcasts/{id:int}/send", _send),
        post("/broadcasts/{id:int}/cancel", _cancel),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
    ]
    return [Mount(PREFIX, routes=routes)]
