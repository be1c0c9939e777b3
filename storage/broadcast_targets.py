"""Who a broadcast reaches, as SQL conditions on ``Resident`` and counts per channel.

``target_condition``:
- no commune and no topic: every active resident;
- a commune: residents who chose that commune (old names resolve to it when they subscribe),
  never those who simply receive everything, since their place is unknown;
- a topic: residents who chose that topic, and those who receive everything;
- both: residents who chose the commune and either chose the topic or chose no topic at all.

Residents in their quiet hours are counted apart (``count_quiet``): an ordinary broadcast
reaches them when those end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Broadcast, Resident, Subscription
from storage.rhythm import quiet_now

# Channels that copy the administrator's own message to residents (media included), rather
# than fetch its media from ``[web] public_url`` (bot.media_broadcast).
COPYING_CHANNELS = frozenset({"telegram"})


@dataclass(frozen=True, slots=True)
class Target:
    commune: str | None = None  # current unit name, already resolved
    topic: str | None = None  # topic slug

    def __str__(self) -> str:
        """For log lines and messages: "commune Sam Mứn, topic canh-bao", "everyone"."""
        parts = []
        if self.commune:
            parts.append(f"commune {self.commune}")
        if self.topic:
            parts.append(f"topic {self.topic}")
        return ", ".join(parts) or "everyone"


def _chose(kind: str, value: str) -> ColumnElement[bool]:
    return exists().where(
        Subscription.resident_id == Resident.id,
        Subscription.kind == kind,
        Subscription.value == value,
    )


def _chose_any(kind: str | None = None) -> ColumnElement[bool]:
    condition = exists().where(Subscription.resident_id == Resident.id)
    if kind is not None:
        condition = exists().where(
            Subscription.resident_id == Resident.id, Subscription.kind == kind
        )
    return condition


def target_condition(target: Target) -> ColumnElement[bool]:
    """The SQL condition on ``Resident`` for ``target`` (see the module docstring)."""
    active = Resident.active.is_(True)
    if target.commune and target.topic:
        topic_ok = or_(_chose("topic", target.topic), not_(_chose_any("topic")))
        return and_(active, _chose("commune", target.commune), topic_ok)
    if target.commune:
        return and_(active, _chose("commune", target.commune))
    if target.topic:
        return and_(active, or_(_chose("topic", target.topic), not_(_chose_any())))
    return active


def reached_channels(broadcast: Broadcast) -> frozenset[str] | None:
    """The channels whose residents get something of ``broadcast`` (None: every channel).

    A photo or voice broadcast without text, whose media has no public URL, gives channels
    that only fetch media by URL (Zalo) nothing to send: their residents get no delivery (it
    would fail as an empty message). Channels that copy the administrator's own message do,
    and so do those that upload a stored copy themselves (a ``media_url`` of Loa's own,
    "/media/<name>", without a host: see ``bot.media_broadcast.stored_name``)."""
    url = broadcast.media_url or ""
    if not broadcast.media_kind or broadcast.text.strip() or url.startswith(("http:", "https:")):
        return None
    if url or (broadcast.copy_chat_id and broadcast.copy_message_id):
        return COPYING_CHANNELS
    return frozenset()


def reaching(target: Target, channels: frozenset[str] | None) -> ColumnElement[bool]:
    condition = target_condition(target)
    return condition if channels is None else and_(condition, Resident.channel.in_(channels))


async def count_targets(
    session: AsyncSession, target: Target, channels: frozenset[str] | None = None
) -> dict[str, int]:
    """Residents the broadcast would reach, per channel; with ``channels`` (see
    ``reached_channels``), the targeted residents of other channels count 0."""
    rows = await session.execute(
        select(Resident.channel, func.count())
        .where(target_condition(target))
        .group_by(Resident.channel)
    )
    return {
        channel: int(count) if channels is None or channel in channels else 0
        for channel, count in rows.all()
    }


@dataclass(frozen=True, slots=True)
class Quiet:
    """Targeted residents in their quiet hours now (an ordinary broadcast reaches them when
    those end; ``until``: the last end)."""

    count: int = 0
    until: datetime | None = None


async def count_quiet(
    session: AsyncSession,
    target: Target,
    now: datetime,
    channels: frozenset[str] | None = None,
) -> Quiet:
    """How many of the residents ``target`` reaches (on ``channels``) are in quiet hours."""
    count, until = (
        await session.execute(
            select(func.count(), func.max(Resident.quiet_until)).where(
                reaching(target, channels), quiet_now(now)
            )
        )
    ).one()
    return Quiet(int(count or 0), until if count else None)
