"""``loa sources add URL [--name NAME] [--commune X] [--json] [--write]``: a portal by its address.

Fetches the address, says what Loa found there (a feed and its items, or a list page and its
article links), previews three articles exactly as a pass would store them, and with
``--write`` appends the ``[[sources]]`` table to the configuration file. Appending keeps every
byte already in the file (comments included); the new text is validated before it is written.
A page with nothing to read (a JavaScript-only shell, a redirect stub, an anti-bot challenge)
exits 1 with one line saying which.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from base.config import ConfigError, Settings, parse_settings, resolve_path
from base.timefmt import local_iso, shown, zone
from jobs.source_preview import Preview, default_name, preview


async def add_source(settings: Settings, args: argparse.Namespace) -> int:
    """Look at ``args.url``; print what was found; append the source with ``--write``."""
    name = args.name or default_name(args.url)
    if any(source.name == name for source in settings.sources):
        return _fail(f"a source named {name!r} is already configured; pass --name")
    report = await preview(settings.http, args.url, name)
    if not isinstance(report, Preview):
        return _fail(report.detail)
    table = _table(name, report.found.url, args.commune)
    path = resolve_path(args.config)
    problem = _append(path, table, write=args.write)
    if problem:
        return _fail(problem)
    if args.json:
        print(json.dumps(_as_json(report), ensure_ascii=False))
    else:
        _print_human(report, settings, table, path if args.write else None)
    return 0


def _table(name: str, url: str, commune: str | None) -> str:
    # JSON strings are valid TOML basic strings (same escapes), Vietnamese kept as written.
    lines = ["[[sources]]", f"name = {_toml(name)}", f"url = {_toml(url)}"]
    if commune:
        lines.append(f"commune = {_toml(commune)}")
    return "\n".join(lines) + "\n"


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _append(path: Path, table: str, *, write: bool) -> str | None:
    """Check that the file at ``path`` still loads with ``table`` appended, and append it
    when ``write``; the reason it would not load, or None."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return f"{path}: cannot read: {exc.strerror or exc}" if write else None
    separator = "\n" if text.endswith("\n") else "\n\n"
    added = f"{'' if not text else separator}{table}"
    try:
        parse_settings(text + added, path)
    except ConfigError as exc:
        return f"the source would not load: {str(exc).splitlines()[0]}"
    if write:
        with path.open("a", encoding="utf-8") as file:
            file.write(added)
    return None


def _as_json(report: Preview) -> dict[str, Any]:
    return {
        "type": report.found.kind,
        "url": report.found.url,
        "links": report.links,
        "articles": [
            {
                "url": data.url,
                "title": data.title,
                "published_at": local_iso(data.published_at),
                "author": data.author,
            }
            for data in report.articles
        ],
    }


def _print_human(report: Preview, settings: Settings, table: str, written: Path | None) -> None:
    tz = zone(settings.places.timezone)
    found = report.found
    if found.kind == "rss":
        print(f"a feed: {found.url} ({len(report.links)} items)")
    else:
        print(f"a list page: {found.url} ({len(report.links)} article links)")
        for link in report.links:
            print(f"    {link}")
    print(f"\nthe first {len(report.articles)} articles, as Loa would store them:")
    for data in report.articles:
        print(f"  {data.title}")
        print(f"    time:   {shown(data.published_at, tz, missing='not found')}")
        print(f"    author: {data.author or 'not found'}")
        print(f"    url:    {data.url}")
    if written:
        print(f"\nadded to {written}:\n\n{table}", end="")
    else:
        print(f"\nto add it, run again with --write; it appends:\n\n{table}", end="")


def _fail(message: str) -> int:
    print(f"loa: {message}", file=sys.stderr)
    return 1
