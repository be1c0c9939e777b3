"""The sender: drains one channel's outbox, paced, retried, and never losing a message.

It is the only place that sends messages to a platform: answers to commands, progress edits,
emergencies, broadcasts and news all pass its one pacer (global rate and per-chat spacing).
Only the instance holding the channel's sender lease runs it (``jobs.roles``). When a bot's rate
is above what one process can send (``sender_shares``), its chats are split into shares held by
several instances: each instance's one sender then reads only the rows of the shares it holds
and paces at their part of the bot's rate (``jobs.sharing``): together they keep the bot's rate,
and a chat's spacing is kept by the one instance holding its share.

Order: higher priority first (answers, emergencies, broadcasts), then oldest first. A row leaves
``pending`` only once the platform has answered, and it is committed right after that answer,
before the worker takes another message: after a kill -9 every pending row goes out again and at
most the ``concurrency`` messages in flight are repeated.

What each channel error does:

- ``RetryLater(retry_after)``: nothing more goes to that chat (or to anyone, when the whole
  channel was throttled) before the time is up; the wait is also written to the rows, so it
  outlives a restart. It does not count as an attempt.
- ``RetryLater(None, whole_channel=True)`` (Zalo's "quota exceeded", unknown codes): the
  platform throttles without saying how long: the channel pauses with a growing delay
  (doubling up to ``MAX_BACKOFF_SECONDS``), no attempt is counted, and once such a pause has
  lasted ``LONG_PAUSE_SECONDS`` the administrators are told once (``on_long_pause``).
- ``RetryLater(None)`` (5xx, timeout): exponential backoff, failed after ``max_attempts``;
  but when such failures hit ``OUTAGE_CHATS`` different chats in a row, the platform itself is
  down: the whole channel pauses (doubling, up to ``MAX_BACKOFF_SECONDS``) and no attempts are
  counted, so an outage of any length fails nothing.
- ``BotRefused`` (a refused token, an unknown method, a bare 403/404 naming no chat): a
  transient failure as above; when such failures make an outage, the bot is broken, not the
  residents: besides the pause, the token is checked (``Channel.check``, getMe) and the
  administrators are told once (``on_broken``). Nobody is deactivated.
- ``ResidentGone`` (an answer about that chat): evidence, but not yet proof. The row waits
  (no attempt counted) and the resident is deactivated once another chat gets through, or
  when the same chat answers so again. When ``GONE_CHATS`` different chats answer "gone" in a
  row within ``GONE_WINDOW_SECONDS``, or more than ``GONE_SHARE`` of the last ``RECENT_SENDS``
  answers were "gone" (a server lying between successes), the bot is broken as above and
  nobody is deactivated: their rows stay pending and go, once each, when the channel works.
- ``ChatMoved``: the resident's chat id is updated and the row is retried at once.
- ``MessageRejected``: that row fails with the platform's reason; a refused edit of a final
  report is sent as a new message instead.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter, defaultdict, deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from base.config import SenderSettings
from base.timefmt import plural
from bot.channel import (
    BotRefused,
    Channel,
    ChannelError,
    ChatMoved,
    MessageRejected,
    ResidentGone,
    RetryLater,
)
from bot.outgoing import Outgoing, decode
from jobs.failure_log import FailureLog
from jobs.messages import MessageCache, MessageGone
from jobs.pacing import ChatGates, Pacer
from storage import broadcasts, channel_states, outbox, residents
from storage.inline_writes import InlineWrites
from storage.models import utcnow
from storage.outbox import Queued, Shares

log = logging.getLogger(__name__)

Write = Callable[[AsyncSession], Awaitable[object]]
MAX_BACKOFF_SECONDS = 600.0
# A batch is fetched in priority order, then paced out; fetch again at least this often so an
# emergency queued meanwhile waits behind at most this much news (not a whole batch: 128 rows
# are 4 s at Telegram's 30/s and 13 s at Zalo's 10/s).
BATCH_SECONDS = 1.0
# Transient failures in a row on this many different chats mean the platform is down, not a chat.
OUTAGE_CHATS = 3
# "Gone" answers from this many different chats in a row (no success between them) within
# GONE_WINDOW_SECONDS mean the bot is broken, not the residents (issue 21: one bad minute of a
# platform deactivated every resident).
GONE_CHATS = 5
GONE_WINDOW_SECONDS = 60.0
# ... or more than this share of the last RECENT_SENDS answers (GONE_CHATS chats at least).
GONE_SHARE = 0.5
RECENT_SENDS = 50
# A throttle without a stated end that lasts this long is worth an administrator's attention.
LONG_PAUSE_SECONDS = 600.0
# The writer waits at most this long for the outcomes of messages still being sent, so they
# share one commit: each commit costs the database thread several hand-offs of the GIL, and
# at full speed groups grow from ~7 to ~16 outcomes (CPU a message -10 %, bench/delivery_bench.py
# (b)). A message keeps its concurrency slot until recorded, so a crash still re-sends at most
# ``concurrency`` messages.
GATHER_SECONDS = 0.01


@dataclass(frozen=True, slots=True)
class _Suspect:
    """A chat that answered "gone", waiting for proof that the bot itself works."""

    delivery_id: int
    chat_id: str
    why: str
    answer: str


class Sharing(Protocol):
    """The shares of the bot's sending this instance holds (``jobs.sharing.SharedSending``)."""

    def ready(self) -> Shares | None:
        """The shares to read rows of now (None: none yet)."""

    def ready_in(self) -> float:
        """Seconds until another share is ready (inf: none waits)."""

    def rate(self) -> float:
        """The part of the bot's rate for the ready shares."""

    def holds(self, number: int) -> bool:
        """Whether share ``number`` is still held here (checked before each message)."""


@dataclass(slots=True)
class Throttling:
    """What the platforms refused for pace, counted in this process (``/metrics``)."""

    answers: Counter[str] = field(default_factory=Counter)  # 429s / quota answers per channel
    # Seconds the whole channel was paused for them, per channel.
    seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))


class OutboxSignal:
    """Wakes the senders when deliveries were queued, so they need not wait for an idle poll;
    and pauses them when another instance sending for the same bot was throttled as a whole
    (``jobs.doorbell`` hears both from PostgreSQL)."""

    def __init__(self) -> None:
        self._events: list[asyncio.Event] = []
        self._pauses: dict[str, list[Callable[[float], None]]] = defaultdict(list)

    def listen(self) -> asyncio.Event:
        event = asyncio.Event()
        self._events.append(event)
        return event

    def notify(self) -> None:
        for event in self._events:
            event.set()

    def on_pause(self, channel: str, pause: Callable[[float], None]) -> None:
        self._pauses[channel].append(pause)

    def pause(self, channel: str, until: float) -> None:
        """``channel``'s senders wait until ``until`` (seconds since the epoch)."""
        for pause in self._pauses.get(channel, ()):
            pause(until)


class Sender:
    """One channel's sender: a ``Service`` for ``loa run``."""

    def __init__(
        self,
        channel: Channel,
        sessions: async_sessionmaker[AsyncSession],
        settings: SenderSettings,
        *,
        rate_per_second: float | None,
        per_chat_interval: float,
        signal: OutboxSignal | None = None,
        backoff_seconds: float = 1.0,
        on_long_pause: Callable[[str, float], Coroutine[Any, Any, None]] | None = None,
        on_broken: Callable[[str, str, str], Coroutine[Any, Any, None]] | None = None,
        on_voice_off: Callable[[str, str], Coroutine[Any, Any, None]] | None = None,
        holds: Callable[[], bool] | None = None,
        throttling: Throttling | None = None,
        sharing: Sharing | None = None,
    ) -> None:
        # With ``sharing``, this sender reads only the rows of the shares held here, at their
        # part of the bot's rate (``rate_per_second`` is then unused).
        self.name = f"{channel.name} sender"
        self._sharing = sharing
        self._throttling = throttling
        self._channel = channel
        self._sessions = sessions
        self._settings = settings
        self._pacer = Pacer(rate_per_second)
        self._gates = ChatGates(per_chat_interval)
        self._messages = MessageCache(
            sessions,
            channel.max_text_length,
            caption_limit=channel.max_caption_length,
            channel=channel.name,
        )
        self._backoff = backoff_seconds
        self._wake = signal.listen() if signal else asyncio.Event()
        if signal is not None and sharing is not None:
            signal.on_pause(channel.name, self._paused_elsewhere)
        self._slots = asyncio.Semaphore(settings.concurrency)
        self._writes: asyncio.Queue[tuple[Write | int, asyncio.Future[None]]] = asyncio.Queue()
        self._in_flight: set[int] = set()
        self._share_flights: Counter[int] = Counter()  # messages in flight, per share
        # Launched messages wait here for one of ``concurrency`` long-lived delivery tasks: a
        # task per message cost ~70 µs more (creation, scheduling, its done callback).
        self._launches: asyncio.Queue[tuple[Queued, Outgoing | Exception, float]] = asyncio.Queue()
        self._pool: list[asyncio.Task[None]] = []
        self._workers: set[asyncio.Task[None]] = set()  # notices to administrators
        self._sending = 0  # launched messages whose outcome has not reached the writer yet
        self._all_reported = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        self._failing_chats: set[str] = set()  # transient failures since the last success
        # Deliveries charged an attempt since the last success: refunded if the streak turns
        # out to be an outage (their chats were the first to fail).
        self._charged: list[int] = []
        self._outage_delay = backoff_seconds
        self._quota_delay = backoff_seconds
        self._quota_since: float | None = None  # first throttle without an end, since a success
        self._quota_told = False
        self._on_long_pause = on_long_pause
        # "Gone" answers since the last success: chat → when (monotonic), and the chats waiting
        # for proof before they are deactivated.
        self._gone_at: dict[str, float] = {}
        self._suspects: dict[str, _Suspect] = {}
        # The last answers: (chat, True for "gone"), for the share of different chats gone.
        self._recent: deque[tuple[str, bool]] = deque(maxlen=RECENT_SENDS)
        self._refusals = 0  # BotRefused answers since the last success
        self._broken_told = False
        self._on_broken = on_broken
        self._on_voice_off = on_voice_off
        self._voice_off = False  # the platform answered that it has no voice method
        self._failure_log = FailureLog()
        self._state: str | None = None  # as last recorded (storage.channel_states)
        # The sender lease (jobs.roles): checked before each message, so an instance that
        # lost its role sends nothing more, even before it is stopped.
        self._holds = holds or (lambda: True)
        # SQLite: sent rows are recorded on this thread when the database is not locked.
        bind = sessions.kw.get("bind")
        self._inline = InlineWrites.for_url(bind.url) if isinstance(bind, AsyncEngine) else None

    @property
    def renders(self) -> int:
        return self._messages.renders

    async def start(self) -> None:
        # What is recorded already (a restart, a handover) need not be written again: the
        # first success of a working channel then commits inline like every other.
        async with self._sessions() as session:
            self._state = await channel_states.current(session, self._channel.name)
        self._tasks = [
            asyncio.create_task(self._write_loop(), name=f"{self.name} writer"),
            asyncio.create_task(self._run(), name=self.name),
        ]
        self._pool = [
            asyncio.create_task(self._work(), name=f"{self.name} delivery")
            for _ in range(self._settings.concurrency)
        ]

    async def stop(self) -> None:
        """Stop taking rows, let in-flight messages finish (briefly), then stop writing."""
        self._stopping = True
        self._wake.set()
        if not self._tasks:
            return
        deadline = time.monotonic() + 10
        await asyncio.wait([self._tasks[1]], timeout=10)
        delivered = asyncio.ensure_future(self._launches.join())
        await asyncio.wait(
            [delivered, *self._workers], timeout=max(0.0, deadline - time.monotonic())
        )
        for task in (delivered, *self._tasks, *self._pool):
            task.cancel()
        await asyncio.gather(
            delivered, *self._tasks, *self._pool, *self._workers, return_exceptions=True
        )
        if self._inline is not None:
            self._inline.close()

    # ------------------------------------------------------------------ dispatching

    async def _run(self) -> None:
        while not self._stopping:
            try:
                dispatched, wait = await self._dispatch_round()
            except Exception:
                log.exception("%s: dispatch round failed", self.name)
                dispatched, wait = 0, self._settings.idle_poll_seconds
            if not dispatched:
                await self._sleep(wait)

    async def _sleep(self, seconds: float) -> None:
        try:  # asyncio.timeout: wait_for (3.11) may lose a cancellation coming as it wakes
            async with asyncio.timeout(max(seconds, 0.001)):
                await self._wake.wait()
        except TimeoutError:
            pass
        self._wake.clear()

    async def _dispatch_round(self) -> tuple[int, float]:
        """Start sending every due row of one batch; return (started, seconds to next due)."""
        shares = self._ready_shares()
        if self._sharing is not None and shares is None:
            return 0, min(self._sharing.ready_in(), self._settings.idle_poll_seconds)
        batch = await self._fetch(shares)
        if not batch:
            return 0, await self._idle_wait(shares)
        started, earliest = 0, time.monotonic() + self._settings.idle_poll_seconds
        refetch_at = time.monotonic() + BATCH_SECONDS
        for queued in batch:
            if self._stopping or (started and time.monotonic() >= refetch_at):
                break
            if not self._may_send(queued):
                earliest = min(earliest, time.monotonic() + 0.1)
                if self._sharing is None:
                    break
                continue  # another share was handed over; the rest may be ours
            if not self._gates.is_ready(queued.chat_id):
                earliest = min(earliest, self._gates.ready_at(queued.chat_id))
                continue
            await self._slots.acquire()
            # Render first, then wait for the pacer: the request leaves right after its slot,
            # so arrivals keep the pacer's spacing (a strict sliding window counts arrivals).
            message = await self._prepare(queued)
            booked = await self._pacer.wait()
            if not self._gates.is_ready(queued.chat_id) or self._stopping:
                self._slots.release()  # a throttle arrived while we waited
                continue
            self._launch(queued, message, booked)
            started += 1
        self._gates.prune()
        return started, earliest - time.monotonic()

    def _ready_shares(self) -> Shares | None:
        """The shares to read now (their rate set on the pacer); None when not shared."""
        if self._sharing is None:
            return None
        shares = self._sharing.ready()
        if shares is not None:
            self._pacer.set_rate(self._sharing.rate())
        return shares

    def _may_send(self, queued: Queued) -> bool:
        """The lease fence: this instance still holds the role (or the row's share)."""
        if not self._holds():
            return False
        if self._sharing is None or queued.share is None:
            return True
        return self._sharing.holds(queued.share)

    async def _fetch(self, shares: Shares | None) -> list[Queued]:
        limit = max(100, self._settings.concurrency * 8)
        async with self._sessions() as session:
            return await outbox.next_batch(
                session,
                self._channel.name,
                limit=limit,
                now=utcnow(),
                skip_ids=self._in_flight,
                shares=shares,
            )

    async def _idle_wait(self, shares: Shares | None) -> float:
        async with self._sessions() as session:
            due = await outbox.next_due_at(session, self._channel.name, shares)
        idle = self._settings.idle_poll_seconds
        if self._sharing is not None:
            idle = min(idle, self._sharing.ready_in())
        if due is None:
            return idle
        return min(idle, max((due - utcnow()).total_seconds(), 0.0) + 0.01)

    def _paused_elsewhere(self, until: float) -> None:
        """Another instance sending for this bot was throttled as a whole, until ``until``
        (seconds since the epoch): this sender waits too, rather than earn 429s of its own."""
        left = until - time.time()
        if left > 0 and not self._stopping:
            self._pacer.pause_until(time.monotonic() + left)
            log.info("%s: paused %.1f s with the bot's other instances", self.name, left)

    def in_flight(self, share: int) -> int:
        """Messages of ``share`` sent but not yet answered (a share is handed over after)."""
        return self._share_flights[share]

    async def _prepare(self, queued: Queued) -> Outgoing | Exception:
        """What to send for ``queued`` (or why it cannot be sent)."""
        try:
            if queued.payload is not None:
                return decode(queued.payload)
            return Outgoing(await self._messages.reply_for(queued))
        except Exception as exc:
            return exc

    def _launch(self, queued: Queued, message: Outgoing | Exception, booked: float) -> None:
        self._gates.reserve(queued.chat_id)
        self._in_flight.add(queued.id)
        if queued.share is not None:
            self._share_flights[queued.share] += 1
        self._sending += 1
        self._launches.put_nowait((queued, message, booked))

    async def _work(self) -> None:
        """One of the delivery tasks: send what was launched, one message at a time."""
        while True:
            queued, message, booked = await self._launches.get()
            try:
                await self._deliver(queued, message, booked)
            finally:
                self._launches.task_done()

    # ------------------------------------------------------------------ one message

    async def _deliver(self, queued: Queued, message: Outgoing | Exception, booked: float) -> None:
        reported = False
        try:
            if self._pacer.paused_until > time.monotonic() or not self._may_send(queued):
                # A throttle arrived, or the role was lost, since this message was launched:
                # it stays pending, for after the pause or for the new holder.
                return
            self._pacer.left(booked)
            write = await self._attempt(queued, message)
            reported = True
            await self._commit(write)
        except Exception:
            log.exception("%s: delivery %d: could not record the outcome", self.name, queued.id)
        finally:
            if not reported:
                self._reported()
            self._in_flight.discard(queued.id)
            if queued.share is not None:
                self._share_flights[queued.share] -= 1
            self._slots.release()
            self._wake.set()

    async def _attempt(self, queued: Queued, message: Outgoing | Exception) -> Write | int:
        """Send one message; return what to record (an id alone means "sent")."""
        try:
            if isinstance(message, Exception):
                raise message
            if message.edit_message_id is not None:
                extra = await self._edit(queued, message)
            elif message.reply.has_media:
                await self._send_media(queued, message)
                extra = None
            else:
                await self._channel.send(queued.chat_id, message.reply)
                extra = None
        except RetryLater as exc:
            self._log_failure(queued, exc)
            return self._on_retry_later(queued, exc)
        except ResidentGone as exc:
            self._log_failure(queued, exc)
            return self._on_gone(queued, exc)
        except ChatMoved as exc:
            return self._on_moved(queued, exc.new_chat_id)
        except MessageRejected as exc:
            self._log_failure(queued, exc)
            return _fail(queued.id, str(exc) or type(exc).__name__)
        except MessageGone as exc:
            log.warning("%s: delivery %d rejected: %s", self.name, queued.id, exc)
            return _fail(queued.id, str(exc) or type(exc).__name__)
        except Exception as exc:
            log.exception("%s: delivery %d: unexpected error", self.name, queued.id)
            return self._on_transient(queued, f"{type(exc).__name__}: {exc}")
        self._failing_chats.clear()
        self._charged.clear()
        self._outage_delay = self._quota_delay = self._backoff
        self._quota_since, self._quota_told = None, False
        # Written only after a pause (``_state`` starts as recorded): a working channel writes
        # nothing more per message, so the inline SQLite writes stay.
        for then in (self._on_success(queued.chat_id), self._now(channel_states.WORKING)):
            if then is not None:
                extra = then if extra is None else _both(extra, then)
        return queued.id if extra is None else _sent_and(queued.id, extra)

    def _now(self, state: str, reason: str | None = None) -> Write | None:
        """Record the channel's new state (None: unchanged)."""
        if state == self._state:
            return None
        self._state, channel = state, self._channel.name

        async def write(session: AsyncSession) -> None:
            await channel_states.record(session, channel, state, utcnow(), reason)

        return write

    def _paused(self, reason: str, then: Write) -> Write:
        note = self._now(channel_states.PAUSED, reason)
        return then if note is None else _both(then, note)

    def _on_success(self, chat_id: str) -> Write | None:
        """The bot works: the chats that answered "gone" meanwhile are deactivated now
        (unless "gone" is most of what the platform answers lately)."""
        self._recent.append((chat_id, False))
        self._gone_at.clear()
        self._refusals = 0
        self._suspects.pop(chat_id, None)
        if not (self._suspects or self._broken_told):
            return None  # the common case, kept cheap
        if self._mostly_gone():  # one success between lies proves nothing
            return None
        if self._broken_told:
            log.warning("%s: sending works again", self.name)
            self._broken_told = False
        if not self._suspects:
            return None
        proven, self._suspects = list(self._suspects.values()), {}
        return self._deactivate(proven)

    def _log_failure(self, queued: Queued, exc: ChannelError) -> None:
        """Every failed attempt, with the platform's answer; a few lines a minute for each
        channel and code, then how many were left out (``jobs.failure_log``)."""
        code = str(exc.code) if exc.code is not None else type(exc).__name__
        left_out = self._failure_log.admit(self._channel.name, code, time.monotonic())
        if left_out is None:
            return
        more = f" ({left_out} more with {code} left out in the last minute)" if left_out else ""
        log.warning(
            "%s: %s to chat %s failed (delivery %d, code %s): %s%s",
            self.name,
            exc.method or "send",
            queued.chat_id,
            queued.id,
            code,
            exc,
            more,
        )

    async def _send_media(self, queued: Queued, message: Outgoing) -> None:
        """A photo or voice message; refused, the resident gets its text instead, never
        nothing (in the next pacer slot), and so does everyone else this message goes to.
        A voice message the platform has no method for (Zalo's sendVoice is documented by one
        third-party source) turns voice off on this channel: every later one goes as text."""
        reply = message.reply
        if reply.voice_url and self._voice_off:
            await self._channel.send(queued.chat_id, self._messages.without_media(queued, reply))
            return
        try:
            await self._channel.send(queued.chat_id, reply)
        except MessageRejected as exc:
            log.warning(
                "%s: delivery %d: media refused (%s); sending the text", self.name, queued.id, exc
            )
        except BotRefused as exc:
            if not (exc.method_missing and reply.voice_url):
                raise
            self._turn_voice_off(exc)
        else:
            return
        text = self._messages.without_media(queued, reply)
        self._pacer.left(await self._pacer.wait())
        await self._channel.send(queued.chat_id, text)

    def _turn_voice_off(self, exc: BotRefused) -> None:
        if self._voice_off:
            return
        self._voice_off = True
        log.warning(
            "%s: the platform has no voice method (%s): voice is off on this channel, voice"
            " messages go as text; telling the administrators",
            self.name,
            exc,
        )
        if self._on_voice_off is not None:
            task = asyncio.create_task(self._on_voice_off(self._channel.name, str(exc)))
            self._workers.add(task)
            task.add_done_callback(self._workers.discard)

    async def _edit(self, queued: Queued, message: Outgoing) -> Write | None:
        """Edit an earlier message; a refused edit of a report is sent anew instead."""
        assert message.edit_message_id is not None
        try:
            await self._channel.edit(queued.chat_id, message.edit_message_id, message.reply)
        except MessageRejected as exc:
            # The administrator deleted the preview (or it cannot change): later progress
            # is not shown there; the final report comes as a new message.
            log.info("%s: message %s not editable (%s)", self.name, message.edit_message_id, exc)
            if message.send_if_uneditable:
                await self._channel.send(queued.chat_id, message.reply)
            if message.broadcast_id is None:
                return None
            return _forget_preview(message.broadcast_id)
        return None

    def _on_retry_later(self, queued: Queued, exc: RetryLater) -> Write:
        if isinstance(exc, BotRefused):
            self._refusals += 1
        if exc.retry_after is None and exc.whole_channel:
            return self._on_quota(queued, str(exc) or "throttled", charge=exc.charge)
        if exc.retry_after is None:
            return self._on_transient(queued, str(exc) or "temporary failure")
        until = time.monotonic() + exc.retry_after
        wall = utcnow() + timedelta(seconds=exc.retry_after)
        channel = self._channel.name
        if self._throttling is not None:
            self._throttling.answers[channel] += 1
            if exc.whole_channel:  # only the part that lengthens the pause already running
                start = max(time.monotonic(), self._pacer.paused_until)
                self._throttling.seconds[channel] += max(0.0, until - start)
        if exc.whole_channel:
            self._pacer.pause_until(until)
            log.warning("%s: throttled for %.0f s", self.name, exc.retry_after)
        else:
            self._gates.hold_until(queued.chat_id, until)

        shared = self._sharing is not None

        async def write(session: AsyncSession) -> None:
            chat = None if exc.whole_channel else queued.chat_id
            await outbox.defer_pending(session, channel, wall, chat_id=chat)
            await outbox.mark_retry(
                session, queued.id, not_before=wall, error=str(exc), count_attempt=False
            )
            if exc.whole_channel and shared:  # the instances sending the other shares too
                await outbox.announce_pause(session, channel, wall)

        if exc.whole_channel:
            return self._paused(f"throttled for {exc.retry_after:.0f} s: {exc}", write)
        return write

    def _on_quota(self, queued: Queued, error: str, *, charge: bool) -> Write:
        """Throttled with no end given: pause the channel, growing; nothing is failed (but a
        ``charge``d message spends an attempt)."""
        now = time.monotonic()
        if charge and queued.attempts + 1 >= self._settings.max_attempts:
            log.warning("%s: delivery %d failed: %s", self.name, queued.id, error)
            return _fail(queued.id, f"{error} (after {plural(queued.attempts + 1, 'attempt')})")
        if self._quota_since is None:
            self._quota_since = now
        if self._throttling is not None:
            self._throttling.answers[self._channel.name] += 1
        if now >= self._pacer.paused_until:
            if self._throttling is not None:
                self._throttling.seconds[self._channel.name] += self._quota_delay
            log.warning("%s: throttled (%s); pausing %.0f s", self.name, error, self._quota_delay)
            self._pacer.pause_until(now + self._quota_delay)
            self._quota_delay = min(self._quota_delay * 2, MAX_BACKOFF_SECONDS)
        paused_for = now - self._quota_since
        if paused_for >= LONG_PAUSE_SECONDS and not self._quota_told:
            self._quota_told = True
            log.warning(
                "%s: throttled for %.0f minutes; telling the administrators",
                self.name,
                paused_for / 60,
            )
            if self._on_long_pause is not None:
                task = asyncio.create_task(self._on_long_pause(self._channel.name, paused_for))
                self._workers.add(task)
                task.add_done_callback(self._workers.discard)
        retry = self._retry_at(queued, self._pacer.paused_until - now, error, charge=charge)
        return self._paused(f"throttled: {error}", retry)

    def _retry_at(
        self, queued: Queued, seconds: float, error: str, *, charge: bool = False
    ) -> Write:
        when = utcnow() + timedelta(seconds=max(0.0, seconds))

        async def write(session: AsyncSession) -> None:
            await outbox.mark_retry(
                session, queued.id, not_before=when, error=error, count_attempt=charge
            )

        return write

    def _on_transient(self, queued: Queued, error: str) -> Write:
        self._failing_chats.add(queued.chat_id)
        if len(self._failing_chats) >= OUTAGE_CHATS:
            return self._on_outage(queued, error)
        attempts = queued.attempts + 1
        if attempts >= self._settings.max_attempts:
            tried = plural(attempts, "attempt")
            log.warning("%s: delivery %d failed after %s", self.name, queued.id, tried)
            return _fail(queued.id, f"{error} (after {tried})")
        delay = min(self._backoff * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
        self._gates.hold_until(queued.chat_id, time.monotonic() + delay)
        when = utcnow() + timedelta(seconds=delay)
        self._charged.append(queued.id)

        async def write(session: AsyncSession) -> None:
            await outbox.mark_retry(
                session, queued.id, not_before=when, error=error, count_attempt=True
            )

        return write

    def _on_outage(self, queued: Queued, error: str) -> Write:
        """The platform is down: pause the channel; the row waits without losing an attempt."""
        now = time.monotonic()
        if now >= self._pacer.paused_until:  # a new pause; failures during one don't escalate it
            log.warning(
                "%s: %d chats failed in a row (%s): the platform looks down; pausing %.0f s",
                self.name,
                max(len(self._failing_chats), len(self._gone_at)),
                error,
                self._outage_delay,
            )
            self._pacer.pause_until(now + self._outage_delay)
            self._outage_delay = min(self._outage_delay * 2, MAX_BACKOFF_SECONDS)
        broken = bool(self._refusals or len(self._gone_at) >= GONE_CHATS or self._mostly_gone())
        if broken:
            self._broken(error)
        why = "the bot is refused" if broken else "the platform looks down"
        retry = self._paused(
            f"{why}: {error}", self._retry_at(queued, self._pacer.paused_until - now, error)
        )
        if not self._charged:
            return retry
        # The first chats of this streak were charged before it looked like an outage.
        refund, self._charged = self._charged, []

        async def write(session: AsyncSession) -> None:
            await retry(session)
            await outbox.refund_attempts(session, refund)

        return write

    def _broken(self, answer: str) -> None:
        """Different chats refused in a row with answers about the bot, or "gone": the bot
        is broken, not the residents. Check the token and tell the administrators, once."""
        self._suspects.clear()  # nobody is deactivated on this evidence
        if self._broken_told:
            return
        self._broken_told = True
        log.warning(
            "%s: different chats refused in a row (%s): the bot looks broken, not the"
            " residents; paused, nobody deactivated, checking the token",
            self.name,
            answer,
        )
        task = asyncio.create_task(self._check_and_tell(answer))
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    async def _check_and_tell(self, answer: str) -> None:
        try:
            checked = f"getMe answered: {await self._channel.check()}"
        except Exception as exc:
            checked = f"getMe refused: {exc}"
        log.warning("%s: token check: %s", self.name, checked)
        if self._on_broken is not None:
            try:
                await self._on_broken(self._channel.name, answer, checked)
            except Exception:
                log.exception("%s: could not tell the administrators", self.name)

    def _mostly_gone(self) -> bool:
        """Most recent answers were "gone", from at least ``GONE_CHATS`` different chats (one
        chat answering so again and again is that chat, not the bot)."""
        gone = {chat for chat, was_gone in self._recent if was_gone}
        worked = sum(1 for _, was_gone in self._recent if not was_gone)
        return len(gone) >= GONE_CHATS and len(gone) > GONE_SHARE * (len(gone) + worked)

    def _on_gone(self, queued: Queued, exc: ResidentGone) -> Write:
        """Evidence that this chat is gone; deactivated once the bot is seen to work."""
        now, chat = time.monotonic(), queued.chat_id
        self._recent.append((chat, True))
        self._gone_at = {c: t for c, t in self._gone_at.items() if now - t <= GONE_WINDOW_SECONDS}
        self._gone_at[chat] = now
        if len(self._gone_at) >= GONE_CHATS or self._mostly_gone():
            self._failing_chats.update(self._gone_at)
            return self._on_outage(queued, str(exc))
        suspect = _Suspect(queued.id, chat, exc.why, str(exc))
        if chat in self._suspects:  # the same chat said so again, and no flood of others did
            del self._suspects[chat]
            return self._deactivate([suspect])
        self._suspects[chat] = suspect
        log.info(
            "%s: chat %s answered %r; deactivated once another chat gets through",
            self.name,
            chat,
            str(exc),
        )
        hold = self._backoff
        self._gates.hold_until(chat, now + hold)
        return self._retry_at(queued, hold, str(exc))

    def _deactivate(self, gone: list[_Suspect]) -> Write:
        channel = self._channel.name
        for suspect in gone:
            log.info(
                "%s: chat %s deactivated (%s): %s",
                self.name,
                suspect.chat_id,
                suspect.why,
                suspect.answer,
            )

        async def write(session: AsyncSession) -> None:
            for suspect in gone:
                await outbox.mark_failed(session, suspect.delivery_id, suspect.answer)
                await residents.deactivate(
                    session, channel, suspect.chat_id, why=suspect.why, answer=suspect.answer
                )
                await outbox.drop_pending_for_chat(
                    session, channel, suspect.chat_id, suspect.answer
                )

        return write

    def _on_moved(self, queued: Queued, new_chat_id: str) -> Write:
        channel = self._channel.name
        log.info("%s: chat %s moved to %s", self.name, queued.chat_id, new_chat_id)

        async def write(session: AsyncSession) -> None:
            await residents.move_chat(session, channel, queued.chat_id, new_chat_id)
            await outbox.move_pending_chat(session, channel, queued.chat_id, new_chat_id)

        return write

    # ------------------------------------------------------------------ recording outcomes

    async def _commit(self, write: Write | int) -> None:
        done = asyncio.get_running_loop().create_future()
        self._writes.put_nowait((write, done))
        self._reported()
        await done

    def _reported(self) -> None:
        """One launched message's outcome is known (or it was not sent)."""
        self._sending -= 1
        if not self._sending:
            self._all_reported.set()

    async def _write_loop(self) -> None:
        """Group commit: every outcome waiting at that moment goes in one transaction."""
        while True:
            items = [await self._writes.get()]
            if self._sending:
                self._all_reported.clear()
                try:  # (asyncio.timeout: see _sleep)
                    async with asyncio.timeout(GATHER_SECONDS):
                        await self._all_reported.wait()
                except TimeoutError:
                    pass
            while not self._writes.empty():
                items.append(self._writes.get_nowait())
            try:
                await self._apply([write for write, _ in items])
            except Exception as exc:
                log.exception("%s: recording %d outcomes failed", self.name, len(items))
                for _, done in items:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for _, done in items:
                if not done.done():
                    done.set_result(None)

    async def _apply(self, writes: list[Write | int]) -> None:
        sent = [w for w in writes if isinstance(w, int)]
        now = utcnow()
        if len(sent) == len(writes) and self._inline and self._inline.mark_sent(sent, now):
            if self._inline.needs_checkpoint():
                await self._checkpoint()
            return
        async with self._sessions.begin() as session:
            if sent:
                await outbox.mark_sent(session, sent, now)
            for write in writes:
                if not isinstance(write, int):
                    await write(session)

    async def _checkpoint(self) -> None:
        """Copy the SQLite log into the database file, in the connection's thread (the inline
        writes never do: ``storage.inline_writes``). PASSIVE: it waits for no reader."""
        try:
            async with self._sessions() as session:
                await session.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))
        except Exception:
            log.warning("%s: SQLite checkpoint failed", self.name, exc_info=True)


def _fail(delivery_id: int, reason: str) -> Write:
    async def write(session: AsyncSession) -> None:
        await outbox.mark_failed(session, delivery_id, reason)

    return write


def _both(first: Write, second: Write) -> Write:
    async def write(session: AsyncSession) -> None:
        await first(session)
        await second(session)

    return write


def _sent_and(delivery_id: int, extra: Write) -> Write:
    async def write(session: AsyncSession) -> None:
        await outbox.mark_sent(session, [delivery_id], utcnow())
        await extra(session)

    return write


def _forget_preview(broadcast_id: int) -> Write:
    async def write(session: AsyncSession) -> None:
        await broadcasts.forget_preview(session, broadcast_id)

    return write
