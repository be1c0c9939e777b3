"""What the command line shows people: exit codes, closed pipes, refused arguments, times."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any

import pytest

from base.timefmt import offset_label, plural, shown, shown_date, zone
from loa.cli import main
from loa.cmd import stats
from tests.portal_server import Portal

ROOT = Path(__file__).resolve().parent.parent
VIETNAM = zone("Asia/Ho_Chi_Minh")


@pytest.fixture
def base_url() -> Iterator[str]:
    with Portal.from_fixtures().serving() as url:
        yield url


def write_config(tmp_path: Path, sources: str = "", places: str = "") -> Path:
    path = tmp_path / "loa.toml"
    path.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n\n'
        f"[http]\ntimeout_seconds = 5\n\n{places}\n{sources}",
        encoding="utf-8",
    )
    return path


def good_source(base_url: str, name: str = "huyen-dien-bien") -> str:
    return f"""
[[sources]]
name = "{name}"
type = "html"
url = "{base_url}/Tintuc/?PageIndex=1"

[sources.selectors]
item = ".news-list a.title"
"""


def bad_source(base_url: str, name: str) -> str:
    return f'\n[[sources]]\nname = "{name}"\ntype = "html"\nurl = "{base_url}/khong-co/{name}"\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


# -- loa poll --once: exit status and one line per failure ------------------------------------


def test_poll_once_exits_0_when_every_source_was_read(
    tmp_path: Path, base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, good_source(base_url))

    status, out, err = run(capsys, "--config", str(config), "poll", "--once")

    assert status == 0, err
    assert "failed" not in err
    assert re.search(r"huyen-dien-bien: \d+ links, \d+ article pages fetched", out), out


def test_poll_once_exits_1_and_reports_each_failure_once(
    tmp_path: Path, base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, bad_source(base_url, "xa-a") + bad_source(base_url, "xa-b"))

    status, out, err = run(capsys, "--config", str(config), "poll", "--once")

    assert status == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 2, err  # one line per failure, not a log line plus a print
    for name, line in zip(("xa-a", "xa-b"), lines, strict=True):
        assert line.startswith(f"loa: source {name} failed: HTTP 404"), err
    assert "next try in" not in err  # the poller's own warning is not repeated


@pytest.mark.parametrize(
    ("count", "singular", "many", "expected"),
    [
        (0, "article page", None, "0 article pages"),
        (1, "article page", None, "1 article page"),
        (2, "article page", None, "2 article pages"),
        (1, "delivery", "deliveries", "1 delivery"),
        (3, "delivery", "deliveries", "3 deliveries"),
        (1, "source", None, "1 source"),
    ],
)
def test_plural(count: int, singular: str, many: str | None, expected: str) -> None:
    assert plural(count, singular, many) == expected


# -- closed pipes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["articles"],
        ["articles", "--json"],
        ["communes", "--json"],
        ["communes"],
        ["stats"],
        ["stats", "--json"],
        ["sources"],
        ["topics"],
        ["search", "Sam Mứn"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path, argv: list[str]) -> None:
    """``loa ARGS | head -1`` with the reader gone before the first line: no traceback."""
    config = write_config(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader left: every write gets EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "loa.cli", "--config", str(config), *argv],
            cwd=tmp_path,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_head_reads_one_line_of_a_long_listing(tmp_path: Path) -> None:
    """The shell's own pipe, the reader leaving after one line of a long output."""
    config = write_config(tmp_path)
    loa = f"{sys.executable} -m loa.cli --config {config}"
    script = f"set -o pipefail; for i in 1 2 3 4 5 6 7 8; do {loa} communes; done | head -1"
    done = subprocess.run(
        ["bash", "-c", f"{loa} communes --json | head -1 && {script}"],
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 2 and done.stdout.startswith('{"name": ')
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


# -- refused arguments ------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["articles"], ["search", "Sam Mứn"]])
@pytest.mark.parametrize(
    ("value", "reason"), [("0", "at least 1"), ("-3", "at least 1"), ("ba", "not a whole number")]
)
def test_limit_must_be_a_positive_whole_number(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    value: str,
    reason: str,
) -> None:
    config = write_config(tmp_path)
    with pytest.raises(SystemExit) as refused:
        main(["--config", str(config), *command, "--limit", value])
    err = capsys.readouterr().err
    assert refused.value.code == 2
    assert "--limit" in err and reason in err, err


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_an_empty_search_is_refused_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    config = write_config(tmp_path)

    status, out, err = run(capsys, "--config", str(config), "search", query)

    assert status == 2
    assert "no article matches" not in out
    assert 'loa search "Sam Mứn"' in err and "words" in err


# -- times shown to people --------------------------------------------------------------------

NOON_UTC = datetime(2026, 12, 1, 10, 5, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "tz", "kwargs", "expected"),
    [
        (NOON_UTC, VIETNAM, {}, "2026-12-01 17:05 +07"),
        (NOON_UTC, VIETNAM, {"seconds": True}, "2026-12-01 17:05:09 +07"),
        ("2026-12-01T10:05:09+00:00", VIETNAM, {}, "2026-12-01 17:05 +07"),
        ("2026-12-01T17:05:09+07:00", VIETNAM, {}, "2026-12-01 17:05 +07"),
        ("2026-12-01T20:30:00+00:00", VIETNAM, {}, "2026-12-02 03:30 +07"),  # the next day
        (datetime(2026, 12, 1, 10, 5), VIETNAM, {}, "2026-12-01 17:05 +07"),  # naive: UTC
        (NOON_UTC, zone("UTC"), {}, "2026-12-01 10:05 +00"),
        (NOON_UTC, zone("Asia/Kolkata"), {}, "2026-12-01 15:35 +05:30"),
        (NOON_UTC, zone("America/St_Johns"), {}, "2026-12-01 06:35 -03:30"),
        (NOON_UTC.replace(month=7), zone("Europe/Paris"), {}, "2026-07-01 12:05 +02"),
        (None, VIETNAM, {}, "never"),
        (None, VIETNAM, {"missing": "no date"}, "no date"),
        ("", VIETNAM, {}, "never"),
    ],
)
def test_shown(
    value: datetime | str | None, tz: tzinfo, kwargs: dict[str, Any], expected: str
) -> None:
    assert shown(value, tz, **kwargs) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01T16:59:00+00:00", "2026-12-01"),
        ("2026-12-01T17:00:00+00:00", "2026-12-02"),  # midnight in Vietnam
        (None, "no date"),
    ],
)
def test_shown_date(value: str | None, expected: str) -> None:
    assert shown_date(value, VIETNAM) == expected


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (timedelta(hours=7), "+07"),
        (timedelta(0), "+00"),
        (None, "+00"),
        (timedelta(hours=-3, minutes=-30), "-03:30"),
        (timedelta(hours=5, minutes=45), "+05:45"),
    ],
)
def test_offset_label(offset: timedelta | None, expected: str) -> None:
    assert offset_label(offset) == expected


@pytest.mark.parametrize(("timezone_name", "label"), [(None, "+07"), ("UTC", "+00")])
def test_articles_and_sources_show_the_configured_time_zone(
    tmp_path: Path,
    base_url: str,
    capsys: pytest.CaptureFixture[str],
    timezone_name: str | None,
    label: str,
) -> None:
    places = f'[places]\ntimezone = "{timezone_name}"\n' if timezone_name else ""
    config = write_config(tmp_path, good_source(base_url), places)
    run(capsys, "--config", str(config), "poll", "--once")

    status, out, _ = run(capsys, "--config", str(config), "articles", "--limit", "3")
    assert status == 0
    firsts = out.splitlines()[::3]
    assert len(firsts) == 3
    assert all(
        re.match(rf"\d{{4}}-\d\d-\d\d \d\d:\d\d {re.escape(label)}  \S", line) for line in firsts
    ), out

    _, out, _ = run(capsys, "--config", str(config), "sources")
    assert re.search(
        rf"last success: \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d {re.escape(label)}$", out, re.M
    )

    _, out, _ = run(capsys, "--config", str(config), "articles", "--json", "--limit", "1")
    assert '"published_at": "' in out and "+07:00" in out  # JSON keeps ISO 8601 with offset


def test_an_unknown_time_zone_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, places='[places]\ntimezone = "Asia/Hanoi City"\n')

    status, _, err = run(capsys, "--config", str(config), "articles")

    assert status == 2 and "places.timezone" in err and "Asia/Ho_Chi_Minh" in err, err


def test_stats_shows_instances_and_broadcasts_in_vietnam_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    figures = {
        "residents": {},
        "channels": {
            "zalo": {
                "state": "paused",
                "since": "2026-12-01T10:07:00+00:00",
                "reason": "the bot is refused: sendMessage: 401 Unauthorized",
            },
            "telegram": {"state": "working", "since": None, "reason": None},
        },
        "communes": {},
        "topics": {},
        "deliveries": {},
        "instances": [
            {
                "id": "a",
                "host": "may-1",
                "pid": 101,
                "started_at": "2026-12-01T10:05:00+00:00",
                "last_seen": "2026-12-01T10:06:07+00:00",
                "roles": ["poller"],
                "alive": True,
            }
        ],
        "broadcasts": [
            {
                "id": 7,
                "created_by": "cli",
                "created_at": "2026-12-01T20:30:00+00:00",
                "text": "Họp dân",
                "commune": None,
                "topic": None,
                "emergency": False,
                "state": "done",
                "counts": {},
                "report": {"sent": 3, "failed": 0},
            }
        ],
    }
    stats._print_human(figures, VIETNAM)
    table = capsys.readouterr().out
    assert "may-1 pid 101     since 2026-12-01 17:05 +07  seen 2026-12-01 17:06:07 +07" in table
    assert "#7 2026-12-02 03:30 +07 done" in table
    assert (
        "zalo       paused since 2026-12-01 17:07 +07: the bot is refused:"
        " sendMessage: 401 Unauthorized"
    ) in table
    assert "telegram   working" in table
