"""base.sections: the settings tables' conversions and messages, as operators knew them.

The expected lines are what the settings said when pydantic validated them (compared case by
case when base.sections replaced it, issue 26): a config that loaded still loads to the same
values, and a mistake is still described in the same words.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest

from base.config import (
    CommuneAdminSettings,
    HttpSettings,
    LoggingSettings,
    Settings,
    SourceSettings,
    TelegramSettings,
    WebSettings,
    ZaloSettings,
    _describe,
)
from base.sections import Section, ValidationError


def _said(cls: type[Section], data: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as info:
        cls.model_validate(data)
    return _describe(info.value, Path("loa.toml")).splitlines()


@pytest.mark.parametrize(
    ("cls", "data", "value"),
    [
        (HttpSettings, {"timeout_seconds": "5"}, 5.0),
        (HttpSettings, {"timeout_seconds": 30}, 30.0),
        (HttpSettings, {"max_response_bytes": 2.0}, 2),
        (HttpSettings, {"max_response_bytes": " 7"}, 7),
        (WebSettings, {"enabled": "yes"}, True),
        (WebSettings, {"enabled": "Off"}, False),
        (WebSettings, {"enabled": 1}, True),
        (TelegramSettings, {"admins": ["7", 8]}, [7, 8]),
        (ZaloSettings, {"admins": [5, "a"]}, ["5", "a"]),
        (LoggingSettings, {"level": "warn"}, "WARNING"),
    ],
)
def test_values_convert_as_toml_authors_expect(
    cls: type[Section], data: dict[str, Any], value: Any
) -> None:
    (key,) = data
    converted = getattr(cls.model_validate(data), key)
    assert converted == value and type(converted) is type(value)


KEY = "loa.toml: key"


@pytest.mark.parametrize(
    ("cls", "data", "lines"),
    [
        (
            HttpSettings,
            {"timeout_seconds": 0},
            ["'timeout_seconds': Input should be greater than 0"],
        ),
        (
            HttpSettings,
            {"timeout_seconds": float("nan")},
            ["'timeout_seconds': Input should be greater than 0"],
        ),
        (
            HttpSettings,
            {"timeout_seconds": "x"},
            [
                "'timeout_seconds': Input should be a valid number, unable to parse string as a "
                "number"
            ],
        ),
        (
            HttpSettings,
            {"max_response_bytes": 1.5},
            [
                "'max_response_bytes': Input should be a valid integer, got a number with a "
                "fractional part"
            ],
        ),
        (
            HttpSettings,
            {"max_response_bytes": [1]},
            ["'max_response_bytes': Input should be a valid integer"],
        ),
        (
            TelegramSettings,
            {"poll_timeout_seconds": 51},
            ["'poll_timeout_seconds': Input should be less than or equal to 50"],
        ),
        (
            WebSettings,
            {"enabled": 2, "host": 5, "public_url": "ftp://x"},
            [
                "'host': Input should be a valid string",
                "'enabled': Input should be a valid boolean, unable to interpret input",
                "'public_url': String should match pattern '^https?://'",
            ],
        ),
        (
            SourceSettings,
            {"name": "", "url": "x", "type": "foo", "ignore_params": [1]},
            [
                "'name': String should have at least 1 character",
                "'type': Input should be 'auto', 'rss' or 'html'",
                "'url': String should match pattern '^https?://'",
                "'ignore_params.[0]': Input should be a valid string",
            ],
        ),
        (
            SourceSettings,
            {"selectors": {"item": "a", "zz": 1}, "x": 2},
            [
                "'name': required key is missing",
                "'url': required key is missing",
                "'selectors.zz': unknown key (a typo? config.example.toml lists every key)",
                "'x': unknown key (a typo? config.example.toml lists every key)",
            ],
        ),
        (
            Settings,
            {"topics": {"a": 1}, "sources": {}, "database": 5},
            [
                "'database': Input should be a valid dictionary or instance of DatabaseSettings",
                "'topics.a': Input should be a valid dictionary or instance of TopicSettings",
                "'sources': Input should be a valid list",
            ],
        ),
        (
            LoggingSettings,
            {"level": 5},
            ["'level': Input should be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'"],
        ),
        (
            Settings,
            {
                "telegram": {"webhook_url": "https://x"},
                "commune_admins": [{"commune": "a"}],
                "sources": [{"name": "a", "url": "https://a"}, {"name": "a", "url": "https://b"}],
            },
            [
                "'telegram': webhook_url needs webhook_secret (the platform sends it back)",
                "'sources': source names must be unique; repeated: a",
                "'commune_admins.[0]': names no administrator; add telegram = [id] and/or "
                'zalo = ["id"]',
            ],
        ),
    ],
)
def test_every_mistake_is_said_as_before(
    cls: type[Section], data: dict[str, Any], lines: list[str]
) -> None:
    assert _said(cls, data) == [f"{KEY} {line}" for line in lines]


def test_constructing_a_table_checks_and_normalises_like_loading_one() -> None:
    telegram = TelegramSettings(token=" 1:ab ", api_base_url="http://127.0.0.1:8081/bot/")
    assert (telegram.token, telegram.api_base_url) == ("1:ab", "http://127.0.0.1:8081/bot")
    assert HttpSettings().timeout_seconds == 20  # a default is taken as written
    with pytest.raises(ValidationError, match="greater than 0"):
        HttpSettings(timeout_seconds=0)
    with pytest.raises(ValidationError, match="names no administrator"):
        CommuneAdminSettings(commune="Mường Thanh")


def test_tables_are_frozen_and_copies_keep_the_load_warnings() -> None:
    settings = Settings.model_validate({"sources": [{"name": "a", "url": "https://a"}]})
    with pytest.raises(FrozenInstanceError):
        settings.sources = []  # type: ignore[misc]
    settings._load_warnings.append("an old commune name")
    copy = settings.model_copy(update={"sources": []})
    assert copy.sources == [] and copy.load_warnings() == ["an old commune name"]
    assert settings.sources[0].model_dump()["selectors"] == dict.fromkeys(
        ("item", "next_page", "title", "date", "author", "body", "category")
    )
    assert "_load_warnings" not in settings.model_dump()
