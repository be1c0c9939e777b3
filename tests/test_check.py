"""``loa check``: the operator's preflight against the chat emulators and the fixture portal."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from loa.cli import main
from tests.e2e_support import TELEGRAM_TOKEN, ZALO_TOKEN, Options, write_config
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.portal_server import Portal
from tests.support.ports import closed_port
from tests.support.server import serve

WRONG_ZALO_TOKEN = "e2e:not-the-zalo-token"


@dataclass(frozen=True, slots=True)
class Servers:
    telegram: str
    zalo: str
    portal: str


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    with (
        serve(TelegramEmulator().app) as telegram,
        serve(ZaloEmulator(ZALO_TOKEN).app) as zalo,
        Portal.from_fixtures().serving() as portal,
    ):
        yield Servers(telegram, zalo, portal)


def _config(tmp: Path, servers: Servers, extra: str = "", *, replace: str = "") -> Path:
    path = write_config(tmp, servers.telegram, servers.zalo, Options(), servers.portal)
    text = path.read_text(encoding="utf-8")
    if replace:
        old, new = replace.split("=>")
        assert old in text
        text = text.replace(old, new)
    path.write_text(text + extra, encoding="utf-8")
    return path


FEED = """
[[sources]]
name = "tin-tuc-rss"
type = "rss"
url = "{portal}/rss/tin-tuc.rss"
"""

PUBLIC_WEB = """
[web]
enabled = true
port = 0
public_url = "https://loa.example.vn"
"""

MISSING = """
[[sources]]
name = "trang-mat"
type = "html"
url = "{portal}/khong-co/"
"""


def check(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> tuple[int, str, str]:
    status = main(["--config", str(config), "check", *args])
    out, err = capsys.readouterr()
    return status, out, err


def lines_of(out: str) -> dict[str, str]:
    """Each printed line by the name of its check: '✓ zalo bot: …' -> {'zalo bot': '✓ …'}."""
    found = {}
    for line in out.splitlines():
        mark, _, rest = line.partition(" ")
        name, _, detail = rest.partition(": ")
        found[name] = f"{mark} {detail}"
    return found


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert TELEGRAM_TOKEN not in text and ZALO_TOKEN not in text
        assert WRONG_ZALO_TOKEN not in text and "Traceback" not in text


def test_good_config_passes_every_check(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, servers, FEED.format(portal=servers.portal) + PUBLIC_WEB)
    status, out, err = check(capsys, config)
    assert status == 0, out + err
    lines = out.splitlines()
    assert lines and all(line.startswith("✓ ") for line in lines), out
    found = lines_of(out)
    assert list(found) == [
        "config",
        "database",
        "zalo bot",
        "telegram bot",
        "source huyen-dien-bien",
        "source tin-tuc-rss",
        "zalo updates",
        "telegram updates",
        "web",
    ]
    assert "schema at revision" in found["database"]
    assert "bot.LoaEmulated" in found["zalo bot"]  # Zalo first, by its name
    assert "@loa_test_bot" in found["telegram bot"]
    assert found["source huyen-dien-bien"].startswith("✓ 5 items on the list page")
    assert "title, date, author found" in found["source huyen-dien-bien"]
    assert "items in the feed" in found["source tin-tuc-rss"]
    assert (tmp_path / "loa.db").exists()  # opened and migrated
    assert_no_secret(out, err)


AUTO = """
[[sources]]
name = "chi-dia-chi-trang"
url = "{portal}/Tintuc/?PageIndex=1"

[[sources]]
name = "chi-dia-chi-feed"
url = "{portal}/rss/tin-tuc.rss"
"""


def test_sources_with_only_an_address_are_checked_as_loa_reads_them(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, servers, AUTO.format(portal=servers.portal))
    status, out, err = check(capsys, config)
    assert status == 0, out + err
    found = lines_of(out)
    assert found["source chi-dia-chi-trang"].startswith("✓ 5 items on the list page")
    assert "title, date, author found" in found["source chi-dia-chi-trang"]
    assert found["source chi-dia-chi-feed"].startswith("✓ 3 items in the feed")


def test_bad_source_and_bad_token_fail_by_name(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(
        tmp_path,
        servers,
        MISSING.format(portal=servers.portal),
        replace=f'"{ZALO_TOKEN}"=>"{WRONG_ZALO_TOKEN}"',
    )
    status, out, err = check(capsys, config)
    assert status == 1
    failed = sorted(line for line in out.splitlines() if line.startswith("✗ "))
    assert [line.split(":")[0] for line in failed] == ["✗ source trang-mat", "✗ zalo bot"], out
    found = lines_of(out)
    assert "HTTP 404" in found["source trang-mat"]
    assert "refused" in found["zalo bot"] and "[zalo] token" in found["zalo bot"]
    assert found["telegram bot"].startswith("✓ ")  # the other checks still ran and passed
    assert found["source huyen-dien-bien"].startswith("✓ ")
    assert_no_secret(out, err)


def test_json_shape(tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]) -> None:
    good = _config(tmp_path, servers)
    status, out, _ = check(capsys, good, "--json")
    assert status == 0
    report = json.loads(out)
    assert set(report) == {"ok", "checks"} and report["ok"] is True
    assert all(set(c) == {"name", "ok", "detail", "warning"} for c in report["checks"])
    assert all(c["ok"] is True and c["detail"] for c in report["checks"])

    bad = _config(tmp_path, servers, MISSING.format(portal=servers.portal))
    status, out, _ = check(capsys, bad, "--json")
    assert status == 1
    report = json.loads(out)
    assert report["ok"] is False
    assert [c["name"] for c in report["checks"] if not c["ok"]] == ["source trang-mat"]


def _refusing_telegram() -> Starlette:
    async def refuse(request: Request) -> JSONResponse:
        body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
        return JSONResponse(body, status_code=401)

    return Starlette(routes=[Route("/bot{token}/{method}", refuse, methods=["GET", "POST"])])


def test_telegram_refusing_the_token(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(_refusing_telegram()) as refusing:
        config = _config(tmp_path, servers, replace=f"{servers.telegram}/bot=>{refusing}/bot")
        status, out, err = check(capsys, config)
    assert status == 1
    found = lines_of(out)
    assert found["telegram bot"] == (
        "✗ Telegram refused the token; check [telegram] token"
        f" (or [telegram] api_base_url {refusing}/bot is wrong)"
    )
    assert found["zalo bot"].startswith("✓ ")
    assert_no_secret(out, err)


def test_unreachable_platform_and_database(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = f"http://127.0.0.1:{closed_port()}"
    config = _config(tmp_path, servers, replace=f'"{servers.zalo}"=>"{closed}"')
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            f'url = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"',
            f'url = "postgresql+asyncpg://loa:hunter2@{closed.removeprefix("http://")}/loa"',
        ),
        encoding="utf-8",
    )
    status, out, err = check(capsys, config)
    assert status == 1
    found = lines_of(out)
    assert found["zalo bot"].startswith("✗ ") and "unreachable" in found["zalo bot"]
    assert found["database"].startswith("✗ ")
    assert "hunter2" not in out  # the database password is not shown either
    assert_no_secret(out, err)


WEBHOOKS = """
[web]
enabled = true
host = "127.0.0.1"
port = {port}
"""


def _with_webhooks(config: Path, zalo_url: str, telegram_url: str, port: int) -> None:
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "[zalo]\n", f'[zalo]\nwebhook_url = "{zalo_url}"\nwebhook_secret = "zalo-secret-123"\n'
    )
    text = text.replace(
        "[telegram]\n", f'[telegram]\nwebhook_url = "{telegram_url}"\nwebhook_secret = "tg_s-1"\n'
    )
    config.write_text(text + WEBHOOKS.format(port=port), encoding="utf-8")


def test_webhook_settings(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, servers)
    _with_webhooks(
        config, "https://loa.example.vn/zalo/webhook", "https://loa.example.vn/telegram/webhook", 0
    )
    status, out, err = check(capsys, config)
    assert_no_secret(out, err)
    assert status == 0, out
    found = lines_of(out)
    assert "secret set; Loa serves POST /zalo/webhook" in found["zalo updates"]
    assert "secret set; Loa serves POST /telegram/webhook" in found["telegram updates"]
    assert found["web"].startswith("✓ will serve webhooks and /healthz on 127.0.0.1:0")
    assert "zalo-secret-123" not in out and "tg_s-1" not in out

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        config = _config(tmp_path, servers)
        # (An http:// Zalo webhook is refused when the config loads: test_config_errors.)
        _with_webhooks(
            config,
            "https://loa.example.vn/zalo/webhook",
            "https://loa.example.vn/telegram/webhook",
            port,
        )
        status, out, _ = check(capsys, config)
    assert status == 1
    failed = [line.split(":")[0] for line in out.splitlines() if line.startswith("✗ ")]
    assert failed == ["✗ web"], out
    assert f"cannot listen on 127.0.0.1:{port}" in lines_of(out)["web"]


def test_no_bot_and_no_source_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "loa.toml"
    config.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n', encoding="utf-8"
    )
    status, out, _ = check(capsys, config)
    assert status == 1
    found = lines_of(out)
    assert found["bots"].startswith("✗ none configured")
    assert found["sources"].startswith("✗ no [[sources]] configured")
    assert found["web"].startswith("✓ off")


def test_a_source_added_on_the_admin_page_is_checked(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "loa.toml"
    config.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n', encoding="utf-8"
    )
    assert main(["--config", str(config), "db", "upgrade"]) == 0
    with sqlite3.connect(tmp_path / "loa.db") as db:
        db.execute(
            "INSERT INTO sources (name, url, consecutive_failures, backfilled, added_by)"
            " VALUES ('dai-xa', ?, 0, 0, 'web:zalo:1')",
            (f"{servers.portal}/rss/tin-tuc.rss",),
        )
    capsys.readouterr()
    _, out, _ = check(capsys, config)
    found = lines_of(out)
    assert found["source dai-xa"].startswith("✓ 3 items in the feed"), out
    assert "sources" not in found


@pytest.mark.parametrize(
    ("zalo_url", "telegram_url", "failing", "line"),
    [
        (
            "https://loa.example.gov.vn/webhooks/zalo",
            "https://loa.example.gov.vn/telegram/webhook",
            "zalo updates",
            "✗ webhook_url path /webhooks/zalo is not served by Loa: the platform's calls would"
            " get 404; Loa serves POST /zalo/webhook:"
            " set webhook_url = 'https://loa.example.gov.vn/zalo/webhook'",
        ),
        (
            "https://loa.example.gov.vn/zalo/webhook",
            "https://loa.example.gov.vn/webhooks/telegram",
            "telegram updates",
            "✗ webhook_url path /webhooks/telegram is not served by Loa: the platform's calls"
            " would get 404; Loa serves POST /telegram/webhook:"
            " set webhook_url = 'https://loa.example.gov.vn/telegram/webhook'",
        ),
        # (An http:// Zalo webhook is refused earlier, when the config loads: test_config_errors.)
        (
            "https://loa.example.gov.vn/zalo/webhook",
            "http://loa.example.gov.vn/telegram/webhook",
            "telegram updates",
            "✗ webhook_url must be an https:// URL, not http://loa.example.gov.vn/telegram/webhook",
        ),
    ],
)
def test_a_webhook_url_loa_does_not_serve_fails_naming_the_served_path(
    tmp_path: Path,
    servers: Servers,
    capsys: pytest.CaptureFixture[str],
    zalo_url: str,
    telegram_url: str,
    failing: str,
    line: str,
) -> None:
    config = _config(tmp_path, servers)
    _with_webhooks(config, zalo_url, telegram_url, 0)
    status, out, _ = check(capsys, config)
    assert status == 1
    assert [ln.split(":")[0] for ln in out.splitlines() if ln.startswith("✗ ")] == [f"✗ {failing}"]
    assert lines_of(out)[failing] == line


def test_the_admin_page_without_public_url_warns(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, servers, "\n[web]\nenabled = true\nport = 0\n")
    status, out, _ = check(capsys, config)
    assert status == 0, out  # a warning: loa run works, only not as the officer expects
    found = lines_of(out)
    assert found["admin page"].startswith(
        "! admin page on without [web] public_url: login links (/quantri, loa admin link) would"
        " point at http://127.0.0.1:0, the server itself"
    )
    assert found["zalo media"] == (
        "! no [web] public_url: photo and voice broadcasts reach Zalo residents as text only"
        " (Zalo fetches media from <public_url>/media/)"
    )


def test_env_file_gives_check_the_service_s_tokens(
    tmp_path: Path, servers: Servers, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tokens live in the service's environment file, not in loa.toml."""
    config = _config(tmp_path, servers, replace=f'"{ZALO_TOKEN}"=>""')
    env = tmp_path / "loa.env"
    env.write_text(f"# the service's tokens\n\nLOA_ZALO_TOKEN='{ZALO_TOKEN}'\n", "utf-8")
    _, without, _ = check(capsys, config)
    assert "zalo bot" not in lines_of(without)
    _, out, err = check(capsys, config, "--env-file", str(env))
    assert "bot.LoaEmulated" in lines_of(out)["zalo bot"], out + err
    assert_no_secret(out, err)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "cannot read the environment file: No such file or directory"),
        ("LOA_ZALO_TOKEN\n", "line 1: not KEY=VALUE"),
    ],
)
def test_an_unreadable_env_file_exits_2_with_one_line(
    tmp_path: Path,
    servers: Servers,
    capsys: pytest.CaptureFixture[str],
    text: str | None,
    message: str,
) -> None:
    config = _config(tmp_path, servers)
    env = tmp_path / "loa.env"
    if text is not None:
        env.write_text(text, "utf-8")
    status, out, err = check(capsys, config, "--env-file", str(env))
    assert status == 2 and out == ""
    assert err == f"loa: {env}: {message}\n"
