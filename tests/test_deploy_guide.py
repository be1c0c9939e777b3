"""docs/deploy.md is true: every TOML block loads with Loa's settings, every webhook URL and every
path the reverse proxy forwards is one Loa serves (the routes of the app ``loa run`` builds), every
public route is forwarded, every ``loa`` command line parses, and the environment file example
gives Loa its tokens."""

from __future__ import annotations

import re
import shlex
import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.routing import BaseRoute, Mount, Route

from base.config import Settings, parse_env_file, parse_settings
from bot.catalog import build_catalog
from loa.cli import build_parser
from web.admin.mount import web_routes
from web.app import create_app, telegram_webhook, zalo_webhook

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "deploy.md"
TEXT = GUIDE.read_text(encoding="utf-8")
BLOCK = re.compile(r"^[ \t]*```(\w+)\n(.*?)^[ \t]*```", re.M | re.S)  # indented in lists too
LOCATION = re.compile(r"location\s+(=\s+)?(\S+)\s*\{([^}]*)\}")
LOA = "/opt/loa/.venv/bin/loa"


def blocks(language: str) -> list[str]:
    return [textwrap.dedent(body) for lang, body in BLOCK.findall(TEXT) if lang == language]


class _Target:
    async def process_webhook_update(self, data: dict[str, object]) -> None:
        return None


def served(sessions: async_sessionmaker[AsyncSession]) -> dict[str, set[str]]:
    """Path → methods of every route of the app ``loa run`` builds with everything on: both
    webhooks, the admin page, /metrics, /media/, /healthz."""
    settings = Settings.model_validate({"web": {"enabled": True, "metrics": True}})
    catalog = build_catalog("Điện Biên")
    webhooks = [zalo_webhook("secret-123", _Target()), telegram_webhook("s", _Target())]
    pages = web_routes(settings, sessions, lambda: catalog)
    app = create_app(sessions, webhooks, lambda: [], pages)
    return dict(_flatten(app.routes))


def _flatten(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, set[str]]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _flatten(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, set(route.methods or ())


@pytest.fixture
def routes(sessions: async_sessionmaker[AsyncSession]) -> dict[str, set[str]]:
    return served(sessions)


def test_every_toml_block_loads_with_loa_s_settings() -> None:
    found = blocks("toml")
    assert len(found) == 6  # the database, two of administrators, webhooks, admin page, PostgreSQL
    for body in found:
        parse_settings(body, GUIDE, env={})  # a mistake raises ConfigError naming the key


def test_every_webhook_url_is_a_path_loa_serves(routes: dict[str, set[str]]) -> None:
    urls = [
        url
        for body in blocks("toml")
        for settings in [parse_settings(body, GUIDE, env={})]
        for url in (settings.zalo.webhook_url, settings.telegram.webhook_url)
        if url
    ]
    assert len(urls) == 2
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", url
        assert "POST" in routes.get(parts.path, set()), f"{url}: Loa serves no POST {parts.path}"
    # The prose names the same paths.
    for path in ("/zalo/webhook", "/telegram/webhook"):
        assert f"`POST {path}`" in TEXT and "POST" in routes[path]


def test_every_proxied_path_is_served_and_every_public_route_is_proxied(
    routes: dict[str, set[str]],
) -> None:
    [nginx] = blocks("nginx")
    locations = LOCATION.findall(nginx)
    ports = {parse_settings(b, GUIDE, env={}).web.port for b in blocks("toml") if "[web]" in b}
    assert len(ports) == 1, "every [web] example listens on one port"
    [port] = ports
    proxied = set()
    for exact, path, body in locations:
        if exact:
            assert path in routes, f"location = {path}: Loa serves no {path}"
        else:
            assert any(route.startswith(path) for route in routes), f"location {path}: nothing"
        assert f"proxy_pass http://127.0.0.1:{port};" in body, path
        proxied.add(path)
    public = {"/admin/", "/media/", "/zalo/webhook", "/telegram/webhook", "/healthz", "/metrics"}
    assert proxied == public
    # ...and those are all Loa serves: no route left out of the guide.
    for route in routes:
        assert any(route == p or (p.endswith("/") and route.startswith(p)) for p in public), route


def test_every_loa_command_in_the_guide_parses() -> None:
    commands = [
        line.strip()
        for body in blocks("sh")
        for line in body.replace("\\\n", " ").splitlines()  # a command continued with "\"
        if LOA in line and not line.lstrip().startswith("#")
    ]
    assert any("check --live --send-test" in line and "--record" in line for line in commands)
    assert any("check --env-file /etc/loa/loa.env" in line for line in commands)
    parser = build_parser()
    for line in commands:
        words = shlex.split(line.split("#")[0])
        args = words[words.index(LOA) + 1 :]
        try:
            parser.parse_args(args)
        except SystemExit:
            pytest.fail(f"the guide's command does not parse: {line}")


def test_the_environment_file_example_gives_loa_its_tokens() -> None:
    [env_file] = [
        body
        for body in blocks("sh")
        if all(re.match(r"LOA_\w+=", line) for line in body.splitlines() if line.strip())
    ]
    filled = env_file.replace("…", "x" * 33)  # the guide's placeholders, filled in
    env = parse_env_file(filled, GUIDE)
    settings = parse_settings("", GUIDE, env=env)
    assert settings.zalo.token and settings.telegram.token


def test_the_guide_covers_the_road_in_order() -> None:
    """Install without test tools, user and absolute database, tokens, check with them,
    webhooks, admin page, backup and restore on a timer, upgrade."""
    steps = [
        "pip install /opt/loa ",
        'url = "sqlite:////var/lib/loa/loa.db"',
        "/etc/loa/loa.env",
        "check --env-file /etc/loa/loa.env",
        'webhook_url = "https://loa.example.gov.vn/zalo/webhook"',
        'public_url = "https://loa.example.gov.vn"',
        ".backup /backup/loa/",
        "pg_restore",
        "/etc/cron.d/loa-backup",
        "## 10. Upgrade",
    ]
    at = [TEXT.find(step) for step in steps]
    assert -1 not in at, [s for s, i in zip(steps, at, strict=True) if i < 0]
    assert at == sorted(at)
    assert "[dev]" not in TEXT.split("## 1. Install", 1)[1].split("```sh", 1)[1].split("```")[0]
