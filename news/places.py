"""The gazetteer of one province: today's communes and wards, and the pre-2025 units they absorbed.

Built from plain data (see ``news.gazetteer_data`` for the loader), so tests can make one by hand.
Every lookup is by folded name ("Sam Mứn" -> "sam mun"); folded names can collide ("Na Tông" and
"Nà Tòng" both fold to "na tong"), so lookups return lists and callers decide.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from news.text import fold

# The reorganisation took effect at 00:00 on 1 July 2025, Vietnam time (UTC+7).
REFORM_DATE = datetime(2025, 6, 30, 17, 0, tzinfo=UTC)

_PREFIXES = ("xã", "phường", "thị trấn")


@dataclass(frozen=True, slots=True)
class Unit:
    """A current (2025) unit: ``name`` without prefix ("Sam Mứn"), ``kind`` "xã" or "phường"."""

    name: str
    kind: str

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True, slots=True)
class LegacyUnit:
    """A pre-2025 unit and the current unit(s) its territory went to (the main one first)."""

    name: str
    kind: str  # "xã", "phường" or "thị trấn"
    district: str  # the old district's name without prefix ("Điện Biên", "Điện Biên Phủ")
    district_kind: str  # "huyện", "thành phố" or "thị xã"
    successors: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


def strip_prefix(folded: str) -> tuple[str | None, str]:
    """Split a folded unit name into its prefix (folded kind, or None) and the bare name."""
    for kind in (fold(p) for p in _PREFIXES):
        if folded.startswith(kind + " "):
            return kind, folded[len(kind) + 1 :]
    return None, folded


@cache
def char_folds() -> dict[int, str]:
    """Per-character folding that keeps length and case ("Đường" -> "Duong"), for offsets."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x1F00):
        folded = fold(chr(code))
        if len(folded) == 1 and folded.isascii() and folded.isalpha():
            table[code] = folded.upper() if chr(code).isupper() else folded
    return table


@cache
def fold_table() -> str:
    """``char_folds`` as a ``str.translate`` table indexed by code point (twice as fast)."""
    table = char_folds()
    return "".join(table.get(code, chr(code)) for code in range(0x1F00))


class Gazetteer:
    """Today's units of one province and the old units they absorbed, looked up by folded name."""

    def __init__(self, province: str, units: Iterable[Unit], legacy: Iterable[LegacyUnit]) -> None:
        self.province = province
        self.units: tuple[Unit, ...] = tuple(sorted(units, key=lambda u: fold(u.name)))
        self.legacy: tuple[LegacyUnit, ...] = tuple(legacy)
        self._current: dict[str, list[Unit]] = defaultdict(list)
        self._old: dict[str, list[LegacyUnit]] = defaultdict(list)
        self._absorbed: dict[str, list[LegacyUnit]] = defaultdict(list)
        for unit in self.units:
            self._current[fold(unit.name)].append(unit)
        for old in self.legacy:
            self._old[fold(old.name)].append(old)
            for successor in old.successors:
                self._absorbed[successor].append(old)

    def current(self, folded_name: str) -> list[Unit]:
        """Current units whose folded name (without prefix) is ``folded_name``."""
        return list(self._current.get(folded_name, ()))

    def old(self, folded_name: str) -> list[LegacyUnit]:
        """Pre-2025 units whose folded name (without prefix) is ``folded_name``."""
        return list(self._old.get(folded_name, ()))

    def unit(self, name: str) -> Unit | None:
        """The current unit called ``name`` (canonical or typed; prefix allowed), if exactly one."""
        kind, bare = strip_prefix(fold(name))
        found = [u for u in self.current(bare) if kind is None or fold(u.kind) == kind]
        return found[0] if len(found) == 1 else None

    def absorbed(self, current_name: str) -> list[LegacyUnit]:
        """The old units whose territory went (wholly or partly) to ``current_name``."""
        return list(self._absorbed.get(current_name, ()))

    def names(self) -> set[str]:
        """Every folded name the gazetteer knows: current, old and old districts."""
        found = set(self._current) | set(self._old)
        return found | {fold(old.district) for old in self.legacy}

    def collisions(self, current_name: str) -> list[LegacyUnit]:
        """Old units named like today's ``current_name`` whose land went elsewhere (old xã Sam
        Mứn is in today's xã Thanh An; today's xã Sam Mứn is old Pom Lót and Na Ư)."""
        return [old for old in self.old(fold(current_name)) if current_name not in old.successors]

    def districts(self) -> set[str]:
        """Folded names of the old districts (huyện, thành phố, thị xã)."""
        return {fold(old.district) for old in self.legacy}
