"""Loa's settings: one typed object, loaded from a TOML file and the environment.

The TOML file is the single place where an operator describes a deployment. Secrets and the
database URL may instead come from the environment (``LOA_DATABASE_URL``, ``LOA_TELEGRAM_TOKEN``,
``LOA_ZALO_TOKEN``) so they need not be written to disk.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import urlsplit

# Not pydantic: the everyday commands load the settings on every run, and pydantic's import and
# model building cost about a third of the floor those commands stand on (issue 26).
from base.sections import Section, ValidationError, rule

if TYPE_CHECKING:
    from news.resolve import Choice, Resolution, Resolver

DEFAULT_CONFIG_PATH = Path("loa.toml")
CONFIG_ENV = "LOA_CONFIG"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or names a wrong key or value."""


# The database URL forms people write, mapped to the async drivers Loa ships.
_DATABASE_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "sqlite+pysqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+asyncpg",
    "postgresql+psycopg2": "postgresql+asyncpg",
    "postgresql+pg8000": "postgresql+asyncpg",
}
DATABASE_URL_FORMS = (
    "sqlite:///loa.db (a file; sqlite:////abs/path/loa.db for an absolute path) or "
    "postgresql://user:password@host:5432/dbname"
)


def normalise_database_url(url: str) -> str:
    """``url`` with Loa's async driver (``sqlite:///x.db`` -> ``sqlite+aiosqlite:///x.db``).

    Raises ValueError, without quoting the URL (it may hold a password), for any other form.
    """
    url = url.strip()
    scheme, sep, rest = url.partition("://")
    if not sep or not scheme:
        raise ValueError(f"not a database URL; use {DATABASE_URL_FORMS}")
    driver = _DATABASE_DRIVERS.get(scheme.lower())
    if driver is None:
        raise ValueError(
            f"unsupported database URL scheme {scheme + '://'!r}; use {DATABASE_URL_FORMS}"
        )
    if driver == "postgresql+asyncpg":
        if not rest.split("?", 1)[0].strip("/"):
            raise ValueError(f"the PostgreSQL URL names no server; use {DATABASE_URL_FORMS}")
        # libpq's sslmode=require is asyncpg's ssl=require.
        rest = re.sub(r"([?&])sslmode=", r"\1ssl=", rest)
    return f"{driver}://{rest}"


# Each table below is a Section: frozen, unknown keys refused (a typo silently ignored is a bug
# hunt later), each field checked against its type and rule() when read or constructed.


@dataclass(frozen=True, kw_only=True)
class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///loa.db"

    @classmethod
    def _after(cls, name: str, value: Any) -> Any:
        return normalise_database_url(value) if name == "url" else value


@dataclass(frozen=True, kw_only=True)
class Selectors(Section):
    item: str | None = None
    next_page: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None
    body: str | None = None
    category: str | None = None

    @classmethod
    def _after(cls, name: str, value: Any) -> Any:
        """A selector that does not parse is refused now, not at the first poll."""
        if value is None:
            return None
        from news.markup import SelectorError, parse_html, select

        if not value.strip():
            raise ValueError("empty CSS selector; remove the key to use Loa's fallback")
        try:
            select(parse_html("<html><body></body></html>"), value)
        except SelectorError:
            raise ValueError(
                f"invalid CSS selector {value!r}; write a CSS selector such as "
                "'div.news-item a' (check brackets, quotes and dots)"
            ) from None
        return value


@dataclass(frozen=True, kw_only=True)
class SourceSettings(Section):
    name: str = field(metadata=rule(min_length=1))
    title: str | None = None  # how people see it ("Cổng TTĐT huyện Điện Biên"); default: name
    # "auto": a feed is read as a feed, a page advertising a feed through it, any other page
    # as a list whose article links Loa finds (jobs.sniff); "rss"/"html" say it outright.
    type: Literal["auto", "rss", "html"] = "auto"
    url: str = field(metadata=rule(pattern=r"^https?://"))
    interval_seconds: float = field(default=900, metadata=rule(gt=0))
    max_pages: int = field(default=1, metadata=rule(ge=1))
    commune: str | None = None
    ignore_params: list[str] = field(default_factory=list)
    selectors: Selectors = field(default_factory=Selectors)


@dataclass(frozen=True, kw_only=True)
class HttpSettings(Section):
    timeout_seconds: float = field(default=20, metadata=rule(gt=0))
    max_response_bytes: int = field(default=5_000_000, metadata=rule(gt=0))
    max_backoff_seconds: float = field(default=86_400, metadata=rule(gt=0))


@dataclass(frozen=True, kw_only=True)
class PlacesSettings(Section):
    province: str = "Điện Biên"
    province_name: str = field(default="UBND tỉnh Điện Biên", metadata=rule(min_length=1))
    # Who runs this Loa, told to residents who ask (/gioithieu); default: province_name.
    operator: str | None = field(default=None, metadata=rule(min_length=1))
    timezone: str = "Asia/Ho_Chi_Minh"  # times shown to people (CLI), labelled

    @classmethod
    def _after(cls, name: str, value: Any) -> Any:
        if name != "timezone":
            return value
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Ho_Chi_Minh)") from None
        return value


@dataclass(frozen=True, kw_only=True)
class TopicSettings(Section):
    name: str
    keywords: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)


_TELEGRAM_TOKEN = re.compile(r"^[0-9]+:[A-Za-z0-9_-]+$")
_TOKEN_IN_PATH = re.compile(r"/bot[0-9]+:")


def _token_shape(value: str | None, platform: str) -> str | None:
    """A token without surrounding whitespace; never quoted in an error (it is a secret)."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        raise ValueError("the token is empty; paste the bot's token, or remove the key")
    if any(c.isspace() for c in value):
        raise ValueError(
            "the token contains a space or a line break; copy the whole token again, "
            "exactly as the platform shows it"
        )
    if platform == "Telegram" and not _TELEGRAM_TOKEN.match(value):
        raise ValueError(
            "not a Telegram bot token; BotFather's tokens look like 123456789:AAE-letters_digits"
        )
    return value


def _bot_api_base(value: str, default: str) -> str:
    """The Bot API server's base URL, without a trailing ``/`` or ``/bot`` (both accepted)."""
    value = value.strip()
    parts = urlsplit(value)
    example = f"e.g. {default} or http://127.0.0.1:8081"
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ValueError(f"must be an http:// or https:// URL of the Bot API server, {example}")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        raise ValueError(f"the port is not a number; {example}") from None
    if parts.query or parts.fragment:
        raise ValueError(f"must be the server's base URL, without '?' or '#'; {example}")
    path = parts.path.rstrip("/")
    if _TOKEN_IN_PATH.search(path):
        raise ValueError(
            f"must not contain the token (Loa adds /bot<token>; set the token key); {example}"
        )
    path = path.removesuffix("/bot").rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc}{path}"


def _secret_with_webhook(webhook_url: str | None, webhook_secret: str | None) -> None:
    """A webhook without a secret would accept updates from anyone: require one."""
    if webhook_url and not webhook_secret:
        raise ValueError("webhook_url needs webhook_secret (the platform sends it back)")


# The platforms' own Bot API servers: the defaults (tests and local runs point at emulators).
TELEGRAM_API = "https://api.telegram.org"
ZALO_API = "https://bot-api.zaloplatforms.com"


def _ids_as_strings(value: Any) -> Any:
    # Zalo ids are strings; a TOML author may well write them as numbers.
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


@dataclass(frozen=True, kw_only=True)
class TelegramSettings(Section):
    token: str | None = None
    api_base_url: str = f"{TELEGRAM_API}/bot"
    admins: list[int] = field(default_factory=list)
    rate_limit_per_second: float = field(default=30, metadata=rule(gt=0))
    per_chat_interval_seconds: float = field(default=1.0, metadata=rule(ge=0))
    # Several ``loa run`` on one PostgreSQL split this bot's sending into this many shares
    # (each at rate / shares, a chat always in the same one): above what one process can send.
    sender_shares: int = field(default=1, metadata=rule(ge=1, le=64))
    webhook_url: str | None = None
    webhook_secret: str | None = None
    poll_timeout_seconds: int = field(default=10, metadata=rule(ge=0, le=50))

    @classmethod
    def _after(cls, name: str, value: Any) -> Any:
        if name == "token":
            return _token_shape(value, "Telegram")
        if name == "api_base_url":
            # python-telegram-bot appends <token>/<method>: keep the "/bot" it expects.
            return _bot_api_base(value, TELEGRAM_API) + "/bot"
        return value

    def _check(self) -> None:
        _secret_with_webhook(self.webhook_url, self.webhook_secret)


@dataclass(frozen=True, kw_only=True)
class ZaloSettings(Section):
    token: str | None = None
    api_base_url: str = ZALO_API
    admins: list[str] = field(default_factory=list)
    rate_limit_per_second: float = field(default=10, metadata=rule(gt=0))
    per_chat_interval_seconds: float = field(default=1.0, metadata=rule(ge=0))
    # Several ``loa run`` on one PostgreSQL split this bot's sending into this many shares
    # (each at rate / shares, a chat always in the same one): above what one process can send.
    sender_shares: int = field(default=1, metadata=rule(ge=1, le=64))
    webhook_url: str | None = None
    webhook_secret: str | None = None
    poll_timeout_seconds: int = field(default=30, metadata=rule(ge=1, le=60))

    @classmethod
    def _before(cls, name: str, value: Any) -> Any:
        return _ids_as_strings(value) if name == "admins" else value

    @classmethod
    def _after(cls, name: str, value: Any) -> Any:
        if name == "token":
            return _token_shape(value, "Zalo")
        if name == "api_base_url":
            # ZaloBotApi appends /bot<token>/<method>.
            return _bot_api_base(value, ZALO_API)
        if name == "webhook_url" and value:
            return _https_webhook(value)
        return value

    def _check(self) -> None:
        _secret_with_webhook(self.webhook_url, self.webhook_secret)


def _https_webhook(value: str) -> str:
    # Zalo calls only https webhooks (reference C): an http one is refused by setWebhook
    # and the bot would stay deaf. A loopback address can only be a local emulator.
    parts = urlsplit(value.strip())
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme.lower() != "https" and not (parts.scheme == "http" and loopback):
        raise ValueError(
            f"must be an https:// address Zalo can reach (got {parts.scheme or 'none'}://…)"
        )
    return value.strip()


@dataclass(frozen=True, kw_only=True)
class CommuneAdminSettings(Section):
    """One ``[[commune_admins]]`` table: officials who announce to one commune only."""

    commune: str = field(metadata=rule(min_length=1))  # resolved at load to today's unit name
    telegram: list[int] = field(default_factory=list)
    zalo: list[str] = field(default_factory=list)
    # default "UBND " + the unit's name
    name: str | None = field(default=None, metadata=rule(min_length=1))

    @classmethod
    def _before(cls, name: str, value: Any) -> Any:
        return _ids_as_strings(value) if name == "zalo" else value

    def _check(self) -> None:
        if not self.telegram and not self.zalo:
            raise ValueError('names no administrator; add telegram = [id] and/or zalo = ["id"]')


@dataclass(frozen=True, kw_only=True)
class WebSettings(Section):
    host: str = "127.0.0.1"
    port: int = field(default=8080, metadata=rule(ge=0, le=65535))
    enabled: bool = False
    # Where administrators reach the admin page (links in /quantri answers); None: http://host:port.
    public_url: str | None = field(default=None, metadata=rule(pattern=r"^https?://"))
    metrics: bool = False  # serve /metrics (Prometheus text format)

    @property
    def base_url(self) -> str:
        """The admin page's public base URL, without a trailing slash."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


@dataclass(frozen=True, kw_only=True)
class SenderSettings(Section):
    max_attempts: int = field(default=8, metadata=rule(ge=1))
    concurrency: int = field(default=16, metadata=rule(ge=1))
    idle_poll_seconds: float = field(default=1.0, metadata=rule(gt=0))


@dataclass(frozen=True, kw_only=True)
class CoordinationSettings(Section):
    # A role of a killed instance is taken over within lease_seconds + lease_seconds / 5.
    lease_seconds: float = field(default=10.0, metadata=rule(gt=0))


@dataclass(frozen=True, kw_only=True)
class BroadcastSettings(Section):
    # A draft left in preview this long can no longer be confirmed (Gửi answers it expired).
    preview_expiry_hours: float = field(default=24, metadata=rule(gt=0))


@dataclass(frozen=True, kw_only=True)
class MediaSettings(Section):
    # Broadcast photos and voice notes stored for Zalo (served at [web] public_url/media/…):
    # larger ones are refused at preview; stored ones are deleted after retention_days.
    # Telegram's getFile serves ≤ 20 MB.
    max_megabytes: float = field(default=10, metadata=rule(gt=0, le=20))
    retention_days: float = field(default=30, metadata=rule(gt=0))


@dataclass(frozen=True, kw_only=True)
class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # At DEBUG, third-party libraries (SQLAlchemy, httpx, python-telegram-bot, …) stay at
    # INFO/WARNING unless this is true.
    debug_libraries: bool = False

    @classmethod
    def _before(cls, name: str, value: Any) -> Any:
        if name == "level" and isinstance(value, str):
            value = value.strip().upper()
            value = "WARNING" if value == "WARN" else value
            if value not in ("DEBUG", "INFO", "WARNING", "ERROR"):
                raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR (any case)")
        return value


@dataclass(frozen=True, kw_only=True)
class Settings(Section):
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    http: HttpSettings = field(default_factory=HttpSettings)
    places: PlacesSettings = field(default_factory=PlacesSettings)
    topics: dict[str, TopicSettings] = field(default_factory=dict)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    zalo: ZaloSettings = field(default_factory=ZaloSettings)
    web: WebSettings = field(default_factory=WebSettings)
    sender: SenderSettings = field(default_factory=SenderSettings)
    coordination: CoordinationSettings = field(default_factory=CoordinationSettings)
    broadcasts: BroadcastSettings = field(default_factory=BroadcastSettings)
    media: MediaSettings = field(default_factory=MediaSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    sources: list[SourceSettings] = field(default_factory=list)
    commune_admins: list[CommuneAdminSettings] = field(default_factory=list)
    # What loading changed or tolerated (an old commune name, a token's trailing newline):
    # logged once logging is set up (loa.logs.configure_logging).
    _load_warnings: list[str] = field(default_factory=list, init=False, repr=False, compare=False)

    def load_warnings(self) -> list[str]:
        return list(self._load_warnings)

    def _check(self) -> None:
        # Shares are claimed through PostgreSQL (a hash of the chat in the queue's query); on
        # SQLite one process sends, and it needs none.
        if self.database.url.startswith("postgresql"):
            return
        for name in ("telegram", "zalo"):
            if getattr(self, name).sender_shares > 1:
                raise ValueError(
                    f"[{name}] sender_shares above 1 needs PostgreSQL ([database] url): on SQLite"
                    " one loa run sends everything"
                )

    @classmethod
    def _after(cls, name: str, value: Any) -> Any:
        if name != "sources":
            return value
        names = [s.name for s in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique; repeated: {', '.join(duplicates)}")
        return value


# Keys the environment may set instead of the file.
ENV_KEYS = {
    "LOA_DATABASE_URL": ("database", "url"),
    "LOA_TELEGRAM_TOKEN": ("telegram", "token"),
    "LOA_ZALO_TOKEN": ("zalo", "token"),
}


def _apply_env(
    data: dict[str, Any], env: Mapping[str, str], from_env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Overlay secrets and the database URL from the environment.

    ``from_env`` receives the dotted key of each value taken from the environment and its variable.
    """
    for variable, (section, key) in ENV_KEYS.items():
        value = env.get(variable)
        if value:
            table = data.setdefault(section, {})
            if isinstance(table, dict):
                table[key] = value
                if from_env is not None:
                    from_env[f"{section}.{key}"] = variable
    return data


def _where(path: Path, key: str, from_env: Mapping[str, str]) -> str:
    """``loa.toml: key 'telegram.token'`` (and the variable, when the value came from one)."""
    variable = from_env.get(key)
    return f"{path}: key '{key}'" + (f" (from environment variable {variable})" if variable else "")


def _describe(error: ValidationError, path: Path, from_env: Mapping[str, str] | None = None) -> str:
    """One line per mistake: the file, the key (or variable) and what to do."""
    from_env = from_env or {}
    lines = []
    for item in error.errors():
        key = ".".join(_key_part(part) for part in item.loc) or "(top level)"
        if item.type == "extra_forbidden":
            reason = "unknown key (a typo? config.example.toml lists every key)"
        elif item.type == "missing":
            reason = "required key is missing"
        else:
            reason = item.msg
        lines.append(f"{_where(path, key, from_env)}: {reason}")
    return "\n".join(dict.fromkeys(lines))


def _strip_tokens(data: dict[str, Any], path: Path, from_env: Mapping[str, str]) -> list[str]:
    """Strip whitespace around the tokens (a pasted newline); a warning for each one stripped."""
    warnings = []
    for section in ("telegram", "zalo"):
        table = data.get(section)
        if not isinstance(table, dict) or not isinstance(table.get("token"), str):
            continue
        token = table["token"]
        if token.strip() and token.strip() != token:
            table["token"] = token.strip()
            warnings.append(
                f"{_where(path, f'{section}.token', from_env)}: removed spaces or line breaks "
                "around the token"
            )
    return warnings


class Resolves(Protocol):
    """What reads a typed place name (``news.resolve.Resolver``, ``bot.catalog.Catalog``)."""

    def resolve(self, typed: str) -> Resolution: ...


@cache
def _catalog(province: str) -> Resolver:
    from news.gazetteer_data import load_gazetteer
    from news.resolve import Resolver
    from news.topics import build_taxonomy

    return Resolver(load_gazetteer(province), build_taxonomy(None))


def _choice_name(choice: Any) -> str:
    return f"{choice.old_name} (now {choice.display})" if choice.old_name else choice.display


def _province_catalog(settings: Settings, path: Path) -> Resolver:
    from news.gazetteer_data import UnknownProvince

    try:
        return _catalog(settings.places.province)
    except UnknownProvince as exc:
        raise ConfigError(
            f"{path}: key 'places.province': {exc} (the 2025 name, e.g. \"Điện Biên\")"
        ) from None


def resolve_unit(catalog: Resolves, typed: str, key: str, province: str) -> Choice | str:
    """``typed`` as one of today's communes (its choice), resolved like residents' input; or
    the error line: ambiguous (the candidates), or unknown (the closest names)."""
    from news.resolve import ChoiceKind

    found = catalog.resolve(typed)
    choices = [
        c
        for c in ([found.choice] if found.choice else found.candidates)
        if c.kind is ChoiceKind.COMMUNE
    ]
    names = list(dict.fromkeys(c.value for c in choices))
    if len(names) == 1:
        return choices[0]
    options = choices or [c for c in found.suggestions if c.kind is ChoiceKind.COMMUNE]
    hint = "; ".join(dict.fromkeys(_choice_name(c) for c in options))
    if len(names) > 1:
        return f"{key}: {typed!r} is ambiguous; write one of: {hint}"
    tail = f"did you mean: {hint}?" if hint else "`loa communes` lists them"
    return f"{key}: {typed!r} is not a commune of {province}; {tail}"


def _resolve_communes(settings: Settings, path: Path) -> Settings:
    """Each source's ``commune`` as today's unit, resolved like residents' input.

    An old (pre-2025) name becomes its successor, with a warning; an unknown one is refused
    with the closest names.
    """
    if not any(source.commune for source in settings.sources):
        return settings
    catalog = _province_catalog(settings, path)
    errors, warnings, sources = [], [], []
    for index, source in enumerate(settings.sources):
        if not source.commune:
            sources.append(source)
            continue
        key = f"{path}: key 'sources.[{index}].commune'"
        choice = resolve_unit(catalog, source.commune, key, settings.places.province)
        if isinstance(choice, str):
            errors.append(choice)
            continue
        if choice.old_name:
            warnings.append(
                f"{key}: {choice.old_name} is now part of {choice.display}; "
                f'tagging as {choice.value!r} (write commune = "{choice.value}" to silence this)'
            )
        sources.append(source.model_copy(update={"commune": choice.value}))
    if errors:
        raise ConfigError("\n".join(errors))
    resolved = settings.model_copy(update={"sources": sources})
    resolved._load_warnings.extend(warnings)
    return resolved


def _resolve_admin_communes(settings: Settings, path: Path) -> Settings:
    """Each ``[[commune_admins]]`` table's ``commune`` as today's unit (old names map to it,
    with a warning; an unknown one is refused with the closest names), and its ``name``
    defaulted to "UBND " + the unit's full name."""
    if not settings.commune_admins:
        return settings
    catalog = _province_catalog(settings, path)
    errors, warnings, tables = [], [], []
    for index, table in enumerate(settings.commune_admins):
        key = f"{path}: key 'commune_admins.[{index}].commune'"
        choice = resolve_unit(catalog, table.commune, key, settings.places.province)
        if isinstance(choice, str):
            errors.append(choice)
            continue
        if choice.old_name:
            warnings.append(
                f"{key}: {choice.old_name} is now part of {choice.display}; its administrators "
                f'announce to {choice.value!r} (write commune = "{choice.value}" to silence this)'
            )
        name = table.name or f"UBND {choice.display}"
        tables.append(table.model_copy(update={"commune": choice.value, "name": name}))
    if errors:
        raise ConfigError("\n".join(errors))
    resolved = settings.model_copy(update={"commune_admins": tables})
    resolved._load_warnings.extend(warnings)
    return resolved


def _key_part(part: int | str) -> str:
    return f"[{part}]" if isinstance(part, int) else str(part)


def resolve_path(cli_path: str | None, env: Mapping[str, str] | None = None) -> Path:
    """The config path: ``--config`` first, then ``LOA_CONFIG``, then ``./loa.toml``."""
    env = os.environ if env is None else env
    if cli_path:
        return Path(cli_path)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    return DEFAULT_CONFIG_PATH


def parse_settings(text: str, path: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Parse TOML text into settings; every problem is reported with the key and the file."""
    env = os.environ if env is None else env
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    from_env: dict[str, str] = {}
    data = _apply_env(data, env, from_env)
    warnings = _strip_tokens(data, path, from_env)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path, from_env)) from None
    settings._load_warnings.extend(warnings)
    return _resolve_admin_communes(_resolve_communes(settings, path), path)


def parse_env_file(text: str, path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines as systemd's ``EnvironmentFile=`` reads them: blank lines and lines
    starting with ``#`` or ``;`` are skipped, spaces around the key and value dropped, one pair
    of matching single or double quotes around the value removed."""
    found: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, equals, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise ConfigError(f"{path}: line {number}: not KEY=VALUE")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        found[key] = value
    return found


def read_env_file(path: Path) -> dict[str, str]:
    """The variables of an environment file (``parse_env_file``); unreadable: ``ConfigError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the environment file: {exc.strerror}") from exc
    return parse_env_file(text, path)


def load_settings(path: Path, env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate the settings file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        hint = (
            " (copy config.example.toml to loa.toml to start)"
            if path == DEFAULT_CONFIG_PATH
            else ""
        )
        raise ConfigError(f"{path}: configuration file not found{hint}") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror}") from exc
    return parse_settings(text, path, env)
