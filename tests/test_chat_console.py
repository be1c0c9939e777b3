"""``loa chat``: a conversation without log lines, even at ``[logging] level = "DEBUG"`` (only
warnings and errors reach stderr), and the phrases residents use answered on the console."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.catalog import build_catalog
from bot.commands import Commands
from bot.console import ConsoleChannel, run_console
from loa.config import Settings

Sessions = async_sessionmaker[AsyncSession]


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_loa_chat_shows_no_log_lines(tmp_path: Path, level: str) -> None:
    config = tmp_path / "loa.toml"
    config.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n'
        f'[logging]\nlevel = "{level}"\n'
    )
    script = "\n".join(["xin chào", "Đăng kí Muong", "1", "/tinmoi 0", "/dsxa", "dừng", "2", ""])
    result = subprocess.run(
        [sys.executable, "-m", "loa.cli", "--config", str(config), "chat"],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for marker in (" DEBUG ", " INFO ", "new resident", "bot.commands"):
        assert marker not in result.stderr and marker not in result.stdout
    out = result.stdout
    assert texts.GREETING_NOT_RECEIVING.replace("<b>", "").replace("</b>", "") in out
    assert "nơi hoặc chủ đề có tên “Muong”" in out and "1. xã Mường Ảng" in out
    assert "Đã đăng ký nhận tin về xã Mường Ảng." in out  # "1" pressed the first suggestion
    assert "Chưa có tin nào." in out
    assert "Xã, phường (45)" in out
    assert "1. Dừng và xóa dữ liệu" in out and texts.STOP_KEPT in out


async def test_console_pages_suggestions_by_number(sessions: Sessions) -> None:
    output = io.StringIO()
    commands = Commands(sessions, build_catalog("Điện Biên"), Settings())
    script = "/dangky Muong\n9\n1\n"  # page 1, "9. Thêm…", then the first of page 2
    await run_console(commands, sessions, ConsoleChannel(output), io.StringIO(script), chat_id="c1")
    blocks = [b for b in output.getvalue().split("\n\n") if b]
    first, second, done = blocks[0:2], blocks[2:4], blocks[4]
    assert "(trang 1/3)" in first[0] and "(trang 2/3)" in second[0]
    assert first[1].endswith("8. xã Mường Nhé\n9. Thêm…\nTrả lời một số từ 1 đến 9")
    assert second[1].startswith("1. xã Mường Phăng\n")
    assert done.startswith("Đã đăng ký nhận tin về xã Mường Phăng.")
