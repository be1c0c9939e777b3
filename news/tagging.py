"""Tag an article with the communes it concerns (today's units) and its topics.

PLACEHOLDER until the places/topics work lands: the interface is final, the logic is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from news.items import ArticleData


@dataclass(frozen=True, slots=True)
class Tags:
    communes: list[str] = field(default_factory=list)  # current unit names, no prefix
    topics: list[str] = field(default_factory=list)  # topic slugs


class ArticleTagger:
    """Pure: reads title, body, category and date; no I/O after construction."""

    def tag(self, data: ArticleData, source_commune: str | None = None) -> Tags:
        return Tags(communes=[source_commune] if source_commune else [])


def build_tagger(province: str, topics: Mapping[str, Any] | None = None) -> ArticleTagger:
    return ArticleTagger()
