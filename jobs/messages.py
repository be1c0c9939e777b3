"""What a queued delivery says: each article (or broadcast) rendered once per channel.

A send to ten thousand residents renders the article once; concurrent workers asking for the
same article wait for the one render in progress instead of starting their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Reply, Upload
from bot.media_broadcast import UPLOADING_CHANNELS, stored_name, with_media
from bot.render import article_view, render_article, render_broadcast
from storage import media
from storage.models import Article, ArticleCommune, ArticleTopic, Broadcast
from storage.outbox import Queued

log = logging.getLogger(__name__)


class MessageGone(LookupError):
    """The article or broadcast of a delivery no longer exists."""


class MessageCache:
    """Replies per article / broadcast for one channel, rendered once, most recent kept."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        limit: int,
        size: int = 256,
        *,
        caption_limit: int | None = None,
        channel: str = "",
    ) -> None:
        self._sessions = sessions
        self._limit = limit
        self._caption_limit = caption_limit or limit  # an article with a photo: its caption
        self._channel = channel
        self._size = size
        self._cache: OrderedDict[tuple[str, int], asyncio.Future[Reply]] = OrderedDict()
        self.renders = 0  # how many renders ran (a test proves "once per article")

    async def reply_for(self, queued: Queued) -> Reply:
        if queued.article_id is not None:
            key = ("article", queued.article_id)
        elif queued.broadcast_id is not None:
            key = ("broadcast", queued.broadcast_id)
        else:
            raise MessageGone(f"delivery {queued.id} names no article and no broadcast")
        future = self._cache.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._cache[key] = future
            self._evict()
            try:
                future.set_result(await self._render(*key))
            except BaseException as exc:
                del self._cache[key]
                future.set_exception(exc)
                future.exception()  # retrieved: other waiters re-raise it themselves
                raise
        else:
            self._cache.move_to_end(key)
        return await asyncio.shield(future)

    def without_media(self, queued: Queued, reply: Reply) -> Reply:
        """The platform refused this message's media: it and every later one for the same
        article or broadcast go as text (``reply`` without its media) from now on."""
        text = replace(reply, photo_url=None, voice_url=None, copy_from=None, photo_upload=None)
        key = self._key(queued)
        if key is not None:
            future = asyncio.get_running_loop().create_future()
            future.set_result(text)
            self._cache[key] = future
        return text

    @staticmethod
    def _key(queued: Queued) -> tuple[str, int] | None:
        if queued.article_id is not None:
            return ("article", queued.article_id)
        if queued.broadcast_id is not None:
            return ("broadcast", queued.broadcast_id)
        return None

    def _evict(self) -> None:
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)

    async def _render(self, kind: str, key: int) -> Reply:
        self.renders += 1
        async with self._sessions() as session:
            if kind == "article":
                return await self._article(session, key)
            return await self._broadcast(session, key)

    async def _article(self, session: AsyncSession, article_id: int) -> Reply:
        article = await session.get(Article, article_id)
        if article is None:
            raise MessageGone(f"article {article_id} is gone")
        communes = await session.scalars(
            select(ArticleCommune.commune)
            .where(ArticleCommune.article_id == article_id)
            .order_by(ArticleCommune.commune)
        )
        topics = await session.scalars(
            select(ArticleTopic.topic).where(ArticleTopic.article_id == article_id)
        )
        view = article_view(article, list(communes), list(topics))
        return render_article(view, self._caption_limit if view.image_url else self._limit)

    async def _broadcast(self, session: AsyncSession, broadcast_id: int) -> Reply:
        broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None:
            raise MessageGone(f"broadcast {broadcast_id} is gone")
        # One function renders the preview and the delivery: the admin sees what residents get.
        # The text was checked against MAX_TEXT_LENGTH when the broadcast was created.
        reply = render_broadcast(broadcast.text, broadcast.emergency, broadcast.author_name)
        return with_media(broadcast, self._channel, reply, await self._upload(session, broadcast))

    async def _upload(self, session: AsyncSession, broadcast: Broadcast) -> Upload | None:
        """The stored photo of a web broadcast without a public URL, for channels that upload
        it; read once per broadcast (this render), the channel sends the bytes once."""
        name = stored_name(broadcast.media_url)
        if name is None or self._channel not in UPLOADING_CHANNELS:
            return None
        stored = await media.find(session, name)
        if stored is None:  # past its retention: the residents still get the text
            log.warning("broadcast %d: its photo %s is gone; sending text", broadcast.id, name)
            return None
        return Upload(stored.name, stored.data, stored.content_type)
