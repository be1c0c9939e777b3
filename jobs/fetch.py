"""Fetching portal pages politely: one shared httpx client, conditional GET, a size cap.

Errors form one tree, so a caller can tell what went wrong without knowing httpx::

    FetchError                 anything that kept a page from being read
    ├── FetchTimeout           the server did not answer in time
    ├── FetchNetworkError      connection refused, DNS failure, reset, protocol error
    ├── FetchStatusError       an HTTP status other than 200 or 304 (carries ``status``)
    └── ResponseTooLarge       the body grew past ``[http] max_response_bytes``
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import TracebackType

import httpx

from base import __version__
from base.config import HttpSettings

log = logging.getLogger(__name__)

USER_AGENT = f"Loa/{__version__}"


class FetchError(Exception):
    """A page could not be fetched; ``url`` says which."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{message} ({url})")
        self.url = url


class FetchTimeout(FetchError):
    pass


class FetchNetworkError(FetchError):
    pass


class FetchStatusError(FetchError):
    def __init__(self, url: str, status: int, content: bytes = b"") -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status
        self.content = content  # the start of the error page (an anti-bot challenge says so)


class ResponseTooLarge(FetchError):
    def __init__(self, url: str, limit: int) -> None:
        super().__init__(url, f"response larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page, or a 304 answer (``not_modified``, empty ``content``)."""

    url: str  # the final URL, after redirects: relative links resolve against it
    content: bytes = b""
    charset: str | None = None  # from the Content-Type header; None lets the parser sniff
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class Fetcher:
    """One shared ``httpx.AsyncClient`` for every source; counts the requests it makes."""

    def __init__(self, http: HttpSettings, transport: httpx.AsyncBaseTransport | None = None):
        self._max_bytes = http.max_response_bytes
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(http.timeout_seconds),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            transport=transport,
        )
        self.requests = 0  # every GET sent, for health figures and the benchmark

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Page:
        """GET ``url``; with validators the answer may be a ``not_modified`` page."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self.requests += 1
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                return await self._read(url, response)
        except httpx.TimeoutException as exc:
            raise FetchTimeout(url, "timed out") from exc
        except httpx.HTTPError as exc:
            raise FetchNetworkError(url, f"{type(exc).__name__}: {exc}") from exc

    async def _read(self, url: str, response: httpx.Response) -> Page:
        final_url = str(response.url)
        if response.status_code == 304:
            return Page(
                url=final_url,
                etag=response.headers.get("ETag") or None,
                last_modified=response.headers.get("Last-Modified") or None,
                not_modified=True,
            )
        if response.status_code != 200:
            raise FetchStatusError(url, response.status_code, await _start_of(response))
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self._max_bytes:
            raise ResponseTooLarge(url, self._max_bytes)
        return Page(
            url=final_url,
            content=await self._read_capped(url, response),
            charset=response.charset_encoding,
            etag=response.headers.get("ETag") or None,
            last_modified=response.headers.get("Last-Modified") or None,
        )

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        # Content-Length may be absent or lie (chunked bodies): count while streaming.
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_bytes:
                raise ResponseTooLarge(url, self._max_bytes)
            chunks.append(chunk)
        return b"".join(chunks)


ERROR_PAGE_BYTES = 65_536  # kept of an error page: enough to tell a challenge from an outage


async def _start_of(response: httpx.Response) -> bytes:
    kept = b""
    async for chunk in response.aiter_bytes():
        kept += chunk
        if len(kept) >= ERROR_PAGE_BYTES:
            break
    return kept[:ERROR_PAGE_BYTES]
