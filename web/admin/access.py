"""Who may use the admin page: the administrators of ``bot.admins`` (the channels' ``admins``,
province-wide, and the commune administrators), re-checked on every request, so someone removed
from the settings loses access at once."""

from __future__ import annotations

from base.config import Settings
from bot import texts
from bot.admins import CHANNELS, CONSOLE, OPERATOR, Admins, AdminScope


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

    def person(self, created_by: str) -> str:
        """A broadcast's ``created_by`` ("web:telegram:111", "zalo:5b1c", "cli:zalo:5b1c",
        "cli", "console") as the person it is, never the raw id."""
        door, _, rest = created_by.partition(":")
        if door in ("web", OPERATOR) and rest:
            created_by = rest
        elif created_by == OPERATOR:
            return texts.ADMIN_OPERATOR
        if created_by == CONSOLE:
            return texts.ADMIN_CONSOLE
        channel, _, user_id = created_by.partition(":")
        found = self._admins.scope(channel, user_id) if channel in CHANNELS else None
        if found is None:
            return texts.admin_person(channel, None, False)
        return texts.admin_person(channel, found.name, found.province_wide)
