"""What went wrong with a source, read from the error its last pass stored (``sources.last_error``),
so the admin page can say it in plain words and the start-up hint can tell "unreachable" (the
network, likely offline) from "the page answered, but wrongly" (a 404, not a feed).

The stored texts are those of ``jobs.fetch`` ("HTTP 404 (url)", "timed out (url)",
"ConnectError: … (url)", "response larger than N bytes (url)"), ``news.feeds`` ("url: not a
readable feed: …") and ``news.extract`` (a page without the configured parts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    UNREACHABLE = "unreachable"  # no connection: DNS, refused, reset, TLS
    TIMEOUT = "timeout"  # connected, but no answer in time
    NOT_FOUND = "not found"  # 404 / 410: the page is gone
    REFUSED = "refused"  # 401 / 403 / 429: the site does not let Loa read
    SERVER = "server"  # 5xx: the site is failing
    HTTP = "http"  # any other status
    NOT_A_FEED = "not a feed"  # an RSS source whose URL is no RSS or Atom document
    TOO_LARGE = "too large"
    UNREADABLE = "unreadable"  # the page answered but Loa found no article in it
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SourceProblem:
    kind: Kind
    status: int | None = None  # the HTTP status, when one was answered

    @property
    def unreachable(self) -> bool:
        """No answer at all: the network (or the site) is down, not the page."""
        return self.kind in (Kind.UNREACHABLE, Kind.TIMEOUT)


_STATUS = re.compile(r"^HTTP (\d{3})\b")
# httpx's transport errors, as ``jobs.fetch`` names them (timeouts are "timed out").
_NETWORK = re.compile(
    r"^(?:Connect|Read|Write|Close|Pool|Proxy|Network|Transport|RemoteProtocol)(?:Error|Timeout): "
)


def classify(error: str) -> SourceProblem:
    """The kind of problem ``error`` (a stored pass error) describes."""
    text = error.strip()
    status = _STATUS.match(text)
    if status:
        code = int(status.group(1))
        if code in (404, 410):
            return SourceProblem(Kind.NOT_FOUND, code)
        if code in (401, 403, 429):
            return SourceProblem(Kind.REFUSED, code)
        return SourceProblem(Kind.SERVER if code >= 500 else Kind.HTTP, code)
    if text.startswith("timed out") or text.startswith(("ConnectTimeout", "ReadTimeout")):
        return SourceProblem(Kind.TIMEOUT)
    if _NETWORK.match(text) or "Name or service not known" in text:
        return SourceProblem(Kind.UNREACHABLE)
    if "not a readable feed" in text:
        return SourceProblem(Kind.NOT_A_FEED)
    if text.startswith("response larger than"):
        return SourceProblem(Kind.TOO_LARGE)
    if text.startswith("no article") or "selector" in text:
        return SourceProblem(Kind.UNREADABLE)
    return SourceProblem(Kind.OTHER)
