"""Administrator broadcasts: preview, confirm once, queue deliveries set-based, cancel.

Who they reach: ``storage.broadcast_targets``; their progress and final reports:
``storage.broadcast_progress``; the list of them and the expiry of drafts:
``storage.broadcast_history`` (re-exported here).

Lifecycle: ``preview`` → (Gửi) ``sending`` → ``done`` (once every delivery is sent or failed:
one held for a resident's quiet hours keeps the broadcast sending until it went); or
``cancelled``: Hủy on the preview, a preview older than the expiry (``report`` says
``{"reason": "expired"}``), or the operator's ``loa broadcasts cancel`` of a preview or a
sending broadcast (its pending and held deliveries are failed with ``CANCELLED_REASON``; the
report keeps what had been sent before).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.broadcast_history import EXPIRED as EXPIRED
from storage.broadcast_history import PREVIEW_EXPIRY as PREVIEW_EXPIRY
from storage.broadcast_history import expire_previews as expire_previews
from storage.broadcast_history import is_expired as is_expired
from storage.broadcast_history import list_broadcasts as list_broadcasts
from storage.broadcast_progress import Progress, finish, progress
from storage.broadcast_targets import Target, count_targets, reached_channels, reaching
from storage.models import (
    Broadcast,
    BroadcastState,
    Delivery,
    DeliveryState,
    Priority,
    utcnow,
)
from storage.outbox import queue_deliveries
from storage.rhythm import hold_new
from storage.rows import execute_count

# Leaves room for the header and target line within Zalo's 2000 characters.
MAX_TEXT_LENGTH = 1500
CANCELLED_REASON = "cancelled by the operator"
# ``Broadcast.scope``: the author's reach (bot.admins.AdminScope.kind).
PROVINCE, COMMUNE = "province", "commune"


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be broadcast (in English, for logs and the CLI), or None."""
    if not text.strip():
        return "the broadcast text is empty"
    if len(text) > MAX_TEXT_LENGTH:
        return f"the broadcast text has {len(text)} characters; at most {MAX_TEXT_LENGTH} fit"
    return None


async def recount(session: AsyncSession, broadcast: Broadcast) -> None:
    """Recount a draft's residents once its media is attached (``reached_channels``)."""
    target = Target(commune=broadcast.commune, topic=broadcast.topic)
    broadcast.counts = json.dumps(await count_targets(session, target, reached_channels(broadcast)))
    await session.flush()


async def create_preview(
    session: AsyncSession,
    *,
    text: str,
    target: Target,
    emergency: bool,
    urgent: bool = False,
    created_by: str,
    origin_channel: str | None = None,
    origin_chat_id: str | None = None,
    preview_expiry: timedelta | None = None,
    author_name: str | None = None,
    scope: str = PROVINCE,
) -> Broadcast:
    """Store a broadcast awaiting confirmation (audit starts here), with its target counts.

    With ``preview_expiry``, drafts older than that are marked expired on the way (cheap: one
    conditional UPDATE), so abandoned drafts do not stay in ``preview``. ``author_name`` is
    the signature residents see; ``scope`` the author's reach (``PROVINCE`` or ``COMMUNE``: a
    commune broadcast without its commune yet is a draft awaiting ``choose_commune``)."""
    if preview_expiry is not None:
        await expire_previews(session, preview_expiry)
    counts = await count_targets(session, target)
    broadcast = Broadcast(
        created_by=created_by,
        author_name=author_name,
        scope=scope,
        origin_channel=origin_channel,
        origin_chat_id=origin_chat_id,
        text=text,
        commune=target.commune,
        topic=target.topic,
        emergency=emergency,
        urgent=urgent,
        state=BroadcastState.PREVIEW.value,
        counts=json.dumps(counts),
        created_at=utcnow(),
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


async def choose_commune(
    session: AsyncSession, broadcast_id: int, commune: str, author_name: str
) -> Broadcast | None:
    """Give a commune administrator's draft its commune (and that commune's signature), once;
    its counts are those of the commune. None when the draft is gone, already has a commune,
    or is no longer in preview."""
    chosen = await execute_count(
        session,
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.state == BroadcastState.PREVIEW.value,
            Broadcast.scope == COMMUNE,
            Broadcast.commune.is_(None),
        )
        .values(commune=commune, author_name=author_name),
    )
    if not chosen:
        return None
    broadcast = await session.get(Broadcast, broadcast_id)
    assert broadcast is not None
    await session.refresh(broadcast)
    target = Target(commune=commune, topic=broadcast.topic)
    counts = await count_targets(session, target, reached_channels(broadcast))
    broadcast.counts = json.dumps(counts)
    await session.flush()
    return broadcast


async def confirm(
    session: AsyncSession,
    broadcast_id: int,
    *,
    preview_expiry: timedelta = PREVIEW_EXPIRY,
    now: datetime | None = None,
) -> int | None:
    """Gửi: flip preview → sending and queue deliveries, once.

    Returns the number of deliveries queued, or None when this broadcast was already confirmed
    or cancelled (a double press, or a stale preview), or its preview is older than
    ``preview_expiry`` (then it is marked expired: see ``is_expired``): the state flip is a
    conditional UPDATE, so of two concurrent presses exactly one wins.
    """
    now = now or utcnow()
    flipped = await execute_count(
        session,
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.state == BroadcastState.PREVIEW.value,
            Broadcast.created_at >= now - preview_expiry,
            # A commune administrator's draft whose commune is not chosen yet reaches no one.
            or_(Broadcast.scope != COMMUNE, Broadcast.commune.is_not(None)),
        )
        .values(state=BroadcastState.SENDING.value, confirmed_at=now),
    )
    if not flipped:
        await expire_previews(session, preview_expiry, now=now, broadcast_id=broadcast_id)
        return None
    broadcast = await session.get(Broadcast, broadcast_id)
    assert broadcast is not None
    target = Target(commune=broadcast.commune, topic=broadcast.topic)
    priority = Priority.EMERGENCY if broadcast.emergency else Priority.BROADCAST
    queued = await queue_deliveries(
        session,
        Delivery.broadcast_id,
        broadcast_id,
        priority=int(priority),
        residents=reaching(target, reached_channels(broadcast)),
    )
    if not (broadcast.emergency or broadcast.urgent):  # else it goes in quiet hours too
        await hold_new(session, Delivery.broadcast_id, broadcast_id, now, news=False)
    if queued == 0:
        await finish(session, broadcast_id, Progress(), now)
    return queued


async def cancel(session: AsyncSession, broadcast_id: int) -> bool:
    """Hủy: only a broadcast still in preview can be cancelled; nothing was queued for it."""
    cancelled = await execute_count(
        session,
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.state == BroadcastState.PREVIEW.value)
        .values(state=BroadcastState.CANCELLED.value, finished_at=utcnow()),
    )
    return cancelled > 0


class CancelRefused(Exception):
    """The broadcast cannot be cancelled: unknown, or already done or cancelled (the message
    says which, in English, for the CLI)."""


@dataclass(frozen=True, slots=True)
class Cancelled:
    """What ``cancel_broadcast`` stopped."""

    broadcast_id: int
    was: str  # the state before: preview or sending
    sent: int  # delivered before the cancel
    failed: int  # failed before the cancel
    dropped: int  # pending deliveries dropped by the cancel


async def cancel_broadcast(
    session: AsyncSession,
    broadcast_id: int,
    *,
    reason: str = CANCELLED_REASON,
    now: datetime | None = None,
) -> Cancelled:
    """Stop a broadcast in preview or sending: its pending deliveries are failed with
    ``reason``, its state becomes cancelled, and its report says how many had been sent.

    A message a sender has in flight at that moment may still reach its resident (it is then
    recorded as cancelled, not sent): at most ``[sender] concurrency`` per channel.
    Raises ``CancelRefused`` for an unknown broadcast or one already finished.
    """
    now = now or utcnow()
    row = (
        await session.execute(select(Broadcast.state).where(Broadcast.id == broadcast_id))
    ).one_or_none()
    if row is None:
        raise CancelRefused(f"there is no broadcast #{broadcast_id}")
    was = row.state
    if was not in (BroadcastState.PREVIEW.value, BroadcastState.SENDING.value):
        raise CancelRefused(f"broadcast #{broadcast_id} is already {was}: nothing to cancel")
    flipped = await execute_count(
        session,
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.state == was)
        .values(state=BroadcastState.CANCELLED.value, finished_at=now),
    )
    if not flipped:  # it finished (or was cancelled) meanwhile
        raise CancelRefused(f"broadcast #{broadcast_id} is no longer {was}: nothing to cancel")
    dropped = await execute_count(
        session,
        update(Delivery)
        .where(
            Delivery.broadcast_id == broadcast_id,
            # Held in a resident's quiet hours: dropped too, or it would go out later.
            Delivery.state.in_([DeliveryState.PENDING.value, DeliveryState.HELD.value]),
        )
        .values(state=DeliveryState.FAILED.value, last_error=reason[:1000]),
    )
    after = await progress(session, broadcast_id)
    result = Cancelled(broadcast_id, was, after.sent, after.failed - dropped, dropped)
    await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id)
        .values(
            report=json.dumps(
                {
                    "reason": "cancelled",
                    "why": reason,
                    "was": was,
                    "sent": result.sent,
                    "failed": result.failed,
                    "cancelled": dropped,
                    "per_channel": after.per_channel,
                }
            )
        )
    )
    return result


async def forget_preview(session: AsyncSession, broadcast_id: int) -> None:
    """The preview can no longer be edited: progress is then shown as a final report only."""
    await session.execute(
        update(Broadcast).where(Broadcast.id == broadcast_id).values(preview_message_id=None)
    )
