"""The console channel and ``loa chat``: every command answered, buttons as numbered choices."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import SenderSettings, Settings
from bot.catalog import Catalog, build_catalog
from bot.commands import Commands
from bot.console import ConsoleChannel, drain, report_console_broadcasts, run_console
from jobs.send import OutboxSignal, Sender
from storage import residents, subscriptions
from storage.models import Broadcast, Delivery

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


async def _chat(sessions: Sessions, catalog: Catalog, script: str) -> list[str]:
    """Run the console over ``script``; the answers, one block per message."""
    output = io.StringIO()
    commands = Commands(sessions, catalog, Settings())
    handled = await run_console(
        commands, sessions, ConsoleChannel(output), io.StringIO(script), chat_id="admin"
    )
    assert handled == len([line for line in script.splitlines() if line.strip()])
    return [block for block in output.getvalue().split("\n\n") if block]


async def test_every_command_answers_in_plain_text(sessions: Sessions, catalog: Catalog) -> None:
    script = "\n".join(
        [
            "/start",
            "/huongdan",
            "/dangky pom lot",
            "/cuatoi",
            "/dsxa",
            "/chude",
            "/tinmoi",
            "/timkiem lu quet",
            "/huydangky tatca",
            "xin chào",
            "",
            "/stop",
            "1",
        ]
    )
    output = "\n\n".join(await _chat(sessions, catalog, script))
    for expected in (
        "Chào mừng bà con đến với Loa",
        "Loa – hướng dẫn",
        "Xã Pom Lót nay thuộc xã Sam Mứn.",
        "📍 xã Sam Mứn",
        "xã Sam Mứn (gồm xã Pom Lót, xã Na Ư)",
        "Cảnh báo – Thiên tai – /dangky canh-bao",
        "Chưa có tin nào.",
        "Không tìm thấy tin nào có “lu quet”",
        "Đã bỏ mọi lựa chọn.",
        "Xin chào bà con! Loa gửi bà con tin",
        "1. Dừng và xóa dữ liệu\n2. Không, tiếp tục nhận tin\nTrả lời 1 hoặc 2",
        "Đã dừng gửi tin và xóa toàn bộ dữ liệu của bà con.",
    ):
        assert expected in output
    assert "<b>" not in output and "&lt;" not in output


async def test_numbered_answer_presses_the_button(sessions: Sessions, catalog: Catalog) -> None:
    output = "\n\n".join(await _chat(sessions, catalog, "/dangky na tong\n2\n"))
    question = (
        "1. xã Nà Tòng (cũ) → nay thuộc xã Tủa Chùa\n"
        "2. xã Na Tông (cũ) → nay thuộc xã Núa Ngam\nTrả lời 1 hoặc 2"
    )
    assert question in output
    assert output.index(question) < output.index("Đã đăng ký nhận tin về xã Núa Ngam.")
    async with sessions() as session:
        resident = await residents.find(session, "console", "admin")
        assert resident is not None
        choices = await subscriptions.list_for(session, resident.id)
        assert [(c.kind, c.value) for c in choices] == [("commune", "Núa Ngam")]
        # Nobody reads a closed console: its resident must not collect news.
        assert not resident.active


def test_loa_chat_end_to_end(tmp_path: Path) -> None:
    config = tmp_path / "loa.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n')
    result = subprocess.run(
        [sys.executable, "-m", "loa.cli", "--config", str(config), "chat"],
        input="/start\n/dangky\n1\n/dangky sam mung\n1\n/cuatoi\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Chào mừng bà con đến với Loa" in out
    assert "1. 📍 Chọn xã, phường…" in out  # /dangky without a name: numbered choices
    assert "Chọn xã, phường của bà con:" in out and "Trả lời một số từ 1 đến 45" in out
    assert "Có phải bà con muốn" in out and "Đã đăng ký nhận tin về xã Sam Mứn." in out
    assert "📍 xã Sam Mứn" in out


async def test_a_broadcast_confirmed_on_the_console_arrives_there(
    sessions: Sessions, catalog: Catalog
) -> None:
    """`loa chat`'s wiring: a console sender woken by Commands(on_queued=...)."""
    output = io.StringIO()
    channel = ConsoleChannel(output)
    queued = OutboxSignal()
    commands = Commands(sessions, catalog, Settings(), on_queued=queued.notify)
    sender = Sender(
        channel,
        sessions,
        SenderSettings(idle_poll_seconds=5),  # only the signal can make it prompt
        rate_per_second=None,
        per_chat_interval=0,
        signal=queued,
    )
    await sender.start()

    async def before_exit() -> None:
        await drain(sessions)
        assert await report_console_broadcasts(sessions, channel) == 1

    try:
        async with asyncio.timeout(4):
            await run_console(
                commands,
                sessions,
                channel,
                io.StringIO("/start\n/thongbao Chiều nay họp dân\n1\n"),
                chat_id="admin",
                before_exit=before_exit,
            )
    finally:
        await sender.stop()
    blocks = [b for b in output.getvalue().split("\n\n") if b]
    queued_at = blocks.index("Đang gửi thông báo tới 1 người. Loa sẽ báo cáo khi gửi xong.")
    # The delivery, as residents get it: signed by the province (the console is province-wide).
    assert blocks[queued_at + 1] == "📢 UBND tỉnh Điện Biên: Chiều nay họp dân"
    assert blocks[queued_at + 2].startswith("Đã gửi xong thông báo\nĐã gửi: 1 · Lỗi: 0")
    async with sessions() as session:
        stored = (await session.execute(select(Broadcast))).scalar_one()
        state = (await session.execute(select(Delivery.state))).scalar_one()
    assert (stored.state, state) == ("done", "sent")


def test_loa_chat_delivers_a_broadcast_and_keeps_log_lines_out(tmp_path: Path) -> None:
    config = tmp_path / "loa.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n')
    result = subprocess.run(
        [sys.executable, "-m", "loa.cli", "--config", str(config), "chat"],
        input="/start\n/thongbao Họp dân lúc 14h\n1\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Họp dân lúc 14h") == 2  # the preview, then the delivery
    assert "Đã gửi xong thông báo\nĐã gửi: 1 · Lỗi: 0" in result.stdout
    assert " INFO " not in result.stderr and "drafted" not in result.stderr
