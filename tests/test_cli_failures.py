"""How ``loa.cli.main`` ends a command that failed: the exit code and what it says."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from base.config import Settings
from bot.connect import ChannelRefused
from loa import cli


def test_a_refused_token_exits_2_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The class is imported only once a command failed: the exit code must not change."""

    async def refuse(settings: Settings, args: argparse.Namespace) -> int:
        raise ChannelRefused("Telegram refused the bot token")

    monkeypatch.setattr(cli, "_handler", lambda args: refuse)
    config = tmp_path / "loa.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "loa.db"}"\n', encoding="utf-8")
    assert cli.main(["--config", str(config), "stats"]) == 2
    assert "Telegram refused the bot token" in capsys.readouterr().err
