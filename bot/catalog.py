"""Communes and topics as the commands show them: lists, labels and button choices.

Wraps ``news.resolve.Resolver`` (what residents type) with what the commands also need: every
current unit and topic as a choice, and the label of a stored subscription value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from news.resolve import Choice, ChoiceKind, Resolution, Resolver
from news.text import fold
from news.topics import build_taxonomy

__all__ = ["Catalog", "Choice", "ChoiceKind", "Resolution", "build_catalog"]


class Catalog:
    """Read-only view of one province's units and the topic taxonomy (pure, no I/O)."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self.gazetteer = resolver.gazetteer
        self.taxonomy = resolver.taxonomy

    def resolve(self, typed: str) -> Resolution:
        return self.resolver.resolve(typed)

    def choice(self, kind: ChoiceKind, value: str) -> Choice | None:
        """The choice stored as ``value`` (a button's data), or None if it no longer exists."""
        if kind is ChoiceKind.TOPIC:
            topic = self.taxonomy.get(value)
            return Choice(kind, topic.slug, topic.name) if topic else None
        units = [u for u in self.gazetteer.current(fold(value)) if u.name == value]
        return Choice(kind, value, units[0].full_name) if units else None

    def stored(self, kind: ChoiceKind, value: str) -> Choice:
        """A stored subscription as a choice; a value no longer known keeps its raw name."""
        return self.choice(kind, value) or Choice(kind, value, value)

    def label(self, kind: ChoiceKind, value: str) -> str:
        return self.stored(kind, value).display

    def commune_choices(self) -> list[Choice]:
        """Every current unit, alphabetically (folded)."""
        return [Choice(ChoiceKind.COMMUNE, u.name, u.full_name) for u in self.gazetteer.units]

    def topic_choices(self) -> list[Choice]:
        return [Choice(ChoiceKind.TOPIC, t.slug, t.name) for t in self.taxonomy.topics]

    def communes(self) -> list[tuple[str, list[str]]]:
        """(current unit, the old units it absorbed other than itself) for /dsxa."""
        entries = []
        for unit in self.gazetteer.units:
            absorbed = self.gazetteer.absorbed(unit.name)
            old = [u.full_name for u in absorbed if u.full_name != unit.full_name]
            entries.append((unit.full_name, list(dict.fromkeys(old))))
        return entries

    def topics(self) -> list[tuple[str, str]]:
        """(slug, name) of every topic for /chude."""
        return [(t.slug, t.name) for t in self.taxonomy.topics]


def build_catalog(province: str, topics: Mapping[str, Any] | None = None) -> Catalog:
    """The catalog of ``province`` (reads the packaged gazetteer: call once, at startup)."""
    from news.gazetteer_data import load_gazetteer

    return Catalog(Resolver(load_gazetteer(province), build_taxonomy(topics)))
