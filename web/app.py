"""Loa's one ASGI app (chat webhooks, ``/healthz``) and the ``WebServer`` service serving it.

A webhook request must carry the platform's secret header, compared in constant time; a wrong
or missing secret gets 403 and is never handed to a bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import uvicorn
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.zalo_api import secret_matches
from storage import channel_states
from storage.instances import list_instances
from storage.models import Source, utcnow
from web.media import media_route

log = logging.getLogger(__name__)

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ZALO_SECRET_HEADER = "X-Bot-Api-Secret-Token"
TELEGRAM_PATH = "/telegram/webhook"
ZALO_PATH = "/zalo/webhook"


class WebhookTarget(Protocol):
    """A bot that takes one update body at a time (TelegramBot, ZaloBot)."""

    async def process_webhook_update(self, data: dict[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class Webhook:
    path: str
    header: str
    secret: str | None  # None: every request is refused (a webhook without a secret is open)
    target: WebhookTarget


def telegram_webhook(secret: str | None, target: WebhookTarget) -> Webhook:
    return Webhook(TELEGRAM_PATH, TELEGRAM_SECRET_HEADER, secret, target)


def zalo_webhook(secret: str | None, target: WebhookTarget) -> Webhook:
    return Webhook(ZALO_PATH, ZALO_SECRET_HEADER, secret, target)


def _webhook_endpoint(webhook: Webhook) -> Route:
    async def endpoint(request: Request) -> Response:
        if not secret_matches(webhook.secret, request.headers.get(webhook.header)):
            log.warning("refused a %s request with a wrong or missing secret", webhook.path)
            return JSONResponse({"ok": False}, status_code=403)
        try:
            data = await request.json()
        except ValueError:
            return JSONResponse({"ok": False}, status_code=400)
        if not isinstance(data, dict):
            return JSONResponse({"ok": False}, status_code=400)
        try:
            await webhook.target.process_webhook_update(data)
        except Exception:
            # Answer 200 anyway: a platform retrying the same update would only fail again.
            log.exception("handling a %s update failed", webhook.path)
        return JSONResponse({"ok": True})

    return Route(webhook.path, endpoint, methods=["POST"])


async def _health(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    try:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
            count, last = (
                await session.execute(
                    select(func.count(Source.id), func.max(Source.last_success_at))
                )
            ).one()
            # Each channel: working, paused since when and why, or off (issue 21).
            channels = await channel_states.states(session, await list_instances(session, utcnow()))
    except Exception as exc:
        log.warning("health check: database unreachable: %s", type(exc).__name__)
        return {"ok": False, "database": False}
    last_poll = last.isoformat() if isinstance(last, datetime) else last
    return {
        "ok": True,
        "database": True,
        "sources": int(count),
        "last_poll": last_poll,
        "channels": channels,
    }


def create_app(
    sessions: async_sessionmaker[AsyncSession],
    webhooks: Sequence[Webhook] = (),
    roles: Callable[[], list[str]] | None = None,
    extra_routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """The ASGI app: ``GET /healthz`` (with the roles this instance holds, given ``roles``),
    one POST route per configured webhook, and ``extra_routes`` (the admin page, /metrics)."""

    async def healthz(request: Request) -> Response:
        body = await _health(sessions)
        if roles is not None:
            body["roles"] = sorted(roles())
        return JSONResponse(body, status_code=200 if body["ok"] else 503)

    routes: list[BaseRoute] = [Route("/healthz", healthz, methods=["GET"])]
    routes += [_webhook_endpoint(webhook) for webhook in webhooks]
    routes += extra_routes
    routes.append(media_route(sessions))  # broadcast media for platforms that fetch URLs
    return Starlette(routes=routes)


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Loa's runtime owns SIGINT/SIGTERM and stops every service in order, this one last.
        yield


class WebServer:
    """Serves ``app`` inside Loa's event loop (a ``Service`` for ``loa run``)."""

    name = "web server"

    def __init__(self, app: Starlette, host: str, port: int, admin_url: str | None = None) -> None:
        """``admin_url``: the admin page's address, logged once the server listens."""
        self._app = app
        self._host = host
        self._port = port
        self._admin_url = admin_url
        self._socket: socket.socket | None = None
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        """The port listened on (useful with port 0)."""
        return self._socket.getsockname()[1] if self._socket else self._port

    async def start(self) -> None:
        # Bind here, so a busy port is an OSError now rather than uvicorn's sys.exit later.
        family = socket.AF_INET6 if ":" in self._host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self._host, self._port))
        self._socket = sock
        # h11, as installed with Loa: the same parser whether or not httptools is present.
        config = uvicorn.Config(
            self._app, lifespan="off", log_level="warning", timeout_graceful_shutdown=5, http="h11"
        )
        self._server = _EmbeddedServer(config)
        self._task = asyncio.create_task(self._serve(self._server, sock), name=self.name)
        while not self._server.started:  # uvicorn offers no event to wait on; poll its flag
            if self._task.done():
                await self._task
                raise RuntimeError("web server stopped while starting")
            await asyncio.sleep(0.01)
        log.info("web server listening on %s:%d", self._host, self.port)
        if self._admin_url:
            log.info(
                "admin page at %s (a login link: /quantri in chat, or loa admin link)",
                self._admin_url,
            )

    @staticmethod
    async def _serve(server: uvicorn.Server, sock: socket.socket) -> None:
        try:
            await server.serve(sockets=[sock])
        except SystemExit as exc:  # uvicorn exits the process on a startup failure
            raise RuntimeError("web server failed to start") from exc

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        if self._socket is not None:
            self._socket.close()
