"""Loa's settings: one typed object, loaded from a TOML file and the environment.

The TOML file is the single place where an operator describes a deployment. Secrets and the
database URL may instead come from the environment (``LOA_DATABASE_URL``, ``LOA_TELEGRAM_TOKEN``,
``LOA_ZALO_TOKEN``) so they need not be written to disk.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CONFIG_PATH = Path("loa.toml")
CONFIG_ENV = "LOA_CONFIG"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or names a wrong key or value."""


class _Section(BaseModel):
    # Unknown keys are mistakes (a typo silently ignored is a bug hunt later).
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(_Section):
    url: str = "sqlite+aiosqlite:///loa.db"


class Selectors(_Section):
    item: str | None = None
    next_page: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None
    body: str | None = None
    category: str | None = None


class SourceSettings(_Section):
    name: str = Field(min_length=1)
    type: Literal["rss", "html"]
    url: str = Field(pattern=r"^https?://")
    interval_seconds: float = Field(default=900, gt=0)
    max_pages: int = Field(default=1, ge=1)
    commune: str | None = None
    ignore_params: list[str] = Field(default_factory=list)
    selectors: Selectors = Field(default_factory=Selectors)


class HttpSettings(_Section):
    timeout_seconds: float = Field(default=20, gt=0)
    max_response_bytes: int = Field(default=5_000_000, gt=0)
    max_backoff_seconds: float = Field(default=86_400, gt=0)


class PlacesSettings(_Section):
    province: str = "Điện Biên"
    timezone: str = "Asia/Ho_Chi_Minh"  # times shown to people (CLI), labelled

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Ho_Chi_Minh)") from None
        return value


class TopicSettings(_Section):
    name: str
    keywords: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)


class _WebhookSecret:
    """A webhook without a secret would accept updates from anyone: require one."""

    @model_validator(mode="after")
    def _secret_with_webhook(self) -> Any:
        if getattr(self, "webhook_url", None) and not getattr(self, "webhook_secret", None):
            raise ValueError("webhook_url needs webhook_secret (the platform sends it back)")
        return self


class TelegramSettings(_WebhookSecret, _Section):
    token: str | None = None
    api_base_url: str = "https://api.telegram.org/bot"
    admins: list[int] = Field(default_factory=list)
    rate_limit_per_second: float = Field(default=30, gt=0)
    per_chat_interval_seconds: float = Field(default=1.0, ge=0)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    poll_timeout_seconds: int = Field(default=10, ge=0, le=50)


class ZaloSettings(_WebhookSecret, _Section):
    token: str | None = None
    api_base_url: str = "https://bot-api.zaloplatforms.com"
    admins: list[str] = Field(default_factory=list)
    rate_limit_per_second: float = Field(default=10, gt=0)
    per_chat_interval_seconds: float = Field(default=1.0, ge=0)
    webhook_url: str | None = None
    webhook_secret: str | None = None
    poll_timeout_seconds: int = Field(default=30, ge=1, le=60)

    @field_validator("admins", mode="before")
    @classmethod
    def _ids_as_strings(cls, value: Any) -> Any:
        # Zalo ids are strings; a TOML author may well write them as numbers.
        if isinstance(value, list):
            return [str(v) for v in value]
        return value


class WebSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    enabled: bool = False


class SenderSettings(_Section):
    max_attempts: int = Field(default=8, ge=1)
    concurrency: int = Field(default=16, ge=1)
    idle_poll_seconds: float = Field(default=1.0, gt=0)


class CoordinationSettings(_Section):
    # A role of a killed instance is taken over within lease_seconds + lease_seconds / 5.
    lease_seconds: float = Field(default=10.0, gt=0)


class BroadcastSettings(_Section):
    # A draft left in preview this long can no longer be confirmed (Gửi answers it expired).
    preview_expiry_hours: float = Field(default=24, gt=0)


class LoggingSettings(_Section):
    level: str = "INFO"


class Settings(_Section):
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    http: HttpSettings = Field(default_factory=HttpSettings)
    places: PlacesSettings = Field(default_factory=PlacesSettings)
    topics: dict[str, TopicSettings] = Field(default_factory=dict)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    zalo: ZaloSettings = Field(default_factory=ZaloSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    sender: SenderSettings = Field(default_factory=SenderSettings)
    coordination: CoordinationSettings = Field(default_factory=CoordinationSettings)
    broadcasts: BroadcastSettings = Field(default_factory=BroadcastSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    sources: list[SourceSettings] = Field(default_factory=list)

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[SourceSettings]) -> list[SourceSettings]:
        names = [s.name for s in sources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"source names must be unique; repeated: {', '.join(duplicates)}")
        return sources


def _apply_env(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """Overlay secrets and the database URL from the environment."""
    overrides = {
        ("database", "url"): env.get("LOA_DATABASE_URL"),
        ("telegram", "token"): env.get("LOA_TELEGRAM_TOKEN"),
        ("zalo", "token"): env.get("LOA_ZALO_TOKEN"),
    }
    for (section, key), value in overrides.items():
        if value:
            table = data.setdefault(section, {})
            if isinstance(table, dict):
                table[key] = value
    return data


def _describe(error: ValidationError, path: Path) -> str:
    lines = [f"{path}: invalid configuration"]
    for item in error.errors():
        key = ".".join(_key_part(part) for part in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            lines.append(f"  key '{key}': unknown key")
        elif item["type"] == "missing":
            lines.append(f"  key '{key}': required key is missing")
        else:
            lines.append(f"  key '{key}': {item['msg'].removeprefix('Value error, ')}")
    return "\n".join(lines)


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
    try:
        return Settings.model_validate(_apply_env(data, env))
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from exc


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
