"""Residents' messages handled concurrently across chats, in arrival order within a chat.

On a launch day thousands write within a minute; handling one update at a time (each a few
database round trips) would make the queue of answers wait for the handler, not for the
platform's rate. One chat's messages still run one after the other: "/dangky" then "2" must
be understood in that order.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 16


class ChatOrder:
    """One turn at a time per key; keys without waiters are forgotten."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """python-telegram-bot's update processor with Loa's rule: concurrent across chats,
    ordered within a chat."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._order = ChatOrder()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        async with self._order.turn(str(chat.id) if chat else ""):
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
