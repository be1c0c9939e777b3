"""What residents type, resolved to a commune or a topic.

Accepts names with or without diacritics, any case, with or without "xã"/"phường"/"p."/"x.", old
(pre-2025) commune names too, and topic slugs or names. The answer is data; the Vietnamese
sentences ("Xã Pom Lót nay thuộc xã Sam Mứn") are written by ``bot.texts`` from it.
"""

from __future__ import annotations

import difflib
import enum
import re
from dataclasses import dataclass, field

from news.places import Gazetteer, LegacyUnit, Unit
from news.text import fold, nfc
from news.topics import Taxonomy, Topic

_PREFIX = re.compile(r"^(?:(xa|x\.|phuong|p\.|thi tran|tt\.?)\s*)?(.*)$")
_KIND = {"xa": "xã", "x.": "xã", "phuong": "phường", "p.": "phường"}
_SUGGESTIONS = 3
_CUTOFF = 0.75


class ChoiceKind(enum.StrEnum):
    COMMUNE = "commune"  # value: a current unit's name without prefix ("Sam Mứn")
    TOPIC = "topic"  # value: a topic slug ("canh-bao")


@dataclass(frozen=True, slots=True)
class Choice:
    """Something a resident can subscribe to.

    ``display`` is how to name it to a resident ("xã Sam Mứn", "Cảnh báo – Thiên tai");
    ``old_name`` is set when the resident typed a pre-2025 name ("xã Pom Lót").
    """

    kind: ChoiceKind
    value: str
    display: str
    old_name: str | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """Exactly one of: a ``choice``; several ``candidates`` to pick from; or nothing known, with
    close ``suggestions`` (possibly empty)."""

    choice: Choice | None = None
    candidates: list[Choice] = field(default_factory=list)
    suggestions: list[Choice] = field(default_factory=list)


class Resolver:
    """Resolves typed text against one gazetteer and one taxonomy (pure, no I/O)."""

    def __init__(self, gazetteer: Gazetteer, taxonomy: Taxonomy) -> None:
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
        self._topics: dict[str, Topic] = {}
        for topic in taxonomy.topics:
            for alias in (topic.slug, topic.name, *re.split(r"\s[–-]\s", topic.name)):
                self._topics.setdefault(_key(alias), topic)
        self._known = sorted(gazetteer.names() - gazetteer.districts() | set(self._topics))

    def resolve(self, typed: str) -> Resolution:
        found = self._lookup(typed)
        if len(found) == 1:
            return Resolution(choice=found[0])
        if found:
            return Resolution(candidates=found)
        return Resolution(suggestions=self._suggest(typed))

    def _lookup(self, typed: str) -> list[Choice]:
        key = _key(typed)
        prefix, bare = _PREFIX.match(key).groups()  # type: ignore[union-attr]
        kind = _KIND.get(prefix or "")
        found = self._communes(bare, kind, nfc(typed).strip().lower())
        topic = self._topics.get(key) if prefix is None else None
        if topic:
            found.append(Choice(ChoiceKind.TOPIC, topic.slug, topic.name))
        return list(dict.fromkeys(found))

    def _communes(self, bare: str, kind: str | None, spelled: str) -> list[Choice]:
        current = [u for u in self.gazetteer.current(bare) if kind in (None, u.kind)]
        if current:
            return [_commune(u) for u in current]
        old = [u for u in self.gazetteer.old(bare) if kind in (None, u.kind)]
        exact = [u for u in old if spelled.endswith(u.name.lower())]
        return [self._successor(u, s) for u in exact or old for s in u.successors]

    def _successor(self, old: LegacyUnit, name: str) -> Choice:
        unit = self.gazetteer.unit(name)
        display = unit.full_name if unit else name
        return Choice(ChoiceKind.COMMUNE, name, display, old_name=old.full_name)

    def _suggest(self, typed: str) -> list[Choice]:
        _, bare = _PREFIX.match(_key(typed)).groups()  # type: ignore[union-attr]
        close = difflib.get_close_matches(bare, self._known, n=_SUGGESTIONS, cutoff=_CUTOFF)
        suggestions: list[Choice] = []
        for name in close:
            suggestions.extend(self._lookup(name))
        return list(dict.fromkeys(suggestions))[:_SUGGESTIONS]


def _commune(unit: Unit) -> Choice:
    return Choice(ChoiceKind.COMMUNE, unit.name, unit.full_name)


def _key(text: str) -> str:
    """Folded, hyphens and dashes as spaces, single spaces ("Cảnh báo – Thiên tai")."""
    folded = fold(text).replace("–", " ").replace("-", " ")
    return " ".join(re.sub(r"[^\w./ ]", " ", folded).split())
