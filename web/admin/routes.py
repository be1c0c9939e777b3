"""The admin page's routes (Starlette), all under ``/admin``: login by one-time link,
the pages, the forms (CSRF-checked) and the static files.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from web.admin.broadcast_pages import broadcast, cancel, draft, history, new, progress, send
from web.admin.login import login, login_page, logout
from web.admin.pages import articles, overview, source_action, sources_page
from web.admin.site import HERE, PREFIX, AdminSite, Page, guarded, not_found
from web.admin.source_pages import source_add, source_new


def admin_routes(site: AdminSite) -> list[BaseRoute]:
    """The routes to mount at the app's root (everything under ``/admin``)."""

    def get(path: str, page: Page) -> Route:
        return Route(path, guarded(site, page), methods=["GET"])

    def post(path: str, page: Page) -> Route:
        return Route(path, guarded(site, page, post=True), methods=["POST"])

    routes: list[BaseRoute] = [
        Route("/login", login_page(site), methods=["GET"]),
        Route("/login", login(site), methods=["POST"]),
        post("/logout", logout),
        get("/", overview),
        get("/sources", sources_page),
        get("/sources/new", source_new),
        post("/sources/new", source_add),
        post("/sources/{name}/poll", source_action("poll")),
        post("/sources/{name}/pause", source_action("pause")),
        post("/sources/{name}/resume", source_action("resume")),
        get("/articles", articles),
        get("/broadcasts", history),
        get("/broadcasts/new", new),
        post("/broadcasts/new", draft),
        get("/broadcasts/{id:int}", broadcast),
        get("/broadcasts/{id:int}/progress", progress),
        post("/broadcasts/{id:int}/send", send),
        post("/broadcasts/{id:int}/cancel", cancel),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
        Route("/{path:path}", not_found(site), methods=["GET"]),  # last: anything else
    ]
    return [Mount(PREFIX, routes=routes)]
