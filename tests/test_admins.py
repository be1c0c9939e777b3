"""Commune administrators: who may broadcast to whom (``bot.admins``), the configuration that
names them, the chat commands and ``loa broadcast --as`` under that rule.

End to end through ``loa run`` and both emulators: test_commune_admins_e2e.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.config import ConfigError, Settings, parse_settings
from bot import texts
from bot.admins import Admins, AdminScope, decide, refusal
from bot.catalog import Catalog, build_catalog
from bot.channel import Incoming, Reply
from bot.choices import NumberedChoices
from bot.commands import Commands
from loa.cli import main
from storage.broadcast_targets import Target
from storage.db import open_database, session_factory
from storage.models import Broadcast, Delivery, Resident, Subscription

Sessions = async_sessionmaker[AsyncSession]
SAM_MUN, THANH_AN, MUONG_PHANG = "Sam Mứn", "Thanh An", "Mường Phăng"
PROVINCE = "UBND tỉnh Điện Biên"

# A province administrator on each channel, a Sam Mứn official on each channel (one also
# listed as province-wide: province-wide wins), and one official of two communes.
ADMINS_TOML = """
[telegram]
admins = [7]

[zalo]
admins = ["zprov"]

[[commune_admins]]
commune = "Sam Mứn"
telegram = [1999, 7]
zalo = ["zsam"]

[[commune_admins]]
commune = "pom lot"        # an old name: today's Sam Mứn
zalo = ["ztwo"]
name = "Cán bộ xã Sam Mứn"

[[commune_admins]]
commune = "Thanh An"
zalo = ["ztwo", 12345]
"""


def settings_from(text: str) -> Settings:
    return parse_settings(text, Path("loa.toml"), env={})


@pytest.fixture(scope="module")
def settings() -> Settings:
    return settings_from(ADMINS_TOML)


@pytest.fixture(scope="module")
def admins(settings: Settings) -> Admins:
    return Admins(settings)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return build_catalog("Điện Biên")


# -- configuration ----------------------------------------------------------------------------


def test_communes_resolve_at_load_and_names_default(settings: Settings) -> None:
    tables = [(t.commune, t.name, t.telegram, t.zalo) for t in settings.commune_admins]
    assert tables == [
        (SAM_MUN, "UBND xã Sam Mứn", [1999, 7], ["zsam"]),
        (SAM_MUN, "Cán bộ xã Sam Mứn", [], ["ztwo"]),
        (THANH_AN, "UBND xã Thanh An", [], ["ztwo", "12345"]),  # a number read as an id
    ]
    assert settings.places.province_name == PROVINCE
    [warning] = settings.load_warnings()
    assert "commune_admins.[1].commune" in warning and "xã Pom Lót is now part of" in warning


def test_province_name_is_configurable() -> None:
    custom = settings_from('[places]\nprovince_name = "UBND tỉnh Lai Châu"\n')
    assert Admins(custom).operator() == AdminScope("cli", "UBND tỉnh Lai Châu", ())


@pytest.mark.parametrize(
    ("table", "says"),
    [
        ('commune = "Sam Mon"\nzalo = ["1"]', ("'Sam Mon'", "did you mean", "xã Sam Mứn")),
        ('commune = "Atlantis"\nzalo = ["1"]', ("'Atlantis'", "`loa communes` lists them")),
        ('commune = "Sam Mứn"', ("names no administrator", 'zalo = ["id"]')),
        ('commune = "Sam Mứn"\nzalo = ["1"]\nemail = "x"', ("unknown key",)),
    ],
)
def test_a_wrong_table_exits_2_with_one_line_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, says: tuple[str, ...]
) -> None:
    path = tmp_path / "loa.toml"
    path.write_text(f"[[commune_admins]]\n{table}\n", encoding="utf-8")
    assert main(["--config", str(path), "topics"]) == 2
    out, err = capsys.readouterr()
    [line] = err.strip().splitlines()
    assert line.startswith(f"loa: {path}: key 'commune_admins.[0]"), line
    assert all(part in line for part in says), line
    assert "Traceback" not in out + err


def test_every_unknown_commune_is_reported_at_once() -> None:
    text = '[[commune_admins]]\ncommune = "Xyz"\nzalo = ["1"]\n' * 2
    with pytest.raises(ConfigError) as caught:
        settings_from(text)
    lines = str(caught.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == [
        "key 'commune_admins.[0].commune'",
        "key 'commune_admins.[1].commune'",
    ]


# -- who is who -------------------------------------------------------------------------------


def test_scopes_of_each_kind_of_administrator(admins: Admins) -> None:
    assert admins.scope("telegram", "7") == AdminScope("telegram:7", PROVINCE, ())  # wins
    assert admins.scope("zalo", "zprov") == AdminScope("zalo:zprov", PROVINCE, ())
    assert admins.scope("console", "anyone") == AdminScope("console", PROVINCE, ())
    assert admins.operator() == AdminScope("cli", PROVINCE, ())
    sam = AdminScope("telegram:1999", "UBND xã Sam Mứn", (SAM_MUN,))
    assert admins.scope("telegram", "1999") == sam and not sam.province_wide
    assert admins.scopes("telegram", "1999") == [sam]
    assert admins.scope("zalo", "1999") is None  # the id is the Telegram one
    assert admins.scope("zalo", "resident") is None and admins.scopes("zalo", "resident") == []
    assert admins.scope("telegram", None) is None


def test_an_administrator_of_two_communes_has_one_scope_each(admins: Admins) -> None:
    whole = admins.scope("zalo", "ztwo")
    assert whole is not None and whole.communes == (SAM_MUN, THANH_AN)
    assert admins.scopes("zalo", "ztwo") == [
        AdminScope("zalo:ztwo", "Cán bộ xã Sam Mứn", (SAM_MUN,)),
        AdminScope("zalo:ztwo", "UBND xã Thanh An", (THANH_AN,)),
    ]


@pytest.mark.parametrize(
    ("who", "found"),
    [
        ("zalo:zsam", ("zalo:zsam", (SAM_MUN,))),
        (" telegram:7 ", ("telegram:7", ())),
        ("zalo:nobody", None),
        ("zsam", None),
        ("console:x", None),
        ("zalo:", None),
    ],
)
def test_find_reads_channel_and_id(
    admins: Admins, who: str, found: tuple[str, tuple[str, ...]] | None
) -> None:
    scope = admins.find(who)
    assert (None if scope is None else (scope.who, scope.communes)) == found


# -- the rule -----------------------------------------------------------------------------------


def _sam(admins: Admins) -> list[AdminScope]:
    return admins.scopes("zalo", "zsam")


def test_a_province_administrator_reaches_what_they_name(admins: Admins) -> None:
    for target in (Target(), Target(commune=THANH_AN), Target(topic="canh-bao")):
        decision = decide(admins.scopes("telegram", "7"), target)
        assert decision.target == target and decision.refusal is None
        assert decision.scope is not None and decision.scope.name == PROVINCE


def test_a_commune_administrators_everyone_is_their_commune(admins: Admins) -> None:
    decision = decide(_sam(admins), Target())
    assert decision.target == Target(commune=SAM_MUN) and decision.refusal is None
    assert decision.scope is not None and decision.scope.kind == "commune"
    within = decide(_sam(admins), Target(commune=SAM_MUN, topic="canh-bao"))
    assert within.target == Target(commune=SAM_MUN, topic="canh-bao") and within.scope


@pytest.mark.parametrize(
    ("target", "reason", "says"),
    [
        (
            Target(commune=THANH_AN),
            "zalo:zsam administers Sam Mứn only, not Thanh An",
            ("chỉ được gửi thông báo cho xã Sam Mứn", "không gửi được cho xã Thanh An"),
        ),
        (
            Target(topic="canh-bao"),
            "zalo:zsam administers Sam Mứn only; topic 'canh-bao' is province-wide",
            ("chủ đề Cảnh báo – Thiên tai", "sẽ đến cả tỉnh", "/thongbao xã Sam Mứn, Cảnh báo"),
        ),
    ],
)
def test_outside_the_commune_is_refused_with_the_reason(
    admins: Admins, catalog: Catalog, target: Target, reason: str, says: tuple[str, ...]
) -> None:
    decision = decide(_sam(admins), target, catalog)
    assert decision.scope is None and decision.reason == reason
    assert decision.refusal is not None and texts.NOT_SENT in decision.refusal
    assert all(part in decision.refusal for part in says), decision.refusal


def test_refusal_without_a_catalog_names_the_stored_values(admins: Admins) -> None:
    [sam] = _sam(admins)
    assert refusal(sam, Target(commune=SAM_MUN)) is None
    assert refusal(sam, Target()) == texts.refused_province([SAM_MUN])
    assert refusal(admins.operator(), Target(commune=THANH_AN)) is None


def test_two_communes_ask_which_unless_one_is_named(admins: Admins) -> None:
    scopes = admins.scopes("zalo", "ztwo")
    asked = decide(scopes, Target())
    assert asked.ask == tuple(scopes) and asked.scope is None and asked.refusal is None
    named = decide(scopes, Target(commune=THANH_AN))
    assert named.scope == scopes[1] and named.target == Target(commune=THANH_AN)
    assert decide(scopes, Target(commune=MUONG_PHANG)).reason == (
        "zalo:ztwo administers Sam Mứn, Thanh An only, not Mường Phăng"
    )


# -- in chat --------------------------------------------------------------------------------


@pytest.fixture
def commands(sessions: Sessions, catalog: Catalog, settings: Settings) -> Commands:
    return Commands(sessions, catalog, settings)


def said(who: tuple[str, str], text: str = "", data: str | None = None) -> Incoming:
    channel, user = who
    return Incoming(
        channel=channel,
        chat_id=f"chat-{user}",
        user_id=user,
        text=text,
        callback_data=data,
        message_id="55",
    )


async def _residents(commands: Commands) -> None:
    """Sam Mứn's residents (one through the old name Pom Lót), one who receives everything,
    one of Thanh An and one of Mường Phăng."""
    for channel, chat, text in [
        ("telegram", "r-pomlot", "/dangky pom lot"),
        ("zalo", "r-sammun", "/dangky sam mun"),
        ("telegram", "r-all", "/start"),
        ("zalo", "r-thanhan", "/dangky thanh an"),
        ("zalo", "r-phang", "/dangky muong phang"),
    ]:
        await commands.handle(Incoming(channel=channel, chat_id=chat, user_id=chat, text=text))


async def _count(sessions: Sessions, model: type[object]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def _reached(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(
            select(Resident.chat_id).join(Delivery, Delivery.resident_id == Resident.id)
        )
        return sorted(rows.scalars())


def _button(reply: Reply, label: str) -> str:
    return next(b.data for row in reply.buttons for b in row if b.label == label)


SAM_CHATS = ["r-pomlot", "r-sammun"]


@pytest.mark.parametrize("command", ["/thongbao", "/canhbao"])
async def test_a_commune_admins_broadcast_stays_in_their_commune(
    commands: Commands, sessions: Sessions, command: str
) -> None:
    await _residents(commands)
    message, question = await commands.handle(said(("zalo", "zsam"), f"{command} Họp dân 19h"))
    mark = "⚠️ " if command == "/canhbao" else ""
    assert message.html == f"📢 UBND xã Sam Mứn: {mark}Họp dân 19h"
    assert "Gửi tới: người đăng ký xã Sam Mứn" in question.html
    assert "Số người nhận: <b>2</b> (telegram 1, zalo 1)" in question.html
    [queued] = await commands.handle(said(("zalo", "zsam"), data=_button(question, "Gửi")))
    assert queued.html == texts.broadcast_queued(2)
    assert await _reached(sessions) == SAM_CHATS  # not r-all: their place is unknown
    async with sessions() as session:
        stored = (await session.execute(select(Broadcast))).scalar_one()
    assert (stored.created_by, stored.author_name, stored.scope, stored.commune) == (
        "zalo:zsam",
        "UBND xã Sam Mứn",
        "commune",
        SAM_MUN,
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("/thongbao xã Thanh An: Họp dân", "không gửi được cho xã Thanh An"),
        ("/canhbao thanh an: Lũ quét", "không gửi được cho xã Thanh An"),
        ("/thongbao canh bao: Lũ quét", "sẽ đến cả tỉnh"),
    ],
)
async def test_outside_their_commune_nothing_is_stored_and_the_refusal_logged(
    commands: Commands,
    sessions: Sessions,
    caplog: pytest.LogCaptureFixture,
    text: str,
    says: str,
) -> None:
    await _residents(commands)
    with caplog.at_level(logging.WARNING, logger="bot.broadcast"):
        [refused] = await commands.handle(said(("telegram", "1999"), text))
    assert says in refused.html and texts.NOT_SENT in refused.html and not refused.buttons
    assert await _count(sessions, Broadcast) == 0 and await _count(sessions, Delivery) == 0
    kind = "emergency" if text.startswith("/canhbao") else "broadcast"
    assert f"refused {kind} by telegram:1999 (UBND xã Sam Mứn): telegram:1999 administers" in (
        caplog.text
    )


async def test_a_province_admin_still_reaches_everyone(
    commands: Commands, sessions: Sessions
) -> None:
    await _residents(commands)
    message, question = await commands.handle(said(("telegram", "7"), "/thongbao Mai nghỉ lễ"))
    assert message.html == f"📢 {PROVINCE}: Mai nghỉ lễ"
    await commands.handle(said(("telegram", "7"), data=_button(question, "Gửi")))
    assert len(await _reached(sessions)) == 5
    async with sessions() as session:
        stored = (await session.execute(select(Broadcast))).scalar_one()
    assert (stored.author_name, stored.scope) == (PROVINCE, "province")


async def test_an_admin_of_two_communes_is_asked_which(
    commands: Commands, sessions: Sessions
) -> None:
    await _residents(commands)
    two = ("zalo", "ztwo")
    [asked] = await commands.handle(said(two, "/thongbao Tiêm phòng sáng mai"))
    assert asked.html == texts.CHOOSE_BROADCAST_COMMUNE
    assert [b.label for row in asked.buttons for b in row] == ["xã Sam Mứn", "xã Thanh An", "Hủy"]
    # A draft that waits for its commune cannot be sent (a forged Gửi reaches no one).
    draft_id = _button(asked, "Hủy").rsplit(":", 1)[1]
    [early] = await commands.handle(said(two, data=f"bc:send:{draft_id}"))
    assert early.html == texts.BROADCAST_ALREADY and await _count(sessions, Delivery) == 0
    # Another administrator may not choose for them.
    [stolen] = await commands.handle(said(("zalo", "zsam"), data=_button(asked, "xã Sam Mứn")))
    assert stolen.html == texts.STALE_BUTTON

    # On Zalo the choice is a numbered answer: "2" is Thanh An.
    choices = NumberedChoices()
    numbered = choices.present("chat-ztwo", asked)
    assert "1. xã Sam Mứn" in numbered.html and "2. xã Thanh An" in numbered.html
    message, question = await commands.handle(choices.answer(said(two, "2")))
    assert message.html == "📢 UBND xã Thanh An: Tiêm phòng sáng mai"
    assert "Số người nhận: <b>1</b> (zalo 1)" in question.html
    [again] = await commands.handle(said(two, data=_button(asked, "xã Sam Mứn")))
    assert again.html == texts.BROADCAST_ALREADY  # chosen once
    await commands.handle(said(two, data=_button(question, "Gửi")))
    assert await _reached(sessions) == ["r-thanhan"]


async def test_an_admin_of_two_communes_may_name_one(
    commands: Commands, sessions: Sessions
) -> None:
    await _residents(commands)
    message, question = await commands.handle(said(("zalo", "ztwo"), "/thongbao Sam Mứn: Họp"))
    assert message.html == "📢 Cán bộ xã Sam Mứn: Họp"
    await commands.handle(said(("zalo", "ztwo"), data=_button(question, "Gửi")))
    assert await _reached(sessions) == SAM_CHATS


async def test_a_commune_admin_cannot_press_a_province_preview(
    commands: Commands, sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    await _residents(commands)
    _, question = await commands.handle(said(("telegram", "7"), "/thongbao Cả tỉnh"))
    with caplog.at_level(logging.WARNING, logger="bot.broadcast"):
        for label in ("Gửi", "Hủy"):
            [refused] = await commands.handle(said(("zalo", "zsam"), data=_button(question, label)))
            assert "không gửi được cho cả tỉnh" in refused.html
    assert await _count(sessions, Delivery) == 0
    assert "refused send of broadcast 1 by zalo:zsam" in caplog.text
    assert "refused cancel of broadcast 1 by zalo:zsam" in caplog.text
    # The province administrator may press a commune administrator's preview.
    _, commune = await commands.handle(said(("zalo", "zsam"), "/thongbao Xã họp"))
    [queued] = await commands.handle(said(("telegram", "7"), data=_button(commune, "Gửi")))
    assert queued.html == texts.broadcast_queued(2)


async def test_help_shows_administrator_commands_to_administrators_only(
    commands: Commands,
) -> None:
    [resident] = await commands.handle(said(("zalo", "r-any"), "/help"))
    assert resident.html == texts.HELP and "/thongbao" not in resident.html
    assert "/canhbao" not in resident.html
    [commune] = await commands.handle(said(("zalo", "zsam"), "/help"))
    assert commune.html.startswith(texts.HELP)
    assert "/thongbao <i>nội dung</i> – gửi thông báo tới người dân xã Sam Mứn" in commune.html
    [two] = await commands.handle(said(("zalo", "ztwo"), "/huongdan"))
    assert "người dân xã Sam Mứn, xã Thanh An" in two.html
    [province] = await commands.handle(said(("telegram", "7"), "/help"))
    assert "tới mọi người dân" in province.html and "/canhbao" in province.html
    [console] = await commands.handle(said(("console", "me"), "/help"))
    assert "tới mọi người dân" in console.html


# -- loa broadcast --as -------------------------------------------------------------------------


@pytest.fixture
def cli_config(tmp_path: Path) -> Path:
    path = tmp_path / "loa.toml"
    database = f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "loa.db"}"\n'
    path.write_text(database + ADMINS_TOML, "utf-8")
    return path


@pytest.fixture
async def cli_db(tmp_path: Path, cli_config: Path) -> AsyncIterator[Sessions]:
    """Residents as in chat, and a live sender on both channels (the CLI only queues)."""
    from tests.test_cli_broadcast import add_instance

    async with open_database(f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}") as engine:
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            for chat, channel, commune in [
                ("r-pomlot", "telegram", SAM_MUN),
                ("r-sammun", "zalo", SAM_MUN),
                ("r-all", "telegram", None),
                ("r-thanhan", "zalo", THANH_AN),
            ]:
                resident = Resident(channel=channel, chat_id=chat)
                session.add(resident)
                await session.flush()
                if commune:
                    session.add(
                        Subscription(resident_id=resident.id, kind="commune", value=commune)
                    )
        await add_instance(sessions, ["telegram:sender", "zalo:sender"])
        yield sessions


async def _sent_when_queued(sessions: Sessions, expected: int) -> None:
    """Act as the sender: wait for the queued rows, then mark them sent."""
    async with asyncio.timeout(10):
        while True:
            async with sessions.begin() as session:
                if await session.scalar(select(func.count()).select_from(Delivery)) == expected:
                    await session.execute(update(Delivery).values(state="sent"))
                    return
            await asyncio.sleep(0.05)


async def _cli(*argv: str) -> int:
    return await asyncio.to_thread(main, list(argv))


async def test_cli_as_a_commune_admin_reaches_their_commune(
    cli_db: Sessions, cli_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = asyncio.create_task(
        _cli("--config", str(cli_config), "broadcast", "--as", "zalo:zsam", "--yes", "Họp dân")
    )
    await _sent_when_queued(cli_db, 2)
    assert await cli == 0
    out = capsys.readouterr().out
    assert "target: 2 residents (telegram 1, zalo 1)" in out
    assert "signed: UBND xã Sam Mứn (commune administrator cli:zalo:zsam)" in out
    assert await _reached(cli_db) == SAM_CHATS
    assert await _cli("--config", str(cli_config), "broadcasts", "--json") == 0
    [listed] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (listed["author"], listed["author_name"], listed["scope"]) == (
        "cli:zalo:zsam",
        "UBND xã Sam Mứn",
        "commune",
    )
    assert listed["created_by"] == "cli:zalo:zsam"  # the old key stays
    assert await _cli("--config", str(cli_config), "broadcasts") == 0
    assert "by cli:zalo:zsam as UBND xã Sam Mứn (commune)" in capsys.readouterr().out
    assert await _cli("--config", str(cli_config), "stats", "--json") == 0
    [stat] = json.loads(capsys.readouterr().out)["broadcasts"]
    assert (stat["author"], stat["author_name"], stat["scope"]) == (
        "cli:zalo:zsam",
        "UBND xã Sam Mứn",
        "commune",
    )


async def test_cli_without_as_is_the_operator_province_wide(
    cli_db: Sessions, cli_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("--config", str(cli_config), "broadcast", "--yes", "--commune", "Thanh An", "Họp")
    cli = asyncio.create_task(_cli(*argv))
    await _sent_when_queued(cli_db, 1)
    assert await cli == 0
    assert f"signed: {PROVINCE} (province administrator cli)" in capsys.readouterr().out
    async with cli_db() as session:
        stored = (await session.execute(select(Broadcast))).scalar_one()
    assert (stored.created_by, stored.author_name, stored.scope) == ("cli", PROVINCE, "province")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--as", "zalo:nobody"], "--as 'zalo:nobody' is no administrator"),
        (["--as", "9999"], "write zalo:ID or telegram:ID"),
        (
            ["--as", "zalo:zsam", "--commune", "Thanh An"],
            "refused: zalo:zsam administers Sam Mứn only, not Thanh An; nothing was queued",
        ),
        (["--as", "telegram:1999", "--topic", "canh-bao"], "is province-wide; nothing was queued"),
        (["--as", "zalo:ztwo"], "administers several communes; name one with --commune"),
    ],
)
async def test_cli_as_refuses_with_exit_2_and_queues_nothing(
    cli_db: Sessions,
    cli_config: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    says: str,
) -> None:
    status = await _cli("--config", str(cli_config), "broadcast", "--yes", *args, "Tin")
    assert status == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert await _count(cli_db, Broadcast) == 0 and await _count(cli_db, Delivery) == 0


async def test_a_draft_awaiting_its_commune_cannot_be_confirmed_and_says_so(
    cli_db: Sessions, cli_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage import broadcasts

    async with cli_db.begin() as session:
        draft = await broadcasts.create_preview(
            session,
            text="Chờ chọn xã",
            target=Target(),
            emergency=False,
            created_by="zalo:ztwo",
            scope=broadcasts.COMMUNE,
        )
        assert await broadcasts.confirm(session, draft.id) is None  # would reach everyone
    assert await _count(cli_db, Delivery) == 0
    assert await _cli("--config", str(cli_config), "broadcasts") == 0
    assert "to (its commune not chosen yet)" in capsys.readouterr().out
    async with cli_db.begin() as session:
        chosen = await broadcasts.choose_commune(session, draft.id, THANH_AN, "UBND xã Thanh An")
        assert chosen is not None and json.loads(chosen.counts or "{}") == {"zalo": 1}
        assert await broadcasts.choose_commune(session, draft.id, SAM_MUN, "x") is None  # once
        assert await broadcasts.confirm(session, draft.id) == 1
    assert await _reached(cli_db) == ["r-thanhan"]
