"""Loa's tables. The schema itself is owned by the Alembic migrations in ``migrations/``;
these mappings must match them (a test compares the two)."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    ColumnElement,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    literal,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every backend (SQLite keeps no offset, so store UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # waiting for the sender (also after a crash mid-send)
    SENT = "sent"  # the platform accepted the message
    FAILED = "failed"  # given up: rejected message, resident gone, or attempts exhausted
    # The resident's rhythm (storage.rhythm): due later, at ``next_attempt_at`` (their bulletin
    # time, or the end of their quiet hours); never read by the sender until released.
    HELD = "held"
    BUNDLED = "bundled"  # sent as part of a bulletin message, never on its own


class BroadcastState(enum.StrEnum):
    PREVIEW = "preview"  # shown to the administrator, waiting for Gửi / Hủy
    CANCELLED = "cancelled"  # Hủy pressed: nothing was sent
    SENDING = "sending"  # Gửi pressed: deliveries are queued
    DONE = "done"  # every delivery is sent or failed; the report is final


class Priority(enum.IntEnum):
    """Higher drains first."""

    NEWS = 0
    BROADCAST = 10
    PROGRESS = 11  # a broadcast's progress shown to its administrator, between its messages
    EMERGENCY = 20
    ANSWER = 30  # a resident who is writing now comes first


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # False until the first successful poll: what that poll finds is archive, never pushed.
    backfilled: Mapped[bool] = mapped_column(Boolean, default=False)
    # JSON list of canonical URLs the backfill listed but could not read: archive when read later.
    backfill_pending: Mapped[str | None] = mapped_column(Text)
    # The health watch (jobs.health): passes in a row that looked broken, the start of the
    # current run of failures, and the problem the administrators were told about.
    quiet_passes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alert: Mapped[str | None] = mapped_column(Text)
    # The admin page: polling paused by an administrator; Lấy tin ngay pressed (the poller
    # polls the source promptly and clears it).
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    poll_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A source added on the admin page (None: one of the configuration file): who, when, and
    # its commune (the file's ``commune`` key); the poller schedules these beside the file's.
    added_by: Mapped[str | None] = mapped_column(String(200))
    added_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    commune: Mapped[str | None] = mapped_column(Text)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    guid: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text)
    summary: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str | None] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    content_hash: Mapped[str] = mapped_column(String(64))
    is_backfill: Mapped[bool] = mapped_column(Boolean, default=False)
    # Diacritic-folded title + summary + body: what full-text search indexes.
    search_text: Mapped[str] = mapped_column(Text, default="")
    image_url: Mapped[str | None] = mapped_column(Text)  # the lead image (news.images)


class ArticleCommune(Base):
    __tablename__ = "article_communes"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    commune: Mapped[str] = mapped_column(String(200), primary_key=True, index=True)


class ArticleTopic(Base):
    __tablename__ = "article_topics"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class Resident(Base):
    __tablename__ = "residents"
    __table_args__ = (
        UniqueConstraint("channel", "chat_id", name="uq_residents_channel_chat"),
        # Counts per channel and the inactive residents' choices read these alone (loa stats,
        # the admin page's overview), never the wide rows (migration 0010).
        Index("ix_residents_channel_active", "channel", "active"),
        Index("ix_residents_active_id", "active", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str | None] = mapped_column(String(100))
    display_name: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last deactivation: when, by whom ("sender", "member update", "console"), why (a short
    # English category) and the platform's answer; cleared when the resident is active again
    # (migration 0013, ``loa residents``).
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_by: Mapped[str | None] = mapped_column(String(20))
    deactivated_why: Mapped[str | None] = mapped_column(String(100))
    deactivated_answer: Mapped[str | None] = mapped_column(Text)
    # The resident's rhythm (/bantin, /yentinh), Vietnam time: "07:00", "22:00-06:00"; and
    # those as the next instants, kept current by the rhythm job (storage.rhythm).
    bulletin_time: Mapped[str | None] = mapped_column(String(5))
    quiet_hours: Mapped[str | None] = mapped_column(String(11))
    next_bulletin_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    quiet_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quiet_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("resident_id", "kind", "value", name="uq_subscriptions_choice"),
        Index("ix_subscriptions_kind_value", "kind", "value", "resident_id"),  # covering (0010)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))  # "commune" or "topic"
    value: Mapped[str] = mapped_column(String(200))  # current unit name, or topic slug
    typed_as: Mapped[str | None] = mapped_column(Text)  # what the resident wrote (an old name…)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Broadcast(Base):
    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[str] = mapped_column(String(200))  # "telegram:<id>", "zalo:<id>", "cli"
    # The signature residents see ("UBND xã Sam Mứn"; None before 0007) and the author's reach.
    author_name: Mapped[str | None] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(20), default="province", server_default="province")
    origin_channel: Mapped[str | None] = mapped_column(String(20))
    origin_chat_id: Mapped[str | None] = mapped_column(String(100))
    preview_message_id: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    commune: Mapped[str | None] = mapped_column(String(200))
    topic: Mapped[str | None] = mapped_column(String(100))
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    # Goes out in residents' quiet hours too (an emergency always does).
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    state: Mapped[str] = mapped_column(String(20), default=BroadcastState.PREVIEW.value)
    counts: Mapped[str | None] = mapped_column(Text)  # JSON: residents per channel at preview
    report: Mapped[str | None] = mapped_column(Text)  # JSON: final sent / failed per channel
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A photo or voice broadcast (migration 0009): its kind, the public URL channels without a
    # copy of their own fetch (None: they get the text only), the Telegram message to copy.
    media_kind: Mapped[str | None] = mapped_column(String(10))  # "photo" or "voice"
    media_url: Mapped[str | None] = mapped_column(Text)
    copy_chat_id: Mapped[str | None] = mapped_column(String(100))
    copy_message_id: Mapped[str | None] = mapped_column(String(100))


class Delivery(Base):
    """The outbox: one row per message to one resident on one channel.

    No foreign keys (migration 0012): their triggers cost more than the rest of an article's
    fan-out. Rows are written only by INSERT … SELECT from ``residents`` for an article or a
    broadcast just stored, and by answers (no resident); articles and broadcasts are never
    deleted, and ``storage.residents.delete_all`` deletes a resident's deliveries itself.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        # Never send twice: one delivery of an article (a broadcast) per resident and channel.
        # In the database these and the tag index are partial (migration 0012: WHERE
        # article_id / broadcast_id / tag IS NOT NULL; tests/test_lean_deliveries.py checks
        # it). Not said here: ``postgresql_where`` would import the PostgreSQL dialect into
        # every SQLite command (~15 ms of start-up), and schema comparison ignores predicates.
        # The news index leads with the resident (migration 0016): it is also the index of a
        # resident's news, which ``ix_deliveries_resident_id`` (WHERE article_id IS NULL) leaves
        # out, so a fan-out writes one index fewer per row; see ``of_resident``.
        Index("uq_deliveries_article", "resident_id", "article_id", "channel", unique=True),
        Index("uq_deliveries_broadcast", "broadcast_id", "resident_id", "channel", unique=True),
        Index("ix_deliveries_resident_id", "resident_id"),
        Index("ix_deliveries_tag", "tag"),
        # The sender's order (storage.outbox.next_batch): a batch is read off the index. Both
        # partial (migration 0016): the queue WHERE state = 'pending' (sent rows leave it),
        # and the rhythm's held rows by due time WHERE state = 'held' (storage.rhythm).
        Index("ix_deliveries_queue", "channel", text("priority DESC"), "id"),
        Index("ix_deliveries_held", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Looked up through the unique indexes above, which lead with them.
    article_id: Mapped[int | None] = mapped_column(Integer)
    broadcast_id: Mapped[int | None] = mapped_column(Integer)
    # None for answers to commands and edits (they go to ``chat_id``, resident or not).
    resident_id: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    # An answer or an edit carries its message (JSON, see storage.outbox.encode_reply).
    payload: Mapped[str | None] = mapped_column(Text)
    tag: Mapped[str | None] = mapped_column(String(100))  # "progress:<broadcast id>"
    priority: Mapped[int] = mapped_column(Integer, default=Priority.NEWS.value)
    state: Mapped[str] = mapped_column(String(20), default=DeliveryState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def in_state(state: DeliveryState) -> ColumnElement[bool]:
    """``Delivery.state == state`` with the state written into the SQL, not bound: the queue
    and held indexes are partial on the state (migration 0016), and PostgreSQL's generic plan
    of a prepared statement, which knows no bound value, could not use them."""
    return Delivery.state == literal(state.value, String(), literal_execute=True)


def of_resident(resident_id: int) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """A resident's deliveries as two conditions, each answered by one index: their news
    (``uq_deliveries_article``, which leads with the resident) and the rest (broadcasts,
    answers: ``ix_deliveries_resident_id``, partial ``WHERE article_id IS NULL``). Neither
    database would use a partial index for ``resident_id = …`` alone: ask with each in turn."""
    resident = Delivery.resident_id == resident_id
    return (
        and_(resident, Delivery.article_id.is_not(None)),
        and_(resident, Delivery.article_id.is_(None)),
    )


class Media(Base):
    """A stored photo or voice note, served at ``/media/<name>`` until the retention ends."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)  # unguessable, with extension
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Instance(Base):
    """A live ``loa run``: its heartbeat and the roles it holds (JSON list)."""

    __tablename__ = "instances"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    roles: Mapped[str] = mapped_column(Text, default="[]")
    # Groups of roles it can take (JSON list: "telegram:sender" when its sending is shared).
    groups: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")


class ChannelState(Base):
    """What the channel's sender last saw of its platform: "working", or "paused" since when
    and why (a platform outage, a broken bot, a throttle); written by ``jobs.send`` on each
    change, read by ``loa stats``, ``/healthz`` and the admin page (migration 0013)."""

    __tablename__ = "channel_states"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    since: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)


class Lease(Base):
    """Who holds a role until when; an expired lease is free."""

    __tablename__ = "leases"

    role: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SeenUpdate(Base):
    """A platform update already handled (webhook re-sends, two instances, a handover)."""

    __tablename__ = "seen_updates"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ChatChoices(Base):
    """The numbered choices a chat without buttons was last offered (number → callback data)."""

    __tablename__ = "chat_choices"

    channel: Mapped[str] = mapped_column(String(20), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    answers: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginLink(Base):
    """A one-time admin page link: the token's SHA-256 (never the token), for whom, until when."""

    __tablename__ = "login_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    who: Mapped[str] = mapped_column(String(200))  # "telegram:<id>", "zalo:<id>"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """An admin page session (the cookie carries its signed id; only the hash is stored)."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    who: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # Đăng xuất


class WebKey(Base):
    """A secret shared by every instance (the admin page's signing key), made once."""

    __tablename__ = "web_keys"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
