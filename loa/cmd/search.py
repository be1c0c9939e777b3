"""``loa search "QUERY" [--json] [--limit N]``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import tzinfo

from base.config import Settings
from base.timefmt import shown_date, zone
from storage.articles import ListedArticle, article_json
from storage.db import open_database, session_factory
from storage.search import search_articles

EMPTY_QUERY = (
    'loa search: give the words to look for, e.g. loa search "Sam Mứn" (diacritics optional)'
)


def _human(listed: ListedArticle, tz: tzinfo) -> str:
    item = article_json(*listed)
    when = shown_date(item["published_at"], tz)
    tags = ", ".join([*item["communes"], *(f"#{t}" for t in item["topics"])])
    return f"{when}  {item['title']}\n    {item['url']}" + (f"\n    {tags}" if tags else "")


async def search(settings: Settings, args: argparse.Namespace) -> int:
    """Print the articles matching the query, best first (same JSON as ``loa articles``).

    An empty query (or only spaces) is a usage error, exit status 2: it matches nothing, and
    "no article matches" would hide the mistake.
    """
    if not args.query.strip():
        print(EMPTY_QUERY, file=sys.stderr)
        return 2
    async with open_database(settings.database.url) as engine:
        async with session_factory(engine)() as session:
            found = await search_articles(session, args.query, args.limit)
    tz = zone(settings.places.timezone)
    for listed in found:
        print(
            json.dumps(article_json(*listed), ensure_ascii=False)
            if args.json
            else _human(listed, tz)
        )
    if not found and not args.json:
        print("no article matches")
    return 0
