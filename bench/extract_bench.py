"""Extraction benchmark: what Loa reads from real pages, without selectors and with them.

    .venv/bin/python bench/extract_bench.py [--runs 20] [--libraries]

Pages: ``tests/fixtures/real`` (real pages stored by public repositories, provenance in its
``SOURCES.md``; title, time and author labelled by reading each page, in ``labels.json``).
Pages marked ``held_out`` were added after Loa was written and are reported apart: the honest
figure for pages Loa was not tuned on (before/after figures in SOURCES.md).

- Articles, per site and per field (title, time to the minute, author): how many Loa gets right
  without selectors and with the selectors an operator would write (sites that have them), and
  the median time per page. A time is right when it is the same minute: the same instant when
  the label has an offset, the same wall-clock minute when the page states none.
- Homepages: precision and recall of the article links Loa finds, against the site's own
  article-URL pattern (every same-site link on the page matching it is an article).
- The modelled portal pages of ``tests/fixtures/portal`` (written for Loa's tests after the
  Điện Biên portals, not real) are shown apart, without selectors.
- ``--htmldate-eval PATH``: a held-out check on many pages Loa was not tuned on: the
  publication *day* of the pages of htmldate's own evaluation set (a checkout of
  adbar/htmldate: ``tests/eval_default.json`` and its ``tests/eval``/``tests/cache`` pages,
  mostly German), by Loa and, with ``--libraries``, by htmldate itself.
- ``--libraries``: the same article fields read by htmldate (date) and trafilatura (title,
  date, author) when they can be imported (they are not Loa's dependencies: install them in a
  throwaway environment and put its site-packages on ``PYTHONPATH``), with their time per page
  and the cost of importing them (seconds and resident memory, in a fresh interpreter).

Goals (issue 23), without selectors: every title, >= 0.85 of times, >= 0.7 of authors; on
homepages precision >= 0.9 and recall >= 0.8.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from news.discover import article_links  # noqa: E402
from news.extract import parse_article_page  # noqa: E402
from news.markup import decode_html, parse_html  # noqa: E402
from news.urls import absolute  # noqa: E402

REAL = ROOT / "tests" / "fixtures" / "real"
PORTAL = ROOT / "tests" / "fixtures" / "portal"
FIELDS = ("title", "time", "author")
Read = dict[str, Any]  # title, published_at (datetime | None), author


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def same_minute(found: datetime | None, label: str | None) -> bool:
    if label is None or found is None:
        return found is None and label is None
    wanted = datetime.fromisoformat(label)
    if wanted.tzinfo is None:  # the page states no zone: compare its wall clock
        found = found.replace(tzinfo=None)
    return found.replace(second=0, microsecond=0) == wanted


def fold(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "")).strip().casefold()


def score(read: Read, label: dict[str, Any]) -> dict[str, bool]:
    return {
        "title": fold(read["title"]) == fold(label["title"]),
        "time": same_minute(read["published_at"], label["published_at"]),
        "author": fold(read["author"]) == fold(label["author"]),
    }


def loa_reader(selectors: dict[str, str]) -> Callable[[bytes | str, str], Read]:
    def read(html: bytes | str, url: str) -> Read:
        data = parse_article_page(html, url, selectors)
        return {"title": data.title, "published_at": data.published_at, "author": data.author}

    return read


def timed(reader: Callable[[bytes | str, str], Read], html: bytes, url: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        reader(html, url)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_articles(labels: dict[str, Any], runs: int, readers: dict[str, Any], heading: str) -> None:
    print(f"== {heading}: right answers per site and field ==")
    header = f"{'site':<20}{'reader':<16}" + "".join(f"{f:>8}" for f in FIELDS) + f"{'ms/page':>10}"
    print(header)
    totals: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    speeds: dict[str, list[float]] = defaultdict(list)
    by_site: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for file, label in labels.items():
        by_site[label["site"]].append((file, label))
    for site, pages in by_site.items():
        for name, factory in readers.items():
            rights: dict[str, list[bool]] = defaultdict(list)
            spent = []
            for file, label in pages:
                reader = factory(label)
                if reader is None:
                    continue
                html = read_page(REAL / "articles" / file)
                try:
                    found = reader(html, label["url"])
                except Exception as exc:  # a reader failing is a wrong answer, not a crash
                    found = {"title": f"<{type(exc).__name__}>", "published_at": None}
                    found["author"] = None
                for field_name, ok in score(found, label).items():
                    rights[field_name].append(ok)
                    totals[name][field_name].append(ok)
                spent.append(timed(reader, html, label["url"], runs))
            if not spent:
                continue
            speeds[name].extend(spent)
            cells = "".join(f"{sum(rights[f])}/{len(rights[f]):<6}".rjust(8) for f in FIELDS)
            print(f"{site:<20}{name:<16}{cells}{statistics.median(spent) * 1000:>10.1f}")
    print()
    for name, fields in totals.items():
        shares = ", ".join(
            f"{f} {sum(v)}/{len(v)} = {sum(v) / len(v):.2f}" for f, v in fields.items()
        )
        print(f"all pages, {name}: {shares}; {statistics.median(speeds[name]) * 1000:.1f} ms/page")
    print()


def run_homepages(labels: dict[str, Any], heading: str) -> None:
    print(f"== {heading}: article links found vs the site's article-URL pattern ==")
    print(f"{'page':<40}{'found':>6}{'true':>6}{'hits':>6}{'precision':>11}{'recall':>8}{'ms':>7}")
    for file, label in labels.items():
        url, pattern = label["url"], re.compile(label["articles"])
        html = read_page(REAL / "homepages" / file)
        start = time.perf_counter()
        tree = parse_html(html)
        found = {_key(link) for link in article_links(tree, url)}
        spent = (time.perf_counter() - start) * 1000
        truth = {
            _key(link)
            for node in tree.css("a[href]")
            if pattern.match(link := absolute(url, (node.attributes.get("href") or "").strip()))
        }
        hits = len(found & truth)
        precision = hits / len(found) if found else 0.0
        recall = hits / len(truth) if truth else 0.0
        print(
            f"{file:<40}{len(found):>6}{len(truth):>6}{hits:>6}{precision:>11.2f}{recall:>8.2f}"
            f"{spent:>7.1f}"
        )
    print()


def _key(url: str) -> str:
    """http/https and www./bare name one page."""
    parts = urlsplit(url.split("#")[0])
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path}?{parts.query}"


def run_modelled(readers: dict[str, Any]) -> None:
    print("== Modelled portal pages (tests/fixtures/portal, not real), without selectors ==")
    expected = json.loads((PORTAL / "expected.json").read_text(encoding="utf-8"))
    for name, factory in readers.items():
        reader = factory({})
        if reader is None:
            continue
        rights: dict[str, list[bool]] = defaultdict(list)
        for path, label in expected.items():
            html = decode_html((PORTAL / label["file"]).read_bytes())
            found = reader(html, "http://portal.test" + path)  # decoded: its charset varies
            wanted = dict(label)
            if wanted.get("published_at"):
                wanted["published_at"] = wanted["published_at"][:16] + wanted["published_at"][19:]
            for field_name, ok in score(found, wanted).items():
                rights[field_name].append(ok)
        print(f"{name}: " + ", ".join(f"{f} {sum(v)}/{len(v)}" for f, v in rights.items()))
    print()


def run_htmldate_eval(root: Path, readers: dict[str, Any]) -> None:
    print(f"== Held out: publication day on htmldate's evaluation pages ({root}) ==")
    cases = json.loads((root / "tests" / "eval_default.json").read_text(encoding="utf-8"))
    right: dict[str, int] = defaultdict(int)
    total = 0
    for url, case in cases.items():
        day = case.get("date")
        path = root / "tests" / "eval" / case["file"]
        if not path.exists():
            path = root / "tests" / "cache" / case["file"]
        if not isinstance(day, str) or not path.exists():
            continue
        total += 1
        html = path.read_bytes()
        for name, factory in readers.items():
            reader = factory({})
            if reader is None:
                continue
            try:
                found = reader(html, url)["published_at"]
            except Exception:  # an unreadable page is a miss
                found = None
            right[name] += found is not None and found.date().isoformat() == day
    print(", ".join(f"{name} {hits}/{total} = {hits / total:.2f}" for name, hits in right.items()))
    print()


def library_readers() -> dict[str, Any]:
    readers: dict[str, Any] = {}
    try:
        import htmldate  # type: ignore[import-not-found]

        def by_htmldate(html: bytes | str, url: str) -> Read:
            found = htmldate.find_date(
                _text(html),
                url=url,
                extensive_search=True,
                original_date=True,
                outputformat="%Y-%m-%dT%H:%M%z",
            )
            return {"title": None, "published_at": _iso(found), "author": None}

        readers["htmldate"] = lambda label: by_htmldate
    except ImportError:
        print("htmldate: not importable here (see --libraries)")
    try:
        import trafilatura  # type: ignore[import-not-found]

        def by_trafilatura(html: bytes | str, url: str) -> Read:
            meta = trafilatura.extract_metadata(_text(html), default_url=url, extensive=True)
            if meta is None:
                return {"title": None, "published_at": None, "author": None}
            return {
                "title": meta.title,
                "published_at": _iso(meta.date),
                "author": meta.author,
            }

        readers["trafilatura"] = lambda label: by_trafilatura
    except ImportError:
        print("trafilatura: not importable here (see --libraries)")
    return readers


def _text(html: bytes | str) -> str:
    return html if isinstance(html, str) else decode_html(html)


def _iso(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def import_cost(module: str) -> str:
    """Seconds and resident memory (MB) that importing ``module`` adds to a fresh interpreter."""
    code = (
        "import re, time\n"
        "def rss():\n"
        "    text = open('/proc/self/status').read()\n"
        "    return int(re.search(r'VmRSS:\\s+(\\d+)', text)[1]) / 1024\n"
        "before = rss(); start = time.perf_counter()\n"
        f"import {module}\n"
        "print(time.perf_counter() - start, rss() - before)\n"
    )
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    except subprocess.CalledProcessError:
        return f"{module}: not importable"
    return f"{module}: import {float(out[0]):.2f} s, +{float(out[1]):.0f} MB resident"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per page")
    parser.add_argument("--libraries", action="store_true", help="htmldate and trafilatura too")
    parser.add_argument("--htmldate-eval", type=Path, metavar="PATH", help="htmldate checkout")
    args = parser.parse_args()
    labels = json.loads((REAL / "labels.json").read_text(encoding="utf-8"))
    readers: dict[str, Any] = {
        "loa": lambda label: loa_reader({}),
        "loa+selectors": lambda label: (
            loa_reader(label["selectors"]) if label.get("selectors") else None
        ),
    }
    if args.libraries:
        readers.update(library_readers())
    articles, homepages = labels["articles"], labels["homepages"]
    tuned = {k: v for k, v in articles.items() if not v.get("held_out")}
    run_articles(tuned, args.runs, readers, "Real article pages Loa was tuned on")
    held = {k: v for k, v in articles.items() if v.get("held_out")}
    run_articles(held, args.runs, readers, "Held-out real article pages (see SOURCES.md)")
    run_homepages({k: v for k, v in homepages.items() if not v.get("held_out")}, "Real homepages")
    held = {k: v for k, v in homepages.items() if v.get("held_out")}
    run_homepages(held, "Held-out real homepages (see SOURCES.md)")
    held_out = {name: readers[name] for name in readers if name != "loa+selectors"}
    run_modelled(held_out)
    if args.htmldate_eval:
        run_htmldate_eval(args.htmldate_eval, held_out)
    print("== Import cost (fresh interpreter) ==")
    modules = ["news.extract, news.discover"]
    if args.libraries:
        modules += ["htmldate", "trafilatura"]
    for module in modules:
        print(import_cost(module))


if __name__ == "__main__":
    main()
