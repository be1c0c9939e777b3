"""Canonical article URLs: one spelling per article, whatever variant a portal links to.

The district portal appends the list page an article was found on (``?PageIndex=N``) and
sharing adds ``utm_*`` and click ids; none of them identify the article, so they are dropped.
Identity parameters (``UserKey`` on the newer commune portals) are kept. Path case is kept:
slugs are case-sensitive on these portals.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters (compared case-insensitively) that never identify an article.
_NOISE_PARAMS = frozenset({"fbclid", "gclid", "pageindex"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in a path (RFC 3986 pchar plus "/" and existing escapes).
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"


def canonical_url(url: str, ignore_params: Iterable[str] = ()) -> str:
    """The one spelling of ``url`` used to recognise an article across variants and restarts."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    ignored = _NOISE_PARAMS | {name.lower() for name in ignore_params}
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_ignored(name, ignored)
    )
    return urlunsplit(
        (
            scheme,
            _netloc(scheme, parts.hostname, parts.port),
            quote(parts.path or "/", safe=_PATH_SAFE),
            urlencode(query, quote_via=quote),
            "",
        )
    )


def absolute(base: str, href: str) -> str:
    """``href`` as found on the page at ``base``, made absolute (whitespace trimmed)."""
    return urljoin(base, href.strip())


def _is_ignored(name: str, ignored: frozenset[str]) -> bool:
    lowered = name.lower()
    return lowered in ignored or lowered.startswith("utm_")


def _netloc(scheme: str, host: str | None, port: int | None) -> str:
    host = (host or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or _DEFAULT_PORTS.get(scheme) == port:
        return host
    return f"{host}:{port}"
