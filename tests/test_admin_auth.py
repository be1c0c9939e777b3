"""The admin page's pure secrets: link tokens, session cookies, CSRF tokens (base.admin_auth)."""

from __future__ import annotations

from base import admin_auth as auth

KEY = auth.new_key()


def test_a_link_token_opens_to_the_digest_stored_for_it() -> None:
    token, stored = auth.issue_link(KEY)
    assert auth.open_link(KEY, token) == stored
    assert token.split(".")[0] not in stored  # the database never sees the token itself


def test_forged_mangled_or_foreign_link_tokens_open_to_nothing() -> None:
    token, _ = auth.issue_link(KEY)
    value, signature = token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    for bad in (
        None,
        "",
        value,  # no signature
        f"{value}.{flipped}",
        f"{value}x.{signature}",
        f"{token}.extra",
        auth.issue_link(auth.new_key())[0],  # signed with another key
        auth.issue_session(KEY)[0],  # a session cookie is no link
    ):
        assert auth.open_link(KEY, bad) is None, bad


def test_every_link_is_different() -> None:
    assert len({auth.issue_link(KEY)[0] for _ in range(100)}) == 100


def test_a_session_cookie_opens_only_as_a_session() -> None:
    cookie, stored = auth.issue_session(KEY)
    assert auth.open_session(KEY, cookie) == stored
    assert auth.open_link(KEY, cookie) is None
    assert auth.open_session(auth.new_key(), cookie) is None


def test_csrf_token_belongs_to_its_session_only() -> None:
    cookie, _ = auth.issue_session(KEY)
    other, _ = auth.issue_session(KEY)
    token = auth.csrf_token(KEY, cookie)
    assert auth.csrf_ok(KEY, cookie, token)
    assert not auth.csrf_ok(KEY, other, token)
    assert not auth.csrf_ok(KEY, cookie, None)
    assert not auth.csrf_ok(KEY, cookie, "")
    assert not auth.csrf_ok(KEY, None, token)
    assert not auth.csrf_ok(auth.new_key(), cookie, token)


def test_the_cookie_is_secure_behind_https_only() -> None:
    assert auth.cookie_secure("https://loa.example.gov.vn")
    assert not auth.cookie_secure("http://127.0.0.1:8080")
