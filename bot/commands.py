"""Resident commands, written once for every channel.

Adapters turn platform updates into ``Incoming`` and send back the ``Reply`` list that
``Commands.handle`` returns. A resident is (incoming.channel, incoming.chat_id). Every command has
an English name and Vietnamese aliases, and most also answer to plain words ("dang ky pom lot").

Button presses carry short callback data (≤ 64 bytes), "<action>:<argument>": ``sub:…``,
``uns:…``, ``pick:c`` and ``more:…`` belong to the subscribe/unsubscribe flow (``bot.subscribing``),
``bc:send:<id>``/``bc:cancel:<id>`` answer a broadcast preview (``bot.broadcast``),
``recent:c:…``/``recent:t:…`` the latest articles about a new choice, ``stop:yes``/``stop:no``
answer /stop's question.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from base.timefmt import zone
from bot import texts
from bot.admins import Admins
from bot.broadcast import Broadcasts
from bot.catalog import Catalog, ChoiceKind
from bot.channel import Button, Incoming, Reply
from bot.media_broadcast import MediaDrafts
from bot.pages import continued_pages
from bot.render import article_view, html_to_text, render_article_list, utf16_len
from bot.rhythm import RhythmCommands
from bot.subscribing import ChoiceFlow
from bot.understanding import Understanding
from bot.wording import routed
from news.text import fold
from storage import residents, sources, subscriptions
from storage.articles import list_articles
from storage.recent import latest_about, latest_among
from storage.subscriptions import Kind

log = logging.getLogger(__name__)

LATEST_DEFAULT, LATEST_MAX = 5, 10
RECENT_OFFERED = 3  # articles offered after a new subscription
SEARCH_LIMIT = 10
CONSOLE = "console"


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
        self._operator = settings.places.operator or settings.places.province_name
        self._sources = settings.sources  # /gioithieu names them, with those added on the page
        self._limit = text_limit
        self._choices = ChoiceFlow(sessions, lambda: self.catalog)
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
            "subscribe": lambda r: self._choices.subscribe(r.incoming, r.args),
            "unsubscribe": lambda r: self._choices.unsubscribe(r.incoming, r.args),
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
            "info": self.info,
        }
        self._presses: dict[str, Callable[[Incoming, str], Awaitable[list[Reply]]]] = {
            "sub": self._choices.press_subscribe,
            "uns": self._choices.press_unsubscribe,
            "pick": self._choices.press_pick,
            "bc": self._press_broadcast,
            "more": self._choices.press_more,
            "recent": self._press_recent,
            "stop": self._press_stop,
            "cmd": lambda i, a: self._understanding.press_command(i, a, self.handle),
        }
        self._understanding = Understanding(
            sessions,
            lambda: self.catalog,
            {name: _with_args(handler) for name, handler in self._handlers.items()},
            text_limit,
            self._choices.clarify,
        )

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
            await self._wrote(incoming)
            if incoming.callback_data is not None:
                return await self._press(incoming, incoming.callback_data)
            if not incoming.text.strip():
                return [Reply(texts.ONLY_TEXT)]
            command = routed(incoming.text)  # "/" commands first (``bench`` reads the same way)
            if command is not None:
                name, args = command
                if name is None:
                    return await self._understanding.unknown_command(incoming)
                return await self._handlers[name](Request(incoming, args))
            return await self._words(incoming)
        except Exception:
            log.exception("command failed on %s chat %s", incoming.channel, incoming.chat_id)
            return [Reply(texts.ERROR)]

    async def _words(self, incoming: Incoming) -> list[Reply]:
        """A message in the resident's own words: what ``news.intents`` reads in it; a
        command word it does not know (``bot.wording``: "id", "dsxa") is still a command
        (``bot.wording.meaning``, the reading the intents bench scores)."""
        return await self._understanding.answer(
            incoming, self._understanding.meaning(incoming.text)
        )

    async def _wrote(self, incoming: Incoming) -> None:
        """A resident who writes (or presses) can be reached: deactivated, they are active
        again, with the choices they had."""
        try:
            async with self._sessions.begin() as session:
                if not await residents.reactivate(session, incoming.channel, incoming.chat_id):
                    return
        except Exception:  # the answer matters more; a database failure shows in the command
            log.debug("could not re-activate %s chat %s", incoming.channel, incoming.chat_id)
            return
        log.info("%s chat %s wrote again: active again", incoming.channel, incoming.chat_id)

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
            resident = await self._choices.resident(session, request.incoming)
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

    async def info(self, request: Request) -> list[Reply]:
        """/gioithieu, "bot này của ai", "tin lấy từ đâu": what Loa is, who runs it and the
        portals its news comes from (the file's and those added on the admin page)."""
        async with self._sessions() as session:
            every = await sources.every_source(session, self._sources)
        shown = [(s.title or s.name, urlsplit(s.url).hostname or s.url) for s in every]
        return [Reply(texts.about_loa(self._operator, list(dict.fromkeys(shown))))]

    async def greet(self, request: Request) -> list[Reply]:
        """Greetings ("xin chào", "chào", "hi"): a friendly answer with the main commands; to
        someone who receives nothing (never started, or stopped), how to start."""
        incoming = request.incoming
        async with self._sessions() as session:
            resident = await residents.find(session, incoming.channel, incoming.chat_id)
        if resident is None or not resident.active:
            return [Reply(texts.GREETING_NOT_RECEIVING)]
        return [Reply(texts.GREETING)]

    async def subscriptions(self, request: Request) -> list[Reply]:
        """/subscriptions, /cuatoi: what this chat receives."""
        async with self._sessions() as session:
            chosen = await self._choices.choices_of(session, request.incoming)
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
        """/latest [n], /tinmoi [n]: the n newest articles about what the resident chose (all
        articles for one who receives everything, or with "tatca"; default 5, at most 10); a
        number out of range is clamped, and the answer says so."""
        everything = fold(request.args).replace(" ", "") in ("tatca", "all", "het")
        args = "" if everything else request.args
        count, note = parse_count(args), count_note(args)
        async with self._sessions() as session:
            chosen = [] if everything else await self._choices.own(session, request.incoming)
            found = await latest_among(session, chosen, count) if chosen else []
            heading = texts.LATEST_MINE_HEADING if found else texts.LATEST_HEADING
            if chosen and not found:
                note = "\n".join(filter(None, [note, texts.LATEST_MINE_NONE]))
            if not found:
                found = await list_articles(session, count)
        if not found:
            return [Reply(texts.NO_ARTICLES)]
        if chosen:
            note = "\n".join(filter(None, [note, texts.LATEST_ALL_HINT]))
        views = [article_view(item.row.article, item.communes, item.topics) for item in found]
        if note is None:
            return render_article_list(heading, views, self._limit)
        room = self._limit - utf16_len(html_to_text(note)) - 1
        first, *rest = render_article_list(heading, views, room)
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

    async def _press_stop(self, incoming: Incoming, argument: str) -> list[Reply]:
        """The answer to /stop's question: delete everything, or keep it all."""
        if argument != "yes":
            return [Reply(texts.STOP_KEPT)]
        async with self._sessions.begin() as session:
            deleted = await residents.delete_all(session, incoming.channel, incoming.chat_id)
        log.info("resident on %s stopped (data deleted: %s)", incoming.channel, deleted)
        return [Reply(texts.STOPPED if deleted else texts.STOP_NOTHING)]

    async def _press_recent(self, incoming: Incoming, argument: str) -> list[Reply]:
        """The latest articles about a choice just made (offered after /dangky)."""
        choice = self._choices.choice_from(argument)
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

    @staticmethod
    def _refuse(incoming: Incoming, what: str) -> list[Reply]:
        log.warning(
            "refused %s by non-administrator %s:%s", what, incoming.channel, incoming.user_id
        )
        return [Reply(texts.NOT_ADMIN)]


def _with_args(handler: Handler) -> Callable[[Incoming, str], Awaitable[list[Reply]]]:
    """``handler`` called with a message and its arguments (how ``Understanding`` calls)."""
    return lambda incoming, args: handler(Request(incoming, args))


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
