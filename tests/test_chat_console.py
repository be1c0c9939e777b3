"""``loa chat``: a conversation without log lines, even at ``[logging] level = "DEBUG"`` (only
warnings and errors reach stderr), and the phrases residents use answered on the console."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import texts


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
    assert "Xin chào! Loa gửi bạn tin" in out
    assert "nơi hoặc chủ đề có tên «Muong»" in out and "1. xã Mường Ảng" in out
    assert "Đã đăng ký nhận tin về xã Mường Ảng." in out  # "1" pressed the first suggestion
    assert "Chưa có tin nào." in out
    assert "Xã, phường (45)" in out
    assert "1. Dừng và xóa dữ liệu" in out and texts.STOP_KEPT in out
