"""Administrator broadcasts from chat: draft → preview with Gửi / Hủy → queued once.

Syntax, short enough for a phone: ``/thongbao TEXT`` reaches every active resident;
``/thongbao xã Sam Mứn: TEXT``, ``/thongbao canh bao: TEXT`` or ``/thongbao Sam Mứn, thông báo:
TEXT`` target one commune and/or one topic, names resolved like ``/dangky`` (old names too). A
prefix before ":" that is not exactly one commune and/or one topic stays part of the text — the
preview shows the target, so a surprise is caught before Gửi. ``/canhbao`` marks an emergency.
``/thongbao gấp: TEXT`` (before any target) also reaches residents in their quiet hours.

Who may broadcast is decided by ``Commands`` (``is_admin``); what each administrator may reach
and who signs by ``bot.admins`` (commune administrators stay in their communes); this module
drafts, confirms and cancels. Confirming twice, or a stale preview, queues nothing
(``storage.broadcasts.confirm``). Progress while it sends is edited into the preview by
``bot.progress``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.timefmt import zone
from bot import texts
from bot.admins import AdminScope, Decision, decide, refusal, refusal_reason, union
from bot.catalog import Catalog, Choice, ChoiceKind
from bot.channel import BUTTON_CHANNELS, Button, Incoming, Reply
from bot.media_broadcast import MediaDraft, MediaDrafts
from bot.render import html_to_text, render_broadcast, utf16_len
from bot.rhythm import split_urgent
from news.audience import nobody_reason
from storage import broadcast_progress, broadcast_targets, broadcasts
from storage.broadcast_targets import Quiet, Target
from storage.models import Broadcast, BroadcastState, utcnow

log = logging.getLogger(__name__)

_TARGET_SEPARATORS = re.compile(r"[,;+]")
_MAX_TARGET_CHARS = 80


@dataclass(frozen=True, slots=True)
class Draft:
    text: str
    commune: Choice | None = None
    topic: Choice | None = None
    urgent: bool = False  # "gấp:" first: also in residents' quiet hours (bot.rhythm)


def parse_draft(args: str, catalog: Catalog) -> Draft:
    """Split "TARGET: TEXT" when TARGET names one commune and/or one topic."""
    head, colon, rest = args.partition(":")
    if colon and head.strip() and len(head) <= _MAX_TARGET_CHARS and "\n" not in head:
        target = _target(head, catalog)
        if target is not None:
            return Draft(rest.strip(), *target)
    return Draft(args.strip())


def _target(head: str, catalog: Catalog) -> tuple[Choice | None, Choice | None] | None:
    commune: Choice | None = None
    topic: Choice | None = None
    for part in _TARGET_SEPARATORS.split(head):
        found = catalog.resolve(part).choice if part.strip() else None
        if found is None:
            return None
        if found.kind is ChoiceKind.COMMUNE and commune is None:
            commune = found
        elif found.kind is ChoiceKind.TOPIC and topic is None:
            topic = found
        else:
            return None  # two communes or two topics: not a target Loa can express
    return commune, topic


def _target_of(draft: Draft) -> Target:
    return Target(
        commune=draft.commune.value if draft.commune else None,
        topic=draft.topic.value if draft.topic else None,
    )


class Broadcasts:
    """Drafts, confirms and cancels broadcasts; ``on_queued`` wakes the senders."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalog: Callable[[], Catalog],
        limit: int,
        on_queued: Callable[[], None] | None = None,
        preview_expiry: timedelta = broadcasts.PREVIEW_EXPIRY,
        media: MediaDrafts | None = None,
        tz: tzinfo | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        """``tz``: the time zone of times shown (the end of quiet hours); ``now``: the clock
        that says who is in quiet hours at preview."""
        self._sessions = sessions
        self._tz = tz or zone()
        self._now = now
        self._catalog = catalog
        self._limit = limit
        self._on_queued = on_queued
        self._preview_expiry = preview_expiry  # an older preview cannot be confirmed
        self._media = media  # photo / voice broadcasts (bot.media_broadcast)

    async def draft(
        self,
        incoming: Incoming,
        args: str,
        emergency: bool,
        scopes: Sequence[AdminScope] = (),
    ) -> list[Reply]:
        """Store a preview and answer with the message as residents will see it, then the
        target and counts with Gửi / Hủy.

        ``scopes`` (``Admins.scopes`` of the author) decide what the draft may reach and who
        signs it (``bot.admins.decide``): a refusal is answered and logged, nothing stored; an
        administrator of several communes is first asked which (``bc:to:<id>:<commune>``)."""
        media: MediaDraft | None = None
        if self._media is not None and (incoming.media or incoming.reply_to):
            prepared = await self._media.prepare(incoming, args)
            if isinstance(prepared, Reply):
                return [prepared]
            args, media = prepared
        urgent, args = split_urgent(args)
        draft = replace(parse_draft(args, self._catalog()), urgent=urgent)
        if not draft.text and media is None:
            return [Reply(texts.BROADCAST_HOW)]
        author = None
        scope_kind = broadcasts.PROVINCE
        if scopes:
            decision = decide(scopes, _target_of(draft), self._catalog())
            if decision.refusal is not None:
                log.warning(
                    "refused %s by %s (%s): %s; text %r",
                    "emergency" if emergency else "broadcast",
                    scopes[0].who,
                    union(scopes).name,
                    decision.reason,
                    draft.text[:80],
                )
                return [Reply(decision.refusal)]
            if decision.ask:
                return await self._ask_commune(incoming, draft, emergency, decision, media)
            assert decision.scope is not None
            author, scope_kind = decision.scope.name, decision.scope.kind
            if decision.target.commune and draft.commune is None:
                draft = replace(
                    draft,
                    commune=self._catalog().stored(ChoiceKind.COMMUNE, decision.target.commune),
                )
        too_long = self._too_long(draft.text, emergency, [author])
        if too_long is not None:
            return [too_long]
        message = render_broadcast(draft.text, emergency, author)
        async with self._sessions.begin() as session:
            target = Target(
                commune=draft.commune.value if draft.commune else None,
                topic=draft.topic.value if draft.topic else None,
            )
            broadcast = await self._store(
                session, incoming, draft, emergency, target, scope=scope_kind, author=author
            )
            if media is not None:
                media.attach(broadcast)
                await broadcasts.recount(session, broadcast)  # who gets nothing of it
            quiet = await self._quiet(session, broadcast)
        log.info("broadcast %d drafted by %s", broadcast.id, broadcast.created_by)
        return self._preview(broadcast, message, self._question(broadcast, draft, quiet))

    async def _store(
        self,
        session: AsyncSession,
        incoming: Incoming,
        draft: Draft,
        emergency: bool,
        target: Target,
        *,
        scope: str,
        author: str | None = None,
    ) -> Broadcast:
        """Store ``draft`` from ``incoming``'s administrator as a preview awaiting Gửi."""
        return await broadcasts.create_preview(
            session,
            text=draft.text,
            target=target,
            emergency=emergency,
            urgent=draft.urgent,
            created_by=f"{incoming.channel}:{incoming.user_id}",
            origin_channel=incoming.channel,
            origin_chat_id=incoming.chat_id,
            preview_expiry=self._preview_expiry,
            author_name=author,
            scope=scope,
        )

    async def _quiet(self, session: AsyncSession, broadcast: Broadcast) -> Quiet:
        """The targeted residents in quiet hours now: they get an ordinary broadcast when
        those end (an emergency or a "gấp:" one goes at once)."""
        if broadcast.emergency or broadcast.urgent:
            return Quiet()
        target = Target(commune=broadcast.commune, topic=broadcast.topic)
        reached = broadcast_targets.reached_channels(broadcast)
        return await broadcast_targets.count_quiet(session, target, self._now(), reached)

    def _preview(self, broadcast: Broadcast, message: Reply, question: Reply) -> list[Reply]:
        """The message as the administrator's channel sends it, then the question, with what
        each channel gets of the media: one function, so the preview after a commune is
        chosen is the one shown at once."""
        if self._media is None or not broadcast.media_kind:
            return [message, question]
        media = self._media.restore(broadcast)
        notes = "\n".join(media.notes)
        return [media.preview(message), replace(question, html=f"{question.html}\n\n{notes}")]

    def _too_long(self, text: str, emergency: bool, authors: Sequence[str | None]) -> Reply | None:
        """Whether ``text``, signed by any of ``authors``, overflows one message. Told in the
        administrator's terms: their text's length, and the room it has."""
        longest = max(
            utf16_len(html_to_text(render_broadcast(text, emergency, author).html))
            for author in authors
        )
        room = self._limit - (longest - utf16_len(text))
        if utf16_len(text) > room:
            return Reply(texts.broadcast_too_long(utf16_len(text), room))
        return None

    async def _ask_commune(
        self,
        incoming: Incoming,
        draft: Draft,
        emergency: bool,
        decision: Decision,
        media: MediaDraft | None,
    ) -> list[Reply]:
        """Store the draft without its commune (it cannot be confirmed so) and ask which."""
        too_long = self._too_long(draft.text, emergency, [s.name for s in decision.ask])
        if too_long is not None:
            return [too_long]
        async with self._sessions.begin() as session:
            target = Target(topic=draft.topic.value if draft.topic else None)
            broadcast = await self._store(
                session, incoming, draft, emergency, target, scope=broadcasts.COMMUNE
            )
            if media is not None:
                media.attach(broadcast)
        catalog = self._catalog()
        buttons = [
            Button(
                catalog.label(ChoiceKind.COMMUNE, scope.communes[0]),
                f"bc:to:{broadcast.id}:{scope.communes[0]}",
            )
            for scope in decision.ask
        ]
        buttons.append(Button(texts.CANCEL_BUTTON, f"bc:cancel:{broadcast.id}"))
        log.info("broadcast %d drafted by %s: which commune?", broadcast.id, broadcast.created_by)
        return [Reply(texts.CHOOSE_BROADCAST_COMMUNE, [[b] for b in buttons])]

    async def _choose(
        self, incoming: Incoming, argument: str, scopes: Sequence[AdminScope]
    ) -> list[Reply]:
        """The commune chosen for a draft ("<id>:<commune>"): then the usual preview."""
        raw_id, _, commune = argument.partition(":")
        signer = next((s for s in scopes if commune in s.communes), None)
        who = f"{incoming.channel}:{incoming.user_id}"
        if not raw_id.isdigit() or signer is None:
            log.warning("refused commune choice %r by %s: not one of theirs", argument, who)
            return [Reply(texts.STALE_BUTTON)]
        async with self._sessions.begin() as session:
            found = await session.get(Broadcast, int(raw_id))
            if found is None:
                return [Reply(texts.BROADCAST_GONE)]
            if found.created_by != who:
                log.warning("refused commune choice for broadcast %s by %s", raw_id, who)
                return [Reply(texts.STALE_BUTTON)]
            broadcast = await broadcasts.choose_commune(session, int(raw_id), commune, signer.name)
            if broadcast is None:
                return [Reply(texts.BROADCAST_ALREADY)]
            quiet = await self._quiet(session, broadcast)
        catalog = self._catalog()
        topic = catalog.choice(ChoiceKind.TOPIC, broadcast.topic) if broadcast.topic else None
        draft = Draft(broadcast.text, catalog.stored(ChoiceKind.COMMUNE, commune), topic)
        message = render_broadcast(broadcast.text, broadcast.emergency, broadcast.author_name)
        log.info("broadcast %d: %s chose %s", broadcast.id, who, commune)
        return self._preview(broadcast, message, self._question(broadcast, draft, quiet))

    def _question(self, broadcast: Broadcast, draft: Draft, quiet: Quiet) -> Reply:
        target = texts.broadcast_target(
            draft.commune.display if draft.commune else None,
            draft.topic.display if draft.topic else None,
        )
        counts = json.loads(broadcast.counts or "{}")
        nobody = _nobody(counts, draft)
        buttons = [
            Button(texts.SEND_BUTTON, f"bc:send:{broadcast.id}"),
            Button(texts.CANCEL_BUTTON, f"bc:cancel:{broadcast.id}"),
        ]
        if nobody is not None:  # sending to nobody is no success: only Hủy is offered
            buttons = buttons[1:]
        shows_buttons = broadcast.origin_channel in BUTTON_CHANNELS
        until = quiet.until.astimezone(self._tz).strftime("%H:%M") if quiet.until else None
        question = texts.broadcast_preview(
            target,
            counts,
            broadcast.emergency,
            buttons=shows_buttons,
            quiet=quiet.count,
            quiet_until=until,
            nobody=nobody,
        )
        if broadcast.urgent and not broadcast.emergency:
            question += "\n" + texts.BROADCAST_URGENT
        return Reply(question, [buttons])

    async def press(
        self, incoming: Incoming, argument: str, scopes: Sequence[AdminScope] = ()
    ) -> list[Reply]:
        """Gửi ("send:<id>") or Hủy ("cancel:<id>") on a preview, or a commune chosen for it
        ("to:<id>:<commune>"). With ``scopes``, the presser must be allowed to reach the
        broadcast's target (a forged press of another's preview is refused and logged)."""
        action, _, raw_id = argument.partition(":")
        if action == "to":
            return await self._choose(incoming, raw_id, scopes)
        if not raw_id.isdigit():
            return [Reply(texts.STALE_BUTTON)]
        if scopes:
            refused = await self._refused_press(incoming, int(raw_id), scopes, action)
            if refused is not None:
                return [Reply(refused)]
        if action == "send":
            return await self._send(incoming, int(raw_id))
        if action == "cancel":
            return await self._cancel(incoming, int(raw_id))
        return [Reply(texts.STALE_BUTTON)]

    async def _refused_press(
        self, incoming: Incoming, broadcast_id: int, scopes: Sequence[AdminScope], action: str
    ) -> str | None:
        whole = union(scopes)
        if whole.province_wide:
            return None
        async with self._sessions() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
        if broadcast is None:
            return None  # answered as gone
        choosing = broadcast.commune is None and broadcast.scope == broadcasts.COMMUNE
        if choosing and broadcast.created_by == whole.who:
            return None  # the author's own draft awaiting its commune (Hủy; Gửi queues nothing)
        target = Target(commune=broadcast.commune, topic=broadcast.topic)
        reason = refusal_reason(whole, target)
        if reason is None:
            return None
        log.warning("refused %s of broadcast %d by %s: %s", action, broadcast_id, whole.who, reason)
        return refusal(whole, target, self._catalog()) or texts.NOT_ADMIN

    async def _send(self, incoming: Incoming, broadcast_id: int) -> list[Reply]:
        async with self._sessions.begin() as session:
            found = await session.get(Broadcast, broadcast_id)
            if found is None:
                return [Reply(texts.BROADCAST_GONE)]
            nobody = self._nobody_of(found)
            if nobody is not None and found.state == BroadcastState.PREVIEW.value:
                return [Reply(nobody)]  # e.g. "1" typed on Zalo under a preview without Gửi
            queued = await broadcasts.confirm(
                session, broadcast_id, preview_expiry=self._preview_expiry
            )
            held = 0
            if queued is not None:
                await _remember_preview(session, broadcast_id, incoming.message_id)
                held = (await broadcast_progress.progress(session, broadcast_id)).held
            expired = queued is None and await broadcasts.is_expired(session, broadcast_id)
        if expired:
            return [Reply(texts.BROADCAST_EXPIRED)]
        if queued is None:
            return [Reply(texts.BROADCAST_ALREADY)]
        log.info("broadcast %d confirmed by %s: %d queued", broadcast_id, incoming.user_id, queued)
        if queued and self._on_queued is not None:
            self._on_queued()
        return [Reply(texts.broadcast_queued(queued, held))]

    def _nobody_of(self, broadcast: Broadcast) -> str | None:
        catalog = self._catalog()
        commune = broadcast.commune
        topic = broadcast.topic
        draft = Draft(
            broadcast.text,
            catalog.stored(ChoiceKind.COMMUNE, commune) if commune else None,
            catalog.choice(ChoiceKind.TOPIC, topic) if topic else None,
        )
        return _nobody(json.loads(broadcast.counts or "{}"), draft)

    async def _cancel(self, incoming: Incoming, broadcast_id: int) -> list[Reply]:
        async with self._sessions.begin() as session:
            if await session.get(Broadcast, broadcast_id) is None:
                return [Reply(texts.BROADCAST_GONE)]
            cancelled = await broadcasts.cancel(session, broadcast_id)
        if not cancelled:
            return [Reply(texts.BROADCAST_ALREADY)]
        log.info("broadcast %d cancelled by %s", broadcast_id, incoming.user_id)
        return [Reply(texts.BROADCAST_CANCELLED)]


def _nobody(counts: dict[str, int], draft: Draft) -> str | None:
    """Why the draft reaches no one (in chat a bot is there, so it is never "no bot")."""
    reason = nobody_reason(
        sum(counts.values()),
        bots=True,
        commune=draft.commune.value if draft.commune else None,
        topic=draft.topic.value if draft.topic else None,
        targeted=bool(counts),  # channels listed with 0: targeted, but they get nothing of it
    )
    if reason is None:
        return None
    commune = draft.commune.display if draft.commune else None
    return texts.broadcast_nobody(reason, commune, draft.topic.display if draft.topic else None)


async def _remember_preview(
    session: AsyncSession, broadcast_id: int, message_id: str | None
) -> None:
    """The pressed preview is where progress is reported (edited) while the broadcast sends."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is not None and message_id:
        broadcast.preview_message_id = message_id
