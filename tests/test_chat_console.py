"""``loa chat``: a conversation without log lines, even at ``[logging] level = "DEBUG"`` (only
warnings and errors reach stderr), and the phrases residents use answered on the console."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings
from bot import texts
from bot.catalog import build_catalog
from bot.commands import Commands
from bot.console import ConsoleChannel, run_console

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


def test_loa_chat_understands_own_words(tmp_path: Path) -> None:
    """``loa chat`` (a subprocess) reads residents' own words like the bots, and its numbered
    choices answer to numbers and names; each effect shows in /cuatoi, /bantin, /yentinh."""
    config = tmp_path / "loa.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n')
    script = [
        "cảm ơn",
        "Mường Phăng",  # a name alone: its news (none yet) and a button to subscribe
        "1",
        "dang ky muong",
        "Mường Nhé",  # the numbered list answered by name
        "gửi bản tin lúc 6 giờ chiều",
        "từ 10 giờ tối đến 6 giờ sáng đừng gửi tin",
        "/cuatoi",
        "hủy đăng ký mường nhé",
        "/cuatoi",
        "tắt bản tin",
        "/bantin",
        "/id",
        "",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "loa.cli", "--config", str(config), "chat"],
        input="\n".join(script),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    blocks = [b for b in result.stdout.split("\n\n") if b.strip()]
    assert blocks[0] == "Dạ, Loa cảm ơn bà con ạ! Cần gì bà con cứ nhắn nhé."
    assert "Chưa có tin nào về xã Mường Phăng" in blocks[1]
    assert "1. 🔔 Đăng ký nhận tin xã Mường Phăng" in blocks[2]
    out = result.stdout
    assert "Đã đăng ký nhận tin về xã Mường Phăng" in out
    assert "Đã đăng ký nhận tin về xã Mường Nhé" in out
    assert "Đã đặt: mỗi ngày lúc 18:00" in out and "Đã đặt giờ yên tĩnh: 22:00–06:00" in out
    first, second = [b for b in blocks if b.startswith("Bà con đang nhận tin về:")]
    assert "📍 xã Mường Nhé, xã Mường Phăng" in first or "📍 xã Mường Phăng, xã Mường Nhé" in first
    assert "Bản tin mỗi ngày: 18:00" in first and "Giờ yên tĩnh: 22:00–06:00" in first
    assert "Mường Nhé" not in second and "xã Mường Phăng" in second
    assert "Bà con đang nhận từng tin ngay khi có" in out
    assert "Kênh: thử trên máy chủ (không có mã người dùng)" in out
    assert "chưa hiểu" not in out and "console" not in out
