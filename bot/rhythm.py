"""Chat commands for a resident's rhythm: ``/bantin`` (``/digest``) and ``/yentinh`` (``/quiet``).

``/bantin 07:00`` switches from one message per article to one bulletin a day at that time;
``/bantin tat`` (``off``) switches back; ``/bantin`` alone shows the setting and how to change
it. ``/yentinh 22:00-06:00`` holds news in that window (it may span midnight); ``/yentinh tat``
ends it. Times are Vietnam time (``[places] timezone``). The settings live on the resident's row
(``storage.rhythm``), so they survive restarts and are seen by every instance. An
administrator's ``/thongbao gấp: TEXT`` goes out in quiet hours too (``split_urgent``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.channel import Incoming, Reply
from news.rhythm import Window
from news.spoken_time import bulletin_argument, quiet_argument
from news.text import fold
from storage import residents, rhythm
from storage.models import Resident, utcnow
from storage.rhythm import Rhythm

# "/thongbao gấp: TEXT": an ordinary broadcast that also reaches residents in quiet hours.
URGENT_WORDS = frozenset({"gap", "urgent"})


def split_urgent(args: str) -> tuple[bool, str]:
    """Whether a broadcast's text starts with "gấp:" (or "urgent:"), and the rest."""
    head, colon, rest = args.partition(":")
    if colon and fold(head).strip() in URGENT_WORDS:
        return True, rest.strip()
    return False, args


class RhythmCommands:
    """The two handlers, and the lines ``/cuatoi`` shows about them."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        tz: tzinfo,
        *,
        now: Callable[[], datetime] = utcnow,
        on_changed: Callable[[], None] | None = None,
    ) -> None:
        """``on_changed``: a setting changed (wakes this instance's rhythm job)."""
        self._sessions = sessions
        self._tz = tz
        self._now = now
        self._on_changed = on_changed

    async def bulletin(self, incoming: Incoming, args: str) -> list[Reply]:
        """/bantin [HH:MM | tat]: one bulletin a day at that time, or every article at once."""
        if not args.strip():
            current = await self._current(incoming)
            return [Reply(texts.bulletin_status(current.bulletin_time if current else None))]
        at = bulletin_argument(args)
        if at == "off":
            changed = await self._change(incoming, lambda old: Rhythm(None, old.quiet))
            return [Reply(texts.BULLETIN_OFF if changed else texts.BULLETIN_ALREADY_OFF)]
        if not isinstance(at, time):
            return [Reply(texts.bulletin_invalid(args))]
        await self._change(incoming, lambda old: Rhythm(at, old.quiet))
        return [Reply(texts.bulletin_set(f"{at:%H:%M}"))]

    async def quiet(self, incoming: Incoming, args: str) -> list[Reply]:
        """/yentinh [HH:MM-HH:MM | tat]: hold news during that window every day."""
        if not args.strip():
            current = await self._current(incoming)
            stored = current.quiet_hours if current else None
            return [Reply(texts.quiet_status(_shown(stored) if stored else None))]
        window = quiet_argument(args)
        if window == "off":
            changed = await self._change(incoming, lambda old: Rhythm(old.bulletin, None))
            return [Reply(texts.QUIET_OFF if changed else texts.QUIET_ALREADY_OFF)]
        if not isinstance(window, Window):
            return [Reply(texts.quiet_invalid(args))]
        await self._change(incoming, lambda old: Rhythm(old.bulletin, window))
        return [Reply(texts.quiet_set(_shown(str(window))))]

    async def summary(self, session: AsyncSession, incoming: Incoming) -> str:
        """Both settings as lines for /cuatoi ("" when the chat is no resident)."""
        resident = await residents.find(session, incoming.channel, incoming.chat_id)
        if resident is None:
            return ""
        quiet = _shown(resident.quiet_hours) if resident.quiet_hours else None
        return texts.rhythm_lines(resident.bulletin_time, quiet)

    async def _current(self, incoming: Incoming) -> Resident | None:
        async with self._sessions() as session:
            return await residents.find(session, incoming.channel, incoming.chat_id)

    async def _change(self, incoming: Incoming, new: Callable[[Rhythm], Rhythm]) -> bool:
        """Apply ``new`` to the resident's rhythm (the resident is created if need be);
        return whether anything changed."""
        async with self._sessions.begin() as session:
            resident, _ = await residents.get_or_create(
                session,
                incoming.channel,
                incoming.chat_id,
                user_id=incoming.user_id,
                display_name=incoming.display_name,
            )
            old = Rhythm.of(resident)
            wanted = new(old)
            if wanted == old:
                return False
            await rhythm.set_rhythm(session, resident, wanted, self._now(), self._tz)
        if self._on_changed is not None:
            self._on_changed()
        return True


def _shown(window: str) -> str:
    """Stored "22:00-06:00" as residents read it: "22:00–06:00"."""
    return window.replace("-", "–")
