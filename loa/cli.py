"""The ``loa`` command line: parse arguments, load settings, run one subcommand."""

from __future__ import annotations

# Only what parsing the arguments needs is imported here: ``loa --help`` must not pay for
# the settings, SQLAlchemy or asyncio (a test checks what ``import loa.cli`` loads). Settings,
# logging and each subcommand's module are imported in ``main`` once a command is known.
import argparse
import gc
import importlib
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loa import __version__

if TYPE_CHECKING:
    from base.config import Settings

Handler = Callable[["Settings", argparse.Namespace], Coroutine[Any, Any, int]]


def positive_int(text: str) -> int:
    """``--limit N``: a whole number of at least 1 (0 would silently list nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    return value


def _stdout_gone() -> None:
    """The reader of our output left (``loa articles | head -1``): say nothing more.

    Python's "Note on SIGPIPE": point the standard streams at devnull so that the flush at
    exit cannot raise a second BrokenPipeError.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            os.dup2(devnull, stream.fileno())
        except (OSError, ValueError):
            pass  # not a real file (captured in tests): nothing to flush at exit
    os.close(devnull)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="loa", description="Loa: commune news from the portal to Telegram and Zalo."
    )
    parser.add_argument("--config", metavar="PATH", help="settings file (default ./loa.toml)")
    parser.add_argument("--version", action="version", version=f"loa {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("run", help="poll the sources, run the bots and the sender until stopped")

    poll = sub.add_parser("poll", help="poll every source")
    poll.add_argument("--once", action="store_true", required=True, help="one pass, then exit")

    articles = sub.add_parser("articles", help="list stored articles, newest first")
    articles.add_argument("--json", action="store_true", help="one JSON object per line")
    articles.add_argument("--limit", type=positive_int, default=20, metavar="N")

    search = sub.add_parser("search", help="full-text search, best match first")
    search.add_argument("query", metavar="QUERY")
    search.add_argument("--json", action="store_true", help="one JSON object per line")
    search.add_argument("--limit", type=positive_int, default=10, metavar="N")

    communes = sub.add_parser("communes", help="list current communes and the old units in each")
    communes.add_argument("--json", action="store_true", help="one JSON object per line")

    sub.add_parser("topics", help="list the topic taxonomy")

    sources = sub.add_parser("sources", help="show each source's health; add one by its address")
    sources.add_argument("--json", action="store_true")
    sources_sub = sources.add_subparsers(dest="sources_command", metavar="ACTION")
    add = sources_sub.add_parser(
        "add", help="look at a portal's address: what Loa finds there, three articles as read"
    )
    add.add_argument("url", metavar="URL", help="the portal's page or feed (http or https)")
    add.add_argument("--name", help="the source's name (default: the host name)")
    add.add_argument("--commune", metavar="X", help="the commune or ward the portal is about")
    add.add_argument("--json", action="store_true", help="one JSON object")
    add.add_argument("--write", action="store_true", help="append it to the configuration file")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser("upgrade", help="apply schema migrations")

    sub.add_parser("demo", help="run the whole flow offline on bundled sample pages")

    chat = sub.add_parser("chat", help="try the bot's commands on this console (no token needed)")
    chat.add_argument("--chat-id", default="console", help="console resident id (default console)")

    broadcast = sub.add_parser("broadcast", help="announce to residents (all, a commune, a topic)")
    broadcast.add_argument("--commune", metavar="NAME", help="only residents who chose it")
    broadcast.add_argument("--topic", metavar="SLUG", help="only residents who chose this topic")
    broadcast.add_argument("--emergency", action="store_true", help="send before queued news")
    broadcast.add_argument(
        "--urgent", action="store_true", help="also in residents' quiet hours (/yentinh)"
    )
    broadcast.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    broadcast.add_argument(
        "--as",
        dest="as_admin",
        metavar="CHANNEL:ID",
        help="act as that administrator, with their reach (e.g. zalo:ID); default: the operator",
    )
    broadcast.add_argument(
        "--wait",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="wait at most this long for the report (default 600; 0: queue and return)",
    )
    broadcast.add_argument("text", nargs="+", metavar="TEXT")

    listing = sub.add_parser("broadcasts", help="list broadcasts, newest first; cancel one")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument("--limit", type=int, default=20, metavar="N")
    listing_sub = listing.add_subparsers(dest="broadcasts_command", metavar="ACTION")
    cancel = listing_sub.add_parser("cancel", help="stop a queued or sending broadcast")
    cancel.add_argument("id", type=int, metavar="ID")

    people = sub.add_parser("residents", help="residents per channel, inactive ones by reason")
    people.add_argument("--json", action="store_true", help="one JSON object")
    people_sub = people.add_subparsers(dest="residents_command", metavar="ACTION")
    restore = people_sub.add_parser(
        "restore", help="re-activate residents the sender deactivated since TIME"
    )
    restore.add_argument(
        "--since", required=True, metavar="TIME", help="2026-12-06 04:00 (local), or 90m, 6h, 2d"
    )
    restore.add_argument("--channel", choices=["zalo", "telegram"], help="only this channel")
    restore.add_argument("--yes", action="store_true", help="do not ask")

    stats = sub.add_parser("stats", help="residents, deliveries and broadcasts")
    stats.add_argument("--json", action="store_true", help="one JSON object")

    check = sub.add_parser("check", help="preflight: database, bots, sources, webhooks")
    check.add_argument("--json", action="store_true", help="one JSON object")
    check.add_argument(
        "--env-file",
        metavar="FILE",
        help="read KEY=VALUE lines (the service's EnvironmentFile, e.g. /etc/loa/loa.env) first",
    )
    check.add_argument(
        "--live",
        action="store_true",
        help="ask the platforms (getMe, getWebhookInfo, an impossible chat, a missing method)"
        " and print each raw answer, token redacted",
    )
    check.add_argument(
        "--send-test", action="store_true", help="with --live: a test message to the first admin"
    )
    check.add_argument("--record", metavar="FILE", help="with --live: write the answers as JSON")

    admin = sub.add_parser("admin", help="the admin page: a one-time login link")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    link = admin_sub.add_parser("link", help="print a one-time link (10 minutes) for an admin")
    link.add_argument("who", metavar="CHANNEL:ID", help="zalo:ID or telegram:ID")
    return parser


# Each subcommand's implementation, imported lazily so `loa --help` stays fast and one
# command's imports never slow another.
HANDLERS = {
    "run": "loa.cmd.run:run",
    "poll": "loa.cmd.poll:poll_once",
    "articles": "loa.cmd.articles:list_articles",
    "search": "loa.cmd.search:search",
    "communes": "loa.cmd.communes:list_communes",
    "topics": "loa.cmd.topics:list_topics",
    "sources": "loa.cmd.sources:list_sources",
    "db": "loa.cmd.db:db_upgrade",
    "demo": "loa.cmd.demo:demo",
    "chat": "loa.cmd.chat:chat",
    "broadcast": "loa.cmd.broadcast:broadcast",
    "broadcasts": "loa.cmd.broadcasts:broadcasts",
    "residents": "loa.cmd.residents:residents_command",
    "stats": "loa.cmd.stats:stats",
    "check": "loa.cmd.check:check",
    "admin": "loa.cmd.admin:admin",
}


def _handler(args: argparse.Namespace) -> Handler:
    module_name, function = HANDLERS[args.command].split(":")
    handler: Handler = getattr(importlib.import_module(module_name), function)
    return handler


def main(argv: Sequence[str] | None = None) -> int:
    # Importing a command allocates ~90 000 long-lived objects and frees almost none (a few
    # hundred), yet each allocation burst starts a collection that scans them all again: 6-12 %
    # of the floor of `loa stats` (issue 26). No collection until the command's modules are in;
    # then they are frozen out of later collections (gc.freeze) for the run's lifetime.
    gc.disable()
    try:
        return _main(argv)
    finally:
        gc.unfreeze()  # main called again in one process (tests) collects the old ones
        gc.enable()


def _imported() -> None:
    """The command's modules are in: collect again, never scanning what was imported."""
    gc.freeze()
    gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    import asyncio
    import logging

    from base.config import ConfigError, Settings, load_settings, read_env_file, resolve_path
    from loa.logs import configure_logging

    log = logging.getLogger("loa")
    path = resolve_path(args.config)
    try:
        if args.command == "demo":
            settings = Settings()  # the demo writes its own settings
        elif getattr(args, "env_file", None):
            # The service's environment (its tokens), as systemd's EnvironmentFile= gives it.
            env = {**os.environ, **read_env_file(Path(args.env_file))}
            settings = load_settings(path, env)
        else:
            settings = load_settings(path)
    except ConfigError as exc:
        for line in str(exc).splitlines():
            print(f"loa: {line}", file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        handler = _handler(args)
        _imported()
        if args.command == "run":
            # Say why the database cannot be opened before "Loa is running".
            from storage.db import probe_database

            asyncio.run(probe_database(settings.database.url))
        status = asyncio.run(handler(settings, args))
        sys.stdout.flush()  # a closed pipe shows here, inside the guard, not at exit
        return status
    except BrokenPipeError:
        _stdout_gone()
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # Imported only on failure: the bot package is no cost to every successful command.
        from bot.connect import ChannelRefused
        from storage.db import DatabaseUnavailable

        if isinstance(exc, ChannelRefused):
            log.error("%s", exc)
            return 2
        if isinstance(exc, DatabaseUnavailable):
            print(f"loa: {_database_key(path)}: {exc}", file=sys.stderr)
            return 2
        # Through logging, not a bare traceback: the redaction filter keeps tokens out.
        log.exception("loa %s failed", args.command)
        return 1


def _database_key(path: Path) -> str:
    if os.environ.get("LOA_DATABASE_URL"):
        return f"environment variable LOA_DATABASE_URL (instead of key 'database.url' of {path})"
    return f"{path}: key 'database.url'"


if __name__ == "__main__":
    sys.exit(main())
