"""What residents type, resolved to a commune or a topic.

Accepts names with or without diacritics, any case, with or without "xã"/"phường"/"p."/"x.", old
(pre-2025) commune names too, and topic slugs or names. A partial name ("Muong", "thanh") gives
every unit whose name holds it, best first (``Resolver.matching``); a misspelt one, a few close
names. The answer is data; the Vietnamese sentences ("Xã Pom Lót nay thuộc xã Sam Mứn") are
written by ``bot.texts`` from it.
"""

from __future__ import annotations

import difflib
import enum
import re
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA

from news.places import Gazetteer, LegacyUnit, Unit
from news.text import fold, nfc
from news.topics import Taxonomy, Topic

_PREFIX = re.compile(r"^(?:(xa|x\.|phuong|p\.|thi tran|tt\.?)\s*)?(.*)$")
_GENERAL = frozenset({"thoi su", "tin tuc"})  # categories that mean all news ("thời sự hôm nay")
_FORMER = re.compile(r"(.+) cu")  # "… cũ": the old unit of that name
_KIND = {"xa": "xã", "x.": "xã", "phuong": "phường", "p.": "phường"}
_SUGGESTIONS = 3
_CUTOFF = 0.75
# Sounds the region's speakers (and their spelling) do not tell apart: "Sa Dung" for "Xa Dung",
# "Tủa Trùa" for "Tủa Chùa", "Mường Phăn" for "Mường Phăng"; each word's beginning and end are
# folded to one spelling before names are compared (``_sound``).
_ONSETS = (("tr", "ch"), ("gi", "d"), ("r", "d"), ("s", "x"))
_CODAS = (("ng", "n"), ("nh", "n"), ("c", "t"), ("ch", "t"), ("y", "i"))
_NEAR_MIN = 6  # letters (spaces aside) a name needs before one letter off counts as near
# How well a unit's name matches a partial name, best first (``_Match.tier``).
_WHOLE_START, _WHOLE_INSIDE, _PART_START, _PART_INSIDE = range(4)


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
    # The suggestions are every unit whose name contains what was typed ("Muong" -> every
    # "Mường …"), best first, rather than a few close spellings of it.
    partial: bool = False


class Resolver:
    """Resolves typed text against one gazetteer and one taxonomy (pure, no I/O)."""

    def __init__(self, gazetteer: Gazetteer, taxonomy: Taxonomy) -> None:
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
        self._topics: dict[str, Topic] = {}
        for topic in taxonomy.topics:
            parts = re.split(r"\s[–-]\s", topic.name)
            # Its name's halves either way round ("an ninh quốc phòng" for "Quốc phòng – An
            # ninh") and the portal's category names ("Giáo dục", "Y tế") name it too.
            for alias in (topic.slug, topic.name, *parts, " ".join(parts[::-1])):
                self._topics.setdefault(_key(alias), topic)
        for topic in taxonomy.topics:  # after every name: a category never shadows a name
            for category in topic.categories:
                if _key(category) not in _GENERAL:
                    self._topics.setdefault(_key(category), topic)
        self._known = sorted(gazetteer.names() - gazetteer.districts() | set(self._topics))
        # Every name for ``near``: a district's name too when a commune carries it (Tủa Chùa).
        self._names = sorted(gazetteer.names() | set(self._topics))
        self._sounds: dict[str, list[str]] = {}
        for name in self._names:
            self._sounds.setdefault(_sound(name), []).append(name)

    def resolve(self, typed: str) -> Resolution:
        found = self._lookup(typed)
        if len(found) == 1:
            return Resolution(choice=found[0])
        if found:
            return Resolution(candidates=found)
        partial = self.matching(typed)
        if partial:
            return Resolution(suggestions=partial, partial=True)
        return Resolution(suggestions=self._suggest(typed))

    def matching(self, typed: str) -> list[Choice]:
        """Every unit and topic whose name holds the typed words as whole words or word
        beginnings, diacritics optional, best first: whole words before beginnings, then
        today's units before old ones (each as its successor), then topics."""
        prefix, bare = _PREFIX.match(_key(typed)).groups()  # type: ignore[union-attr]
        kind, words = _KIND.get(prefix or ""), bare.split()
        if not words:
            return []
        ranked: list[tuple[tuple[bool, int, int, str], list[Choice]]] = []
        for unit in self.gazetteer.units:
            if kind in (None, unit.kind):
                ranked += _ranked(words, unit.name, 0, [_commune(unit)])
        for old in self.gazetteer.legacy:
            if kind in (None, old.kind):
                ranked += _ranked(words, old.name, 1, self._renamed(old))
        if prefix is None:
            for topic in self.taxonomy.topics:
                choice = Choice(ChoiceKind.TOPIC, topic.slug, topic.name)
                ranked += _ranked(words, topic.name, 2, [choice])
        ranked.sort(key=lambda entry: entry[0])
        return list(dict.fromkeys(choice for _, choices in ranked for choice in choices))

    def taxonomy_keys(self) -> set[str]:
        """Every folded name a topic answers to ("canh bao", "thien tai", "canh-bao")."""
        return set(self._topics)

    def exact(self, typed: str) -> list[Choice]:
        """The units and topics named exactly ``typed`` (diacritics optional), no guesses."""
        return self._lookup(typed)

    def near(self, typed: str) -> list[Choice]:
        """The units and topics whose name sounds like ``typed`` (s/x, tr/ch, gi/d/r, final
        ng/n, c/t, y/i) or is one letter off it, when no name is ``typed`` exactly: "Sa Dung"
        is Xa Dung, "Mường Phăn" Mường Phăng. Short names are left alone ("tin" is no "tinh")."""
        _, bare = _PREFIX.match(_key(typed)).groups()  # type: ignore[union-attr]
        if len(bare.replace(" ", "")) < _NEAR_MIN or self._lookup(typed):
            return []
        names = list(self._sounds.get(_sound(bare), []))
        if not names:
            names = [
                name
                for name in self._names
                if len(name.replace(" ", "")) >= _NEAR_MIN
                and name.count(" ") == bare.count(" ")
                and OSA.distance(name, bare) <= 1
            ]
        return list(dict.fromkeys(choice for name in names for choice in self._lookup(name)))

    def _renamed(self, old: LegacyUnit) -> list[Choice]:
        """An old unit as choices, one per successor; none when it lives on under its own name
        (today's unit of that name is listed already)."""
        return [
            self._successor(old, name)
            for name in old.successors
            if (unit := self.gazetteer.unit(name)) is None or unit.full_name != old.full_name
        ]

    def _lookup(self, typed: str) -> list[Choice]:
        key = _key(typed)
        prefix, bare = _PREFIX.match(key).groups()  # type: ignore[union-attr]
        kind = _KIND.get(prefix or "")
        former = _FORMER.fullmatch(bare)
        if former:  # "Noong Hẹt cũ", "Sam Mứn cũ": the old unit, as what it went to
            old = [u for u in self.gazetteer.old(former[1]) if kind in (None, u.kind)]
            if old:
                return list(dict.fromkeys(self._successor(u, s) for u in old for s in u.successors))
        found = self._communes(bare, kind, nfc(typed).strip().lower())
        if not found and prefix:  # "Xa Dung": a name that begins like "xã"
            found = self._communes(key, None, nfc(typed).strip().lower())
        topic = self._topics.get(key) if prefix is None or not found else None  # "xã hội"
        if topic:
            found.append(Choice(ChoiceKind.TOPIC, topic.slug, topic.name))
        return list(dict.fromkeys(found))

    def _communes(self, bare: str, kind: str | None, spelled: str) -> list[Choice]:
        current = [u for u in self.gazetteer.current(bare) if kind in (None, u.kind)]
        if current:
            return [_commune(u) for u in current]
        old = [u for u in self.gazetteer.old(bare) if kind in (None, u.kind)]
        exact = [u for u in old if spelled.endswith(u.name.lower())] or _nearest(old, spelled)
        return [self._successor(u, s) for u in exact or old for s in u.successors]

    def _successor(self, old: LegacyUnit, name: str) -> Choice:
        unit = self.gazetteer.unit(name)
        display = unit.full_name if unit else name
        return Choice(ChoiceKind.COMMUNE, name, display, old_name=old.full_name)

    def _suggest(self, typed: str) -> list[Choice]:
        _, bare = _PREFIX.match(_key(typed)).groups()  # type: ignore[union-attr]
        near = self.near(typed)
        if near:
            return near[:_SUGGESTIONS]
        close = difflib.get_close_matches(bare, self._known, n=_SUGGESTIONS, cutoff=_CUTOFF)
        suggestions: list[Choice] = []
        for name in close:
            suggestions.extend(self._lookup(name))
        return list(dict.fromkeys(suggestions))[:_SUGGESTIONS]


def _ranked(
    typed: list[str], name: str, group: int, choices: list[Choice]
) -> list[tuple[tuple[bool, int, int, str], list[Choice]]]:
    """``choices`` with their sort key when ``name`` matches the typed words, else nothing."""
    tier = _tier(typed, _key(name).split())
    if tier is None or not choices:
        return []
    return [((tier >= _PART_START, group, tier, _key(name)), choices)]


def _tier(typed: list[str], name: list[str]) -> int | None:
    """How the typed words match a name's words (``_WHOLE_START`` … ``_PART_INSIDE``), or None.

    The typed words must follow each other in the name; the last one may be a word's beginning
    ("muong th" matches "muong thanh").
    """
    *whole, last = typed
    for start in range(len(name) - len(typed) + 1):
        window = name[start : start + len(typed)]
        if window[:-1] != whole or not window[-1].startswith(last):
            continue
        exact = window[-1] == last
        if start == 0:
            return _WHOLE_START if exact else _PART_START
        return _WHOLE_INSIDE if exact else _PART_INSIDE
    return None


def _nearest(old: list[LegacyUnit], spelled: str) -> list[LegacyUnit]:
    """Of old units whose names fold alike, the one spelt nearest to what was typed with some
    marks ("nà tong" is Nà Tòng, not Na Tông); none when the name was typed without marks (no
    hint: "na tong", "xã na tong") or when several are as near: the resident is asked which."""
    if len(old) < 2:
        return []
    typed = [(spelled[-len(unit.name) :], unit.name.lower()) for unit in old]
    if all(said.isascii() for said, _ in typed):
        return []
    marks = sorted((OSA.distance(said, name), at) for at, (said, name) in enumerate(typed))
    return [old[marks[0][1]]] if marks[0][0] < marks[1][0] else []


def _commune(unit: Unit) -> Choice:
    return Choice(ChoiceKind.COMMUNE, unit.name, unit.full_name)


def _sound(name: str) -> str:
    """``name`` (folded) with each word's first and last sounds spelt one way (``_ONSETS``,
    ``_CODAS``): names that sound alike to the region's ears get the same key."""
    words = []
    for word in name.split():
        for spelt, said in _ONSETS:
            if word.startswith(spelt) and len(word) > len(spelt):
                word = said + word[len(spelt) :]
                break
        for spelt, said in _CODAS:
            if word.endswith(spelt) and len(word) > len(spelt):
                word = word[: -len(spelt)] + said
                break
        words.append(word)
    return " ".join(words)


def _key(text: str) -> str:
    """Folded, hyphens and dashes as spaces, single spaces ("Cảnh báo – Thiên tai")."""
    folded = fold(text).replace("–", " ").replace("-", " ")
    return " ".join(re.sub(r"[^\w./ ]", " ", folded).split())
