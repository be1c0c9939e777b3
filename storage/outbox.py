"""The outbox: every message a bot sends, and its queue states.

Articles and broadcasts are matched to residents in SQL (set-based); answers to commands and
edits of earlier messages (progress reports) are queued here too, with their message in
``payload``, so one sender per bot paces everything that counts against the platform's limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    Update,
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.dialects import share_of, unindexed
from storage.models import (
    ArticleCommune,
    ArticleTopic,
    Delivery,
    DeliveryState,
    Priority,
    Resident,
    Subscription,
    in_state,
    utcnow,
)
from storage.rhythm import hold_new
from storage.rows import execute_count

EMERGENCY_TOPIC = "canh-bao"
# States only residents with a rhythm produce (storage.rhythm).
_RHYTHM_STATES = frozenset({DeliveryState.HELD, DeliveryState.BUNDLED})
# PostgreSQL channel on which every queued message rings the senders of every instance.
DOORBELL = "loa_outbox"


# PostgreSQL channel on which a sender that the platform throttled as a whole tells the other
# instances sending for the same bot (``jobs.sharing``) to pause as well: "<channel> <until>".
PAUSE_BELL = "loa_pause"


async def announce_pause(session: AsyncSession, channel: str, until: datetime) -> None:
    """Every instance's sender for ``channel`` pauses until ``until`` once this transaction
    commits (PostgreSQL NOTIFY; on SQLite one instance sends, and it paused already)."""
    if session.get_bind().dialect.name == "postgresql":
        payload = f"{channel} {until.timestamp():.3f}"
        await session.execute(select(func.pg_notify(PAUSE_BELL, payload)))


async def ring(session: AsyncSession) -> None:
    """Wake the senders of every instance once this transaction commits (PostgreSQL NOTIFY;
    on SQLite there is one instance, woken in-process by ``jobs.send.OutboxSignal``)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_notify(DOORBELL, "")))


async def enqueue_for_article(session: AsyncSession, article_id: int) -> int:
    """Queue one delivery per matching active resident; return how many were queued.

    Runs inside the caller's transaction (the one that stored the article and its tags), so an
    article is never stored without its deliveries. A resident with no subscription gets
    everything; otherwise any chosen commune or any chosen topic of the article matches.
    """
    has_any_choice = exists().where(Subscription.resident_id == Resident.id)
    commune_match = exists().where(
        Subscription.resident_id == Resident.id,
        Subscription.kind == "commune",
        Subscription.value.in_(
            select(ArticleCommune.commune).where(ArticleCommune.article_id == article_id)
        ),
    )
    topic_match = exists().where(
        Subscription.resident_id == Resident.id,
        Subscription.kind == "topic",
        Subscription.value.in_(
            select(ArticleTopic.topic).where(ArticleTopic.article_id == article_id)
        ),
    )
    is_emergency = exists().where(
        and_(ArticleTopic.article_id == article_id, ArticleTopic.topic == EMERGENCY_TOPIC)
    )
    emergency_flag = (await session.execute(select(is_emergency))).scalar_one()
    priority_value = int(Priority.EMERGENCY if emergency_flag else Priority.NEWS)
    condition = and_(Resident.active.is_(True), or_(~has_any_choice, commune_match, topic_match))
    queued = await queue_deliveries(
        session, Delivery.article_id, article_id, priority=priority_value, residents=condition
    )
    if not emergency_flag:  # an emergency is never held
        await hold_new(session, Delivery.article_id, article_id, utcnow(), news=True)
    return queued


async def queue_deliveries(
    session: AsyncSession,
    subject: InstrumentedAttribute[int | None],
    subject_id: int,
    *,
    priority: int,
    residents: ColumnElement[bool],
) -> int:
    """One pending delivery of ``subject`` (an article or a broadcast) per resident matching
    ``residents``, in one INSERT … SELECT; return how many were queued."""
    chosen = select(
        literal(subject_id),
        Resident.id,
        Resident.channel,
        literal(priority),
        literal(DeliveryState.PENDING.value),
        literal(0),
        literal(utcnow(), type_=Delivery.created_at.type),
    ).where(residents)
    await ring(session)
    columns = [
        subject,
        Delivery.resident_id,
        Delivery.channel,
        Delivery.priority,
        Delivery.state,
        Delivery.attempts,
        Delivery.created_at,
    ]
    return await execute_count(session, insert(Delivery).from_select(columns, chosen))


# ------------------------------------------------------------------------------ the queue


@dataclass(frozen=True, slots=True)
class Queued:
    """A pending delivery with what the sender needs to send it."""

    id: int
    resident_id: int | None  # None: an answer or an edit, sent to ``chat_id`` as it is
    chat_id: str
    article_id: int | None
    broadcast_id: int | None
    priority: int
    attempts: int
    payload: str | None = None
    share: int | None = None  # its share (1 … count) when the sending is shared


async def queue_messages(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    payloads: Collection[str],
    *,
    priority: int,
    tag: str | None = None,
) -> list[int]:
    """Queue messages for one chat (answers, edits), in order; return their ids."""
    now = utcnow()
    ids = []
    await ring(session)
    for payload in payloads:
        row = Delivery(
            channel=channel,
            chat_id=chat_id,
            payload=payload,
            tag=tag,
            priority=priority,
            state=DeliveryState.PENDING.value,
            attempts=0,
            created_at=now,
        )
        session.add(row)
        await session.flush()  # ids in insertion order keep the answers in order
        ids.append(row.id)
    return ids


async def has_pending_tag(session: AsyncSession, tag: str) -> bool:
    """Whether a message tagged ``tag`` is still waiting (a progress report not yet shown)."""
    found = await session.scalar(
        select(Delivery.id)
        .where(Delivery.tag == tag, Delivery.state == DeliveryState.PENDING.value)
        .limit(1)
    )
    return found is not None


@dataclass(frozen=True, slots=True)
class Shares:
    """Shares ``numbers`` (each 1 … ``count``) of one channel's queue: the chats whose id hashes
    to one of them. Several instances send for one bot by each holding some of the ``count``
    shares (``jobs.roles``, ``jobs.sharing``); a chat is always in the same share, so its messages
    keep their order and spacing, and a row is read by its share's holder only."""

    count: int
    numbers: frozenset[int]

    def __str__(self) -> str:
        return f"{','.join(str(n) for n in sorted(self.numbers))}/{self.count}"


def _chat_id() -> ColumnElement[str]:
    return func.coalesce(Delivery.chat_id, Resident.chat_id)


def _in_shares(shares: Shares) -> ColumnElement[bool]:
    # "In none of the other shares", not "in these": PostgreSQL guesses that an equality on an
    # expression keeps 0.5 % of the rows, and for so few it hash-joins every pending row and
    # sorts them (64 ms a batch with 100 000 queued) instead of walking the queue's index until
    # the batch is full (2 ms); each inequality is guessed to keep 99.5 %.
    others = [n - 1 for n in range(1, shares.count + 1) if n not in shares.numbers]
    share = share_of(_chat_id(), shares.count)
    return share.not_in(others) if others else true()


async def next_batch(
    session: AsyncSession,
    channel: str,
    *,
    limit: int,
    now: datetime,
    skip_ids: Collection[int] = (),
    shares: Shares | None = None,
) -> list[Queued]:
    """Pending deliveries of ``channel`` (of ``shares`` when sending is shared: each row says
    its share) that are due: answers, emergencies and broadcasts first, then oldest first.
    ``skip_ids`` are rows already in flight. Nothing is locked: only the instance holding the
    channel's sender lease (or the row's share's) reads these rows (``storage.instances``), and
    a row only leaves ``pending`` once the platform answered."""
    query = next_batch_query(channel, limit=limit, now=now, skip_ids=skip_ids, shares=shares)
    rows = await session.execute(query)
    return [Queued(*row) for row in rows.all()]


def next_batch_query(
    channel: str,
    *,
    limit: int,
    now: datetime,
    skip_ids: Collection[int] = (),
    shares: Shares | None = None,
) -> Select[Any]:
    """``next_batch``'s query: in the order of ``ix_deliveries_queue`` (priority DESC, id), so
    a batch is read off the index, never sorted from the whole queue (migration 0012)."""
    query = (
        select(
            Delivery.id,
            Delivery.resident_id,
            _chat_id(),
            Delivery.article_id,
            Delivery.broadcast_id,
            Delivery.priority,
            Delivery.attempts,
            Delivery.payload,
        )
        .outerjoin(Resident, Resident.id == Delivery.resident_id)
        .where(
            in_state(DeliveryState.PENDING),
            Delivery.channel == channel,
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
        )
        .order_by(Delivery.priority.desc(), Delivery.id)
        .limit(limit)
    )
    if skip_ids:
        query = query.where(Delivery.id.not_in(list(skip_ids)))
    if shares is not None:
        query = query.add_columns(share_of(_chat_id(), shares.count) + 1).where(_in_shares(shares))
    return cast(Select[Any], query)


async def next_due_at(
    session: AsyncSession, channel: str, shares: Shares | None = None
) -> datetime | None:
    """When the earliest deferred pending delivery of ``channel`` (of ``shares``) becomes due."""
    query = select(func.min(Delivery.next_attempt_at)).where(
        in_state(DeliveryState.PENDING), Delivery.channel == channel
    )
    if shares is not None:  # only deferred rows are joined, not the whole queue
        query = (
            query.outerjoin(Resident, Resident.id == Delivery.resident_id)
            .where(Delivery.next_attempt_at.is_not(None))
            .where(_in_shares(shares))
        )
    return (await session.execute(query)).scalar_one_or_none()


async def mark_sent(session: AsyncSession, ids: Collection[int], now: datetime) -> int:
    """The platform accepted these messages."""
    return await execute_count(session, MARK_SENT, mark_sent_parameters(ids, now))


def _mark_sent() -> Update:
    # On the table, not the mapped class: the sender's session holds no Delivery objects to
    # bring up to date, and the ORM's bulk-update path cost more than the UPDATE itself.
    # Built once, with parameters: building it for every group commit cost more (~0.4 ms on a
    # slow core) than executing it.
    table = cast(Table, Delivery.__table__)
    return (
        update(table)
        .where(
            table.c.id.in_(bindparam("ids", expanding=True)),
            unindexed(table.c.state) == DeliveryState.PENDING.value,  # look the ids up
        )
        .values(
            state=DeliveryState.SENT.value,
            sent_at=bindparam("now"),
            attempts=table.c.attempts + 1,
            last_error=None,
        )
    )


MARK_SENT = _mark_sent()  # storage.inline_writes runs it too


def mark_sent_parameters(ids: Collection[int], now: datetime) -> dict[str, Any]:
    return {"ids": list(ids), "now": now}


async def mark_failed(session: AsyncSession, delivery_id: int, reason: str) -> int:
    """Give up on one delivery, keeping the reason."""
    return await execute_count(
        session,
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.PENDING.value)
        .values(
            state=DeliveryState.FAILED.value,
            attempts=Delivery.attempts + 1,
            last_error=reason[:1000],
        ),
    )


async def mark_retry(
    session: AsyncSession,
    delivery_id: int,
    *,
    not_before: datetime,
    error: str,
    count_attempt: bool,
) -> int:
    """Try this delivery again at ``not_before``. Throttling is not the message's fault, so it
    does not count towards the attempts limit (``count_attempt=False``)."""
    attempts = Delivery.attempts + 1 if count_attempt else Delivery.attempts
    return await execute_count(
        session,
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == DeliveryState.PENDING.value)
        .values(next_attempt_at=not_before, attempts=attempts, last_error=error[:1000]),
    )


async def refund_attempts(session: AsyncSession, ids: Collection[int]) -> int:
    """Take back the counted attempts of these pending deliveries, one for each time an id is
    listed: their failures turned out to be the platform's (an outage seen only once more
    chats had failed; a chat retried meanwhile was charged twice). Never below zero."""
    touched = 0
    for times, group in _by_count(ids).items():
        touched += await execute_count(
            session,
            update(Delivery)
            .where(
                Delivery.id.in_(group),
                unindexed(Delivery.state) == DeliveryState.PENDING.value,
                Delivery.attempts > 0,
            )
            .values(
                attempts=case(
                    (Delivery.attempts > times, Delivery.attempts - times), else_=literal(0)
                )
            ),
        )
    return touched


def _by_count(ids: Collection[int]) -> dict[int, list[int]]:
    """{how many times listed: the ids listed that often}."""
    groups: dict[int, list[int]] = {}
    for delivery_id, times in Counter(ids).items():
        groups.setdefault(times, []).append(delivery_id)
    return groups


async def defer_pending(
    session: AsyncSession, channel: str, not_before: datetime, *, chat_id: str | None = None
) -> int:
    """No pending message to this chat (or on the whole channel) goes before ``not_before``:
    a throttle outlives a restart."""
    query = update(Delivery).where(
        in_state(DeliveryState.PENDING),
        Delivery.channel == channel,
        or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at < not_before),
    )
    if chat_id is not None:
        of_resident = select(Resident.id).where(
            Resident.channel == channel, Resident.chat_id == chat_id
        )
        query = query.where(or_(Delivery.resident_id.in_(of_resident), Delivery.chat_id == chat_id))
    return await execute_count(session, query.values(next_attempt_at=not_before))


async def drop_pending_for_chat(
    session: AsyncSession, channel: str, chat_id: str, reason: str
) -> int:
    """Fail every pending message to a chat that can no longer be reached (news for its
    resident, and answers)."""
    of_resident = select(Resident.id).where(
        Resident.channel == channel, Resident.chat_id == chat_id
    )
    return await execute_count(
        session,
        update(Delivery)
        .where(
            Delivery.channel == channel,
            in_state(DeliveryState.PENDING),
            or_(Delivery.resident_id.in_(of_resident), Delivery.chat_id == chat_id),
        )
        .values(state=DeliveryState.FAILED.value, last_error=reason[:1000]),
    )


async def move_pending_chat(session: AsyncSession, channel: str, old: str, new: str) -> int:
    """Answers still waiting for a chat that moved follow it."""
    return await execute_count(
        session,
        update(Delivery)
        .where(
            Delivery.channel == channel,
            Delivery.chat_id == old,
            in_state(DeliveryState.PENDING),
        )
        .values(chat_id=new),
    )


async def counts_by_state(session: AsyncSession, channel: str | None = None) -> dict[str, int]:
    """How many deliveries of news and broadcasts are in each state (pending, sent and failed
    always present, zeros included; held and bundled when there are any); answers and edits
    (bulletins too) are not counted."""
    query = (
        select(Delivery.state, func.count())
        .where(Delivery.payload.is_(None))
        .group_by(Delivery.state)
    )
    if channel is not None:
        query = query.where(Delivery.channel == channel)
    counts = {state.value: 0 for state in DeliveryState if state not in _RHYTHM_STATES}
    for state, count in (await session.execute(query)).all():
        counts[str(state)] = int(count)
    return counts
