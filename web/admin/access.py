"""Who may use the admin page: the administrators of ``bot.admins`` (the channels' ``admins``,
province-wide, and the commune administrators), re-checked on every request, so someone removed
from the settings loses access at once."""

from __future__ import annotations

from bot.admins import CHANNELS, Admins, AdminScope
from loa.config import Settings


class Access:
    """Looks administrators up by "<channel>:<user id>" (what a login link is issued for)."""

    def __init__(self, settings: Settings) -> None:
        self._admins = Admins(settings)

    def scope(self, who: str) -> AdminScope | None:
        """The administrator ``who`` is, acting as "web:<who>" (the audit); None when ``who``
        names nobody who administers anything (any more)."""
        channel, _, user_id = who.partition(":")
        if channel not in CHANNELS or not user_id:
            return None
        found = self._admins.scope(channel, user_id)
        return found.as_who(f"web:{who}") if found is not None else None

    def scopes(self, who: str) -> list[AdminScope]:
        """One scope per commune for a commune administrator (each signed with its commune),
        acting as "web:<who>"; what ``bot.admins.decide`` chooses the signer from."""
        channel, _, user_id = who.partition(":")
        if channel not in CHANNELS or not user_id:
            return []
        return [s.as_who(f"web:{who}") for s in self._admins.scopes(channel, user_id)]
