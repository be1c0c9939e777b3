"""The fetcher over real HTTP: headers, conditional GET, size cap, charset, error tree."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from base.config import HttpSettings
from jobs.fetch import (
    USER_AGENT,
    Fetcher,
    FetchError,
    FetchNetworkError,
    FetchStatusError,
    FetchTimeout,
    ResponseTooLarge,
)
from tests.portal_server import Portal

PAGE = "<html><body><p>Thời gian đăng: 05/07/2017</p></body></html>"


@pytest.fixture
def portal() -> Portal:
    portal = Portal()
    portal.add("/Tintuc/", PAGE)
    return portal


@pytest.fixture
def base_url(portal: Portal) -> Iterator[str]:
    with portal.serving() as url:
        yield url


def fetcher(timeout: float = 5, max_bytes: int = 100_000) -> Fetcher:
    return Fetcher(HttpSettings(timeout_seconds=timeout, max_response_bytes=max_bytes))


async def test_sends_user_agent_and_returns_validators(portal: Portal, base_url: str) -> None:
    async with fetcher() as client:
        page = await client.fetch(f"{base_url}/Tintuc/")
    assert page.content.decode("utf-8") == PAGE
    assert page.etag == portal.page("/Tintuc/").etag
    assert page.charset == "utf-8"
    assert portal.requests[0].headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("Loa/")


async def test_etag_gives_not_modified(portal: Portal, base_url: str) -> None:
    async with fetcher() as client:
        first = await client.fetch(f"{base_url}/Tintuc/")
        second = await client.fetch(f"{base_url}/Tintuc/", etag=first.etag)
        assert client.requests == 2
    assert second.not_modified and second.content == b""
    assert portal.requests[1].headers["if-none-match"] == first.etag
    assert portal.requests[1].status == 304


async def test_if_modified_since_is_sent(portal: Portal, base_url: str) -> None:
    stamp = "Wed, 05 Jul 2017 01:57:14 GMT"
    async with fetcher() as client:
        await client.fetch(f"{base_url}/Tintuc/", last_modified=stamp)
    assert portal.requests[0].headers["if-modified-since"] == stamp


@pytest.mark.parametrize(("status", "error"), [(404, FetchStatusError), (500, FetchStatusError)])
async def test_error_status(
    portal: Portal, base_url: str, status: int, error: type[FetchError]
) -> None:
    portal.page("/Tintuc/").status = status
    async with fetcher() as client:
        with pytest.raises(error) as caught:
            await client.fetch(f"{base_url}/Tintuc/")
    assert isinstance(caught.value, FetchStatusError) and caught.value.status == status
    assert str(status) in str(caught.value)


async def test_timeout_on_a_held_request(portal: Portal, base_url: str) -> None:
    portal.page("/Tintuc/").hang = True
    async with fetcher(timeout=0.2) as client:
        with pytest.raises(FetchTimeout):
            await client.fetch(f"{base_url}/Tintuc/")
    assert portal.hanging.is_set()


async def test_streamed_body_over_the_cap_is_refused(portal: Portal, base_url: str) -> None:
    portal.page("/Tintuc/").oversize = 300_000  # chunked: no Content-Length to trust
    async with fetcher(max_bytes=100_000) as client:
        with pytest.raises(ResponseTooLarge):
            await client.fetch(f"{base_url}/Tintuc/")


async def test_declared_length_over_the_cap_is_refused(portal: Portal, base_url: str) -> None:
    portal.add("/big", "x" * 200_000)
    async with fetcher(max_bytes=100_000) as client:
        with pytest.raises(ResponseTooLarge):
            await client.fetch(f"{base_url}/big")


async def test_charset_from_content_type(portal: Portal, base_url: str) -> None:
    portal.add(
        "/cp", "Điện Biên".encode("cp1258", errors="replace"), "text/html; charset=windows-1258"
    )
    async with fetcher() as client:
        page = await client.fetch(f"{base_url}/cp")
    assert page.charset == "windows-1258"


async def test_connection_refused_is_a_network_error() -> None:
    async with fetcher(timeout=1) as client:
        with pytest.raises(FetchNetworkError):
            await client.fetch("http://127.0.0.1:9/")
