"""Logging set-up, with every secret scrubbed from every line at every level.

Secrets: both bots' tokens and webhook secrets and the database password (``configure_logging``
takes them from the settings), plus anything shaped like a token in a Bot API URL or a
``secret_token`` parameter. At DEBUG, third-party libraries stay at INFO/WARNING (their internals
would drown Loa's lines) unless ``[logging] debug_libraries = true``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    from base.config import Settings

log = logging.getLogger("loa")

# Bot API URLs carry the token in the path (/bot<token>/method); httpx logs those URLs.
_TOKEN_IN_URL = re.compile(r"/bot[^/\s]+/")
# A webhook secret as python-telegram-bot logs setWebhook's parameters ('secret_token': '…'),
# or as a header (X-Telegram-Bot-Api-Secret-Token: …).
_SECRET_PARAM = re.compile(r"""(secret[_-]token['"]?\s*[:=]\s*['"]?)[^'"\s,;}&]+""", re.IGNORECASE)

# Third-party loggers and their level when Loa logs at DEBUG without debug_libraries.
LIBRARY_LEVELS = {
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "alembic": logging.WARNING,
    "httpcore": logging.WARNING,
    "hpack": logging.WARNING,
    "httpx": logging.INFO,  # one line per request (URLs redacted)
    "telegram": logging.INFO,
    "apscheduler": logging.WARNING,
    "uvicorn": logging.INFO,
    "asyncio": logging.INFO,
}


class RedactSecrets(logging.Filter):
    """Replace known secrets, and anything shaped like a token in a Bot API URL."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        text = _SECRET_PARAM.sub(r"\1<redacted>", text)
        return _TOKEN_IN_URL.sub("/bot<redacted>/", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def setup_logging(
    level: str, secrets: Iterable[str | None] = (), *, debug_libraries: bool = False
) -> None:
    """Log to stderr; the redaction filter sits on the handler so no logger can bypass it."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root_level = logging.getLevelName(level.upper())
    root.setLevel(root_level)
    libraries_too = debug_libraries and root_level <= logging.DEBUG
    for name, quiet in LIBRARY_LEVELS.items():
        # NOTSET: as verbose as Loa itself.
        logging.getLogger(name).setLevel(
            logging.NOTSET if libraries_too else max(quiet, root_level)
        )
    if not libraries_too and root_level > logging.DEBUG:
        # httpx's request lines only at DEBUG verbosity (they are redacted either way).
        logging.getLogger("httpx").setLevel(max(logging.WARNING, root_level))


def quiet_below(level: int) -> None:
    """Let no line under ``level`` out, whatever a logger's own level (``loa chat``: the
    conversation shares the terminal, so only warnings and errors reach stderr)."""
    root = logging.getLogger()
    root.setLevel(max(root.level, level))
    for handler in root.handlers:
        handler.setLevel(max(handler.level, level))


def secrets_of(settings: Settings) -> list[str]:
    """Everything in the settings that must never appear in a log line."""
    found = [
        settings.telegram.token,
        settings.telegram.webhook_secret,
        settings.zalo.token,
        settings.zalo.webhook_secret,
    ]
    try:
        password = urlsplit(settings.database.url).password
    except ValueError:
        password = None
    if password:
        found += [password, unquote(password)]
    return [s for s in found if s]


def configure_logging(settings: Settings) -> None:
    """``setup_logging`` from ``[logging]``, every secret redacted; then what loading warned."""
    setup_logging(
        settings.logging.level,
        secrets_of(settings),
        debug_libraries=settings.logging.debug_libraries,
    )
    for warning in settings.load_warnings():
        log.warning("%s", warning)
