"""A fake portal for tests: fixture pages over real HTTP, with misbehaviour on demand.

``Portal`` holds routes (URL path, optionally with its query, -> bytes) that tests change while
it is served: add or remove pages, force a status, hold a request until released (to provoke a
client timeout without sleeping), stream an oversized body, declare a charset. Every 200 answer
carries an ETag and honours If-None-Match with 304. ``requests`` logs what was asked for.

    portal = Portal.from_fixtures()
    with portal.serving() as base_url:
        ...
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from tests.support.server import serve

FIXTURES = Path(__file__).parent / "fixtures" / "portal"
# Pages `loa demo` ships (the district portal's list page 1 and five articles): one copy, there.
DEMO = Path(__file__).parent.parent / "loa" / "demo"
DISTRICT_LISTS = {1: DEMO / "list.html", 2: FIXTURES / "district" / "Tintuc" / "index-2.html"}
HTML = "text/html; charset=utf-8"
_META_CHARSET = re.compile(rb"charset=[\"']?([A-Za-z0-9_-]+)")


@dataclass(slots=True)
class Page:
    body: bytes
    content_type: str = HTML
    status: int = 200  # forced status (404, 500…) instead of the body
    hang: bool = False  # hold the request until ``Portal.release()``
    oversize: int = 0  # stream this many bytes (no Content-Length) instead of the body
    conditional: bool = True  # answer If-None-Match with 304
    error_body: bool = False  # send the body with a forced status (a challenge's 403/503)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass(slots=True)
class Hit:
    target: str  # path and query as requested
    headers: dict[str, str]
    status: int = 0
    at: float = field(default_factory=time.monotonic)  # arrival


@dataclass
class Portal:
    pages: dict[str, Page] = field(default_factory=dict)
    requests: list[Hit] = field(default_factory=list)
    _gates: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    hanging: threading.Event = field(default_factory=threading.Event)  # set once one is held

    # -- building -----------------------------------------------------------------------------

    @classmethod
    def from_fixtures(cls, routes: str | Path = FIXTURES / "routes.json") -> Portal:
        """The portal described by a routes file: ``{"/path?query": "file" | {...}}``."""
        portal = cls()
        base = Path(routes).parent
        for target, spec in json.loads(Path(routes).read_text(encoding="utf-8")).items():
            if isinstance(spec, str):
                portal.add_file(target, base / spec)
            else:
                portal.add_file(target, base / spec["file"], spec.get("content_type", HTML))
        return portal

    def add(self, target: str, body: bytes | str, content_type: str = HTML) -> Page:
        data = body.encode("utf-8") if isinstance(body, str) else body
        page = self.pages[target] = Page(data, content_type)
        return page

    def add_file(self, target: str, path: Path, content_type: str | None = None) -> Page:
        data = path.read_bytes()
        return self.add(target, data, content_type or _content_type(path, data))

    def remove(self, target: str) -> None:
        self.pages.pop(target, None)

    def page(self, target: str) -> Page:
        return self.pages[target]

    # -- observing ----------------------------------------------------------------------------

    def count(self, prefix: str = "/") -> int:
        """Requests whose path and query start with ``prefix``."""
        return sum(1 for hit in self.requests if hit.target.startswith(prefix))

    def release(self) -> None:
        """Let every held request finish (with a 503, it is too late to be useful)."""
        with self._lock:
            gates, self._gates = self._gates, []
        for loop, gate in gates:
            loop.call_soon_threadsafe(gate.set)

    # -- serving ------------------------------------------------------------------------------

    @contextmanager
    def serving(self) -> Iterator[str]:
        try:
            with serve(self.app()) as base_url:
                yield base_url
                self.release()  # before the server stops, or shutdown waits for held requests
        finally:
            self.release()

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self._handle)])

    def _find(self, request: Request) -> Page | None:
        path, query = request.url.path, request.url.query
        return self.pages.get(f"{path}?{query}" if query else path) or self.pages.get(path)

    async def _handle(self, request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        hit = Hit(target, dict(request.headers))
        self.requests.append(hit)
        response = await self._respond(request, self._find(request))
        hit.status = response.status_code
        return response

    async def _respond(self, request: Request, page: Page | None) -> Response:
        if page is None:
            return Response(b"not found", 404)
        if page.hang:
            await self._hold()
            return Response(b"released", 503)
        if page.status != 200:
            body = page.body if page.error_body else b"error"
            return Response(body, page.status, headers={"Content-Type": page.content_type})
        if page.oversize:
            return StreamingResponse(_chunks(page.oversize), media_type=page.content_type)
        if page.conditional and request.headers.get("if-none-match") == page.etag:
            return Response(status_code=304, headers={"ETag": page.etag})
        headers = {"ETag": page.etag} if page.conditional else {}
        return Response(page.body, 200, headers={**headers, "Content-Type": page.content_type})

    async def _hold(self) -> None:
        gate = asyncio.Event()
        with self._lock:
            self._gates.append((asyncio.get_running_loop(), gate))
        self.hanging.set()
        await gate.wait()


def _content_type(path: Path, data: bytes) -> str:
    """What a real server would say: feeds as RSS, pages with the charset their meta declares."""
    if path.suffix in {".xml", ".rss"}:
        return "application/rss+xml"
    declared = _META_CHARSET.search(data[:2048])
    return f"text/html; charset={declared.group(1).decode('ascii')}" if declared else HTML


async def _chunks(total: int, size: int = 65_536) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b"x" * min(size, total - sent)
        sent += len(chunk)
        yield chunk


def portal_with(pages: Mapping[str, bytes | str]) -> Portal:
    """A portal serving exactly ``pages`` (HTML, UTF-8)."""
    portal = Portal()
    for target, body in pages.items():
        portal.add(target, body)
    return portal
