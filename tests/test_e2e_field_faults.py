"""End to end: the real world's bad minutes cost Loa no resident and keep no bot dark (issue 21).

Real ``loa run`` processes against the emulators in fault mode, on SQLite and PostgreSQL:

- every Zalo send answering 403 "Forbidden" (then 404 "Not Found", 401 "Unauthorized") for a
  while in the middle of a broadcast: nobody is deactivated, every resident gets the broadcast
  exactly once after, and the administrators (on Telegram, the channel that works) are told once;
- one resident who really blocked the bot: that one is deactivated, with why and the answer
  recorded, nobody else; ``loa residents`` counts them and ``loa residents restore`` brings them
  back with their choices;
- ``setMyCommands`` answering 500: the Telegram bot still answers /start;
- a ``getMe`` without ``is_bot``: the log names the malformed answer (not "unreachable"), and
  the bot connects once the answer is whole.

The fault "window" is a number of refused requests (``tests.emulators.faults``), never a sleep.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.e2e_support import ZALO_TOKEN, Loa, Options, Stage, until
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.instances_support import PG_URL, Cluster, ClusterOptions

TG_ADMIN = 9001
ZALO_CHATS = [f"zf{n:04d}" for n in range(12)]
COMMUNE = "Sam Mứn"


class Rows(Protocol):
    def query(self, sql: str) -> list[tuple[Any, ...]]: ...

    def seed_residents(
        self, channel: str, chat_ids: list[str], commune: str | None = None
    ) -> None: ...


@dataclass
class Field:
    """One ``loa run`` on one backend, both emulators, and the database it writes."""

    loa: Loa
    db: Rows
    telegram: TelegramEmulator
    zalo: ZaloEmulator

    def one(self, sql: str) -> Any:
        rows = self.db.query(sql)
        return rows[0][0] if rows else None

    def got(self, marker: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for sent in self.zalo.sent():
            if marker in sent.text:
                counts[sent.chat_id] = counts.get(sent.chat_id, 0) + 1
        return counts

    def senders_running(self) -> bool:
        roles = " ".join(str(r[0]) for r in self.db.query("SELECT roles FROM instances"))
        return "zalo:sender" in roles and "telegram:sender" in roles


OPTIONS = Options(telegram_admins=[TG_ADMIN], zalo_rate=50)
# A case run on one backend only: PostgreSQL when there is one (SQLite has cases of its own).
ONE_BACKEND = "postgresql" if PG_URL else "sqlite"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def field(backend: str, tmp_path: Path) -> Iterator[Field]:
    """Both emulators served, a migrated database on the backend, ``loa run`` not started."""
    telegram, zalo = TelegramEmulator(), ZaloEmulator(ZALO_TOKEN)
    telegram.add_chat(TG_ADMIN)
    with ExitStack() as stack:
        if backend == "sqlite":
            stage = stack.enter_context(Stage(tmp_path, telegram, zalo).serving())
            loa = stage.make_loa(OPTIONS)
            yield Field(loa, loa, telegram, zalo)
            return
        if PG_URL is None:
            pytest.skip("LOA_TEST_DATABASE_URL is not set (the PostgreSQL run of this test)")
        cluster = stack.enter_context(Cluster(tmp_path, telegram, zalo).serving())
        cluster.configure(ClusterOptions(telegram_admins=[TG_ADMIN], zalo_rate=50))
        cluster.upgrade()
        node = cluster.node()
        yield Field(node, cluster.db, telegram, zalo)


async def broadcast(field: Field, text: str) -> None:
    """``loa broadcast --yes`` to everyone, against the running ``loa run``."""
    await until(field.senders_running, 30, field.loa, "both senders running")
    status, out, err = await field.loa.cli_async("broadcast", "--yes", "--wait", "0", text)
    assert status == 0, f"{out}\n{err}"


# Each refusal once, the three spread over both backends: how Loa reads a refusal does not
# depend on the database, and each backend records the same outcome (nobody deactivated).
@pytest.mark.parametrize(
    ("backend", "code", "description"),
    [
        ("sqlite", 403, "Forbidden"),
        (ONE_BACKEND, 404, "Not Found"),
        ("sqlite", 401, "Unauthorized"),
        ("postgresql", 403, "Forbidden"),
    ],
)
async def test_a_bad_minute_of_zalo_mid_broadcast_deactivates_nobody(
    field: Field, code: int, description: str
) -> None:
    field.db.seed_residents("zalo", ZALO_CHATS, COMMUNE)
    field.zalo.add_chats(ZALO_CHATS)
    # Two residents get it, then six sends are refused (more than enough chats, in a row, to
    # have deactivated six residents before), then Zalo is well again.
    field.zalo.fault(code, description, after=2, count=6)
    field.loa.start()
    marker = "Lịch tiêm phòng cho trẻ em tháng này"
    await broadcast(field, marker)

    everyone = dict.fromkeys(ZALO_CHATS, 1)
    await until(lambda: field.got(marker) == everyone, 60, field.loa, "everyone got it once")
    await until(
        lambda: field.one("SELECT state FROM broadcasts WHERE id = 1") == "done",
        20,
        field.loa,
        "the broadcast done",
    )
    assert field.zalo.faulted == 6  # the fault did land
    assert field.one("SELECT count(*) FROM residents WHERE active = false") == 0
    assert field.got(marker) == everyone  # and nobody got it twice meanwhile
    assert field.one("SELECT count(*) FROM deliveries WHERE state = 'failed'") == 0

    # The administrators are told once, on the channel that works (its own queue: the notice
    # may follow the broadcast's end); the log says what it saw.
    def told() -> list[str]:
        return [m.text for m in field.telegram.messages_to(TG_ADMIN) if "từ chối gửi tin" in m.text]

    await until(lambda: len(told()) >= 1, 20, field.loa, "the administrators told")
    notices = told()
    assert len(notices) == 1, [m.text for m in field.telegram.messages_to(TG_ADMIN)]
    assert description in notices[0]
    log = field.loa.log()
    assert "the bot looks broken, not the residents" in log
    assert "token check: getMe answered" in log
    assert "deactivated (" not in log


async def test_one_resident_who_blocked_the_bot_alone_is_deactivated_then_restored(
    field: Field,
) -> None:
    field.db.seed_residents("zalo", ZALO_CHATS, COMMUNE)
    field.zalo.add_chats(ZALO_CHATS)
    blocked = ZALO_CHATS[5]
    field.zalo.block(blocked)
    field.loa.start()
    marker = "Thông báo lịch cắt điện ngày mai"
    await broadcast(field, marker)

    others = {chat: 1 for chat in ZALO_CHATS if chat != blocked}
    await until(lambda: field.got(marker) == others, 60, field.loa, "all but one got it")
    inactive = "SELECT chat_id, deactivated_by, deactivated_why, deactivated_answer FROM residents"
    await until(
        lambda: len(field.db.query(f"{inactive} WHERE active = false")) == 1,
        20,
        field.loa,
        "the one who blocked the bot deactivated",
    )
    [(chat, by, why, answer)] = field.db.query(f"{inactive} WHERE active = false")
    assert (chat, by, why) == (blocked, "sender", "blocked the bot")
    assert "User has blocked the bot" in answer
    subscriptions = "SELECT count(*) FROM subscriptions"
    assert field.one(subscriptions) == len(ZALO_CHATS)  # choices kept

    status, out, err = await field.loa.cli_async("residents", "--json")
    assert status == 0, err
    summary = json.loads(out)
    assert summary["active"] == {"zalo": len(ZALO_CHATS) - 1}
    [group] = summary["inactive"]
    assert (group["channel"], group["by"], group["why"], group["count"]) == (
        "zalo",
        "sender",
        "blocked the bot",
        1,
    )

    status, out, err = await field.loa.cli_async(
        "residents", "restore", "--since", "1h", "--channel", "zalo", "--yes"
    )
    assert status == 0, err
    assert "restored 1 resident " in out
    assert field.one("SELECT count(*) FROM residents WHERE active = false") == 0
    assert field.one(subscriptions) == len(ZALO_CHATS)
    status, out, _ = await field.loa.cli_async("residents", "restore", "--since", "1h", "--yes")
    assert status == 0 and "no resident deactivated by the sender" in out


# The two Telegram start-up faults below are about reading Telegram, not the database: each
# runs on one backend.
@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_refused_command_menu_keeps_no_bot_dark(field: Field) -> None:
    field.telegram.fault(500, "Internal Server Error", method="setMyCommands")
    field.loa.start()
    field.telegram.send_text(7001, "/start")
    await until(lambda: bool(field.telegram.messages_to(7001)), 30, field.loa, "/start answered")
    assert "refused setMyCommands" in field.loa.log()
    assert "unreachable" not in field.loa.log()


@pytest.mark.parametrize("backend", [ONE_BACKEND])
async def test_a_malformed_get_me_is_logged_as_one(field: Field) -> None:
    field.telegram.get_me_missing = frozenset({"is_bot"})
    field.loa.start()
    await until(
        lambda: "malformed answer to getMe: no is_bot" in field.loa.log(),
        30,
        field.loa,
        "the malformed answer named",
    )
    assert "Telegram unreachable" not in field.loa.log()
    field.telegram.get_me_missing = frozenset()  # the server is fixed: the bot connects
    field.telegram.send_text(7002, "/start")
    await until(lambda: bool(field.telegram.messages_to(7002)), 30, field.loa, "/start answered")
