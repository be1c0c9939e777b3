"""Resident commands, written once for every channel.

Adapters turn platform updates into ``Incoming`` and send back the ``Reply`` list that
``Commands.handle`` returns. A resident is (incoming.channel, incoming.chat_id). Every command has
an English name and Vietnamese aliases, and most also answer to plain words ("dang ky pom lot").

Button presses carry short callback data (≤ 64 bytes), "<action>:<argument>":
``sub:c:<commune>``/``sub:t:<slug>`` subscribe, ``uns:c:…``/``uns:t:…``/``uns:all`` unsubscribe,
``pick:c`` shows the commune buttons, ``bc:send:<id>``/``bc:cancel:<id>`` answer a broadcast
preview (``bot.broadcast``), ``more:<action>:<page>:<typed>`` shows the next page of suggestions,
``recent:c:…``/``recent:t:…`` the latest articles about a new choice, ``stop:yes``/``stop:no``
answer /stop's question.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.admins import Admins
from bot.broadcast import Broadcasts
from bot.catalog import Catalog, Choice, ChoiceKind, Resolution
from bot.channel import Button, Incoming, Reply
from bot.media_broadcast import MediaDrafts
from bot.pages import continued_pages, page_count, page_of
from bot.render import article_view, html_to_text, render_article_list, utf16_len
from bot.rhythm import RhythmCommands
from bot.wording import parse
from loa.config import Settings
from loa.timefmt import zone
from news.text import fold
from storage import residents, subscriptions
from storage.articles import list_articles
from storage.models import Resident
from storage.recent import latest_about
from storage.subscriptions import Kind

log = logging.getLogger(__name__)

LATEST_DEFAULT, LATEST_MAX = 5, 10
RECENT_OFFERED = 3  # articles offered after a new subscription
SEARCH_LIMIT = 10
CALLBACK_MAX_BYTES = 64
CONSOLE = "console"
CLEAR_WORDS = frozenset({"all", "tatca", "tat ca", "het", "tat ca moi thu"})
KIND_CODES = {"c": ChoiceKind.COMMUNE, "t": ChoiceKind.TOPIC}


@dataclass(frozen=True, slots=True)
class Request:
    """A command as typed: the message and the text after the command word."""

    incoming: Incoming
    args: str = ""


Handler = Callable[[Request], Awaitable[list[Reply]]]


class Commands:
    """One command handler shared by every channel; construct once."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalog: Catalog | Callable[[], Catalog],
        settings: Settings,
        *,
        text_limit: int = 2000,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        """``catalog`` may be a factory, called on first use (loading the gazetteer takes a
        moment). ``text_limit`` bounds every reply's visible text (2000 fits every channel).
        ``on_queued`` is called when a confirmed broadcast queued deliveries (wakes senders)."""
        self._sessions = sessions
        self._catalog_source = catalog
        self._catalog: Catalog | None = None
        self._admins = Admins(settings)
        self._web_url = settings.web.base_url  # links to the admin page (/quantri)
        self._limit = text_limit
        self._rhythm = RhythmCommands(sessions, zone(settings.places.timezone))
        self._broadcasts = Broadcasts(
            sessions,
            lambda: self.catalog,
            text_limit,
            on_queued,
            preview_expiry=timedelta(hours=settings.broadcasts.preview_expiry_hours),
            media=MediaDrafts(sessions, settings.web.public_url, settings.media.max_megabytes),
            tz=zone(settings.places.timezone),
        )
        self._handlers: dict[str, Handler] = {
            "start": self.start,
            "help": self.help,
            "subscribe": self.subscribe,
            "unsubscribe": self.unsubscribe,
            "subscriptions": self.subscriptions,
            "communes": self.communes,
            "topics": self.topics,
            "latest": self.latest,
            "search": self.search,
            "stop": self.stop,
            "broadcast": self.broadcast,
            "emergency": self.emergency,
            "id": self.whoami,
            "admin": self.admin_page,
            "bulletin": lambda r: self._rhythm.bulletin(r.incoming, r.args),
            "quiet": lambda r: self._rhythm.quiet(r.incoming, r.args),
            "greet": self.greet,
        }
        self._presses: dict[str, Callable[[Incoming, str], Awaitable[list[Reply]]]] = {
            "sub": self._press_subscribe,
            "uns": self._press_unsubscribe,
            "pick": self._press_pick,
            "bc": self._press_broadcast,
            "more": self._press_more,
            "recent": self._press_recent,
            "stop": self._press_stop,
        }

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            source = self._catalog_source
            self._catalog = source if isinstance(source, Catalog) else source()
        return self._catalog

    def is_admin(self, incoming: Incoming) -> bool:
        """Administrators of any kind (``bot.admins``); whoever runs the console is one."""
        return self._admins.is_admin(incoming.channel, incoming.user_id)

    async def handle(self, incoming: Incoming) -> list[Reply]:
        """Answer one message or button press; always at least one reply, never an exception."""
        try:
            if incoming.callback_data is not None:
                return await self._press(incoming, incoming.callback_data)
            if not incoming.text.strip():
                return [Reply(texts.ONLY_TEXT)]
            name, args = parse(incoming.text)
            if name is None:
                return [Reply(texts.unknown(incoming.text.strip()))]
            return await self._handlers[name](Request(incoming, args))
        except Exception:
            log.exception("command failed on %s chat %s", incoming.channel, incoming.chat_id)
            return [Reply(texts.ERROR)]

    async def _press(self, incoming: Incoming, data: str) -> list[Reply]:
        action, _, argument = data.partition(":")
        press = self._presses.get(action)
        if press is None:
            log.info("unknown button data %r on %s", data, incoming.channel)
            return [Reply(texts.STALE_BUTTON)]
        return await press(incoming, argument)

    # -- commands -------------------------------------------------------------------------

    async def start(self, request: Request) -> list[Reply]:
        """/start: receive every new article (or keep the choices made before)."""
        async with self._sessions.begin() as session:
            resident = await self._resident(session, request.incoming)
            chosen = await subscriptions.list_for(session, resident.id)
        if chosen:
            labels = [self.catalog.label(ChoiceKind(c.kind), c.value) for c in chosen]
            return [Reply(texts.welcome_back(labels))]
        return [Reply(texts.WELCOME)]

    async def help(self, request: Request) -> list[Reply]:
        """/help, /huongdan: every command in one message; administrators' commands only to
        administrators (of their reach)."""
        scope = self._admins.scope(request.incoming.channel, request.incoming.user_id)
        if scope is None:
            return [Reply(texts.HELP)]
        places = [self.catalog.label(ChoiceKind.COMMUNE, c) for c in scope.communes]
        return [Reply(texts.HELP + texts.admin_help(places))]

    async def greet(self, request: Request) -> list[Reply]:
        """Greetings ("xin chào", "chào", "hi"): a friendly answer with the main commands."""
        return [Reply(texts.GREETING)]

    async def subscribe(self, request: Request) -> list[Reply]:
        """/subscribe X, /dangky X: news about commune or topic X only."""
        if not request.args:
            buttons = [self._button(t.display, "sub", t) for t in self.catalog.topic_choices()]
            pick = Button(texts.PICK_COMMUNE_BUTTON, "pick:c")
            return [Reply(texts.CHOOSE_WHAT, self._rows([pick, *buttons], 2))]
        found = self.catalog.resolve(request.args)
        if found.choice is None:
            return [self._clarify(request.args, found, "sub")]
        return await self._subscribe_to(request.incoming, found.choice, request.args)

    async def unsubscribe(self, request: Request) -> list[Reply]:
        """/unsubscribe X, /huydangky X: drop one choice; "tatca" drops them all."""
        if fold(request.args) in CLEAR_WORDS:
            return await self._clear(request.incoming)
        if not request.args:
            return await self._unsubscribe_menu(request.incoming)
        found = await self._among_own(request.incoming, self.catalog.resolve(request.args))
        if found.choice is None:
            return [self._clarify(request.args, found, "uns")]
        return await self._unsubscribe_from(request.incoming, found.choice)

    async def subscriptions(self, request: Request) -> list[Reply]:
        """/subscriptions, /cuatoi: what this chat receives."""
        async with self._sessions() as session:
            chosen = await self._choices_of(session, request.incoming)
            rhythm = await self._rhythm.summary(session, request.incoming)  # /bantin, /yentinh
        if chosen is None:
            return [Reply(texts.NOT_A_RESIDENT)]
        if not chosen:
            return [Reply(f"{texts.RECEIVING_ALL}\n{rhythm}")]
        communes = [c.display for c in chosen if c.kind is ChoiceKind.COMMUNE]
        topics = [c.display for c in chosen if c.kind is ChoiceKind.TOPIC]
        return [Reply(f"{texts.my_subscriptions(communes, topics)}\n{rhythm}")]

    async def communes(self, request: Request) -> list[Reply]:
        """/communes, /dsxa: today's communes and wards with the old names they absorbed."""
        entries = self.catalog.communes()
        if not entries:
            return [Reply(texts.NO_COMMUNES)]
        return continued_pages(texts.communes_list(entries), self._limit)

    async def topics(self, request: Request) -> list[Reply]:
        """/topics, /chude: the topic list."""
        entries = self.catalog.topics()
        if not entries:
            return [Reply(texts.NO_TOPICS)]
        return continued_pages(texts.topics_list(entries), self._limit)

    async def latest(self, request: Request) -> list[Reply]:
        """/latest [n], /tinmoi [n]: the n newest articles (default 5, at most 10); a number out
        of range is clamped, and the answer says so."""
        count, note = parse_count(request.args), count_note(request.args)
        async with self._sessions() as session:
            found = await list_articles(session, count)
        if not found:
            return [Reply(texts.NO_ARTICLES)]
        views = [article_view(item.row.article, item.communes, item.topics) for item in found]
        if note is None:
            return render_article_list(texts.LATEST_HEADING, views, self._limit)
        room = self._limit - utf16_len(html_to_text(note)) - 1
        first, *rest = render_article_list(texts.LATEST_HEADING, views, room)
        heading = texts.LATEST_HEADING
        return [Reply(first.html.replace(heading, f"{heading}\n{note}", 1)), *rest]

    async def search(self, request: Request) -> list[Reply]:
        """/search words, /timkiem words: articles matching the words, best first."""
        from storage.search import search_articles

        if not request.args:
            return [Reply(texts.SEARCH_HOW)]
        async with self._sessions() as session:
            found = await search_articles(session, request.args, SEARCH_LIMIT)
        if not found:
            return [Reply(texts.search_empty(request.args))]
        views = [article_view(item.row.article, item.communes, item.topics) for item in found]
        return render_article_list(texts.search_heading(request.args), views, self._limit)

    async def whoami(self, request: Request) -> list[Reply]:
        """/id, /toi: the resident's channel and user id (what an operator puts in ``admins``)."""
        incoming = request.incoming
        return [Reply(texts.your_id(incoming.channel, incoming.user_id))]

    async def admin_page(self, request: Request) -> list[Reply]:
        """/quantri, /admin: a one-time link to the admin page (administrators only)."""
        from bot.admin_page import admin_page_link

        return await admin_page_link(self._sessions, self._admins, self._web_url, request.incoming)

    async def stop(self, request: Request) -> list[Reply]:
        """/stop, /dung, "dừng": ask, then stop sending and delete everything about this chat."""
        incoming = request.incoming
        async with self._sessions() as session:
            resident = await residents.find(session, incoming.channel, incoming.chat_id)
        if resident is None:
            return [Reply(texts.STOP_NOTHING)]
        yes = Button(texts.STOP_YES_BUTTON, "stop:yes")
        no = Button(texts.STOP_NO_BUTTON, "stop:no")
        return [Reply(texts.STOP_CONFIRM, [[yes], [no]])]

    async def broadcast(self, request: Request) -> list[Reply]:
        """/broadcast TEXT, /thongbao TEXT (administrators): preview, then Gửi / Hủy."""
        scopes = self._admins.scopes(request.incoming.channel, request.incoming.user_id)
        if not scopes:
            return self._refuse(request.incoming, "broadcast")
        return await self._broadcasts.draft(
            request.incoming, request.args, emergency=False, scopes=scopes
        )

    async def emergency(self, request: Request) -> list[Reply]:
        """/canhbao TEXT (administrators): a broadcast that goes ahead of all queued news."""
        scopes = self._admins.scopes(request.incoming.channel, request.incoming.user_id)
        if not scopes:
            return self._refuse(request.incoming, "emergency")
        return await self._broadcasts.draft(
            request.incoming, request.args, emergency=True, scopes=scopes
        )

    # -- button presses -------------------------------------------------------------------

    async def _press_subscribe(self, incoming: Incoming, argument: str) -> list[Reply]:
        choice = self._choice_from(argument)
        if choice is None:
            return [Reply(texts.STALE_BUTTON)]
        return await self._subscribe_to(incoming, choice, None)

    async def _press_unsubscribe(self, incoming: Incoming, argument: str) -> list[Reply]:
        if argument == "all":
            return await self._clear(incoming)
        choice = self._choice_from(argument)
        if choice is None:
            return [Reply(texts.STALE_BUTTON)]
        return await self._unsubscribe_from(incoming, choice)

    async def _press_pick(self, incoming: Incoming, argument: str) -> list[Reply]:
        buttons = [self._button(c.display, "sub", c) for c in self.catalog.commune_choices()]
        return [Reply(texts.CHOOSE_COMMUNE, self._rows(buttons, 3))]

    async def _press_stop(self, incoming: Incoming, argument: str) -> list[Reply]:
        """The answer to /stop's question: delete everything, or keep it all."""
        if argument != "yes":
            return [Reply(texts.STOP_KEPT)]
        async with self._sessions.begin() as session:
            deleted = await residents.delete_all(session, incoming.channel, incoming.chat_id)
        log.info("resident on %s stopped (data deleted: %s)", incoming.channel, deleted)
        return [Reply(texts.STOPPED if deleted else texts.STOP_NOTHING)]

    async def _press_more(self, incoming: Incoming, argument: str) -> list[Reply]:
        """Thêm…: the next page of the units matching what was typed."""
        action, _, rest = argument.partition(":")
        page, _, typed = rest.partition(":")
        if action not in ("sub", "uns") or not page.isdigit() or not typed:
            return [Reply(texts.STALE_BUTTON)]
        found = self.catalog.resolve(typed)
        if action == "uns":
            found = await self._among_own(incoming, found)
        return [self._clarify(typed, found, action, int(page))]

    async def _among_own(self, incoming: Incoming, found: Resolution) -> Resolution:
        """To unsubscribe, a partial name lists only the resident's own choices among its
        matches (all of them when none matches: the answer then says it is not chosen)."""
        if not found.partial:
            return found
        async with self._sessions() as session:
            own = {(c.kind, c.value) for c in await self._choices_of(session, incoming) or []}
        mine = {
            (c.kind, c.value): c for c in reversed(found.suggestions) if (c.kind, c.value) in own
        }
        ordered = sorted(mine.values(), key=found.suggestions.index)
        return Resolution(suggestions=ordered, partial=True) if ordered else found

    async def _press_recent(self, incoming: Incoming, argument: str) -> list[Reply]:
        """The latest articles about a choice just made (offered after /dangky)."""
        choice = self._choice_from(argument)
        if choice is None:
            return [Reply(texts.STALE_BUTTON)]
        async with self._sessions() as session:
            found = await latest_about(session, Kind(choice.kind), choice.value, RECENT_OFFERED)
        if not found:
            return [Reply(texts.no_recent(choice.display))]
        views = [article_view(item.row.article, item.communes, item.topics) for item in found]
        return render_article_list(texts.recent_heading(choice.display), views, self._limit)

    async def _press_broadcast(self, incoming: Incoming, argument: str) -> list[Reply]:
        scopes = self._admins.scopes(incoming.channel, incoming.user_id)
        if not scopes:
            return self._refuse(incoming, f"button bc:{argument}")
        return await self._broadcasts.press(incoming, argument, scopes)

    # -- shared steps ---------------------------------------------------------------------

    async def _subscribe_to(
        self, incoming: Incoming, choice: Choice, typed: str | None
    ) -> list[Reply]:
        async with self._sessions.begin() as session:
            resident = await self._resident(session, incoming)
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
        offer = [[self._button(texts.recent_offer(choice.display), "recent", choice)]]
        return [Reply(text, offer if recent else [])]

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
            chosen = await self._choices_of(session, incoming)
        if chosen is None:
            return [Reply(texts.NOT_A_RESIDENT)]
        if not chosen:
            return [Reply(texts.NOTHING_TO_CLEAR)]
        buttons = [self._button(c.display, "uns", c) for c in chosen]
        buttons.append(Button(texts.UNSUBSCRIBE_ALL_BUTTON, "uns:all"))
        return [Reply(texts.UNSUBSCRIBE_WHAT, self._rows(buttons, 1))]

    async def _clear(self, incoming: Incoming) -> list[Reply]:
        async with self._sessions.begin() as session:
            resident = await residents.find(session, incoming.channel, incoming.chat_id)
            if resident is None:
                return [Reply(texts.NOT_A_RESIDENT)]
            cleared = await subscriptions.clear(session, resident.id)
        return [Reply(texts.CLEARED if cleared else texts.NOTHING_TO_CLEAR)]

    def _clarify(self, typed: str, found: Resolution, action: str, page: int = 1) -> Reply:
        """Several meanings, or none: ask with buttons (every unit whose name holds what was
        typed, or close names), a page at a time with "Thêm…" for the next."""
        options = found.candidates or found.suggestions
        pages = page_count(len(options))
        page = min(max(page, 1), pages)
        buttons = [
            self._button(texts.choice_label(c.display, c.old_name), action, c)
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
        return Reply(text, self._rows(buttons, 1))

    async def _resident(self, session: AsyncSession, incoming: Incoming) -> Resident:
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

    async def _choices_of(self, session: AsyncSession, incoming: Incoming) -> list[Choice] | None:
        """The chat's choices with their labels; None when the chat is no resident."""
        resident = await residents.find(session, incoming.channel, incoming.chat_id)
        if resident is None:
            return None
        chosen = await subscriptions.list_for(session, resident.id)
        return [self.catalog.stored(ChoiceKind(c.kind), c.value) for c in chosen]

    def _choice_from(self, argument: str) -> Choice | None:
        code, _, value = argument.partition(":")
        kind = KIND_CODES.get(code)
        return self.catalog.choice(kind, value) if kind else None

    @staticmethod
    def _refuse(incoming: Incoming, what: str) -> list[Reply]:
        log.warning(
            "refused %s by non-administrator %s:%s", what, incoming.channel, incoming.user_id
        )
        return [Reply(texts.NOT_ADMIN)]

    @staticmethod
    def _button(label: str, action: str, choice: Choice) -> Button:
        code = "c" if choice.kind is ChoiceKind.COMMUNE else "t"
        data = f"{action}:{code}:{choice.value}"
        if len(data.encode("utf-8")) > CALLBACK_MAX_BYTES:
            raise ValueError(f"callback data over {CALLBACK_MAX_BYTES} bytes: {data!r}")
        return Button(label, data)

    @staticmethod
    def _rows(buttons: Sequence[Button], per_row: int) -> list[list[Button]]:
        return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def count_note(args: str) -> str | None:
    """Why /tinmoi shows another number than typed ("chỉ hiện tối đa 10 tin"), if it does."""
    word = args.split()[0] if args.split() else ""
    try:
        if not word or 1 <= int(word) <= LATEST_MAX:
            return None
    except ValueError:
        pass
    return texts.latest_clamped(word, parse_count(args), LATEST_MAX)


def parse_count(args: str) -> int:
    """The n of /tinmoi n, clamped to 1..10; 5 when missing or not a number."""
    try:
        count = int(args.split()[0]) if args.split() else LATEST_DEFAULT
    except ValueError:
        return LATEST_DEFAULT
    return max(1, min(LATEST_MAX, count))
