"""``loa topics``: the topic taxonomy (defaults plus ``[topics]`` of the config)."""

from __future__ import annotations

import argparse

from base.config import Settings
from news.topics import build_taxonomy


async def list_topics(settings: Settings, args: argparse.Namespace) -> int:
    """Print each topic's slug, name, categories and keywords."""
    for topic in build_taxonomy(settings.topics).topics:
        print(f"{topic.slug}  {topic.name}")
        if topic.categories:
            print(f"    categories: {', '.join(topic.categories)}")
        if topic.keywords:
            print(f"    keywords: {', '.join(topic.keywords)}")
    return 0
