"""``loa sources add URL``: a portal by its address, end to end against the fixture portal.

A feed, a page advertising a feed, a page advertising a dead feed (read as a list), the district
list page, and three pages with nothing to read (exit 1, one line). ``--write`` appends the
table after the operator's comments and the file still loads.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from base.config import load_settings
from loa.cli import main
from tests.portal_server import DEMO, FIXTURES, Portal

AUTO = FIXTURES / "auto"
# The dead-feed page's three article links, served by existing article pages.
NEWSPAPER_ARTICLES = {
    "/thoi-su/nguoi-dan-xa-sam-mun-ra-quan-lam-duong-giao-thong-nong-thon-101201.html": (
        FIXTURES / "district" / "articles" / "sam-mun-giao-thong-2019.html"
    ),
    "/thoi-su/canh-bao-lu-quet-sat-lo-dat-tren-dia-ban-xa-sam-mun-101202.html": (
        DEMO / "sam-mun-canh-bao-lu-2025.html"
    ),
    "/kinh-te/xa-pom-lot-don-nhan-danh-hieu-nong-thon-moi-nang-cao-101203.html": (
        DEMO / "pom-lot-ntm-nang-cao-cp1258.html"
    ),
}
CONFIG = """# Loa on the test bench: these comments must survive `loa sources add --write`.
[database]
url = "sqlite+aiosqlite:///{tmp}/loa.db"  # kept beside the test

[[sources]]
# the old district list, read with a selector
name = "huyen"
type = "html"
url = "{portal}/Tintuc/"
selectors = {{ item = ".news-list a.title" }}
"""


@pytest.fixture(scope="module")
def portal() -> Iterator[str]:
    served = Portal.from_fixtures()
    for name in ("home-feed", "home-dead-feed", "js-shell", "redirect-stub", "challenge"):
        served.add_file(f"/auto/{name}", AUTO / f"{name}.html")
    for path, file in NEWSPAPER_ARTICLES.items():
        served.add_file(path, file)
    home = (AUTO / "home-feed.html").read_text(encoding="utf-8")
    served.add("/auto/home-no-feed", home.replace('rel="alternate"', 'rel="stylesheet"'))
    with served.serving() as url:
        yield url


@pytest.fixture
def portal_with_challenge() -> Iterator[str]:
    served = Portal()
    page = served.add_file("/", AUTO / "challenge.html")
    page.status, page.error_body = 503, True
    with served.serving() as url:
        yield url + "/"


@pytest.fixture
def config(tmp_path: Path, portal: str) -> Path:
    path = tmp_path / "loa.toml"
    path.write_text(CONFIG.format(tmp=tmp_path, portal=portal), encoding="utf-8")
    return path


def _add(config: Path, *args: str) -> int:
    return main(["--config", str(config), "sources", "add", *args])


def _refused(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Exit 1, nothing on stdout, one line on stderr (returned)."""
    assert _add(config, *args) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1
    return captured.err


def _json(config: Path, capsys: pytest.CaptureFixture[str], url: str) -> dict[str, object]:
    assert _add(config, url, "--json") == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1  # exactly one object
    found: dict[str, object] = json.loads(out)
    assert set(found) == {"type", "url", "links", "articles"}
    return found


def test_a_feed_is_read_as_a_feed(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _json(config, capsys, f"{portal}/rss/tin-tuc.rss")
    assert found["type"] == "rss"
    assert found["url"] == f"{portal}/rss/tin-tuc.rss"
    assert len(found["links"]) == 3  # type: ignore[arg-type]
    first = found["articles"][0]  # type: ignore[index]
    assert first == {
        "url": f"{portal}/Tintuc/View/Canh-bao-lu-quet-sat-lo-dat-tren-dia-ban-xa-Sam-Mun",
        "title": "Cảnh báo lũ quét, sạt lở đất trên địa bàn xã Sam Mứn",
        "published_at": "2025-07-18T16:20:31+07:00",
        "author": "Quàng Văn Thắng - Trung tâm Dịch vụ tổng hợp xã Sam Mứn",
    }


def test_a_page_advertising_a_feed_is_polled_through_it(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _json(config, capsys, f"{portal}/auto/home-feed")
    assert found["type"] == "rss"
    assert found["url"] == f"{portal}/rss/tin-tuc.rss"
    assert len(found["articles"]) == 3  # type: ignore[arg-type]


def test_a_dead_advertised_feed_leaves_the_page_read_as_a_list(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _json(config, capsys, f"{portal}/auto/home-dead-feed")
    assert found["type"] == "html"
    assert found["url"] == f"{portal}/auto/home-dead-feed"
    # Article links only: no menu, tag, contact or other-site link.
    assert found["links"] == [portal + path for path in NEWSPAPER_ARTICLES]
    titles = [article["title"] for article in found["articles"]]  # type: ignore[attr-defined]
    assert titles == [
        "Xã Sam Mứn ra quân làm đường giao thông nông thôn",
        "Cảnh báo lũ quét, sạt lở đất trên địa bàn xã Sam Mứn",
        "Pom Lót đón nhận xã Nông thôn mới nâng cao",
    ]
    assert found["articles"][0]["published_at"] == "2019-03-14T14:15:00+07:00"  # type: ignore[index]


def test_the_district_list_page_without_selectors(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _json(config, capsys, f"{portal}/Tintuc/?PageIndex=1")
    assert found["type"] == "html"
    links = found["links"]
    assert isinstance(links, list) and len(links) >= 5
    assert all("/Tintuc/View/" in link or "/T/" in link for link in links)
    # Each previewed article as the fixture portal's expectations say it is stored.
    expected = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    articles = found["articles"]
    assert isinstance(articles, list) and len(articles) == 3
    for article in articles:
        path = article["url"].removeprefix(portal).split("?")[0]
        want = expected[path]
        assert (article["title"], article["published_at"], article["author"]) == (
            want["title"],
            want["published_at"],
            want["author"],
        )


@pytest.mark.parametrize(
    ("page", "what"),
    [
        ("js-shell", "a JavaScript-only shell"),
        ("redirect-stub", "a redirect stub"),
        ("challenge", "an anti-bot challenge"),
    ],
)
def test_a_page_with_nothing_to_read_exits_1_saying_which(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str], page: str, what: str
) -> None:
    before = config.read_text(encoding="utf-8")
    assert what in _refused(config, capsys, f"{portal}/auto/{page}", "--write")
    assert config.read_text(encoding="utf-8") == before


def test_a_challenge_answering_503_exits_1_saying_so(
    portal_with_challenge: str, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "an anti-bot challenge (HTTP 503)" in _refused(config, capsys, portal_with_challenge)


def test_human_output_says_what_was_found_and_previews_three(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _add(config, f"{portal}/auto/home-feed") == 0
    out = capsys.readouterr().out
    assert f"a feed: {portal}/rss/tin-tuc.rss (3 items)" in out
    assert out.count("    time:   ") == 3
    assert "    time:   2025-07-18 16:20 +07" in out
    assert "--write" in out


def test_write_appends_the_table_keeping_comments_and_the_file_loads(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = config.read_text(encoding="utf-8")
    url = f"{portal}/auto/home-dead-feed"
    assert _add(config, url, "--name", "bao-tinh", "--commune", "xa sam mun", "--write") == 0
    assert "added to" in capsys.readouterr().out
    after = config.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert "# the old district list, read with a selector" in after
    assert after[len(before) :] == (
        f'\n[[sources]]\nname = "bao-tinh"\nurl = "{url}"\ncommune = "xa sam mun"\n'
    )
    settings = load_settings(config)
    added = settings.sources[-1]
    assert (added.name, added.url, added.type, added.commune) == (
        "bao-tinh",
        url,
        "auto",
        "Sam Mứn",
    )


def test_a_name_already_configured_is_refused(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _refused(config, capsys, f"{portal}/rss/tin-tuc.rss", "--name", "huyen", "--write")
    assert "already configured" in err


def test_a_page_without_article_links_exits_1_saying_so(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The feed-advertising homepage without its feed: menus, a script, no article.
    err = _refused(config, capsys, f"{portal}/auto/home-no-feed")
    assert "no article links found; its 1 script may draw the news" in err


def test_an_unknown_commune_is_refused_before_writing(
    config: Path, portal: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = config.read_text(encoding="utf-8")
    url = f"{portal}/rss/tin-tuc.rss"
    err = _refused(config, capsys, url, "--commune", "Không Có Xã Này", "--write")
    assert "the source would not load" in err and "commune" in err
    assert config.read_text(encoding="utf-8") == before
