"""``loa articles [--json] [--limit N]``."""

from __future__ import annotations

import argparse
import json
from datetime import tzinfo

from base.config import Settings
from base.timefmt import shown, zone
from storage import articles as stored
from storage.db import open_database, session_factory


def _human(listed: stored.ListedArticle, tz: tzinfo) -> str:
    item = stored.article_json(*listed)
    when = shown(item["published_at"], tz, missing="no date")
    tags = ", ".join([*item["communes"], *(f"#{t}" for t in item["topics"])])
    meta = " · ".join(x for x in (item["source"], item["author"], tags) if x)
    return f"{when}  {item['title']}\n    {item['url']}\n    {meta}"


async def list_articles(settings: Settings, args: argparse.Namespace) -> int:
    """Print the newest stored articles, newest first (times in ``[places] timezone``)."""
    async with open_database(settings.database.url) as engine:
        async with session_factory(engine)() as session:
            found = await stored.list_articles(session, args.limit)
    tz = zone(settings.places.timezone)
    for listed in found:
        if args.json:
            print(json.dumps(stored.article_json(*listed), ensure_ascii=False))
        else:
            print(_human(listed, tz))
    if not found and not args.json:
        print("no articles stored yet (run: loa poll --once)")
    return 0
