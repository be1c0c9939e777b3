"""End to end on PostgreSQL: several ``loa run`` processes on one database.

Three instances share the poller, the bots' update streams, the senders and the reporter: a new
article reaches every resident once per channel and the portal is polled as by one instance;
every command is answered once, one broadcast gives one preview and one press sends once; kill -9
of the sender's holder mid-broadcast hands the role over and loses nothing; a launch-day rush of
/start against a strict sliding-window emulator is answered in full without an early request; a
5 000-character argument still gets a delivered answer; eight commands started together on a
fresh database all succeed. Skipped unless ``LOA_TEST_DATABASE_URL`` is set.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from tests.e2e_support import NEW_TITLE, ZALO_TOKEN, publish_new_article
from tests.emulators.telegram import SentMessage, TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.instances_support import (
    ALL_ROLES,
    Cluster,
    ClusterOptions,
    TimedPortal,
    requires_postgresql,
)

pytestmark = requires_postgresql

TG_ADMIN, ZALO_ADMIN = 9001, "zadmin01"
WELCOME = "Chào mừng bà con đến với"  # the start of texts.WELCOME, as residents read it
LEASE = ClusterOptions().lease_seconds
TELEGRAM_ROLES = frozenset({"poller", "reporter", "telegram:updates", "telegram:sender"})


# ------------------------------------------------------------------------------ helpers


def per_chat(cluster: Cluster, marker: str, *, skip_admins: bool = True) -> Counter[str]:
    """How many messages containing ``marker`` each chat received, on both channels."""
    counts: Counter[str] = Counter()
    if cluster.telegram is not None:
        counts.update(
            f"tg:{m.chat_id}"
            for m in list(cluster.telegram.sent)
            if marker in m.text and not (skip_admins and m.chat_id == TG_ADMIN)
        )
    if cluster.zalo is not None:
        counts.update(
            f"zalo:{s.chat_id}"
            for s in cluster.zalo.sent()
            if marker in s.text and not (skip_admins and s.chat_id == ZALO_ADMIN)
        )
    return counts


def everyone(telegram_chats: Any, zalo_chats: Any, times: int = 1) -> Counter[str]:
    expected = Counter({f"tg:{c}": times for c in telegram_chats})
    expected.update({f"zalo:{c}": times for c in zalo_chats})
    return expected


def buttons(message: SentMessage) -> dict[str, str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return {button["text"]: button["callback_data"] for row in rows for button in row}


def questions(telegram: TelegramEmulator, chat_id: int) -> list[SentMessage]:
    """Messages with buttons (broadcast previews' questions) sent to ``chat_id``."""
    return [m for m in telegram.messages_to(chat_id) if m.reply_markup]


async def tg_preview(cluster: Cluster, text: str) -> SentMessage:
    """The Telegram admin writes ``text``; return the (one) preview question that follows."""
    assert cluster.telegram is not None
    telegram = cluster.telegram
    before = len(questions(telegram, TG_ADMIN))
    telegram.send_text(TG_ADMIN, text)
    await cluster.until(lambda: len(questions(telegram, TG_ADMIN)) > before, 15, f"preview {text}")
    return questions(telegram, TG_ADMIN)[-1]


def broadcast_state(cluster: Cluster, broadcast_id: int) -> str | None:
    state: str | None = cluster.db.one("SELECT state FROM broadcasts WHERE id = $1", broadcast_id)
    return state


def check_stats_roles(
    stats: dict[str, Any], cluster: Cluster, expected: frozenset[str] = ALL_ROLES
) -> None:
    """``loa stats --json``: one live instance per running node, each role held once."""
    live = [i for i in stats["instances"] if i["alive"]]
    running = {n.pid for n in cluster.nodes if n.running}
    assert sorted(i["pid"] for i in live) == sorted(running), stats["instances"]
    for instance in live:
        assert set(instance) >= {"id", "host", "pid", "started_at", "last_seen", "roles"}
    held = Counter(role for i in live for role in i["roles"])
    assert held == Counter(expected), held


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """Both emulators (Telegram without flood limits worth hitting), the fixture portal,
    a fresh database: nodes are started by each test."""
    telegram = TelegramEmulator(global_rate=100, per_chat_rate=None)
    zalo = ZaloEmulator(ZALO_TOKEN)
    portal = TimedPortal.from_fixtures()
    with Cluster(tmp_path, telegram, zalo, portal).serving() as running:
        yield running


def emulators(cluster: Cluster) -> tuple[TelegramEmulator, ZaloEmulator]:
    assert cluster.telegram is not None and cluster.zalo is not None
    return cluster.telegram, cluster.zalo


# ------------------------------------------------------------------------------ 1. news


async def test_three_instances_deliver_a_new_article_once_and_poll_as_one(
    cluster: Cluster,
) -> None:
    telegram, zalo = emulators(cluster)
    portal = cluster.portal
    assert isinstance(portal, TimedPortal)
    cluster.configure(ClusterOptions(telegram_rate=50, zalo_rate=20))
    cluster.upgrade()
    tg_chats, zalo_chats = range(7000, 7040), [f"zn{n:04d}" for n in range(20)]
    cluster.db.seed_residents("telegram", tg_chats)
    cluster.db.seed_residents("zalo", zalo_chats)
    for chat_id in tg_chats:
        telegram.add_chat(chat_id)
    zalo.add_chats(zalo_chats)

    cluster.start_nodes(3)
    backfilled = "SELECT backfilled FROM sources"
    await cluster.until(lambda: cluster.db.query(backfilled) == [(True,)], 40, "backfill")
    await cluster.until(cluster.roles_taken, 30, "every role held by one instance")
    assert cluster.db.pending() == 0 and not per_chat(cluster, "")  # the archive went nowhere

    publish_new_article(portal)
    expected = everyone(tg_chats, zalo_chats)
    await cluster.until(lambda: per_chat(cluster, NEW_TITLE) == expected, 40, "article sent")
    await cluster.until(lambda: cluster.db.pending() == 0, 10, "outbox drained")
    stats = await cluster.stats()
    # A few more polls happen while we look: a duplicate would show up in the counts below.
    fetches = portal.list_fetches()
    window = time.monotonic() - fetches[0]

    assert per_chat(cluster, NEW_TITLE) == expected  # exactly once per resident, per channel
    news = "SELECT channel, state, count(*) FROM deliveries WHERE payload IS NULL GROUP BY 1, 2"
    assert sorted(cluster.db.query(news)) == [("telegram", "sent", 40), ("zalo", "sent", 20)]
    assert cluster.db.one("SELECT count(*) FROM articles WHERE title = $1", NEW_TITLE) == 1
    # One poller at 1 s ± 10 %: about one list fetch a second (three would make ~3 a second).
    gaps = [b - a for a, b in itertools.pairwise(fetches)]
    assert len(fetches) <= window / 0.85 + 2, (len(fetches), window)
    assert statistics.median(gaps) >= 0.8, gaps
    assert sum(1 for gap in gaps if gap < 0.5) <= 1, gaps
    print(f"news: {len(fetches)} list fetches in {window:.1f} s")
    check_stats_roles(stats, cluster)
    assert len(stats["instances"]) == 3
    assert not cluster.tracebacks(), cluster.tracebacks()


# ------------------------------------------------------------------------------ 2. commands


async def test_commands_are_answered_once_and_one_press_broadcasts_once(cluster: Cluster) -> None:
    telegram, zalo = emulators(cluster)
    cluster.configure(ClusterOptions(telegram_admins=[TG_ADMIN], zalo_admins=[ZALO_ADMIN]))
    cluster.start_nodes(3)
    await cluster.until(cluster.roles_taken, 40, "every role held by one instance")

    tg_chats, zalo_chats = range(8000, 8020), [f"zs{n:04d}" for n in range(10)]
    for chat_id in tg_chats:
        telegram.send_text(chat_id, "/start")
    for zalo_chat in zalo_chats:
        zalo.inject_message(zalo_chat, "/start")
    welcomed = everyone(tg_chats, zalo_chats)
    await cluster.until(lambda: per_chat(cluster, WELCOME) == welcomed, 30, "welcomes")
    await cluster.until(lambda: cluster.db.pending() == 0, 10, "outbox drained")
    answers = "SELECT channel, count(*) FROM deliveries WHERE payload IS NOT NULL GROUP BY 1"
    assert sorted(cluster.db.query(answers)) == [("telegram", 20), ("zalo", 10)]
    assert cluster.db.one("SELECT count(*) FROM residents") == 30
    # Nothing but the welcome reached them (no second answer from another instance).
    assert all(len(telegram.messages_to(c)) == 1 for c in tg_chats)
    assert all(len(zalo.sent(c)) == 1 for c in zalo_chats)

    # Telegram: one /thongbao, one preview; one press of Gửi, one broadcast to each.
    marker = "Họp dân bản Co Mận lúc 19h"
    question = await tg_preview(cluster, f"/thongbao {marker}")
    assert "Số người nhận: 30" in question.text
    telegram.press(TG_ADMIN, question.message_id, buttons(question)[texts.SEND_BUTTON])
    await cluster.until(lambda: broadcast_state(cluster, 1) == "done", 30, "broadcast 1 done")
    await cluster.until(lambda: per_chat(cluster, marker) == welcomed, 10, "broadcast 1 sent")

    # Zalo: the administrator answers the preview with the word "Gửi".
    zalo_marker = "Tiêm phòng cho trẻ sáng mai"
    before = len(zalo.sent(ZALO_ADMIN))
    zalo.inject_message(ZALO_ADMIN, f"/thongbao {zalo_marker}")

    def zalo_admin_got(text: str) -> list[str]:
        return [s.text for s in zalo.sent(ZALO_ADMIN)[before:] if text in s.text]

    await cluster.until(lambda: bool(zalo_admin_got("1. Gửi")), 15, "Zalo preview")
    zalo.inject_message(ZALO_ADMIN, "Gửi")
    await cluster.until(lambda: broadcast_state(cluster, 2) == "done", 30, "broadcast 2 done")
    await cluster.until(lambda: per_chat(cluster, zalo_marker) == welcomed, 10, "broadcast 2")
    await cluster.until(lambda: bool(zalo_admin_got("Đã gửi xong")), 15, "Zalo report")
    await cluster.until(lambda: cluster.db.pending() == 0, 10, "outbox drained")

    # One preview question was sent (its buttons are gone since: it now shows the report).
    asked = [
        c
        for c in telegram.calls_of("sendMessage")
        if c.chat_id == TG_ADMIN and c.status == 200 and c.params.get("reply_markup")
    ]
    assert len(asked) == 1, [c.params for c in asked]
    assert not telegram.calls_of("answerCallbackQuery")[1:]  # one press, answered once
    shown = [m for m in telegram.messages_to(TG_ADMIN) if marker in m.text and not m.reply_markup]
    assert len(shown) == 1  # the broadcast as residents see it, shown once
    assert texts.BROADCAST_ALREADY not in [m.text for m in telegram.messages_to(TG_ADMIN)]
    assert len(zalo_admin_got("1. Gửi")) == 1 and len(zalo_admin_got("Đang gửi")) == 1
    assert per_chat(cluster, marker) == welcomed and per_chat(cluster, zalo_marker) == welcomed
    assert cluster.db.query("SELECT id, state FROM broadcasts ORDER BY id") == [
        (1, "done"),
        (2, "done"),
    ]
    broadcasts = (
        "SELECT count(*) FROM deliveries WHERE broadcast_id IS NOT NULL AND payload IS NULL"
    )
    assert cluster.db.one(broadcasts) == 60
    check_stats_roles(await cluster.stats(), cluster)
    assert not cluster.tracebacks(), cluster.tracebacks()


# ------------------------------------------------------------------------------ 3. failover


async def test_kill_9_of_the_sender_holder_mid_broadcast(cluster: Cluster) -> None:
    telegram, zalo = emulators(cluster)
    concurrency = 8
    telegram.any_chat = True
    cluster.configure(
        ClusterOptions(
            telegram_admins=[TG_ADMIN], telegram_rate=50, zalo_rate=20, concurrency=concurrency
        )
    )
    cluster.upgrade()
    tg_chats, zalo_chats = range(30_000, 30_300), [f"zk{n:04d}" for n in range(60)]
    cluster.db.seed_residents("telegram", tg_chats)
    cluster.db.seed_residents("zalo", zalo_chats)
    zalo.add_chats(zalo_chats)
    cluster.start_nodes(3)
    await cluster.until(cluster.roles_taken, 40, "every role held by one instance")

    marker = "Lịch tiêm chủng mở rộng tháng này"
    question = await tg_preview(cluster, f"/thongbao {marker}")
    telegram.press(TG_ADMIN, question.message_id, buttons(question)[texts.SEND_BUTTON])

    def telegram_got() -> int:
        return sum(n for key, n in per_chat(cluster, marker).items() if key.startswith("tg:"))

    await cluster.until(lambda: telegram_got() >= 60, 30, "broadcast under way")
    victim = cluster.node_by_pid(cluster.db.holder_pid("telegram:sender"))
    assert victim is not None and victim.pid is not None
    victim_pid = victim.pid
    victim.kill()
    killed_at = time.monotonic()
    assert telegram_got() < 300, "the kill came too late: the broadcast was over"

    def new_holder() -> int | None:
        pid = cluster.db.holder_pid("telegram:sender")
        return pid if pid not in (None, victim_pid) else None

    await cluster.until(lambda: new_holder() is not None, 15, "telegram:sender taken over")
    handed_over_in = time.monotonic() - killed_at  # the lease moved (the stats come later)
    print(f"failover: lease of telegram:sender moved {handed_over_in:.1f} s after the kill")
    # The lease (3 s here) expires, and a renewal pass (every 0.6 s) of another instance takes it.
    assert handed_over_in <= LEASE * 1.2 + 3, handed_over_in
    while True:  # `loa stats --json` shows it too, within 15 s of the kill
        stats = await cluster.stats()
        shown = [
            i["pid"]
            for i in stats["instances"]
            if i["alive"] and i["pid"] != victim_pid and "telegram:sender" in i["roles"]
        ]
        if shown:
            break
        if time.monotonic() - killed_at > 15:
            cluster.fail(f"no other instance shows telegram:sender 15 s after the kill: {stats}")
    assert shown == [new_holder()]
    taken_over_in = time.monotonic() - killed_at
    print(
        f"failover: shown in loa stats {taken_over_in:.1f} s after the kill; {stats['instances']}"
    )

    await cluster.until(lambda: broadcast_state(cluster, 1) == "done", 40, "broadcast done")
    await cluster.until(lambda: cluster.db.pending() == 0, 10, "outbox drained")
    received = per_chat(cluster, marker)
    assert set(received) == set(everyone(tg_chats, zalo_chats)), "someone missed it"
    for channel in ("tg:", "zalo:"):
        duplicates = sum(n - 1 for key, n in received.items() if key.startswith(channel))
        print(f"failover: {duplicates} duplicates on {channel}")
        assert duplicates <= concurrency, (channel, duplicates)
    report = json.loads(cluster.db.one("SELECT report FROM broadcasts WHERE id = 1"))
    assert (report["sent"], report["failed"]) == (360, 0)
    await cluster.until(
        lambda: any(
            "Đã gửi xong" in m.text and "Đã gửi: 360 · Lỗi: 0" in m.text
            for m in telegram.messages_to(TG_ADMIN)
        ),
        15,
        "the report to the administrator",
    )
    assert taken_over_in <= 15
    survivors = [n for n in cluster.nodes if n.running]
    assert len(survivors) == 2
    assert not cluster.tracebacks(), cluster.tracebacks()  # the victim's log just stops


# ------------------------------------------------------------------------------ 4. rush

# 500 /start at once: 25 s of answers at the bot's 20 a second against the strict emulator (the
# pacing is under test, not the count; bench/instances_bench.py runs 2 000).
RUSH = 500
IN_FLIGHT = 0.1  # seconds: a request sent before the 429 it overlaps could be read


async def test_launch_day_rush_against_a_strict_emulator(tmp_path: Path) -> None:
    telegram = TelegramEmulator(strict=True, global_rate=20, per_chat_rate=1)
    with Cluster(tmp_path, telegram).serving() as cluster:
        cluster.configure(ClusterOptions(telegram_rate=20))
        cluster.start_nodes(2)
        await cluster.until(lambda: cluster.roles_taken(TELEGRAM_ROLES), 40, "roles held")
        chats = range(100_000, 100_000 + RUSH)
        began = time.monotonic()
        for chat_id in chats:
            telegram.send_text(chat_id, "/start")

        # Checked seldom and cheaply: the emulator shares this process (and its GIL).
        await cluster.until(lambda: len(telegram.sent) >= RUSH, 90, f"{RUSH} welcomes", 0.25)
        last_answer = telegram.sent[-1].at - began
        await cluster.until(lambda: cluster.db.pending() == 0, 10, "outbox drained")

        welcomes = Counter(m.chat_id for m in telegram.sent if WELCOME in m.text)
        assert welcomes == Counter({c: 1 for c in chats})
        assert len(telegram.sent) == RUSH  # nothing else was sent
        figures = telegram.limit_stats()
        early = [
            (round(limited.at - began, 3), limited.retry_after, round(later.at - began, 3))
            for limited, later in telegram.early_requests()
        ]
        # Nothing is sent once Loa has read a 429 (Sender: a message launched before the
        # answer arrived waits too). A request that was already on its way when the platform
        # answered 429 — within IN_FLIGHT of it, on a loaded 2-core machine — cannot be
        # recalled; the pacer keeps 429s rare, so those stay at most one or two.
        after_the_answer = [e for e in early if e[2] - e[0] > IN_FLIGHT]
        assert after_the_answer == [], (early, figures)  # (429 at, retry_after, request at)
        assert len(early) <= 2, (early, figures)
        assert figures["rate_limited"] <= 0.01 * figures["requests"], figures
        assert figures["max_per_second"] <= 20, figures
        failed = "SELECT count(*) FROM deliveries WHERE state <> 'sent'"
        assert cluster.db.one(failed) == 0
        assert not cluster.tracebacks(), cluster.tracebacks()
        print(f"rush: {RUSH} answered in {last_answer:.1f} s; {figures}")


# ------------------------------------------------------------------------------ 5. long echo


async def test_a_5000_character_argument_gets_a_delivered_answer(cluster: Cluster) -> None:
    telegram, zalo = emulators(cluster)
    cluster.configure(ClusterOptions())
    cluster.start_nodes(2)
    await cluster.until(cluster.roles_taken, 40, "every role held by one instance")
    long_words = ("lũ quét bản Mển " * 400)[:5000]
    assert len(long_words) == 5000
    sends = {
        ("telegram", "8101"): "/timkiem ",
        ("telegram", "8102"): "/dangky ",
        ("zalo", "zlong01"): "/timkiem ",
        ("zalo", "zlong02"): "/dangky ",
    }
    for (channel, chat_id), command in sends.items():
        if channel == "telegram":
            telegram.send_text(int(chat_id), command + long_words)
        else:
            zalo.inject_message(chat_id, command + long_words)

    def answers() -> dict[tuple[str, str], list[str]]:
        return {
            ("telegram", "8101"): [m.text for m in telegram.messages_to(8101)],
            ("telegram", "8102"): [m.text for m in telegram.messages_to(8102)],
            ("zalo", "zlong01"): [s.text for s in zalo.sent("zlong01")],
            ("zalo", "zlong02"): [s.text for s in zalo.sent("zlong02")],
        }

    await cluster.until(lambda: all(answers().values()), 20, "four answers delivered")
    await cluster.until(lambda: cluster.db.pending() == 0, 10, "outbox drained")
    for key, got in answers().items():
        assert len(got) == 1, (key, got)
        limit = 4096 if key[0] == "telegram" else 2000
        assert len(got[0]) <= limit, (key, len(got[0]))
        assert "lũ quét" in got[0], (key, got[0])  # the answer quotes the start of the input
        assert len(got[0]) < 1000, (key, len(got[0]))  # …and not all of it
    rows = "SELECT state, count(*) FROM deliveries WHERE payload IS NOT NULL GROUP BY 1"
    assert cluster.db.query(rows) == [("sent", 4)]
    assert not cluster.tracebacks(), cluster.tracebacks()


# ------------------------------------------------------------------------------ 6. first start

CLI_COMMANDS = [
    ("articles",),
    ("stats", "--json"),
    ("db", "upgrade"),
    ("sources",),
    ("articles", "--json"),
    ("stats", "--json"),
]


async def test_eight_commands_started_together_on_a_fresh_database(tmp_path: Path) -> None:
    """Two ``loa run`` and six other commands at once, on a database without a schema."""
    telegram = TelegramEmulator(global_rate=100, per_chat_rate=None)
    with Cluster(tmp_path, telegram).serving() as cluster:
        cluster.configure(ClusterOptions())
        runs = [cluster.node(), cluster.node()]
        cli = cluster.node("cli")
        for node in runs:
            node.start()
        results = await asyncio.gather(*(cli.cli_async(*a, within=60) for a in CLI_COMMANDS))
        failed = [
            f"loa {' '.join(args)} → {status}\n{err}"
            for args, (status, _out, err) in zip(CLI_COMMANDS, results, strict=True)
            if status != 0
        ]
        assert not failed, "\n".join(failed)
        assert all(node.running for node in runs), cluster.logs()

        def both_running() -> bool:
            registered = cluster.db.tables_exist() and (
                cluster.db.one("SELECT count(*) FROM instances") == 2
            )
            return registered and all("Loa is running" in node.log() for node in runs)

        await cluster.until(both_running, 40, "both loa run registered")
        await cluster.until(lambda: cluster.roles_taken(TELEGRAM_ROLES), 20, "roles held")
        stats = json.loads(results[1][1])
        assert set(stats) >= {"residents", "deliveries", "instances", "broadcasts"}
        for node in runs:
            assert node.process is not None
            node.process.send_signal(signal.SIGTERM)
        codes = [node.process.wait(30) for node in runs if node.process is not None]
        assert codes == [0, 0], cluster.logs()
        assert all("Loa stopped" in node.log() for node in runs), cluster.logs()
        assert cluster.db.one("SELECT count(*) FROM instances") == 0  # both deregistered
        assert not cluster.tracebacks(), cluster.tracebacks()
