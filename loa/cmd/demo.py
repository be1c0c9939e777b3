"""``loa demo``: the whole ingest flow offline, on bundled sample pages served locally.

A tiny portal (``loa/demo/``) is served on 127.0.0.1; Loa polls it into a temporary SQLite
database, the portal then publishes one more article, and Loa polls again. The first pass is
the backfill (archive, never sent); the second finds the new article and queues it for a demo
resident. Nothing leaves the machine and no bot token is needed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path

import uvicorn
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from base.config import DatabaseSettings, HttpSettings, Selectors, Settings, SourceSettings
from base.timefmt import VIETNAM, plural
from bot.console import ConsoleChannel
from jobs.poll import PollResult, poll_all
from jobs.send import Sender
from storage import articles as stored
from storage import outbox
from storage.db import open_database, session_factory
from storage.models import Article, Delivery, Resident

NEW_ARTICLE = "/Tintuc/View/Xa-Sam-Mun-ra-quan-lam-duong-giao-thong-nong-thon"
NEW_TITLE = "Xã Sam Mứn ra quân làm đường giao thông nông thôn"


class DemoPortal:
    """The bundled pages; ``publish()`` adds the new article to the top of the list."""

    def __init__(self) -> None:
        files = resources.files("loa") / "demo"
        routes = json.loads((files / "routes.json").read_text(encoding="utf-8"))
        self._pages = {
            path: ((files / name).read_bytes(), content_type)
            for path, (name, content_type) in routes.items()
        }
        self._published = False

    def publish(self) -> None:
        self._published = True

    async def handle(self, request: Request) -> Response:
        path = request.url.path
        if path == NEW_ARTICLE and not self._published:
            return Response(b"not found", 404)
        if path not in self._pages:
            return Response(b"not found", 404)
        body, content_type = self._pages[path]
        if path == "/Tintuc/" and self._published:
            body = self._with_new_link(body)
        if path == NEW_ARTICLE:  # published just now, as far as the demo is concerned
            now = datetime.now(VIETNAM).strftime("%d/%m/%Y %I:%M:%S %p")
            body = body.replace(b"14/03/2019 02:15:00 PM", now.encode("ascii"))
        return Response(body, headers={"Content-Type": content_type})

    @staticmethod
    def _with_new_link(listing: bytes) -> bytes:
        item = (
            f'<div class="news-list"><div class="news-item">'
            f'<a class="title" href="{NEW_ARTICLE}?PageIndex=1">{NEW_TITLE}</a></div>'
        )
        return listing.replace(b'<div class="news-list">', item.encode("utf-8"), 1)


@asynccontextmanager
async def serving(portal: DemoPortal) -> AsyncIterator[str]:
    """Serve the demo portal inside this event loop; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    app = Starlette(routes=[Route("/{path:path}", portal.handle)])
    config = uvicorn.Config(app, log_level="warning", lifespan="off", log_config=None, http="h11")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():  # noqa: ASYNC110 (uvicorn offers no event)
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def demo_settings(base_url: str, database: Path) -> Settings:
    source = SourceSettings(
        name="demo-huyen",
        type="html",
        url=f"{base_url}/Tintuc/",
        interval_seconds=900,
        max_pages=1,
        selectors=Selectors(item=".news-list a.title"),
    )
    return Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{database}"),
        http=HttpSettings(timeout_seconds=5),
        sources=[source],
    )


def _report(step: str, result: PollResult) -> None:
    if not result.ok:
        print(f"{step}: the source failed: {result.error}")
        return
    kind = "as archive (backfill, never sent)" if result.backfill else "as new"
    print(
        f"{step}: {plural(result.links, 'link')}, {plural(result.fetched, 'article page')}"
        f" fetched, {result.stored} stored {kind}, "
        f"{plural(result.queued, 'delivery', 'deliveries')} queued"
    )


async def _show(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        listed = await stored.list_articles(session, 20)
        queued = await session.execute(
            select(Resident.channel, Resident.chat_id, Article.title, Article.url)
            .join(Delivery, Delivery.resident_id == Resident.id)
            .join(Article, Article.id == Delivery.article_id)
            .order_by(Delivery.id)
        )
        sends = queued.all()
    print("\nStored articles, newest first:")
    for row, communes, topics in listed:
        item = stored.article_json(row, communes, topics)
        backfill = " [archive]" if row.article.is_backfill else " [new]"
        print(f"  {(item['published_at'] or '')[:16]}  {item['title']}{backfill}")
        print(f"      author: {item['author'] or '(none)'}; communes: {item['communes']}")
    print("\nQueued for the demo resident:")
    for channel, chat_id, title, _url in sends:
        print(f"  to {channel}:{chat_id}: {title}")
    if not sends:
        print("  nothing")


async def _deliver(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> None:
    """Run the real sender on the console channel until the queue is empty."""
    print("\nThe sender delivers it; the demo resident reads (console channel):\n")
    channel = ConsoleChannel(sys.stdout)
    sender = Sender(channel, sessions, settings.sender, rate_per_second=None, per_chat_interval=0)
    await sender.start()
    try:
        async with asyncio.timeout(10):
            while True:
                async with sessions() as session:
                    if not (await outbox.counts_by_state(session, channel.name))["pending"]:
                        break
                await asyncio.sleep(0.05)
    finally:
        await sender.stop()


async def demo(settings: Settings, args: argparse.Namespace) -> int:
    """Serve the sample portal, poll it twice around a new article, show the outcome."""
    for noisy in ("jobs", "alembic"):  # the printed story is the output
        logging.getLogger(noisy).setLevel(logging.WARNING)
    portal = DemoPortal()
    with tempfile.TemporaryDirectory(prefix="loa-demo-") as workdir:
        async with serving(portal) as base_url:
            demo = demo_settings(base_url, Path(workdir) / "demo.db")
            print(f"Sample portal at {base_url}/Tintuc/; database {workdir}/demo.db")
            async with open_database(demo.database.url) as engine:
                sessions = session_factory(engine)
                async with sessions.begin() as session:
                    session.add(Resident(channel="console", chat_id="demo", display_name="Demo"))
                _report("First poll", (await poll_all(demo, sessions))[0])
                portal.publish()
                print(f"The portal publishes: {NEW_TITLE}")
                _report("Second poll", (await poll_all(demo, sessions))[0])
                await _show(sessions)
                await _deliver(demo, sessions)
    return 0
