"""The admin page's secrets, pure: one-time link tokens, session cookies, CSRF tokens.

Every token is ``<random>.<signature>``: the random part is what the database knows (only its
SHA-256 is stored), the signature (HMAC-SHA256 with the key shared by every instance, see
``storage.admin_access.signing_key``) lets a forged or mangled token be refused before any query.
A CSRF token is the HMAC of the session's random part: no state, and it dies with the session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

LINK_LIFETIME = timedelta(minutes=10)
SESSION_LIFETIME = timedelta(hours=12)
COOKIE_NAME = "loa_admin"
CSRF_FIELD = "csrf"

_LINK, _SESSION, _CSRF = b"link:", b"session:", b"csrf:"


def new_key() -> str:
    """A fresh signing key (stored once in the database)."""
    return secrets.token_urlsafe(32)


def digest(value: str) -> str:
    """What the database stores instead of a token's random part."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _sign(key: str, purpose: bytes, value: str) -> str:
    mac = hmac.new(key.encode("utf-8"), purpose + value.encode("utf-8"), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:18]).decode("ascii")


def _issue(key: str, purpose: bytes) -> tuple[str, str]:
    value = secrets.token_urlsafe(24)
    return f"{value}.{_sign(key, purpose, value)}", value


def _open(key: str, purpose: bytes, token: str | None) -> str | None:
    if not token or token.count(".") != 1:
        return None
    value, signature = token.split(".")
    if not value or not hmac.compare_digest(signature, _sign(key, purpose, value)):
        return None
    return value


def issue_link(key: str) -> tuple[str, str]:
    """(the token to put in the link, the digest to store)."""
    token, value = _issue(key, _LINK)
    return token, digest(value)


def open_link(key: str, token: str | None) -> str | None:
    """The stored digest a genuine link token stands for; None for a forged or mangled one."""
    value = _open(key, _LINK, token)
    return digest(value) if value is not None else None


def issue_session(key: str) -> tuple[str, str]:
    """(the cookie value, the digest to store)."""
    token, value = _issue(key, _SESSION)
    return token, digest(value)


def open_session(key: str, cookie: str | None) -> str | None:
    """The stored digest a genuine session cookie stands for; None otherwise."""
    value = _open(key, _SESSION, cookie)
    return digest(value) if value is not None else None


def csrf_token(key: str, cookie: str) -> str:
    """The CSRF token of the session whose cookie is ``cookie`` (put in every form)."""
    return _sign(key, _CSRF, cookie)


def csrf_ok(key: str, cookie: str | None, token: str | None) -> bool:
    """Whether a form's token belongs to this session (constant time)."""
    if not cookie or not token:
        return False
    return hmac.compare_digest(token, csrf_token(key, cookie))


def cookie_secure(base_url: str) -> bool:
    """The cookie is Secure when the page is served over https (``[web] public_url``)."""
    return base_url.startswith("https://")
