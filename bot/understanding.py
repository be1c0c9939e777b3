"""Messages in residents' own words, answered by the commands they mean (``news.intents``).

``Commands.handle`` gives every message without a "/" to ``Understanding.answer``: the parser
names the intent, and the same handlers as the slash commands answer it, so a command is still
written once for every channel. What only plain words can ask has its answers here: a commune or
topic named alone (its latest news and a button to subscribe), thanks, "Có phải … không?" after
a typo, and the two or three likeliest actions when nothing fits. Their buttons carry
``cmd:<slash command>`` (answered by ``press_command``: the command as if typed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.catalog import Catalog, Choice, Resolution
from bot.channel import Button, Incoming, Reply
from bot.render import article_view, render_article_list
from bot.subscribing import CALLBACK_MAX_BYTES, choice_button, collided, rows
from bot.wording import meaning
from news import intents
from news.intents import Intent, IntentParser
from storage.recent import latest_about
from storage.subscriptions import Kind

Handler = Callable[[Incoming, str], Awaitable[list[Reply]]]
ABOUT_SHOWN = 3  # articles shown for a commune or topic named alone
NAME_MAX = 40  # a longer message not understood is no misspelt name

# The slash command each intent stands for (buttons "Có phải …?" and the offered actions).
SLASH = {
    intents.LATEST: "/tinmoi",
    intents.SUBSCRIBE: "/dangky",
    intents.UNSUBSCRIBE: "/huydangky",
    intents.BULLETIN: "/bantin",
    intents.QUIET: "/yentinh",
    intents.SEARCH: "/timkiem",
    intents.HELP: "/huongdan",
    intents.INFO: "/gioithieu",
    intents.MINE: "/cuatoi",
    intents.COMMUNES: "/dsxa",
    intents.TOPICS: "/chude",
    intents.START: "/start",
    intents.STOP: "/stop",
}


class Understanding:
    """Answers an ``Intent`` with the command handlers; construct once per ``Commands``."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        catalog: Callable[[], Catalog],
        handlers: Mapping[str, Handler],
        text_limit: int,
        clarify: Callable[[str, Resolution, str], Reply],
    ) -> None:
        """``handlers`` answer the intents that are commands (by intent name); ``clarify``
        asks which place a name means (``ChoiceFlow.clarify``: buttons a page at a time)."""
        self._sessions = sessions
        self._catalog = catalog
        self._handlers = handlers
        self._limit = text_limit
        self._parser: IntentParser | None = None
        self._clarify = clarify

    def read(self, text: str) -> Intent:
        return self._intents().parse(text)

    def meaning(self, text: str) -> Intent:
        """A message without a "/": the parser's reading, or a command word (``bot.wording``)."""
        return meaning(text, self._intents())

    def _intents(self) -> IntentParser:
        if self._parser is None:  # the catalogue loads on first use
            self._parser = IntentParser(self._catalog().resolver)
        return self._parser

    async def unknown_command(self, incoming: Incoming) -> list[Reply]:
        """A "/" command Loa does not know: what its words would mean, asked back ("/dnagky
        pom lot": "Có phải … đăng ký nhận tin “pom lot”?"), else the likeliest actions."""
        meant = self.read(incoming.text.strip()[1:])
        if meant.name in SLASH and meant.name != intents.STOP:
            return [self._did_you_mean(meant)]
        return await self.answer(incoming, meant if meant.guess else Intent(intents.UNKNOWN))

    async def answer(self, incoming: Incoming, intent: Intent) -> list[Reply]:
        """The reply to a message read as ``intent``."""
        if intent.name == intents.THANKS:
            return [Reply(texts.THANKS)]
        if intent.name == intents.ABOUT:
            return await self.about(incoming, intent)
        handler = self._handlers.get(intent.name)
        if handler is not None:
            replies = await handler(incoming, intent.args)
            for another in intent.more:  # "đăng ký Mường Phăng và Thanh Nưa": each in turn
                replies += await handler(incoming, another.args)
            return replies
        if intent.guess is not None:
            return [self._did_you_mean(intent.guess)]
        return [self._offer(incoming.text, intent.choice)]

    async def about(self, incoming: Incoming, intent: Intent) -> list[Reply]:
        """A commune or topic named alone: its latest news, and a button to subscribe."""
        choice = intent.choice
        if choice is None:  # several places ("Na Tông", "mường"): which one to read about
            return [self._clarify(intent.args, self._catalog().resolve(intent.args), "recent")]
        async with self._sessions() as session:
            found_articles = await latest_about(
                session, Kind(choice.kind), choice.value, ABOUT_SHOWN
            )
        subscribe = [[choice_button(texts.subscribe_offer(choice.display), "sub", choice)]]
        head = texts.merged(choice.old_name, choice.display) + "\n" if choice.old_name else ""
        other, others = collided(self._catalog(), choice)  # "Sam Mứn": the old one is elsewhere
        head, subscribe = (head + other + "\n" if other else head), subscribe + others
        if not found_articles:
            return [Reply(head + texts.no_recent_about(choice.display), subscribe)]
        views = [article_view(i.row.article, i.communes, i.topics) for i in found_articles]
        heading = head + texts.recent_heading(choice.display)
        *first, last = render_article_list(heading, views, self._limit)
        return [*first, replace(last, buttons=subscribe)]

    async def press_command(
        self, incoming: Incoming, command: str, handle: Callable[[Incoming], Awaitable[list[Reply]]]
    ) -> list[Reply]:
        """cmd:…: a suggested command, answered as if the resident had typed it."""
        if not command.startswith("/"):
            return [Reply(texts.STALE_BUTTON)]
        return await handle(replace(incoming, text=command, callback_data=None))

    def _did_you_mean(self, guess: Intent) -> Reply:
        """A typo close to a command: ask, with a button that does it."""
        yes = _command_button(texts.YES_BUTTON, guess)
        if yes is None:
            return self._offer("")
        action = texts.INTENT_NAMES.get(guess.name, guess.name)
        return Reply(texts.did_you_mean(action, guess.args), [[yes]])

    def _offer(self, typed: str, named: Choice | None = None) -> Reply:
        """Not understood: the likeliest actions as buttons (numbered on Zalo); a commune or
        topic ``named`` in the message first (its news, subscribing to it)."""
        offered: list[Button] = []
        typed = typed.strip()
        if named is not None:
            offered.append(_about_button(named))
            offered.append(choice_button(texts.subscribe_offer(named.display), "sub", named))
        if typed.startswith("/"):  # an unknown command: no place or search to guess from it
            offered.append(Button(texts.SUBSCRIBE_OFFER, "cmd:/dangky"))
        if named is None and typed[:1].isalpha() and len(typed) <= NAME_MAX:
            close = self._catalog().resolve(typed).suggestions
            offered += [_about_button(close[0])] if close else []
        search = _command_button(texts.search_offer(typed), Intent(intents.SEARCH, typed))
        if search is not None and typed[:1].isalnum() and not typed.isdigit():
            offered.append(search)
        offered.append(Button(texts.LATEST_OFFER, "cmd:/tinmoi"))
        offered.append(Button(texts.HELP_OFFER, "cmd:/huongdan"))
        return Reply(texts.unknown(typed), rows(offered[:3], 1))


def _about_button(choice: Choice) -> Button:
    return choice_button(texts.recent_offer(choice.display), "recent", choice)


def _command_button(label: str, intent: Intent) -> Button | None:
    """A button doing ``intent`` as its slash command; None when it does not fit 64 bytes."""
    slash = SLASH.get(intent.name)
    if slash is None:
        return None
    data = f"cmd:{slash} {intent.args}".strip()
    return Button(label, data) if len(data.encode("utf-8")) <= CALLBACK_MAX_BYTES else None
