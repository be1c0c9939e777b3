"""Poll cost on an unchanged portal, and extraction throughput, on the fixture pages.

    .venv/bin/python bench/poll_bench.py [--polls 20] [--seconds 2]

The fixture portal runs in a subprocess so the CPU figures are Loa's alone (``process_time``
of this process: event loop plus the SQLite thread). Figures, each beside its baseline:

* requests and article pages per poll: first poll (backfill) vs unchanged portal, with ETag
  (one conditional request, 304) and without (list pages reread, dedupe by the database);
* CPU ms per poll: unchanged vs first poll;
* extraction: articles/s through ``parse_article_page`` vs a plain selectolax parse + text.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from base.config import HttpSettings, Selectors, SourceSettings  # noqa: E402
from jobs.fetch import Fetcher  # noqa: E402
from jobs.poll import Poller, PollResult  # noqa: E402
from news.extract import parse_article_page  # noqa: E402
from news.tagging import build_tagger  # noqa: E402
from storage.db import open_database, session_factory  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "portal"
SERVER = """
import sys
sys.path.insert(0, {root!r})
from tests.portal_server import Portal
portal = Portal.from_fixtures()
for page in portal.pages.values():
    page.conditional = {etag}
with portal.serving() as url:
    print(url, flush=True)
    sys.stdin.read()
"""


@contextmanager
def portal(etag: bool) -> Iterator[str]:
    code = SERVER.format(root=str(ROOT), etag=etag)
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None and process.stdin is not None
        try:
            yield process.stdout.readline().strip()
        finally:
            process.stdin.close()
            process.wait(10)


@dataclass
class PollCost:
    requests: float
    article_pages: float
    cpu_ms: float


def district(base_url: str) -> SourceSettings:
    return SourceSettings(
        name="huyen-dien-bien",
        type="html",
        url=f"{base_url}/Tintuc/?PageIndex=1",
        max_pages=2,
        selectors=Selectors(
            item=".news-list a.title, .featured a", next_page="a[title='Trang sau']"
        ),
    )


async def measure(base_url: str, polls: int) -> tuple[PollCost, PollCost]:
    """The first poll's cost, then the mean cost of ``polls`` polls of the unchanged portal."""
    http = HttpSettings(timeout_seconds=10)
    with tempfile.TemporaryDirectory() as workdir:
        async with open_database(f"sqlite+aiosqlite:///{workdir}/bench.db") as engine:
            async with Fetcher(http) as fetcher:
                poller = Poller(fetcher, session_factory(engine), build_tagger("Điện Biên"), http)
                first = await _one(poller, fetcher, district(base_url))
                runs = [await _one(poller, fetcher, district(base_url)) for _ in range(polls)]
    return first, PollCost(
        requests=sum(r.requests for r in runs) / polls,
        article_pages=sum(r.article_pages for r in runs) / polls,
        cpu_ms=sum(r.cpu_ms for r in runs) / polls,
    )


async def _one(poller: Poller, fetcher: Fetcher, source: SourceSettings) -> PollCost:
    requests, cpu = fetcher.requests, time.process_time()
    result: PollResult = await poller.poll(source)
    if not result.ok:
        raise SystemExit(f"poll failed: {result.error}")
    return PollCost(fetcher.requests - requests, result.fetched, (time.process_time() - cpu) * 1e3)


def article_pages() -> list[tuple[str, bytes]]:
    files = sorted((FIXTURES / "district" / "articles").glob("*.html"))
    return [(f"https://huyendienbien.gov.vn/Tintuc/View/{f.stem}", f.read_bytes()) for f in files]


def throughput(
    work: Callable[[str, bytes], None], pages: list[tuple[str, bytes]], seconds: float
) -> float:
    """Pages per second of ``work(url, html)`` over ``pages``, repeated for ``seconds``."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for url, html in pages:
            work(url, html)
        done += len(pages)
    return done / (time.perf_counter() - start)


def extract(url: str, html: bytes) -> None:
    parse_article_page(html, url, Selectors().model_dump())


def plain_parse(url: str, html: bytes) -> None:
    tree = LexborHTMLParser(html.decode("utf-8", errors="replace"))
    if tree.body is not None:
        tree.body.text()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()

    with portal(etag=True) as url:
        first, unchanged = asyncio.run(measure(url, args.polls))
    with portal(etag=False) as url:
        _, no_etag = asyncio.run(measure(url, args.polls))
    pages = article_pages()
    extracted = throughput(extract, pages, args.seconds)
    baseline = throughput(plain_parse, pages, args.seconds)

    print(f"poll of the district fixture portal (2 list pages, {first.article_pages:.0f} articles)")
    print(f"{'':28}{'requests':>10}{'article pages':>15}{'CPU ms':>10}")
    for name, cost in [
        ("first poll (backfill)", first),
        ("unchanged, ETag (304)", unchanged),
        ("unchanged, no ETag", no_etag),
    ]:
        print(f"{name:28}{cost.requests:>10.1f}{cost.article_pages:>15.1f}{cost.cpu_ms:>10.2f}")
    print(
        f"unchanged poll CPU vs first poll: {unchanged.cpu_ms / first.cpu_ms:.3f}x (ETag), "
        f"{no_etag.cpu_ms / first.cpu_ms:.3f}x (no ETag)"
    )
    print(
        f"extraction: {extracted:,.0f} articles/s; plain selectolax parse: {baseline:,.0f} "
        f"pages/s; ratio {extracted / baseline:.2f}"
    )
    if unchanged.article_pages or no_etag.article_pages:
        raise SystemExit("FAIL: an unchanged portal caused article page fetches")


if __name__ == "__main__":
    main()
