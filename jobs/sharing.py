"""One bot's sending shared between instances: the shares this instance holds, one sender.

With ``sender_shares = N`` the bot's chats are split into N shares (a hash of the chat id,
``storage.outbox.Shares``), each a role ``<channel>:sender#k/N`` leased like any other
(``jobs.roles``). The roles' services are ``ShareRole``s: taking one adds its share to this
instance's ``SharedSending``, which runs ONE ``Sender`` for every share held here, reading only
their rows and pacing at ``rate × held / N``. One sender, not one per share: N senders in one
process each fetched, committed and paced on their own, and cost 60 % more CPU a message.

A share taken over may have been sent for by another instance a moment ago (a handover to
balance the shares is quick): it is read only after one window of the platform's rate and one
chat spacing, so the other's last requests and ours never count together. A share given up
stops being read at once; its lease is released once its messages in flight are answered.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable

from jobs.pacing import MARGIN, WINDOW
from jobs.send import Sender, Sharing
from storage.outbox import Shares

log = logging.getLogger(__name__)

# A given-up share's messages in flight are awaited this long at most before its lease goes.
DRAIN_SECONDS = 10.0


class SharedSending(Sharing):
    """The shares of one bot's sending held by this instance, and the sender that sends them."""

    def __init__(
        self,
        channel: str,
        count: int,
        rate: float,
        per_chat_interval: float,
        make_sender: Callable[[Sharing], Sender],
        holds: Callable[[int], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._channel, self._count, self._rate = channel, count, rate
        self._clock = clock
        self._warmup = max(WINDOW, per_chat_interval) / MARGIN
        self._make_sender = make_sender
        self._holds = holds  # the share's lease (``Coordinator.holds``)
        self._held: dict[int, float] = {}  # share → when it may be read (time.monotonic)
        self._sender: Sender | None = None
        self._lock = asyncio.Lock()  # takes and give-ups one at a time

    def role(self, number: int) -> ShareRole:
        return ShareRole(self, number, f"{self._channel} sender share {number}/{self._count}")

    # -- what the sender asks (``jobs.send.Sharing``) ---------------------------------------

    def ready(self) -> Shares | None:
        now = self._clock()
        numbers = frozenset(n for n, at in self._held.items() if at <= now)
        return Shares(self._count, numbers) if numbers else None

    def ready_in(self) -> float:
        now = self._clock()
        waiting = [at - now for at in self._held.values() if at > now]
        return max(0.0, min(waiting)) if waiting else math.inf

    def rate(self) -> float:
        ready = self.ready()
        return self._rate * len(ready.numbers) / self._count if ready else self._rate

    def holds(self, number: int) -> bool:
        return number in self._held and self._holds(number)

    # -- what the share roles do --------------------------------------------------------------

    async def take(self, number: int) -> None:
        async with self._lock:
            self._held[number] = self._clock() + self._warmup
            if self._sender is None:
                self._sender = self._make_sender(self)
                await self._sender.start()
            log.info("%s: sending share %d/%d here", self._channel, number, self._count)

    async def give_up(self, number: int) -> None:
        async with self._lock:
            self._held.pop(number, None)  # read no more; its messages in flight finish
            sender = self._sender
            if sender is None:
                return
            deadline = time.monotonic() + DRAIN_SECONDS
            while sender.in_flight(number) and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.01)  # the few requests on their way (milliseconds)
            if not self._held:
                self._sender = None
                await sender.stop()


class ShareRole:
    """The service of role ``<channel>:sender#k/N``: share k, sent by this instance's sender."""

    def __init__(self, sending: SharedSending, number: int, name: str) -> None:
        self.name = name
        self._sending, self._number = sending, number

    async def start(self) -> None:
        await self._sending.take(self._number)

    async def stop(self) -> None:
        await self._sending.give_up(self._number)
