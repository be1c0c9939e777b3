"""Answers queued in the outbox: in order, numbered on Zalo, the number understood by any
instance, and a Zalo message seen twice handled once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Button, Incoming, Reply
from bot.outgoing import Answers, decode
from bot.zalo import ZaloBot, ZaloChannel
from bot.zalo_api import ZaloBotApi, ZaloChat, ZaloMessage, ZaloUpdate, ZaloUser
from storage import updates
from storage.models import Delivery, Priority, utcnow

Sessions = async_sessionmaker[AsyncSession]
CHOICES = Reply("Chọn xã:", [[Button("Sam Mứn", "sub:c:Sam Mứn"), Button("Pom Lót", "sub:c:x")]])


def said(text: str, chat: str = "u1") -> Incoming:
    return Incoming(channel="zalo", chat_id=chat, user_id=chat, text=text)


async def _queued(sessions: Sessions) -> list[Delivery]:
    async with sessions() as session:
        return list(await session.scalars(select(Delivery).order_by(Delivery.id)))


async def test_answers_are_queued_in_order_with_the_top_priority(sessions: Sessions) -> None:
    await Answers(sessions, "telegram").send("9", [Reply("một"), CHOICES])
    first, second = await _queued(sessions)
    assert (first.chat_id, first.resident_id, first.priority) == ("9", None, Priority.ANSWER)
    assert decode(first.payload or "").reply == Reply("một")
    assert decode(second.payload or "").reply == CHOICES  # Telegram keeps its buttons


async def test_zalo_numbers_are_understood_by_another_instance(sessions: Sessions) -> None:
    asking, reading = (
        Answers(sessions, "zalo", numbered_choices=True),
        Answers(sessions, "zalo", numbered_choices=True),
    )
    await asking.send("u1", [CHOICES])
    [row] = await _queued(sessions)
    shown = decode(row.payload or "").reply
    assert shown.buttons == [] and "1. Sam Mứn" in shown.html and "2. Pom Lót" in shown.html
    pressed = await reading.read_choice(said("1"))
    assert (pressed.callback_data, pressed.text) == ("sub:c:Sam Mứn", "")
    # Any message ends the question: "2" now is just a word.
    assert (await reading.read_choice(said("2"))).callback_data is None


async def test_a_label_answers_too_and_other_chats_are_apart(sessions: Sessions) -> None:
    answers = Answers(sessions, "zalo", numbered_choices=True)
    await answers.send("u1", [CHOICES])
    assert (await answers.read_choice(said("pom lot", chat="u2"))).callback_data is None
    assert (await answers.read_choice(said("pom lot"))).callback_data == "sub:c:x"


async def test_update_ids_are_first_seen_once(sessions: Sessions) -> None:
    now = utcnow()
    assert await updates.first_time(sessions, "zalo", "m1", now)
    assert not await updates.first_time(sessions, "zalo", "m1", now)
    assert await updates.first_time(sessions, "telegram", "m1", now)  # per channel


async def test_a_zalo_message_seen_twice_is_handled_once(sessions: Sessions) -> None:
    handled: list[Incoming] = []

    async def handle(incoming: Incoming) -> list[Reply]:
        handled.append(incoming)
        return [Reply("đã nhận")]

    async def first_time(message_id: str) -> bool:
        return await updates.first_time(sessions, "zalo", message_id, utcnow())

    channel = ZaloChannel(ZaloBotApi("z:t", base_url="http://127.0.0.1:9"))
    bots = [
        ZaloBot(
            channel,
            handle,
            answers=Answers(sessions, "zalo", numbered_choices=True),
            seen=first_time,
        )
        for _ in range(2)
    ]
    update = ZaloUpdate(
        "message.text.received",
        ZaloMessage("mid-1", ZaloUser("u1", "Dân", False), ZaloChat("u1", "PRIVATE"), 0, "hi"),
    )
    for bot in bots:
        await bot.handle_update(update)
    assert len(handled) == 1
    assert [decode(r.payload or "").reply.html for r in await _queued(sessions)] == ["đã nhận"]
    await channel.aclose()
