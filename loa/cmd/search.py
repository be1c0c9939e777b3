"""``loa search "QUERY" [--json] [--limit N]``."""

from __future__ import annotations

import argparse
import json

from loa.config import Settings
from storage.articles import ListedArticle, article_json
from storage.db import open_database, session_factory
from storage.search import search_articles


def _human(listed: ListedArticle) -> str:
    item = article_json(*listed)
    when = (item["published_at"] or "no date")[:10]
    tags = ", ".join([*item["communes"], *(f"#{t}" for t in item["topics"])])
    return f"{when}  {item['title']}\n    {item['url']}" + (f"\n    {tags}" if tags else "")


async def search(settings: Settings, args: argparse.Namespace) -> int:
    """Print the articles matching the query, best first (same JSON as ``loa articles``)."""
    async with open_database(settings.database.url) as engine:
        async with session_factory(engine)() as session:
            found = await search_articles(session, args.query, max(args.limit, 0))
    for listed in found:
        print(
            json.dumps(article_json(*listed), ensure_ascii=False) if args.json else _human(listed)
        )
    if not found and not args.json:
        print("no article matches")
    return 0
