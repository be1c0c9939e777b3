"""Who may broadcast, and to whom (pure: no I/O).

Two kinds of administrator:

- province-wide: ``[telegram] admins`` / ``[zalo] admins``, whoever runs the console (``loa
  chat``) and the operator at the CLI without ``--as``; they may address every resident;
- commune administrators: ``[[commune_admins]]`` tables; they may address only the residents of
  their commune(s) (those who chose it, or one of the old communes it absorbed: old names are
  stored as today's unit when residents subscribe).

A user listed as province-wide is province-wide even when a commune table names them too. A user
in several tables administers several communes: ``scope`` is their whole reach, ``scopes`` one
scope per commune (each signed with that commune's name), for asking which.

Every path that broadcasts (chat, CLI, admin page) asks ``refusal`` before storing anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from base.config import Settings
from bot import texts
from bot.catalog import Catalog, ChoiceKind
from storage.broadcast_targets import Target

CONSOLE = "console"
OPERATOR = "cli"
CHANNELS = ("telegram", "zalo")


@dataclass(frozen=True, slots=True)
class AdminScope:
    """An administrator as they act: who, the signature residents see, and their reach."""

    who: str  # "zalo:<id>", "telegram:<id>", "cli", "console", "web:zalo:<id>" …
    name: str  # the signature shown to residents and in the audit
    communes: tuple[str, ...]  # today's unit names this admin may address; () = province-wide

    @property
    def province_wide(self) -> bool:
        return not self.communes

    @property
    def kind(self) -> str:
        """The audit's ``scope``: "province" or "commune"."""
        return "province" if self.province_wide else "commune"

    def as_who(self, who: str) -> AdminScope:
        """The same reach acting through another door (``web:zalo:<id>``)."""
        return AdminScope(who, self.name, self.communes)


class Admins:
    """Administrators from the settings (communes already resolved at load)."""

    def __init__(self, settings: Settings) -> None:
        self._province_name = settings.places.province_name
        self._province: dict[str, frozenset[str]] = {
            "telegram": frozenset(str(a) for a in settings.telegram.admins),
            "zalo": frozenset(settings.zalo.admins),
        }
        # (channel, user id) -> [(commune, signature)], in the file's order, each commune once.
        self._communes: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for table in settings.commune_admins:
            name = table.name or f"UBND {table.commune}"
            ids = [("telegram", str(i)) for i in table.telegram] + [
                ("zalo", str(i)) for i in table.zalo
            ]
            for key in ids:
                entries = self._communes.setdefault(key, [])
                if all(commune != table.commune for commune, _ in entries):
                    entries.append((table.commune, name))

    def operator(self) -> AdminScope:
        """The CLI without ``--as``: province-wide, signed with ``[places] province_name``."""
        return AdminScope(OPERATOR, self._province_name, ())

    def scope(self, channel: str, user_id: str | None) -> AdminScope | None:
        """This user's whole reach; None when they are no administrator."""
        if channel == CONSOLE:
            return AdminScope(CONSOLE, self._province_name, ())
        if user_id is None:
            return None
        who = f"{channel}:{user_id}"
        if user_id in self._province.get(channel, frozenset()):
            return AdminScope(who, self._province_name, ())
        entries = self._communes.get((channel, user_id))
        if not entries:
            return None
        names = ", ".join(dict.fromkeys(name for _, name in entries))
        return AdminScope(who, names, tuple(commune for commune, _ in entries))

    def scopes(self, channel: str, user_id: str | None) -> list[AdminScope]:
        """One scope per commune for a commune administrator (each with its signature); the
        one province-wide scope for a province administrator; [] for anyone else."""
        whole = self.scope(channel, user_id)
        if whole is None or whole.province_wide:
            return [whole] if whole else []
        entries = self._communes[(channel, str(user_id))]
        return [AdminScope(whole.who, name, (commune,)) for commune, name in entries]

    def find(self, who: str) -> AdminScope | None:
        """The scope of ``who`` written as "zalo:<id>" or "telegram:<id>" (``loa broadcast
        --as``); None when it names no administrator."""
        channel, colon, user_id = who.strip().partition(":")
        if not colon or channel not in CHANNELS or not user_id.strip():
            return None
        return self.scope(channel, user_id.strip())

    def is_admin(self, channel: str, user_id: str | None) -> bool:
        return self.scope(channel, user_id) is not None


def refusal(scope: AdminScope, target: Target, catalog: Catalog | None = None) -> str | None:
    """None when ``scope`` may address ``target``; else the Vietnamese reason to show.

    A commune administrator may address their commune, or a topic within it; not another
    commune, a topic alone (it reaches the whole province) or everyone. With ``catalog`` the
    reason names places and topics as residents read them ("xã Sam Mứn")."""
    if scope.province_wide:
        return None

    def label(kind: ChoiceKind, value: str) -> str:
        return catalog.label(kind, value) if catalog is not None else value

    own = [label(ChoiceKind.COMMUNE, c) for c in scope.communes]
    if target.commune is None:
        if target.topic is not None:
            return texts.refused_topic(label(ChoiceKind.TOPIC, target.topic), own)
        return texts.refused_province(own)
    if target.commune not in scope.communes:
        return texts.refused_other_commune(label(ChoiceKind.COMMUNE, target.commune), own)
    return None


def refusal_reason(scope: AdminScope, target: Target) -> str | None:
    """``refusal`` in English, for the log and the CLI: None when allowed."""
    if scope.province_wide:
        return None
    own = ", ".join(scope.communes)
    if target.commune is None:
        reach = f"topic {target.topic!r}" if target.topic else "everyone"
        return f"{scope.who} administers {own} only; {reach} is province-wide"
    if target.commune not in scope.communes:
        return f"{scope.who} administers {own} only, not {target.commune}"
    return None


@dataclass(frozen=True, slots=True)
class Decision:
    """What one broadcast attempt becomes (``decide``): exactly one of

    - allowed: ``scope`` signs it and ``target`` is what it reaches (a commune administrator's
      "everyone" narrowed to their commune);
    - refused: ``refusal`` to show (Vietnamese), ``reason`` to log (English);
    - ask: several communes could be meant; ``ask`` holds one scope per commune.
    """

    target: Target
    scope: AdminScope | None = None
    refusal: str | None = None
    reason: str | None = None
    ask: tuple[AdminScope, ...] = field(default=())


def union(scopes: Sequence[AdminScope]) -> AdminScope:
    """One scope reaching what all of ``scopes`` reach (province-wide if any is)."""
    if not scopes:
        raise ValueError("no scope")
    if any(s.province_wide for s in scopes):
        return next(s for s in scopes if s.province_wide)
    communes = tuple(dict.fromkeys(c for s in scopes for c in s.communes))
    names = ", ".join(dict.fromkeys(s.name for s in scopes))
    return AdminScope(scopes[0].who, names, communes)


def decide(
    scopes: Sequence[AdminScope], target: Target, catalog: Catalog | None = None
) -> Decision:
    """The rule for every door (chat, CLI, admin page), given what the administrator named.

    ``scopes`` is ``Admins.scopes`` of the author (not empty). A province-wide administrator
    reaches what they named, signed with the province. A commune administrator who named no
    commune and no topic means their commune (asked for when they have several); naming one of
    their communes signs with that commune's name; anything else is refused."""
    whole = union(scopes)
    if whole.province_wide:
        return Decision(target, scope=whole)
    if target.commune is None and target.topic is None:
        if len(scopes) > 1:
            return Decision(target, ask=tuple(scopes))
        target = replace(target, commune=scopes[0].communes[0])
    signer = next((s for s in scopes if target.commune in s.communes), None)
    if signer is None:
        return Decision(
            target, refusal=refusal(whole, target, catalog), reason=refusal_reason(whole, target)
        )
    return Decision(target, scope=signer)
