"""Stored source errors read as the kinds of problem the admin page and the start-up hint name."""

from __future__ import annotations

import pytest

from news.source_problems import Kind, classify

URL = "https://diencbien.gov.vn/tin-tuc/"


@pytest.mark.parametrize(
    ("error", "kind", "status", "unreachable"),
    [
        (
            f"ConnectError: [Errno -2] Name or service not known ({URL})",
            Kind.UNREACHABLE,
            None,
            True,
        ),
        (f"ConnectError: [Errno 111] Connection refused ({URL})", Kind.UNREACHABLE, None, True),
        (f"RemoteProtocolError: Server disconnected ({URL})", Kind.UNREACHABLE, None, True),
        (f"timed out ({URL})", Kind.TIMEOUT, None, True),
        (f"HTTP 404 ({URL})", Kind.NOT_FOUND, 404, False),
        (f"HTTP 410 ({URL})", Kind.NOT_FOUND, 410, False),
        (f"HTTP 403 ({URL})", Kind.REFUSED, 403, False),
        (f"HTTP 503 ({URL})", Kind.SERVER, 503, False),
        (f"HTTP 418 ({URL})", Kind.HTTP, 418, False),
        (
            f"{URL}: not a readable feed: no RSS or Atom document found",
            Kind.NOT_A_FEED,
            None,
            False,
        ),
        (f"response larger than 5000000 bytes ({URL})", Kind.TOO_LARGE, None, False),
        (f"no article title found on {URL}", Kind.UNREADABLE, None, False),
        ("OperationalError: database is locked", Kind.OTHER, None, False),
    ],
)
def test_classify(error: str, kind: Kind, status: int | None, unreachable: bool) -> None:
    problem = classify(error)
    assert (problem.kind, problem.status, problem.unreachable) == (kind, status, unreachable)
