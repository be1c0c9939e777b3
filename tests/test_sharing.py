"""One bot's sending shared between instances: the shares held here, one sender for them."""

from __future__ import annotations

import asyncio
import math

from jobs.pacing import MARGIN
from jobs.send import Sharing
from jobs.sharing import SharedSending
from storage.outbox import Shares


class FakeSender:
    def __init__(self, sharing: Sharing) -> None:
        self.sharing = sharing
        self.running = False
        self.flights: dict[int, int] = {}

    async def start(self) -> None:
        self.running = True

    async def stop(self) -> None:
        self.running = False

    def in_flight(self, share: int) -> int:
        return self.flights.get(share, 0)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _sending(clock: Clock, made: list[FakeSender], leases: set[int]) -> SharedSending:
    def make(sharing: Sharing) -> FakeSender:
        made.append(FakeSender(sharing))
        return made[-1]

    return SharedSending(
        "telegram",
        6,
        600.0,
        2.0,
        make,
        lambda k: k in leases,
        clock=clock,  # type: ignore[arg-type]
    )


async def test_a_share_taken_is_read_after_a_window_and_a_chat_spacing() -> None:
    clock, made, leases = Clock(), [], {1, 4}
    sending = _sending(clock, made, leases)
    await sending.role(1).start()
    await sending.role(4).start()
    assert len(made) == 1 and made[0].running  # one sender for every share held here
    assert sending.ready() is None  # just taken: another instance may have sent a moment ago
    assert math.isclose(sending.ready_in(), 2.0 / MARGIN)  # the chat spacing (2 s) is longer
    clock.now += 2.0 / MARGIN
    assert sending.ready() == Shares(6, frozenset({1, 4}))
    assert sending.rate() == 600.0 * 2 / 6  # their part of the bot's rate
    assert sending.ready_in() == math.inf
    assert sending.holds(4) and not sending.holds(2)
    leases.discard(4)  # the lease is lost before the role is stopped: the fence says so
    assert not sending.holds(4)


async def test_a_share_given_up_is_released_once_its_messages_in_flight_are_answered() -> None:
    clock, made, leases = Clock(), [], {1, 2}
    sending = _sending(clock, made, leases)
    first, second = sending.role(1), sending.role(2)
    await first.start()
    await second.start()
    clock.now += 10
    sender = made[0]
    sender.flights[2] = 1
    stopping = asyncio.create_task(second.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()  # a message of share 2 is still on its way
    assert sending.ready() == Shares(6, frozenset({1}))  # but share 2 is read no more
    sender.flights[2] = 0
    await asyncio.wait_for(stopping, 1)
    assert sender.running  # share 1 is still sent here
    await first.stop()
    assert not sender.running  # no share left: the sender stops...
    await first.start()
    assert len(made) == 2 and made[1].running  # ...and a new one starts with the next
