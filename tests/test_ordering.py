"""Updates run concurrently across chats and in arrival order within one chat."""

from __future__ import annotations

import asyncio

from bot.ordering import ChatOrder


async def test_one_chat_in_order_other_chats_meanwhile() -> None:
    order = ChatOrder()
    log: list[str] = []
    first_started = asyncio.Event()
    release_first = asyncio.Event()

    async def handle(chat: str, name: str, *, hold: bool = False) -> None:
        async with order.turn(chat):
            log.append(f"start {name}")
            if hold:
                first_started.set()
                await release_first.wait()
            log.append(f"end {name}")

    tasks = [asyncio.create_task(handle("a", "a1", hold=True))]
    await first_started.wait()
    tasks.append(asyncio.create_task(handle("a", "a2")))
    tasks.append(asyncio.create_task(handle("b", "b1")))
    await tasks[2]  # another chat is not held up by a1
    assert log == ["start a1", "start b1", "end b1"]
    release_first.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["end a1", "start a2", "end a2"]  # a2 waited for a1
    assert len(order) == 0  # nothing kept for chats that went quiet
