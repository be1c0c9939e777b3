"""Answers sent straight to the channel, retried in the background when throttled.

``loa run`` queues answers in the outbox instead (``bot.outgoing.Answers``), so that one paced
path carries everything a bot sends. This direct sender serves the console (no platform
limits) and adapter tests that run without a database sender.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.channel import Channel, Incoming, MessageRejected, Reply, ResidentGone, RetryLater
from bot.choices import NumberedChoices

log = logging.getLogger(__name__)


class ReplySender:
    """Sends the replies to one incoming message, in order, on ``channel``."""

    def __init__(
        self,
        channel: Channel,
        *,
        attempts: int = 3,
        backoff_seconds: float = 1.0,
        choices: NumberedChoices | None = None,
    ):
        self._channel = channel
        self._choices = choices
        self._attempts = attempts
        self._backoff = backoff_seconds
        self._later: set[asyncio.Task[None]] = set()

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Send ``replies``; what a throttle interrupts goes out later, in the background."""
        await self._send(chat_id, list(replies), attempt=1)

    async def read_choice(self, incoming: Incoming) -> Incoming:
        """A number answering the chat's numbered choices as the button it names."""
        return self._choices.answer(incoming) if self._choices is not None else incoming

    async def _send(self, chat_id: str, replies: list[Reply], attempt: int) -> None:
        for index, reply in enumerate(replies):
            try:
                await self._channel.send(chat_id, reply)
            except RetryLater as exc:
                self._retry(chat_id, replies[index:], attempt, exc)
                return
            except ResidentGone as exc:
                log.info("%s chat %s is gone; answer dropped: %s", self._channel.name, chat_id, exc)
                return
            except MessageRejected as exc:
                log.warning("%s refused an answer to %s: %s", self._channel.name, chat_id, exc)

    def _retry(self, chat_id: str, rest: list[Reply], attempt: int, exc: RetryLater) -> None:
        if attempt >= self._attempts:
            log.warning(
                "%s: %d answers to %s dropped after %d attempts: %s",
                self._channel.name,
                len(rest),
                chat_id,
                attempt,
                exc,
            )
            return
        delay = (
            exc.retry_after if exc.retry_after is not None else self._backoff * 2 ** (attempt - 1)
        )
        log.info(
            "%s: answer to %s throttled; retrying in %.1f s", self._channel.name, chat_id, delay
        )
        task = asyncio.create_task(self._after(delay, chat_id, rest, attempt + 1))
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    async def _after(self, delay: float, chat_id: str, rest: list[Reply], attempt: int) -> None:
        await asyncio.sleep(delay)
        await self._send(chat_id, rest, attempt)

    async def wait(self) -> None:
        """Until every answer waiting for a retry has been sent or dropped (tests, shutdown)."""
        while self._later:
            await asyncio.gather(*list(self._later), return_exceptions=True)

    async def aclose(self) -> None:
        """Drop answers still waiting (Loa is stopping)."""
        for task in list(self._later):
            task.cancel()
        await asyncio.gather(*self._later, return_exceptions=True)
