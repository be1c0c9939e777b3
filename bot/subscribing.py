"""Subscribing and unsubscribing: the choice flow of ``bot.commands``, with its buttons.

A resident picks communes and topics by name (/dangky X, /huydangky X) or by button. A name that
is ambiguous, partial or unknown is answered with suggestion buttons a page at a time; callback
data (≤ 64 bytes): ``sub:c:<commune>``/``sub:t:<slug>`` subscribe, ``uns:c:…``/``uns:t:…``/
``uns:all`` unsubscribe, ``pick:c`` shows the commune buttons, ``more:<action>:<page>:<typed>``
the next page of suggestions, ``recent:c:…``/``recent:t:…`` (answered by ``bot.commands``) the
latest articles about a new choice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.catalog import Catalog, Choice, ChoiceKind, Resolution
from bot.channel import Button, Incoming, Reply
from bot.pages import page_count, page_of
from bot.wording import CLEAR_WORDS
from news.text import fold
from storage import residents, subscriptions
from storage.models import Resident
from storage.recent import latest_about
from storage.subscriptions import Kind

log = logging.getLogger(__name__)

CALLBACK_MAX_BYTES = 64
KIND_CODES = {"c": ChoiceKind.COMMUNE, "t": ChoiceKind.TOPIC}


class ChoiceFlow:
    """The subscribe/unsubscribe commands and button presses; construct once."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], catalog: Callable[[], Catalog]
    ) -> None:
        """``catalog`` returns the (lazily loaded) catalogue."""
        self._sessions = sessions
        self._catalog = catalog

    @property
    def catalog(self) -> Catalog:
        return self._catalog()

    # -- commands -------------------------------------------------------------------------

    async def subscribe(self, incoming: Incoming, args: str) -> list[Reply]:
        """/subscribe X, /dangky X: news about commune or topic X only."""
        if not args:
            buttons = [choice_button(t.display, "sub", t) for t in self.catalog.topic_choices()]
            pick = Button(texts.PICK_COMMUNE_BUTTON, "pick:c")
            return [Reply(texts.CHOOSE_WHAT, rows([pick, *buttons], 2))]
        found = self.catalog.resolve(args)
        if found.choice is None:
            return [self.clarify(args, found, "sub")]
        return await self._subscribe_to(incoming, found.choice, args)

    async def unsubscribe(self, incoming: Incoming, args: str) -> list[Reply]:
        """/unsubscribe X, /huydangky X: drop one choice; "tatca" drops them all."""
        if fold(args) in CLEAR_WORDS:
            return await self._clear(incoming)
        if not args:
            return await self._unsubscribe_menu(incoming)
        found = await self._among_own(incoming, self.catalog.resolve(args))
        if found.choice is None:
            return [self.clarify(args, found, "uns")]
        return await self._unsubscribe_from(incoming, found.choice)

    # -- button presses -------------------------------------------------------------------

    async def press_subscribe(self, incoming: Incoming, argument: str) -> list[Reply]:
        """sub:…: subscribe to the pressed choice."""
        choice = self.choice_from(argument)
        if choice is None:
            return [Reply(texts.STALE_BUTTON)]
        return await self._subscribe_to(incoming, choice, None)

    async def press_unsubscribe(self, incoming: Incoming, argument: str) -> list[Reply]:
        """uns:…: drop the pressed choice, or all of them."""
        if argument == "all":
            return await self._clear(incoming)
        choice = self.choice_from(argument)
        if choice is None:
            return [Reply(texts.STALE_BUTTON)]
        return await self._unsubscribe_from(incoming, choice)

    async def press_pick(self, incoming: Incoming, argument: str) -> list[Reply]:
        """pick:c: the commune buttons."""
        buttons = [choice_button(c.display, "sub", c) for c in self.catalog.commune_choices()]
        return [Reply(texts.CHOOSE_COMMUNE, rows(buttons, 3))]

    async def press_more(self, incoming: Incoming, argument: str) -> list[Reply]:
        """Thêm…: the next page of the units matching what was typed."""
        action, _, rest = argument.partition(":")
        page, _, typed = rest.partition(":")
        if action not in ("sub", "uns", "recent") or not page.isdigit() or not typed:
            return [Reply(texts.STALE_BUTTON)]
        found = self.catalog.resolve(typed)
        if action == "uns":
            found = await self._among_own(incoming, found)
        return [self.clarify(typed, found, action, int(page))]

    # -- shared with bot.commands ---------------------------------------------------------

    async def resident(self, session: AsyncSession, incoming: Incoming) -> Resident:
        """The chat's resident, created on first contact."""
        resident, created = await residents.get_or_create(
            session,
            incoming.channel,
            incoming.chat_id,
            user_id=incoming.user_id,
            display_name=incoming.display_name,
        )
        if created:
            # The id is what an operator copies into `[<channel>] admins`.
            log.info("new resident on %s: user id %s", incoming.channel, incoming.user_id)
        return resident

    async def choices_of(self, session: AsyncSession, incoming: Incoming) -> list[Choice] | None:
        """The chat's choices with their labels; None when the chat is no resident."""
        resident = await residents.find(session, incoming.channel, incoming.chat_id)
        if resident is None:
            return None
        chosen = await subscriptions.list_for(session, resident.id)
        return [self.catalog.stored(ChoiceKind(c.kind), c.value) for c in chosen]

    async def own(self, session: AsyncSession, incoming: Incoming) -> list[tuple[Kind, str]]:
        """The chat's choices as (kind, value); empty for who receives everything."""
        resident = await residents.find(session, incoming.channel, incoming.chat_id)
        if resident is None:
            return []
        return [(Kind(c.kind), c.value) for c in await subscriptions.list_for(session, resident.id)]

    def choice_from(self, argument: str) -> Choice | None:
        """The choice named by callback data "<c|t>:<value>"; None when stale."""
        code, _, value = argument.partition(":")
        kind = KIND_CODES.get(code)
        return self.catalog.choice(kind, value) if kind else None

    # -- steps ----------------------------------------------------------------------------

    async def _among_own(self, incoming: Incoming, found: Resolution) -> Resolution:
        """To unsubscribe, a partial name lists only the resident's own choices among its
        matches (all of them when none matches: the answer then says it is not chosen)."""
        if not found.partial:
            return found
        async with self._sessions() as session:
            own = {(c.kind, c.value) for c in await self.choices_of(session, incoming) or []}
        mine = {
            (c.kind, c.value): c for c in reversed(found.suggestions) if (c.kind, c.value) in own
        }
        ordered = sorted(mine.values(), key=found.suggestions.index)
        return Resolution(suggestions=ordered, partial=True) if ordered else found

    async def _subscribe_to(
        self, incoming: Incoming, choice: Choice, typed: str | None
    ) -> list[Reply]:
        async with self._sessions.begin() as session:
            resident = await self.resident(session, incoming)
            first = not await subscriptions.list_for(session, resident.id)
            added = await subscriptions.add(
                session, resident.id, Kind(choice.kind), choice.value, typed
            )
            recent = added and bool(await latest_about(session, Kind(choice.kind), choice.value, 1))
        if added:
            text = texts.subscribed(choice.display, first)
        else:
            text = texts.already_subscribed(choice.display)
        if choice.old_name:
            text = texts.merged(choice.old_name, choice.display) + "\n" + text
        # A new choice with news already stored: offer it, so the resident sees at once what
        # they subscribed to.
        offer = [[choice_button(texts.recent_offer(choice.display), "recent", choice)]]
        other, others = collided(self.catalog, choice)
        if other:
            text += "\n" + other
        return [Reply(text, (offer if recent else []) + others)]

    async def _unsubscribe_from(self, incoming: Incoming, choice: Choice) -> list[Reply]:
        async with self._sessions.begin() as session:
            resident = await residents.find(session, incoming.channel, incoming.chat_id)
            if resident is None:
                return [Reply(texts.NOT_A_RESIDENT)]
            removed = await subscriptions.remove(
                session, resident.id, Kind(choice.kind), choice.value
            )
            remaining = len(await subscriptions.list_for(session, resident.id))
        if not removed:
            return [Reply(texts.not_subscribed(choice.display))]
        return [Reply(texts.unsubscribed(choice.display, remaining))]

    async def _unsubscribe_menu(self, incoming: Incoming) -> list[Reply]:
        async with self._sessions() as session:
            chosen = await self.choices_of(session, incoming)
        if chosen is None:
            return [Reply(texts.NOT_A_RESIDENT)]
        if not chosen:
            return [Reply(texts.NOTHING_TO_CLEAR)]
        buttons = [choice_button(c.display, "uns", c) for c in chosen]
        buttons.append(Button(texts.UNSUBSCRIBE_ALL_BUTTON, "uns:all"))
        return [Reply(texts.UNSUBSCRIBE_WHAT, rows(buttons, 1))]

    async def _clear(self, incoming: Incoming) -> list[Reply]:
        async with self._sessions.begin() as session:
            resident = await residents.find(session, incoming.channel, incoming.chat_id)
            if resident is None:
                return [Reply(texts.NOT_A_RESIDENT)]
            cleared = await subscriptions.clear(session, resident.id)
        return [Reply(texts.CLEARED if cleared else texts.NOTHING_TO_CLEAR)]

    def clarify(self, typed: str, found: Resolution, action: str, page: int = 1) -> Reply:
        """Several meanings, or none: ask with buttons (every unit whose name holds what was
        typed, or close names), a page at a time with "Thêm…" for the next."""
        options = found.candidates or found.suggestions
        pages = page_count(len(options))
        page = min(max(page, 1), pages)
        buttons = [
            choice_button(texts.choice_label(c.display, c.old_name), action, c)
            for c in page_of(options, page)
        ]
        more = f"more:{action}:{page + 1}:{' '.join(typed.split())}"
        if page < pages and len(more.encode("utf-8")) <= CALLBACK_MAX_BYTES:
            buttons.append(Button(texts.MORE_BUTTON, more))
        if found.candidates:
            text = texts.ambiguous(typed)
        elif found.partial:
            text = texts.matches(typed, len(options), page, pages)
        else:
            text = texts.not_found(typed, bool(options))
        return Reply(text, rows(buttons, 1))


def collided(catalog: Catalog, choice: Choice) -> tuple[str, list[list[Button]]]:
    """When today's unit ``choice`` shares its name with an old unit that went elsewhere (old
    xã Sam Mứn is in today's xã Thanh An): the explanation, and a button subscribing to each
    unit the old one went to."""
    if choice.kind is not ChoiceKind.COMMUNE or choice.old_name:
        return "", []
    lines, buttons = [], []
    for old in catalog.gazetteer.collisions(choice.value):
        district = f"{old.district_kind} {old.district}"
        for successor in old.successors:
            other = catalog.choice(ChoiceKind.COMMUNE, successor)
            if other is not None:
                lines.append(
                    texts.name_collision(choice.display, old.full_name, district, other.display)
                )
                label = texts.choice_label(other.display, old.full_name)
                buttons.append([choice_button(label, "sub", other)])
    return "\n".join(lines), buttons


def choice_button(label: str, action: str, choice: Choice) -> Button:
    """A button whose data is "<action>:<c|t>:<value>"; raises past 64 bytes."""
    code = "c" if choice.kind is ChoiceKind.COMMUNE else "t"
    data = f"{action}:{code}:{choice.value}"
    if len(data.encode("utf-8")) > CALLBACK_MAX_BYTES:
        raise ValueError(f"callback data over {CALLBACK_MAX_BYTES} bytes: {data!r}")
    return Button(label, data)


def rows(buttons: Sequence[Button], per_row: int) -> list[list[Button]]:
    """Buttons laid out ``per_row`` to a row."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
