"""Messages queued in the outbox as they are (answers to commands, edits of earlier messages):
their JSON form, and the queue residents' answers go through.

Everything a bot sends goes through the outbox and its one sender per bot, which paces it
against the platform's limits (``jobs.send``). Answers get the highest priority: the resident
is writing now. Channels without buttons (Zalo) get numbered choices here, stored in the
database, so whichever instance reads the resident's "2" knows what it means.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channel import Button, Incoming, Reply
from bot.choices import as_press, numbered, pick
from storage import choices, outbox
from storage.models import Priority, utcnow


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One queued message: ``reply``, or an edit of ``edit_message_id`` to read ``reply``.

    ``send_if_uneditable``: when the edit is refused (the message was deleted), send ``reply``
    as a new message instead (a broadcast's final report must be seen). ``broadcast_id``: the
    broadcast whose preview this edits.
    """

    reply: Reply
    edit_message_id: str | None = None
    send_if_uneditable: bool = False
    broadcast_id: int | None = None


def encode(message: Outgoing) -> str:
    data: dict[str, Any] = {"html": message.reply.html}
    if message.reply.buttons:
        data["buttons"] = [[[b.label, b.data] for b in row] for row in message.reply.buttons]
    if message.edit_message_id is not None:
        data["edit"] = message.edit_message_id
    if message.send_if_uneditable:
        data["or_send"] = True
    if message.broadcast_id is not None:
        data["broadcast"] = message.broadcast_id
    _encode_media(message.reply, data)
    return json.dumps(data, ensure_ascii=False)


def _encode_media(reply: Reply, data: dict[str, Any]) -> None:
    if reply.photo_url:
        data["photo"] = reply.photo_url
    if reply.voice_url:
        data["voice"] = reply.voice_url
    if reply.copy_from:
        data["copy"] = list(reply.copy_from)


def decode(payload: str) -> Outgoing:
    data = json.loads(payload)
    buttons = [[Button(label, value) for label, value in row] for row in data.get("buttons", [])]
    copy = data.get("copy")
    reply = Reply(
        str(data["html"]),
        buttons,
        photo_url=data.get("photo"),
        voice_url=data.get("voice"),
        copy_from=(str(copy[0]), str(copy[1])) if copy else None,
    )
    return Outgoing(
        reply,
        edit_message_id=data.get("edit"),
        send_if_uneditable=bool(data.get("or_send", False)),
        broadcast_id=data.get("broadcast"),
    )


class AnswerSink(Protocol):
    """Where a bot puts its answers (the outbox in ``loa run``; the channel in tests)."""

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None: ...

    async def read_choice(self, incoming: Incoming) -> Incoming: ...

    async def aclose(self) -> None: ...


class Answers:
    """Queues the answers to one channel's residents; ``on_queued`` wakes the sender."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channel: str,
        *,
        numbered_choices: bool = False,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._channel = channel
        self._numbered = numbered_choices
        self._on_queued = on_queued

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Queue ``replies`` to ``chat_id``, in order (committed when this returns)."""
        if not replies:
            return
        async with self._sessions.begin() as session:
            payloads = [await self._prepare(session, chat_id, reply) for reply in replies]
            await outbox.queue_messages(
                session, self._channel, chat_id, payloads, priority=Priority.ANSWER
            )
        if self._on_queued is not None:
            self._on_queued()

    async def _prepare(self, session: AsyncSession, chat_id: str, reply: Reply) -> str:
        if self._numbered and reply.buttons:
            reply, answers = numbered(reply)
            await choices.remember(session, self._channel, chat_id, answers, utcnow())
        return encode(Outgoing(reply))

    async def read_choice(self, incoming: Incoming) -> Incoming:
        """``incoming`` as a button press when its text answers the chat's latest numbered
        choices (channels without buttons); any message ends the question."""
        if not self._numbered or incoming.callback_data is not None:
            return incoming
        async with self._sessions.begin() as session:
            answers = await choices.take(session, self._channel, incoming.chat_id)
        return as_press(incoming, pick(answers, incoming.text))

    async def aclose(self) -> None:
        return None
