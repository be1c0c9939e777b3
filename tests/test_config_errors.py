"""Every configuration mistake an operator makes: exit status 2, one line on stderr naming the
file and the key (or the environment variable) and the fix, no traceback, no secret."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from base.config import TELEGRAM_API
from loa.cli import main
from tests.support.ports import closed_port

PG_URL = os.environ.get("LOA_TEST_DATABASE_URL")
ENV = ("LOA_CONFIG", "LOA_DATABASE_URL", "LOA_TELEGRAM_TOKEN", "LOA_ZALO_TOKEN")


CLOSED = closed_port()
SOURCE = '[[sources]]\nname = "xa"\ntype = "html"\nurl = "https://xa.example.org/"\n'


@dataclass(frozen=True)
class Mistake:
    id: str
    toml: str
    says: tuple[str, ...]  # all in the one line (the key or variable first)
    env: dict[str, str] = field(default_factory=dict)
    command: tuple[str, ...] = ("stats",)
    never: tuple[str, ...] = ()  # secrets: never on stderr


MISTAKES = [
    # [zalo] webhook_url: Zalo calls only https webhooks (issue 21)
    Mistake(
        "zalo-webhook-http",
        '[zalo]\ntoken = "1234:abcd"\nwebhook_url = "http://loa.example.org/zalo/webhook"\n'
        'webhook_secret = "zalo-secret-123"\n',
        ("key 'zalo.webhook_url'", "https://", "(got http://…)"),
        never=("1234:abcd",),
    ),
    # [telegram] sender_shares: shares are claimed through PostgreSQL (issue 26)
    Mistake(
        "shares-on-sqlite",
        '[database]\nurl = "sqlite:///loa.db"\n[telegram]\nsender_shares = 3\n',
        ("[telegram] sender_shares above 1 needs PostgreSQL", "[database] url"),
    ),
    Mistake("shares-zero", "[zalo]\nsender_shares = 0\n", ("key 'zalo.sender_shares'", "1")),
    # [database] url
    Mistake(
        "db-scheme",
        '[database]\nurl = "mysql://root@localhost/loa"\n',
        ("key 'database.url'", "'mysql://'", "sqlite:///loa.db", "postgresql://"),
    ),
    Mistake("db-no-scheme", '[database]\nurl = "loa.db"\n', ("key 'database.url'", "sqlite:///")),
    Mistake(
        "db-env-scheme",
        "",
        ("LOA_DATABASE_URL", "key 'database.url'", "unsupported"),
        env={"LOA_DATABASE_URL": "oracle://x@y/z"},
    ),
    Mistake(
        "db-refused",
        f'[database]\nurl = "postgresql://postgres:hunter2@127.0.0.1:{CLOSED}/loa"\n',
        ("key 'database.url'", "connection refused", f"127.0.0.1:{CLOSED}", "***"),
        never=("hunter2",),
    ),
    Mistake(
        "db-refused-run",
        f'[database]\nurl = "postgres://postgres@127.0.0.1:{CLOSED}/loa"\n',
        ("key 'database.url'", "connection refused"),
        command=("run",),
        never=("Loa is running",),
    ),
    Mistake(
        "db-refused-env",
        "",
        ("LOA_DATABASE_URL", "connection refused"),
        env={"LOA_DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{CLOSED}/loa"},
    ),
    Mistake(
        "db-unknown-host",
        '[database]\nurl = "postgresql://postgres@no-such-host.invalid:5432/loa"\n',
        ("key 'database.url'", "unknown host", "no-such-host.invalid"),
    ),
    Mistake(
        "sqlite-missing-folder",
        '[database]\nurl = "sqlite:///{tmp}/no/such/folder/loa.db"\n',
        ("key 'database.url'", "folder", "does not exist"),
    ),
    Mistake(
        "sqlite-missing-folder-run",
        '[database]\nurl = "sqlite:///{tmp}/nowhere/loa.db"\n',
        ("key 'database.url'", "folder", "does not exist"),
        command=("run",),
        never=("Loa is running",),
    ),
    # api_base_url
    Mistake(
        "telegram-url-no-scheme",
        '[telegram]\napi_base_url = "127.0.0.1:8081"\n',
        ("key 'telegram.api_base_url'", "http://", TELEGRAM_API),
    ),
    Mistake(
        "zalo-url-scheme",
        '[zalo]\napi_base_url = "ftp://127.0.0.1:8082"\n',
        ("key 'zalo.api_base_url'", "http://"),
    ),
    Mistake(
        "telegram-url-bad-port",
        '[telegram]\napi_base_url = "http://127.0.0.1:80x81/bot"\n',
        ("key 'telegram.api_base_url'", "port"),
    ),
    Mistake(
        "telegram-url-with-token",
        '[telegram]\napi_base_url = "http://127.0.0.1:8081/bot123456:SECRETxyz"\n',
        ("key 'telegram.api_base_url'", "token"),
        never=("SECRETxyz",),
    ),
    # tokens
    Mistake(
        "telegram-token-space",
        '[telegram]\ntoken = "hello world"\n',
        ("key 'telegram.token'", "space"),
        never=("hello",),
    ),
    Mistake(
        "telegram-token-shape",
        '[telegram]\ntoken = "wrong-token-xyz"\n',
        ("key 'telegram.token'", "123456789:"),
        never=("wrong-token-xyz",),
    ),
    Mistake(
        "telegram-token-inner-newline",
        '[telegram]\ntoken = "123:abc\\ndef"\n',
        ("key 'telegram.token'", "line break"),
        never=("abc",),
    ),
    Mistake(
        "zalo-token-space",
        '[zalo]\ntoken = "1234 secretpart"\n',
        ("key 'zalo.token'", "space"),
        never=("secretpart",),
    ),
    Mistake("zalo-token-empty", '[zalo]\ntoken = "  "\n', ("key 'zalo.token'", "empty")),
    Mistake(
        "telegram-token-env",
        "",
        ("LOA_TELEGRAM_TOKEN", "key 'telegram.token'", "space"),
        env={"LOA_TELEGRAM_TOKEN": "123:abc def"},
        never=("abc def",),
    ),
    Mistake(
        "zalo-token-env",
        "",
        ("LOA_ZALO_TOKEN", "key 'zalo.token'"),
        env={"LOA_ZALO_TOKEN": "zalo secret"},
        never=("zalo secret",),
    ),
    # [logging]
    Mistake(
        "log-level",
        '[logging]\nlevel = "verbose"\n',
        ("key 'logging.level'", "DEBUG, INFO, WARNING, ERROR"),
    ),
    Mistake(
        "log-libraries",
        '[logging]\ndebug_libraries = "sometimes"\n',
        ("key 'logging.debug_libraries'",),
    ),
    # sources
    Mistake(
        "selector-item",
        SOURCE + '[sources.selectors]\nitem = "div..news"\n',
        ("key 'sources.[0].selectors.item'", "'div..news'", "CSS selector"),
    ),
    Mistake(
        "selector-next-page",
        SOURCE + '[sources.selectors]\nnext_page = ">>"\n',
        ("key 'sources.[0].selectors.next_page'", "CSS selector"),
    ),
    Mistake(
        "selector-empty",
        SOURCE + '[sources.selectors]\ntitle = ""\n',
        ("key 'sources.[0].selectors.title'", "empty"),
    ),
    Mistake(
        "commune-typo",
        SOURCE + 'commune = "Pom Lott"\n',
        ("key 'sources.[0].commune'", "'Pom Lott'", "Pom Lót", "Sam Mứn"),
    ),
    Mistake(
        "commune-unknown",
        SOURCE + 'commune = "Atlantis"\n',
        ("key 'sources.[0].commune'", "loa communes"),
    ),
    Mistake(
        "province-unknown",
        '[places]\nprovince = "Narnia"\n' + SOURCE + 'commune = "Sam Mứn"\n',
        ("key 'places.province'", "Narnia"),
    ),
    # the file itself
    Mistake("unknown-key", '[database]\nurll = "x"\n', ("key 'database.urll'", "unknown key")),
    Mistake("not-toml", "[database\n", ("not valid TOML",)),
]

PG_MISTAKES = [
    Mistake(
        "db-missing-database",
        '[database]\nurl = "{pg_missing}"\n',
        ("key 'database.url'", "'loa_no_such_database' does not exist", "createdb"),
    ),
    Mistake(
        "db-unknown-user",
        '[database]\nurl = "{pg_nobody}"\n',
        ("key 'database.url'", "'loa_nobody'", "***"),
        never=("pw-never-shown",),
    ),
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _check(
    mistake: Mistake,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    **fill: str,
) -> None:
    path = tmp_path / "loa.toml"
    path.write_text(mistake.toml.format(tmp=tmp_path, **fill), encoding="utf-8")
    for name, value in mistake.env.items():
        monkeypatch.setenv(name, value)
    status = main(["--config", str(path), *mistake.command])
    out, err = capsys.readouterr()
    assert status == 2, err
    assert len(err.strip().splitlines()) == 1, err
    line = err.strip()
    assert line.startswith(f"loa: {path}") or line.startswith("loa: environment variable"), line
    assert str(path) in line
    for expected in mistake.says:
        assert expected in line, line
    for secret in mistake.never:
        assert secret not in err + out
    assert "Traceback" not in err + out


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.id for m in MISTAKES])
def test_each_mistake_is_one_line_naming_the_key(
    mistake: Mistake,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _check(mistake, tmp_path, capsys, monkeypatch)


@pytest.mark.skipif(not PG_URL, reason="LOA_TEST_DATABASE_URL not set")
@pytest.mark.parametrize("mistake", PG_MISTAKES, ids=[m.id for m in PG_MISTAKES])
def test_each_postgresql_mistake_is_one_line(
    mistake: Mistake,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import make_url

    server = make_url(PG_URL or "")
    missing = server.set(database="loa_no_such_database")
    nobody = server.set(username="loa_nobody", password="pw-never-shown")
    _check(
        mistake,
        tmp_path,
        capsys,
        monkeypatch,
        pg_missing=missing.render_as_string(hide_password=False),
        pg_nobody=nobody.render_as_string(hide_password=False),
    )


def test_several_mistakes_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loa.toml"
    path.write_text(
        '[logging]\nlevel = "loud"\n[telegram]\ntoken = "x y"\n[database]\nurl = "x"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(path), "topics"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"loa: {path}: key '") for line in lines)
