"""Instances benchmark: three ``loa run`` processes on one PostgreSQL database, strict emulators.

    .venv/bin/python bench/instances_bench.py [--residents 10000] [--rush 2000] [--quick]
        [--zalo-residents 0] [--lease 10] [--concurrency 16] [--keep-logs]
    .venv/bin/python bench/instances_bench.py --paid [--residents 100000] [--instances 1,2,3]

``--paid``: the emergency at Telegram's paid rate, 1, 2 and 3 instances sharing one bot's
budget (``bench/instances_paid.py`` says what it measures).

Three real ``loa run`` subprocesses share a fresh PostgreSQL database (created on
127.0.0.1:5432 for this run, dropped WITH (FORCE) at the end). The Telegram Bot API emulator
and the fixture portal are served from threads of this process (their Python control API
injects updates and reads what was sent); the emulator runs in strict mode (sliding one-second
windows, global and per chat, and a ban during each announced retry_after). Residents are
seeded by SQL.

(a) one article: the portal publishes it, the instance holding ``poller`` stores it, the one
    holding ``telegram:sender`` sends it to every resident at Loa's configured 20/s against an
    emulator allowing 20/s and 1/s per chat;
(b) one broadcast, drafted by an administrator in Telegram (/thongbao, preview, Gửi): the
    instance holding ``telegram:sender`` is killed with SIGKILL half-way through; the others
    take the role over and finish it;
(c) launch-day rush: ``--rush`` residents send /start at 30/s (emulator and Loa at 30/s, three
    fresh instances).
With ``--zalo-residents M``, M Zalo residents are seeded as well: (a) and (b) also fan out on
Zalo against its strict emulator at 10/s.

Rates are measured at the emulator between the first and the last accepted message (sendMessage
and editMessageText: what its flood control counts); the baseline is n / rate. A phase that
takes over 3x its expected duration aborts the run with a message saying where it stood.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from tests.e2e_support import LIST_1, publish_new_article  # noqa: E402
from tests.emulators.telegram import LIMITED_METHODS, TelegramEmulator  # noqa: E402
from tests.emulators.zalo import ZaloEmulator  # noqa: E402
from tests.portal_server import Portal  # noqa: E402
from tests.support.server import serve  # noqa: E402

PG_HOST, PG_PORT, PG_USER, PG_ADMIN_DB = "127.0.0.1", 5432, "postgres", "test"
TELEGRAM_TOKEN = "424242:instances-bench"
ZALO_TOKEN = "bench:instances-zalo"
ADMIN = 7  # the Telegram administrator (not a resident)
FIRST_RESIDENT = 1_000_000  # chat ids of seeded residents
FIRST_RUSH = 5_000_000  # chat ids of the launch-day newcomers
INSTANCES = 3
TELEGRAM_RATE = 20.0
ZALO_RATE = 10.0
RUSH_RATE = 30.0
SLACK = 30.0  # seconds added to every phase's allowance (start-up, polling, lease waits)


class PhaseTimeout(Exception):
    pass


# ---------------------------------------------------------------------- PostgreSQL


def pg_url(database: str, driver: str = "postgresql") -> str:
    return f"{driver}://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}"


async def create_database() -> str:
    name = f"loa_instances_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_url(PG_ADMIN_DB))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name


async def drop_database(name: str) -> None:
    admin = await asyncpg.connect(pg_url(PG_ADMIN_DB))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def seed_residents(db: asyncpg.Connection, channel: str, count: int) -> None:
    """``count`` active residents who receive everything, chat ids from FIRST_RESIDENT on."""
    await db.execute(
        "INSERT INTO residents (channel, chat_id, user_id, active, created_at, updated_at)"
        " SELECT $1, (($2::bigint) + g)::text, (($2::bigint) + g)::text, true, now(), now()"
        " FROM generate_series(0, $3 - 1) AS g",
        channel,
        FIRST_RESIDENT,
        count,
    )


async def leases(db: asyncpg.Connection) -> dict[str, str]:
    """Role -> holder instance id, for leases in force."""
    rows = await db.fetch(
        "SELECT role, holder FROM leases WHERE holder IS NOT NULL AND expires_at > now()"
    )
    return {r["role"]: r["holder"] for r in rows}


async def pid_of(db: asyncpg.Connection, instance_id: str) -> int | None:
    return await db.fetchval("SELECT pid FROM instances WHERE id = $1", instance_id)


# ---------------------------------------------------------------------- Loa processes


@dataclass
class Config:
    database: str
    telegram_url: str
    telegram_rate: float
    concurrency: int
    lease: float
    portal_url: str | None = None
    zalo_url: str | None = None

    def text(self) -> str:
        parts = [
            f"""
[database]
url = "{pg_url(self.database, "postgresql+asyncpg")}"

[http]
timeout_seconds = 5

[telegram]
token = "{TELEGRAM_TOKEN}"
api_base_url = "{self.telegram_url}/bot"
admins = [{ADMIN}]
rate_limit_per_second = {self.telegram_rate}
per_chat_interval_seconds = 1.0
poll_timeout_seconds = 5

[sender]
concurrency = {self.concurrency}

[coordination]
lease_seconds = {self.lease}

[logging]
level = "INFO"
"""
        ]
        if self.zalo_url is not None:
            parts.append(
                f"""
[zalo]
token = "{ZALO_TOKEN}"
api_base_url = "{self.zalo_url}"
rate_limit_per_second = {ZALO_RATE}
per_chat_interval_seconds = 1.0
poll_timeout_seconds = 5
"""
            )
        if self.portal_url is not None:
            parts.append(
                f"""
[[sources]]
name = "huyen-dien-bien"
type = "html"
url = "{self.portal_url}{LIST_1}"
interval_seconds = 1
max_pages = 1
selectors = {{ item = ".news-list a.title, .featured a" }}
"""
            )
        return "".join(parts)


def loa_command(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "loa.cli", "--config", str(config), *args]


LOA_ROOT = [ROOT]  # the tree whose ``loa`` the instances run (--loa-root)


def loa_env() -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(LOA_ROOT[0])}


@dataclass
class Instance:
    """One ``loa run`` subprocess."""

    label: str
    config: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: IO[str] | None = None

    def start(self) -> None:
        self._log = self.log_path.open("a", encoding="utf-8")
        self.process = subprocess.Popen(
            loa_command(self.config, "run"),
            cwd=self.config.parent,
            env=loa_env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 15 s; only this instance's own process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def tail(self, lines: int = 15) -> str:
        if not self.log_path.exists():
            return ""
        kept = self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        return "\n".join(f"    {line}" for line in kept[-lines:])


def loa_stats(config: Path) -> dict[str, Any]:
    done = subprocess.run(
        loa_command(config, "stats", "--json"),
        cwd=config.parent,
        env=loa_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-500:]}
    return dict(json.loads(done.stdout))


def show_instances(config: Path, instances: list[Instance], title: str) -> None:
    labels = {i.pid: i.label for i in instances if i.process is not None}
    shown = loa_stats(config)
    print(f'  {title} (loa stats --json, "instances"):')
    if "error" in shown:
        print(f"    loa stats failed: {shown['error']}")
        return
    for item in shown.get("instances", []):
        label = labels.get(int(item.get("pid", 0)), "?")
        alive = "alive" if item.get("alive") else "GONE"
        roles = ", ".join(item.get("roles", [])) or "-"
        print(f"    {label} pid {item.get('pid')} {alive}: {roles}")


# ---------------------------------------------------------------------- waiting


async def until(
    condition: Callable[[], Any],
    within: float,
    what: str,
    progress: Callable[[], str] = lambda: "",
    instances: list[Instance] | None = None,
    poll: float = 0.2,
) -> None:
    """Wait for ``condition()`` (sync or async); raise PhaseTimeout after ``within`` s."""
    deadline = time.monotonic() + within
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            logs = ""
            for instance in instances or []:
                logs += f"\n  {instance.label} (pid {instance.pid}) log tail:\n{instance.tail()}"
            raise PhaseTimeout(
                f"{what}: not reached within {within:.0f} s (3x the expected duration + "
                f"{SLACK:g} s); {progress()}{logs}"
            )
        await asyncio.sleep(poll)


# ---------------------------------------------------------------------- emulator figures


@dataclass
class Mark:
    """Where an emulator's records stood at a moment (to measure one phase)."""

    sent: int
    calls: int
    limits: dict[str, Any]


def mark(emulator: TelegramEmulator) -> Mark:
    with emulator._cond:
        return Mark(len(emulator.sent), len(emulator.calls), emulator.limit_stats())


def delta(emulator: TelegramEmulator, since: Mark) -> dict[str, int]:
    now = emulator.limit_stats()
    keys = ("requests", "accepted", "rate_limited", "early_requests")
    return {k: int(now[k]) - int(since.limits[k]) for k in keys}


def sent_since(emulator: TelegramEmulator, since: Mark) -> list[Any]:
    with emulator._cond:
        return list(emulator.sent[since.sent :])


def accepted_times(emulator: TelegramEmulator, since: Mark) -> list[float]:
    """Arrival times of accepted sendMessage/editMessageText since ``since``, sorted."""
    with emulator._cond:
        calls = emulator.calls[since.calls :]
    return sorted(c.at for c in calls if c.method in LIMITED_METHODS and c.status != 429)


def duplicates(chat_ids: list[int]) -> int:
    return sum(n - 1 for n in Counter(chat_ids).values() if n > 1)


def rate_of(times: list[float]) -> tuple[float, float]:
    """(seconds from first to last, rate = (n - 1) / seconds)."""
    if len(times) < 2:
        return 0.0, float("nan")
    span = times[-1] - times[0]
    return span, (len(times) - 1) / span if span > 0 else float("nan")


def load() -> str:
    """The host's load average: other work on the machine slows the instances down."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def ok(good: bool) -> str:
    return "ok" if good else "MISSED"


def print_rate(label: str, times: list[float], limit: float, *, goal: bool = True) -> float:
    span, rate = rate_of(times)
    minimum = (len(times) - 1) / limit
    share = rate / limit
    gap = max((b - a for a, b in pairwise(times)), default=0.0)
    target = f" (goal >= 0.95: {ok(share >= 0.95)})" if goal else " (for reference)"
    print(
        f"  {label}: {len(times)} accepted, first -> last {span:7.1f} s vs minimum"
        f" (n-1)/rate {minimum:7.1f} s = x{span / minimum if minimum else float('nan'):.3f};"
        f" rate {rate:6.2f}/s / limit {limit:g} = {share:.3f}{target}; longest pause {gap:.2f} s"
    )
    return share


def within(times: list[float], messages: list[Any]) -> list[float]:
    """Accepted requests between the first and the last message to a resident (the
    administrator's final report, edited in once the last delivery is recorded, is left out)."""
    ats = [m.at for m in messages if FIRST_RESIDENT <= m.chat_id]
    if not ats:
        return []
    first, last = min(ats), max(ats)
    return [t for t in times if first <= t <= last]


def print_flood(label: str, figures: dict[str, int]) -> None:
    requests = figures["requests"] or 1
    share = figures["rate_limited"] / requests
    print(
        f"  {label}: 429s {figures['rate_limited']} of {figures['requests']} requests ="
        f" {share:.2%} (goal <= 1 %: {ok(share <= 0.01)}); early requests (during a"
        f" retry_after) {figures['early_requests']} (goal 0: {ok(figures['early_requests'] == 0)})"
    )


# ---------------------------------------------------------------------- Zalo (optional)


@dataclass
class ZaloMark:
    sent: int
    stats: dict[str, Any]


def zalo_mark(zalo: ZaloEmulator) -> ZaloMark:
    return ZaloMark(len(zalo.sent()), zalo.stats())


def print_zalo(label: str, zalo: ZaloEmulator, since: ZaloMark, residents: int) -> None:
    sent = zalo.sent()[since.sent :]
    chats = [s.chat_id for s in sent if s.chat_id.isdigit() and int(s.chat_id) >= FIRST_RESIDENT]
    times = sorted(s.at for s in sent)
    now = zalo.stats()
    requests = int(now.get("requests", 0)) - int(since.stats.get("requests", 0))
    refused = int(now.get("rate_limited", 0)) - int(since.stats.get("rate_limited", 0))
    early = int(now.get("early_requests", 0)) - int(since.stats.get("early_requests", 0))
    print(f"  zalo {label}: {len(set(chats))}/{residents} residents reached")
    if times:
        print_rate(f"zalo {label} rate", times, ZALO_RATE)
    print(
        f"  zalo {label}: duplicates {duplicates(chats)} (goal 0); throttled {refused} of"
        f" {requests} requests = {refused / (requests or 1):.2%} (goal <= 1 %); early {early}"
        f" (goal 0)"
    )


# ---------------------------------------------------------------------- the run


@dataclass
class Run:
    args: argparse.Namespace
    tmp: Path
    database: str
    db: asyncpg.Connection
    telegram: TelegramEmulator
    telegram_url: str
    portal: Portal
    portal_url: str
    zalo: ZaloEmulator | None = None
    zalo_url: str | None = None
    instances: list[Instance] = field(default_factory=list)

    def write_config(self, name: str, config: Config) -> Path:
        path = self.tmp / name
        path.write_text(config.text(), encoding="utf-8")
        return path

    def start_instances(self, config: Path, prefix: str) -> list[Instance]:
        started = []
        for n in range(1, INSTANCES + 1):
            instance = Instance(f"{prefix}{n}", config, self.tmp / f"{prefix}{n}.log")
            instance.start()
            self.instances.append(instance)
            started.append(instance)
        return started

    async def wait_roles(self, roles: set[str], group: list[Instance]) -> None:
        async def ready() -> bool:
            held = await leases(self.db)
            alive = await self.db.fetchval(
                "SELECT count(*) FROM instances WHERE pid = ANY($1::int[])"
                " AND last_seen > now() - interval '30 seconds'",
                [i.pid for i in group],
            )
            return roles <= set(held) and alive >= len(group)

        await until(
            ready, 60, f"{len(group)} instances up with roles {sorted(roles)}", instances=group
        )

    def roles(self) -> set[str]:
        names = {"poller", "telegram:updates", "telegram:sender", "reporter"}
        if self.zalo is not None:
            names |= {"zalo:updates", "zalo:sender"}
        return names


def upgrade(config: Path) -> None:
    done = subprocess.run(
        loa_command(config, "db", "upgrade"),
        cwd=config.parent,
        env=loa_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"loa db upgrade failed:\n{done.stderr}")


def resident_chats(messages: list[Any]) -> list[int]:
    return [m.chat_id for m in messages if FIRST_RESIDENT <= m.chat_id < FIRST_RUSH]


async def phase_article(run: Run, group: list[Instance]) -> None:
    n = run.args.residents
    expected = n / TELEGRAM_RATE
    zalo_n = run.args.zalo_residents
    if zalo_n:
        expected = max(expected, zalo_n / ZALO_RATE)

    async def backfilled() -> bool:
        return bool(await run.db.fetchval("SELECT bool_and(backfilled) FROM sources"))

    await until(backfilled, 60, "first poll of the portal (backfill)", instances=group)
    start = mark(run.telegram)
    zalo_start = zalo_mark(run.zalo) if run.zalo is not None else None
    fetches_before, fetch_clock = run.portal.count(LIST_1), time.monotonic()
    publish_new_article(run.portal)
    published = time.monotonic()

    def reached() -> int:
        return len(set(resident_chats(sent_since(run.telegram, start))))

    def zalo_reached() -> int:
        if run.zalo is None or zalo_start is None:
            return 0
        chats = {s.chat_id for s in run.zalo.sent()[zalo_start.sent :]}
        return len(chats)

    await until(
        lambda: reached() >= n and zalo_reached() >= zalo_n,
        3 * expected + SLACK,
        "(a) the article reaching every resident",
        lambda: f"telegram {reached()}/{n}, zalo {zalo_reached()}/{zalo_n} reached",
        group,
    )
    await asyncio.sleep(2)  # late duplicates, if any, arrive now
    fetches = run.portal.count(LIST_1) - fetches_before
    fetch_seconds = time.monotonic() - fetch_clock
    messages = sent_since(run.telegram, start)
    chats = resident_chats(messages)
    times = within(accepted_times(run.telegram, start), messages)
    print(
        f"(a) one article to {n} Telegram residents, 3 instances, Loa at"
        f" {TELEGRAM_RATE:g}/s, strict emulator at {TELEGRAM_RATE:g}/s and 1/s per chat"
        f" [{load()}]:"
    )
    print(
        f"  published -> first message {times[0] - published:.1f} s; published -> last"
        f" {times[-1] - published:.1f} s; {len(set(chats))}/{n} residents reached"
    )
    print_rate("fan-out", times, TELEGRAM_RATE)
    dups = duplicates(chats)
    print(f"  duplicates (messages per chat beyond one) {dups} (goal 0: {ok(dups == 0)})")
    print_flood("flood control", delta(run.telegram, start))
    print(
        f"  portal list page fetched {fetches} times in {fetch_seconds:.0f} s ="
        f" {fetches / fetch_seconds:.2f}/s (interval 1 s: ~1/s means one poller)"
    )
    if run.zalo is not None and zalo_start is not None:
        print_zalo("article", run.zalo, zalo_start, zalo_n)


def _question(emulator: TelegramEmulator, since: int) -> Any:
    """The first preview with a Gửi button sent to the administrator after ``since``."""
    with emulator._cond:
        later = emulator.sent[since:]
    for message in later:
        if message.chat_id != ADMIN or not message.reply_markup:
            continue
        for row in message.reply_markup.get("inline_keyboard", []):
            for button in row:
                if button.get("text") == "Gửi":
                    return message, button["callback_data"]
    return None


async def phase_broadcast(run: Run, group: list[Instance]) -> None:
    n = run.args.residents
    zalo_n = run.args.zalo_residents
    lease = run.args.lease
    expected = max(n / TELEGRAM_RATE, zalo_n / ZALO_RATE) + 1.2 * lease
    start = mark(run.telegram)
    zalo_start = zalo_mark(run.zalo) if run.zalo is not None else None
    run.telegram.send_text(ADMIN, "/thongbao Từ 7h đến 11h ngày mai cắt điện toàn huyện")
    await until(lambda: _question(run.telegram, start.sent), 30, "(b) the preview", instances=group)
    preview, data = _question(run.telegram, start.sent)
    run.telegram.press(ADMIN, preview.message_id, data)
    pressed = time.monotonic()

    def reached() -> int:
        return len(set(resident_chats(sent_since(run.telegram, start))))

    await until(
        lambda: reached() >= n // 2,
        3 * expected + SLACK,
        "(b) half of the broadcast",
        lambda: f"{reached()}/{n} reached",
        group,
    )
    held = await leases(run.db)
    holder = held.get("telegram:sender", "")
    pid = await pid_of(run.db, holder)
    victim = next((i for i in group if i.pid == pid), None)
    if victim is None:
        raise RuntimeError(f"no instance of this run holds telegram:sender ({holder}, pid {pid})")
    victim_roles = sorted(role for role, h in held.items() if h == holder)
    victim.kill9()
    killed = time.monotonic()
    at_kill = mark(run.telegram)
    survivors = [i for i in group if i is not victim]

    def first_after() -> float | None:
        times = accepted_times(run.telegram, at_kill)
        after = [t for t in times if t >= killed]
        return after[0] if after else None

    await until(
        lambda: first_after() is not None,
        3 * 1.2 * lease + SLACK,
        "(b) the first message after the kill",
        instances=survivors,
    )
    resumed = first_after()
    assert resumed is not None
    new_holder = (await leases(run.db)).get("telegram:sender", "")
    new_pid = await pid_of(run.db, new_holder)
    new_label = next((i.label for i in survivors if i.pid == new_pid), f"pid {new_pid}")

    async def finished() -> bool:
        state = await run.db.fetchval("SELECT state FROM broadcasts ORDER BY id DESC LIMIT 1")
        zalo_done = True
        if run.zalo is not None and zalo_start is not None:
            zalo_done = len({s.chat_id for s in run.zalo.sent()[zalo_start.sent :]}) >= zalo_n
        return reached() >= n and state == "done" and zalo_done

    await until(
        finished,
        3 * expected + SLACK,
        "(b) the broadcast's end (every resident reached, broadcast done)",
        lambda: f"{reached()}/{n} reached",
        survivors,
    )
    await asyncio.sleep(2)
    messages = sent_since(run.telegram, start)
    chats = resident_chats(messages)
    all_times = accepted_times(run.telegram, start)
    to_residents = within(all_times, messages)
    before = [t for t in to_residents if t < killed]
    after = [t for t in to_residents if t >= killed]
    admin_messages = [m for m in messages if m.chat_id == ADMIN]
    if run.args.keep_logs:
        (run.tmp / "broadcast-accepted.json").write_text(
            json.dumps({"pressed": pressed, "killed": killed, "accepted": all_times})
        )
    report = await run.db.fetchval("SELECT report FROM broadcasts ORDER BY id DESC LIMIT 1")
    print(
        f"(b) one broadcast (/thongbao, preview, Gửi) to {n} Telegram residents; kill -9 of the"
        f" telegram:sender holder ({victim.label}, roles {', '.join(victim_roles)}) after"
        f" {len(set(resident_chats(sent_since(run.telegram, start)[: at_kill.sent - start.sent])))}"
        f" residents [{load()}]:"
    )
    print(
        f"  Gửi -> first message {before[0] - pressed:.2f} s;"
        f" Gửi -> last {all_times[-1] - pressed:.1f} s"
        f" vs minimum n/rate + 1.2 x lease {n / TELEGRAM_RATE + 1.2 * lease:.1f} s;"
        f" {len(set(chats))}/{n} residents reached"
    )
    print_rate("before the kill", before, TELEGRAM_RATE)
    print_rate("after the failover", after, TELEGRAM_RATE)
    print_rate("whole broadcast, failover gap included", to_residents, TELEGRAM_RATE, goal=False)
    failover = resumed - killed
    dups = duplicates(chats)
    concurrency = run.args.concurrency
    print(
        f"  failover: kill -> first message from the new holder ({new_label}) {failover:.1f} s"
        f" (goal <= 15 s: {ok(failover <= 15)}; lease {lease:g} s);"
        f" duplicates {dups} (goal <= [sender] concurrency = {concurrency}:"
        f" {ok(dups <= concurrency)})"
    )
    print_flood("flood control", delta(run.telegram, start))
    print(
        f"  administrator: {len(admin_messages)} message(s) (1 preview expected; edited with"
        f" progress); final report {report}"
    )
    if run.zalo is not None and zalo_start is not None:
        print_zalo("broadcast", run.zalo, zalo_start, zalo_n)
    show_instances(group[0].config, group, "after the failover")


def inject(emulator: TelegramEmulator, count: int, rate: float, log: dict[int, float]) -> None:
    """``count`` newcomers send /start, one every 1/rate s (a thread of this process)."""
    began = time.monotonic()
    for k in range(count):
        due = began + k / rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        chat_id = FIRST_RUSH + k
        log[chat_id] = time.monotonic()
        emulator.send_text(chat_id, "/start")


async def phase_rush(run: Run, config: Path) -> None:
    count = run.args.rush
    minimum = count / RUSH_RATE
    # The same bot (update ids go on growing, as Telegram's do), now allowed 30/s.
    rush = run.telegram
    rush.set_limits(global_rate=RUSH_RATE, per_chat_rate=1.0, strict=True)
    group = run.start_instances(config, "rush-")
    await run.wait_roles({"telegram:updates", "telegram:sender", "reporter"}, group)
    await until(lambda: rush.polls_waiting > 0, 30, "(c) a long poll waiting", instances=group)
    start = mark(rush)
    injected: dict[int, float] = {}
    thread = threading.Thread(target=inject, args=(rush, count, RUSH_RATE, injected), daemon=True)
    thread.start()
    began = time.monotonic()

    def answered() -> set[int]:
        return {m.chat_id for m in sent_since(rush, start) if m.chat_id >= FIRST_RUSH}

    allowance = 3 * minimum + SLACK
    try:
        await until(
            lambda: len(answered()) >= count,
            allowance,
            "(c) every newcomer answered",
            lambda: f"{len(answered())}/{count} answered, {len(injected)} injected",
        )
    except PhaseTimeout:
        missing = sorted(set(injected) - answered())
        print(
            f"  (c) after {allowance:.0f} s (3x the expected duration + {SLACK:g} s)"
            f" {len(missing)} newcomer(s) still unanswered: {missing[:10]}"
        )
        rows = await run.db.fetch(
            "SELECT chat_id, state, attempts, last_error, priority FROM deliveries"
            " WHERE payload IS NOT NULL AND chat_id = ANY($1::text[]) ORDER BY id",
            [str(c) for c in missing[:10]],
        )
        residents = await run.db.fetchval(
            "SELECT count(*) FROM residents WHERE chat_id = ANY($1::text[])",
            [str(c) for c in missing],
        )
        print(f"      their residents rows: {residents}; their answer deliveries: {len(rows)}")
        for row in rows:
            print(f"      {dict(row)}")
    thread.join()
    await asyncio.sleep(2)
    messages = [m for m in sent_since(rush, start) if m.chat_id >= FIRST_RUSH]
    first_answer: dict[int, float] = {}
    for m in messages:
        first_answer.setdefault(m.chat_id, m.at)
    latencies = sorted(first_answer[c] - injected[c] for c in first_answer if c in injected)
    if not messages:
        print("(c) launch-day rush: no answer at all")
        return
    last = max(m.at for m in messages)
    took = last - began
    failed = await run.db.fetchval(
        "SELECT count(*) FROM deliveries WHERE payload IS NOT NULL AND state = 'failed'"
        " AND channel = 'telegram' AND chat_id::bigint >= $1",
        FIRST_RUSH,
    )
    dropped = count - len(first_answer)
    per_chat = Counter(m.chat_id for m in messages)
    ratio = took / minimum
    print(
        f"(c) launch-day rush: {count} /start injected at {RUSH_RATE:g}/s (emulator strict at"
        f" {RUSH_RATE:g}/s and 1/s per chat, Loa at {RUSH_RATE:g}/s), 3 fresh instances"
        f" [{load()}]:"
    )
    print(
        f"  first /start -> last answer {took:.1f} s vs minimum {count}/{RUSH_RATE:g} ="
        f" {minimum:.1f} s = x{ratio:.3f} (goal <= 1.1: {ok(ratio <= 1.1)})"
    )
    print(
        f"  answers dropped {dropped} (goal 0: {ok(dropped == 0)}); failed answer deliveries"
        f" {failed}; messages per newcomer {min(per_chat.values())}..{max(per_chat.values())}"
    )
    print(
        f"  answer latency (/start -> first answer): median {statistics.median(latencies):.2f} s,"
        f" p95 {latencies[int(0.95 * (len(latencies) - 1))]:.2f} s, max {latencies[-1]:.2f} s"
    )
    handled = await run.db.fetchrow(
        "SELECT count(*) AS n, extract(epoch FROM max(created_at) - min(created_at)) AS span"
        " FROM residents WHERE channel = 'telegram' AND chat_id::bigint >= $1",
        FIRST_RUSH,
    )
    span = float(handled["span"] or 0)
    print(
        f"  /start handled by the telegram:updates holder (new residents' created_at): "
        f"{handled['n']} in {span:.1f} s = {(handled['n'] - 1) / span if span else 0:.1f}/s"
    )
    print_rate("answers", within(accepted_times(rush, start), messages), RUSH_RATE)
    print_flood("flood control", delta(rush, start))


@contextmanager
def served(app: Any) -> Iterator[str]:
    with serve(app) as url:
        yield url


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--rush", type=int, default=2_000)
    parser.add_argument("--zalo-residents", type=int, default=0)
    parser.add_argument("--lease", type=float, default=10.0, help="[coordination] lease_seconds")
    parser.add_argument("--concurrency", type=int, default=16, help="[sender] concurrency")
    parser.add_argument("--quick", action="store_true", help="1000 residents, 300 rush")
    parser.add_argument("--keep-logs", action="store_true", help="keep the instances' logs")
    parser.add_argument(
        "--loa-root",
        type=Path,
        default=ROOT,
        help="run `loa` from this source tree (e.g. a `git archive HEAD` copy); default: this one",
    )
    args = parser.parse_args()
    LOA_ROOT[0] = args.loa_root.resolve()
    if args.quick:
        args.residents, args.rush = 1000, 300
        args.zalo_residents = min(args.zalo_residents, 300)
    tmp = Path(tempfile.mkdtemp(prefix="loa-instances-bench-"))
    database = await create_database()
    run: Run | None = None
    clock = time.monotonic()
    print(
        f"instances bench: {INSTANCES} x loa run on PostgreSQL database {database};"
        f" {args.residents} Telegram residents, {args.zalo_residents} Zalo residents,"
        f" rush {args.rush}; lease {args.lease:g} s, [sender] concurrency {args.concurrency}"
    )
    try:
        with ExitStack() as stack:
            telegram = TelegramEmulator(
                global_rate=TELEGRAM_RATE, per_chat_rate=1.0, strict=True, any_chat=True
            )
            portal = Portal.from_fixtures()
            telegram_url = stack.enter_context(served(telegram.app))
            portal_url = stack.enter_context(portal.serving())
            zalo = zalo_url = None
            if args.zalo_residents:
                zalo = ZaloEmulator(
                    ZALO_TOKEN,
                    rate_limit_per_second=ZALO_RATE,
                    strict=True,
                    per_chat_rate=1.0,
                    require_known_chat=False,
                )
                zalo_url = stack.enter_context(served(zalo.app))
            db = await asyncpg.connect(pg_url(database))
            run = Run(
                args, tmp, database, db, telegram, telegram_url, portal, portal_url, zalo, zalo_url
            )
            try:
                config = run.write_config(
                    "loa.toml",
                    Config(
                        database,
                        telegram_url,
                        TELEGRAM_RATE,
                        args.concurrency,
                        args.lease,
                        portal_url,
                        zalo_url,
                    ),
                )
                upgrade(config)
                await seed_residents(db, "telegram", args.residents)
                if args.zalo_residents:
                    await seed_residents(db, "zalo", args.zalo_residents)
                group = run.start_instances(config, "loa-")
                await run.wait_roles(run.roles(), group)
                show_instances(config, group, "at start")
                await phase_article(run, group)
                await phase_broadcast(run, group)
                for instance in group:
                    instance.stop()
                rush_config = run.write_config(
                    "rush.toml",
                    Config(database, telegram_url, RUSH_RATE, args.concurrency, args.lease),
                )
                await phase_rush(run, rush_config)
            finally:
                for instance in run.instances:
                    instance.stop()
                await db.close()
    except PhaseTimeout as exc:
        print(f"ABORTED: {exc}", file=sys.stderr)
        return 1
    finally:
        if run is not None:
            for instance in run.instances:
                instance.stop()
        await drop_database(database)
        if args.keep_logs:
            print(f"logs kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"total {time.monotonic() - clock:.0f} s")
    return 0


if __name__ == "__main__":
    if "--paid" in sys.argv[1:]:  # the emergency at Telegram's paid rate (bench/instances_paid.py)
        from instances_paid import main as paid

        sys.exit(paid(sys.argv[1:]))
    sys.exit(asyncio.run(main()))
