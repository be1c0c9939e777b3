"""``GET /media/<name>``: stored broadcast media, for platforms that fetch a public URL (Zalo).

Names are unguessable (``storage.media.new_name``); anything else, and media past its
retention, is a plain 404. Served from the database, so any instance can answer.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from storage import media

PATH = "/media/{name}"


def media_route(sessions: async_sessionmaker[AsyncSession]) -> Route:
    async def serve(request: Request) -> Response:
        async with sessions() as session:
            found = await media.find(session, request.path_params["name"])
        if found is None:
            return Response(b"not found", 404, media_type="text/plain")
        headers = {"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"}
        return Response(found.data, 200, headers=headers, media_type=found.content_type)

    return Route(PATH, serve, methods=["GET", "HEAD"])
