"""Logging set-up, with every bot token scrubbed from every line at every level."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Bot API URLs carry the token in the path (/bot<token>/method); httpx logs those URLs.
_TOKEN_IN_URL = re.compile(r"/bot[^/\s]+/")


class RedactSecrets(logging.Filter):
    """Replace known secrets, and anything shaped like a token in a Bot API URL."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
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


def setup_logging(level: str, secrets: Iterable[str | None] = ()) -> None:
    """Log to stderr; the redaction filter sits on the handler so no logger can bypass it."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request at INFO; keep it, redacted, but only at DEBUG verbosity.
    logging.getLogger("httpx").setLevel(
        logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    )
    for noisy in ("apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
