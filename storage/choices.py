"""Numbered choices offered to chats without buttons, shared by every instance."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChatChoices


async def remember(
    session: AsyncSession, channel: str, chat_id: str, answers: dict[str, str], now: datetime
) -> None:
    """The chat's latest choices (they replace any earlier question)."""
    row = await session.get(ChatChoices, (channel, chat_id))
    if row is None:
        session.add(
            ChatChoices(
                channel=channel, chat_id=chat_id, answers=json.dumps(answers), updated_at=now
            )
        )
    else:
        row.answers, row.updated_at = json.dumps(answers), now


async def take(session: AsyncSession, channel: str, chat_id: str) -> dict[str, str] | None:
    """The chat's choices, forgotten as they are read (any message ends the question)."""
    answers = await session.scalar(
        select(ChatChoices.answers).where(
            ChatChoices.channel == channel, ChatChoices.chat_id == chat_id
        )
    )
    if answers is None:
        return None
    await session.execute(
        delete(ChatChoices).where(ChatChoices.channel == channel, ChatChoices.chat_id == chat_id)
    )
    return dict(json.loads(answers))
