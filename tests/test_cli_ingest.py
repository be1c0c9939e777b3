"""``loa poll --once``, ``articles``, ``sources`` through ``main(argv)`` on a real portal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from loa.cli import main
from tests.portal_server import FIXTURES, Portal

EXPECTED = json.loads((FIXTURES / "expected.json").read_text("utf-8"))
DISTRICT = [path for path in EXPECTED if not path.startswith("/portal/")]
KEYS = {"url", "title", "published_at", "author", "summary", "category", "source"}


@pytest.fixture
def base_url() -> Iterator[str]:
    with Portal.from_fixtures().serving() as url:
        yield url


@pytest.fixture
def config(tmp_path: Path, base_url: str) -> Path:
    path = tmp_path / "loa.toml"
    path.write_text(
        f"""
[database]
url = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"

[http]
timeout_seconds = 5

[[sources]]
name = "huyen-dien-bien"
type = "html"
url = "{base_url}/Tintuc/?PageIndex=1"
max_pages = 2

[sources.selectors]
item = ".news-list a.title"
next_page = "a[title='Trang sau']"

[[sources]]
name = "xa-vang"
type = "html"
url = "{base_url}/khong-co/"
""",
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_poll_once_then_articles_json(
    config: Path, base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--config", str(config), "poll", "--once")
    assert status == 1  # one source failed: cron and timers must notice
    assert "huyen-dien-bien" in out and f"{len(DISTRICT)} archived" in out, err
    assert "loa: source xa-vang failed: HTTP 404" in err
    assert err.count("xa-vang") == 1, err  # printed once, not a log line plus a print

    status, out, _ = run(capsys, "--config", str(config), "articles", "--json", "--limit", "50")
    assert status == 0
    items = [json.loads(line) for line in out.splitlines()]
    assert len(items) == len(DISTRICT)
    assert all(set(item) == KEYS | {"communes", "topics"} for item in items)
    assert {item["url"] for item in items} == {base_url + path for path in DISTRICT}
    dates = [item["published_at"] for item in items]
    assert dates == sorted(dates, reverse=True) and all(d.endswith("+07:00") for d in dates)
    by_url = {item["url"]: item for item in items}
    for path in DISTRICT:
        assert by_url[base_url + path]["author"] == EXPECTED[path]["author"]  # None -> null
        assert by_url[base_url + path]["published_at"] == EXPECTED[path]["published_at"]
    assert all(item["source"] == "huyen-dien-bien" for item in items)
    assert all(isinstance(item["communes"], list) for item in items)


def test_articles_limit_and_human_output(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--config", str(config), "poll", "--once")

    status, out, _ = run(capsys, "--config", str(config), "articles", "--json", "--limit", "2")
    assert status == 0 and len(out.splitlines()) == 2
    status, out, _ = run(capsys, "--config", str(config), "articles")
    newest = max(DISTRICT, key=lambda p: EXPECTED[p]["published_at"])
    assert status == 0 and out.splitlines()[0].endswith(EXPECTED[newest]["title"])


def test_sources_show_health(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--config", str(config), "sources", "--json")
    assert status == 0
    before = {item["name"]: item for item in map(json.loads, out.splitlines())}
    assert before["huyen-dien-bien"]["last_success"] is None

    run(capsys, "--config", str(config), "poll", "--once")
    status, out, _ = run(capsys, "--config", str(config), "sources", "--json")
    health = {item["name"]: item for item in map(json.loads, out.splitlines())}
    good, bad = health["huyen-dien-bien"], health["xa-vang"]
    assert good["consecutive_failures"] == 0 and good["last_success"].endswith("+07:00")
    assert good["last_error"] is None and good["next_check"]
    assert bad["consecutive_failures"] == 1 and "HTTP 404" in bad["last_error"]
    assert bad["last_success"] is None and bad["next_check"] and bad["url"].endswith("/khong-co/")

    status, out, _ = run(capsys, "--config", str(config), "sources")
    assert status == 0
    assert "xa-vang: FAILING (1 in a row)" in out and "huyen-dien-bien: OK" in out


def test_bad_config_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loa.toml"
    path.write_text('[[sources]]\nname = "x"\ntype = "html"\nurl = "http://x/"\nintervl = 5\n')

    status, _, err = run(capsys, "--config", str(path), "poll", "--once")

    assert status == 2
    assert str(path) in err and "key 'sources.[0].intervl': unknown key" in err


def test_demo_runs_offline(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "demo")

    assert status == 0
    assert "stored as archive (backfill, never sent), 0 deliveries queued" in out
    assert "Second poll: 6 links, 1 article page fetched, 1 stored as new, 1 delivery queued" in out
    queued = out.split("Queued for the demo resident:")[1]
    assert "to console:demo: Xã Sam Mứn ra quân làm đường giao thông nông thôn" in queued
    delivered = out.split("the demo resident reads (console channel):")[1]
    assert "✍️ Lò Thị Hương - Đài TT-TH huyện Điện Biên" in delivered
    assert "📍 Sam Mứn" in delivered
