"""Broadcasts meet quiet hours and media: what is held is its own count (neither sent, nor
failed, nor pending) in storage, chat and CLI, and a broadcast is done only once it went; the
preview says who is in quiet hours now; a voice note without text reaches no Zalo resident
(nothing is queued for them, the preview says so); an administrator of several communes sees,
after choosing one, the preview a one-commune administrator sees."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import Settings, parse_settings
from bot import texts
from bot.catalog import Catalog, build_catalog
from bot.channel import Attachment, Channel, Incoming, Reply
from bot.commands import Commands
from bot.outgoing import Outgoing, decode
from bot.progress import ProgressReporter
from jobs.rhythm import RhythmJob
from loa.cli import main
from storage import broadcast_progress, broadcasts
from storage.broadcast_targets import Target
from storage.db import open_database, session_factory
from storage.models import (
    Broadcast,
    BroadcastState,
    Delivery,
    DeliveryState,
    Resident,
    Subscription,
    utcnow,
)
from tests.test_cli_broadcast import add_instance
from tests.test_rhythm import VN, Clock, quiet_around, set_rhythm

Sessions = async_sessionmaker[AsyncSession]
ADMIN = "7"
QUIET = "đang trong giờ yên tĩnh: họ nhận thông báo"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


async def add_resident(
    sessions: Sessions, channel: str, chat: str, commune: str | None = None
) -> int:
    async with sessions.begin() as session:
        row = Resident(channel=channel, chat_id=chat, user_id=chat, active=True)
        session.add(row)
        await session.flush()
        if commune is not None:
            session.add(Subscription(resident_id=row.id, kind="commune", value=commune))
        return row.id


async def sleeping(sessions: Sessions, channel: str, chat: str, commune: str | None = None) -> int:
    """A resident in their quiet hours now (from an hour ago to an hour from now)."""
    resident_id = await add_resident(sessions, channel, chat, commune)
    now = utcnow()
    await set_rhythm(sessions, resident_id, now, quiet=quiet_around(now))
    return resident_id


async def quiet_until(sessions: Sessions, resident_id: int) -> datetime:
    """When the resident's quiet hours end."""
    async with sessions() as session:
        row = await session.get(Resident, resident_id)
    assert row is not None and row.quiet_until is not None
    return row.quiet_until


async def quiet_end(sessions: Sessions, resident_id: int, *, dated: bool = False) -> str:
    """The end of the resident's quiet hours, HH:MM Vietnam time (as the chat says it);
    ``dated``: as the CLI says it, with the date when that is tomorrow (after 23:00 there)."""
    end = (await quiet_until(sessions, resident_id)).astimezone(VN)
    tomorrow = end.date() != utcnow().astimezone(VN).date()
    return end.strftime("%Y-%m-%d %H:%M" if dated and tomorrow else "%H:%M")


def said(text: str = "", data: str | None = None, user: str = ADMIN, **extra: object) -> Incoming:
    return Incoming(
        channel="telegram",
        chat_id=f"chat-{user}",
        user_id=user,
        text=text,
        callback_data=data,
        message_id="55",
        **extra,  # type: ignore[arg-type]
    )


def button(reply: Reply, label: str) -> str:
    return next(b.data for row in reply.buttons for b in row if b.label == label)


async def delivery_states(sessions: Sessions) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.broadcast_id.is_not(None))
            .group_by(Delivery.state)
        )
        return {state: int(count) for state, count in rows.all()}


async def send_pending(sessions: Sessions) -> None:
    """Act as the sender: every pending delivery (of a broadcast or not) goes out."""
    async with sessions.begin() as session:
        await session.execute(
            update(Delivery)
            .where(Delivery.state == DeliveryState.PENDING.value)
            .values(state=DeliveryState.SENT.value)
        )


# -- 1. held is its own count, and not done -------------------------------------------------


async def test_progress_counts_held_apart_and_a_broadcast_is_done_once_they_went(
    sessions: Sessions,
) -> None:
    awake = await add_resident(sessions, "zalo", "z-awake")
    asleep = await sleeping(sessions, "zalo", "z-asleep")
    async with sessions.begin() as session:
        draft = await broadcasts.create_preview(
            session, text="Họp dân", target=Target(), emergency=False, created_by="cli"
        )
        assert await broadcasts.confirm(session, draft.id) == 2
    await send_pending(sessions)
    async with sessions.begin() as session:
        current = await broadcast_progress.finish_if_done(session, draft.id)
    assert (current.sent, current.failed, current.pending, current.held) == (1, 0, 0, 1)
    assert current.total == 2 and current.settled and not current.finished
    assert current.held_until is not None
    assert current.held_until == await quiet_until(sessions, asleep)
    async with sessions() as session:
        stored = await session.get(Broadcast, draft.id)
        assert stored is not None and stored.state == BroadcastState.SENDING.value
    # The quiet hours end: the rhythm job releases the held row, the sender sends it.
    clock = Clock(utcnow() + timedelta(hours=1, minutes=1))
    assert await RhythmJob(sessions, VN, now=clock).run_once() == 1
    await send_pending(sessions)
    async with sessions.begin() as session:
        current = await broadcast_progress.finish_if_done(session, draft.id)
        stored = await session.get(Broadcast, draft.id)
        assert stored is not None
        await session.refresh(stored)
    assert current.finished and (current.sent, current.held) == (2, 0)
    assert stored.state == BroadcastState.DONE.value
    assert json.loads(stored.report or "{}")["sent"] == 2
    assert awake != asleep


class Editable(Channel):
    name = "telegram"
    max_text_length = 4096

    async def send(self, chat_id: str, reply: Reply) -> str:
        return "1"

    async def edit(self, chat_id: str, message_id: str, reply: Reply) -> None:
        return None


async def progress_messages(sessions: Sessions) -> list[Outgoing]:
    async with sessions() as session:
        rows = await session.scalars(
            select(Delivery.payload)
            .where(Delivery.tag.like("progress:%"), Delivery.payload.is_not(None))
            .order_by(Delivery.id)
        )
        return [decode(payload) for payload in rows if payload]


async def test_chat_progress_shows_held_on_its_own_and_reports_only_when_they_went(
    sessions: Sessions, catalog: Catalog
) -> None:
    settings = Settings.model_validate({"telegram": {"admins": [int(ADMIN)]}})
    commands = Commands(sessions, catalog, settings)
    await add_resident(sessions, "zalo", "z-awake")
    asleep = await sleeping(sessions, "zalo", "z-asleep")
    _, question = await commands.handle(said("/thongbao Họp dân sáng mai"))
    [queued] = await commands.handle(said(data=button(question, "Gửi")))
    assert queued.html == texts.broadcast_queued(2, held=1)
    assert "1 người trong số đó nhận khi hết giờ yên tĩnh" in queued.html
    reporter = ProgressReporter(sessions, {"telegram": Editable()})
    await send_pending(sessions)
    assert await reporter.report_once() == 1
    await send_pending(sessions)  # the edit went out
    assert await reporter.report_once() == 0  # nothing changed: held stays held
    [shown] = await progress_messages(sessions)
    assert shown.reply.html == texts.broadcast_progress(1, 0, 0, done=False, held=1)
    assert "Đang chờ hết giờ yên tĩnh: 1" in shown.reply.html
    assert shown.edit_message_id == "55" and not shown.send_if_uneditable  # not a final report
    async with sessions() as session:
        state = await session.scalar(select(Broadcast.state))
    assert state == BroadcastState.SENDING.value
    clock = Clock(utcnow() + timedelta(hours=1, minutes=1))
    assert await RhythmJob(sessions, VN, now=clock).run_once() == 1
    await send_pending(sessions)
    assert await reporter.report_once() == 1
    final = (await progress_messages(sessions))[-1]
    assert final.reply.html == texts.broadcast_progress(2, 0, 0, done=True)
    assert final.send_if_uneditable
    async with sessions() as session:
        state = await session.scalar(select(Broadcast.state))
    assert state == BroadcastState.DONE.value
    assert asleep


# -- 1 and 2 on the CLI ---------------------------------------------------------------------


@pytest.fixture
async def cli_db(tmp_path: Path) -> AsyncIterator[tuple[Path, Sessions]]:
    """A settings file and the database it names (open for the test's own queries)."""
    path = tmp_path / "loa.toml"
    url = f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
    path.write_text(f'[database]\nurl = "{url}"\n', "utf-8")
    async with open_database(url) as engine:
        yield path, session_factory(engine)


async def cli_follow(sessions: Sessions, argv: list[str]) -> int:
    """Run the CLI while playing the sender: pending rows are marked sent as they appear."""
    cli = asyncio.create_task(asyncio.to_thread(main, argv))
    async with asyncio.timeout(20):
        while not cli.done():
            await send_pending(sessions)
            await asyncio.wait([cli], timeout=0.05)
    return await cli


async def test_cli_finishes_when_only_held_rows_remain_and_says_until_when(
    cli_db: tuple[Path, Sessions], capsys: pytest.CaptureFixture[str]
) -> None:
    config, sessions = cli_db
    await add_instance(sessions, ["telegram:sender", "zalo:sender"])
    await add_resident(sessions, "zalo", "z1", "Sam Mứn")
    asleep = await sleeping(sessions, "telegram", "t2", "Sam Mứn")
    await sleeping(sessions, "zalo", "z3", "Thanh An")  # not targeted
    argv = ["--config", str(config), "broadcast", "--yes", "--wait", "15", "--commune", "Sam Mứn"]
    status = await cli_follow(sessions, [*argv, "Họp", "dân"])
    out, _ = capsys.readouterr()
    until = await quiet_end(sessions, asleep, dated=True)
    assert status == 0, out
    assert "target: 2 residents (telegram 1, zalo 1)" in out
    quiet = "quiet hours: 1 of them are in their quiet hours now and get it when those end"
    assert f"{quiet} (until {until};" in out
    assert f"sent 1, failed 0, 1 held for quiet hours (until {until})" in out
    assert "not finished" not in out
    assert await delivery_states(sessions) == {"sent": 1, "held": 1}

    assert await asyncio.to_thread(main, ["--config", str(config), "broadcasts", "--json"]) == 0
    [view] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert view["state"] == "sending"  # not done until the held delivery went
    assert view["progress"]["held"] == 1 and view["progress"]["pending"] == 0
    assert view["progress"]["held_until"] is not None
    assert await asyncio.to_thread(main, ["--config", str(config), "broadcasts"]) == 0
    assert "sent 1 failed 0 pending 0 held 1 (quiet hours until" in capsys.readouterr().out


async def test_cli_urgent_and_emergency_previews_say_nothing_of_quiet_hours(
    cli_db: tuple[Path, Sessions], capsys: pytest.CaptureFixture[str]
) -> None:
    config, sessions = cli_db
    await add_instance(sessions, ["telegram:sender", "zalo:sender"])
    await sleeping(sessions, "zalo", "z1")
    for flag in ("--urgent", "--emergency"):
        argv = ["--config", str(config), "broadcast", "--yes", "--wait", "15", flag, "Lũ"]
        assert await cli_follow(sessions, argv) == 0
        out, _ = capsys.readouterr()
        assert "quiet hours" not in out and "done: sent 1, failed 0" in out
    assert await delivery_states(sessions) == {"sent": 2}


# -- 2. the chat preview --------------------------------------------------------------------


async def test_chat_preview_says_who_is_in_quiet_hours_unless_urgent_or_emergency(
    sessions: Sessions, catalog: Catalog
) -> None:
    settings = Settings.model_validate({"telegram": {"admins": [int(ADMIN)]}})
    commands = Commands(sessions, catalog, settings)
    await add_resident(sessions, "zalo", "z-awake")
    asleep = await sleeping(sessions, "telegram", "t-asleep")
    until = await quiet_end(sessions, asleep)
    _, ordinary = await commands.handle(said("/thongbao Họp dân"))
    assert f"<b>1</b> người {QUIET}" in ordinary.html
    assert f"khi hết giờ yên tĩnh (muộn nhất {until})" in ordinary.html
    for text in ("/thongbao gấp: Cắt điện", "/canhbao Lũ quét"):
        _, question = await commands.handle(said(text))
        assert QUIET not in question.html


async def test_everyone_in_quiet_hours_is_said_plainly_and_gui_still_queues_for_later(
    sessions: Sessions, catalog: Catalog
) -> None:
    settings = Settings.model_validate({"telegram": {"admins": [int(ADMIN)]}})
    commands = Commands(sessions, catalog, settings)
    asleep = await sleeping(sessions, "telegram", "t-asleep")
    until = await quiet_end(sessions, asleep)
    _, question = await commands.handle(said("/thongbao Họp dân"))
    assert "Lúc này chưa ai nhận ngay: cả <b>1</b> người đang trong giờ yên tĩnh" in question.html
    assert f"muộn nhất lúc {until}" in question.html
    assert [b.label for row in question.buttons for b in row] == ["Gửi", "Hủy"]


async def test_cli_says_when_everyone_is_in_quiet_hours(
    cli_db: tuple[Path, Sessions], capsys: pytest.CaptureFixture[str]
) -> None:
    config, sessions = cli_db
    await add_instance(sessions, ["telegram:sender", "zalo:sender"])
    asleep = await sleeping(sessions, "zalo", "z1")
    argv = ["--config", str(config), "broadcast", "--yes", "--wait", "15", "Họp"]
    assert await cli_follow(sessions, argv) == 0
    out, _ = capsys.readouterr()
    until = await quiet_end(sessions, asleep, dated=True)
    assert (
        "quiet hours: all 1 are in their quiet hours now; nobody gets it before those end"
        f" (the last at {until};"
    ) in out


# -- 3. a voice note without text -----------------------------------------------------------


def voice(user: str = ADMIN, caption: str = "") -> Attachment:
    async def refuse() -> bytes:
        raise AssertionError("without [web] public_url nothing is downloaded")

    return Attachment("voice", f"chat-{user}", "77", user, caption, file_id="v", fetch=refuse)


async def test_a_voice_note_without_text_for_zalo_residents_only_offers_no_send(
    sessions: Sessions, catalog: Catalog
) -> None:
    settings = Settings.model_validate({"telegram": {"admins": [int(ADMIN)]}})
    commands = Commands(sessions, catalog, settings)
    await add_resident(sessions, "zalo", "z1")
    _, question = await commands.handle(said("/thongbao", reply_to=voice()))
    assert "Số người nhận: <b>0</b> (zalo 0)" in question.html
    assert "Không có ai để gửi." in question.html and "Zalo chỉ nhận được phần chữ" in question.html
    assert [b.label for row in question.buttons for b in row] == ["Hủy"]


async def test_a_voice_note_without_text_queues_nothing_for_zalo_and_the_preview_says_so(
    sessions: Sessions, catalog: Catalog
) -> None:
    settings = Settings.model_validate({"telegram": {"admins": [int(ADMIN)]}})
    assert settings.web.public_url is None
    commands = Commands(sessions, catalog, settings)
    await add_resident(sessions, "telegram", "t1")
    await add_resident(sessions, "zalo", "z1")
    await add_resident(sessions, "zalo", "z2")
    message, question = await commands.handle(said("/thongbao", reply_to=voice()))
    assert message.copy_from == (f"chat-{ADMIN}", "77")
    assert "Số người nhận: <b>1</b> (telegram 1, zalo 0)" in question.html
    assert texts.MEDIA_ZALO_NOTHING in question.html and "kèm chữ" in question.html
    [queued] = await commands.handle(said(data=button(question, "Gửi")))
    assert queued.html == texts.broadcast_queued(1)
    async with sessions() as session:
        channels = list(
            await session.scalars(
                select(Delivery.channel).where(Delivery.broadcast_id.is_not(None))
            )
        )
    assert channels == ["telegram"]
    # With text, Zalo residents get the text: they are counted and queued.
    _, texted = await commands.handle(said("/thongbao Họp dân", reply_to=voice()))
    assert "(telegram 1, zalo 2)" in texted.html and texts.MEDIA_ZALO_TEXT_ONLY in texted.html


# -- 4. an administrator of several communes ------------------------------------------------

COMMUNE_ADMINS = """
[[commune_admins]]
commune = "Sam Mứn"
telegram = [1999, 2000]

[[commune_admins]]
commune = "Thanh An"
telegram = [2000]
"""


async def test_after_choosing_the_commune_the_media_preview_is_a_one_commune_admins(
    sessions: Sessions, catalog: Catalog
) -> None:
    settings = parse_settings(COMMUNE_ADMINS, Path("loa.toml"), env={})
    commands = Commands(sessions, catalog, settings)
    await add_resident(sessions, "telegram", "t1", "Sam Mứn")
    await add_resident(sessions, "zalo", "z1", "Sam Mứn")
    await sleeping(sessions, "zalo", "z2", "Sam Mứn")
    one, several = "1999", "2000"
    photo = Attachment("photo", "", "77", "", "Họp dân 8h", file_id="p")

    def of(user: str) -> Attachment:
        return replace(photo, chat_id=f"chat-{user}", user_id=user)

    single = await commands.handle(said("/thongbao", user=one, reply_to=of(one)))
    [asked] = await commands.handle(said("/thongbao", user=several, reply_to=of(several)))
    assert asked.html == texts.CHOOSE_BROADCAST_COMMUNE
    chosen = await commands.handle(said(data=button(asked, "xã Sam Mứn"), user=several))
    assert len(single) == len(chosen) == 2
    (single_message, single_question), (chosen_message, chosen_question) = single, chosen
    assert single_message.copy_from == (f"chat-{one}", "77")
    assert chosen_message.copy_from == (f"chat-{several}", "77")
    assert replace(chosen_message, copy_from=None) == replace(single_message, copy_from=None)
    for line in (texts.MEDIA_ON_TELEGRAM, texts.MEDIA_ZALO_TEXT_ONLY, f"<b>1</b> người {QUIET}"):
        assert line in chosen_question.html
    # The same words; only the buttons' broadcast ids differ.
    assert chosen_question.html == single_question.html
    labels = [[b.label for b in row] for row in chosen_question.buttons]
    assert labels == [[b.label for b in row] for row in single_question.buttons]
