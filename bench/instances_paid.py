"""The emergency at Telegram's paid rate: ``bench/instances_bench.py --paid`` (issue 26).

    .venv/bin/python bench/instances_bench.py --paid [--residents 100000] [--instances 1,2,3]
        [--rate 1000] [--shares 6] [--concurrency 16] [--lease 10]

``--residents`` Telegram residents are seeded by SQL into a fresh PostgreSQL database. For each
count of instances (1, 2 and 3 by default), a strict Telegram Bot API emulator is started afresh
in a process of its own (``python -m tests.emulators.telegram --strict``: sliding one-second
windows, ``--rate`` a second globally, one a second per chat), then that many ``loa run``
processes with ``[telegram] rate_limit_per_second = --rate`` (above 30: paid broadcasts) and
``sender_shares = --shares`` (6 by default: even parts for 1, 2 and 3 instances). Once the
shares are spread, an operator queues an emergency to everyone (``loa broadcast --emergency
--yes --wait 0``); the run ends when nothing is pending.

Printed per run: the achieved rate at the emulator (accepted messages between the first and the
last, over the time between them) against the limit, the emergency's first and last delivery
after the command returned, duplicates (messages beyond one per resident), 429s and early
requests (during a retry_after, or above the limit: the strict emulator refuses those), and the
CPU seconds per message of the instances, the emulator and the rest of the machine (PostgreSQL,
this script). Then the ratio of each run's rate to the one-instance run's (goal: two instances
>= 1.6x one, when the limit is above both).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:paid-bench"
FIRST_RESIDENT = 1_000_000
TEXT = "CẢNH BÁO: lũ quét trên suối Nậm Rốm, bà con vùng trũng di chuyển lên chỗ cao ngay"
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------- CPU accounting


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def postgres_cpu() -> float:
    """CPU seconds used so far by the PostgreSQL server's processes (those alive now)."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                total += process_cpu(int(comm.parent.name))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy so far (every core)."""
    parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(p) for p in parts[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


# ---------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    label: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def tail(self, lines: int = 12) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(f"    {line}" for line in text.splitlines()[-lines:])


def start(label: str, command: list[str], cwd: Path) -> Process:
    log = cwd / f"{label}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(
            command,
            cwd=cwd,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Process(label, popen, log)


class Emulator:
    """The strict Telegram emulator in a process of its own (its CPU is not the instances')."""

    def __init__(self, tmp: Path, rate: float) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = start(
            f"emulator-{self.port}",
            [
                sys.executable,
                "-m",
                "tests.emulators.telegram",
                "--port",
                str(self.port),
                "--rate",
                str(rate),
                "--per-chat-rate",
                "1",
                "--strict",
            ],
            tmp,
        )

    def stats(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/_emulator/stats", timeout=30) as answer:
            return dict(json.loads(answer.read()))

    def wait_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                self.stats()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the emulator did not start:\n{self.process.tail()}")


def config_text(database_url: str, telegram_url: str, args: argparse.Namespace) -> str:
    return f"""
[database]
url = "{database_url}"

[telegram]
token = "{TOKEN}"
api_base_url = "{telegram_url}/bot"
rate_limit_per_second = {args.rate}
per_chat_interval_seconds = 1.0
sender_shares = {args.shares}
poll_timeout_seconds = 5

[sender]
concurrency = {args.concurrency}

[coordination]
lease_seconds = {args.lease}

[logging]
level = "INFO"
"""


def loa(config: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "loa.cli", "--config", str(config), *args]


def run_loa(config: Path, *args: str) -> str:
    done = subprocess.run(
        loa(config, *args),
        cwd=config.parent,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"loa {' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


# ---------------------------------------------------------------------- the database


@contextmanager
def fresh_database() -> Iterator[str]:
    import asyncpg

    name = f"loa_paid_bench_{os.getpid()}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Database:
    def __init__(self, name: str) -> None:
        import asyncpg

        self.loop = asyncio.new_event_loop()
        self.connection = self.loop.run_until_complete(
            asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}")
        )

    def one(self, sql: str, *args: Any) -> Any:
        return self.loop.run_until_complete(self.connection.fetchval(sql, *args))

    def rows(self, sql: str, *args: Any) -> list[Any]:
        return list(self.loop.run_until_complete(self.connection.fetch(sql, *args)))

    def execute(self, sql: str, *args: Any) -> None:
        self.loop.run_until_complete(self.connection.execute(sql, *args))

    def close(self) -> None:
        self.loop.run_until_complete(self.connection.close())
        self.loop.close()

    def seed(self, count: int) -> None:
        self.execute(
            "INSERT INTO residents (channel, chat_id, user_id, active, created_at, updated_at)"
            " SELECT 'telegram', (($1::bigint) + g)::text, (($1::bigint) + g)::text, true,"
            " now(), now() FROM generate_series(0, $2 - 1) AS g",
            FIRST_RESIDENT,
            count,
        )
        self.execute("ANALYZE")

    def share_holders(self) -> dict[str, int]:
        rows = self.rows(
            "SELECT l.role, i.pid FROM leases l JOIN instances i ON i.id = l.holder"
            " WHERE l.role LIKE 'telegram:sender%' AND l.expires_at > now()"
        )
        return {row["role"]: row["pid"] for row in rows}

    def pending(self) -> int:
        return int(self.one("SELECT count(*) FROM deliveries WHERE state = 'pending'"))


# ---------------------------------------------------------------------- one run


@dataclass
class Result:
    instances: int
    figures: dict[str, Any]
    ran_at: float  # when `loa broadcast` was run (time.monotonic)
    cpu_instances: float
    cpu_emulator: float
    cpu_postgres: float
    cpu_machine: float

    @property
    def sent(self) -> int:
        return int(self.figures["sent"])

    @property
    def rate(self) -> float:
        span = float(self.figures["last_at"]) - float(self.figures["first_at"])
        return (self.sent - 1) / span if span > 0 else float("nan")


def wait(condition: Any, within: float, what: str, processes: list[Process]) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"  {p.label}:\n{p.tail()}" for p in processes)
            raise RuntimeError(f"{what}: not reached within {within:.0f} s\n{logs}")
        time.sleep(0.2)


def one_run(tmp: Path, database: str, db: Database, count: int, args: argparse.Namespace) -> Result:
    emulator = Emulator(tmp, args.rate)
    emulator.wait_up()
    config = tmp / f"loa-{count}.toml"
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
    config.write_text(config_text(url, emulator.url, args), encoding="utf-8")
    nodes = []
    for n in range(1, count + 1):
        command = loa(config, "run")
        if args.profile:  # cProfile each instance (written when it stops)
            out = Path(args.profile).resolve() / f"loa-{count}-{n}.prof"
            command[1:1] = ["-m", "cProfile", "-o", str(out)]
        nodes.append(start(f"loa-{count}-{n}", command, tmp))
    everything = [emulator.process, *nodes]
    try:
        pids = {node.pid for node in nodes}

        def spread() -> bool:
            holders = db.share_holders()
            per_node = [list(holders.values()).count(pid) for pid in pids]
            return len(holders) == args.shares and max(per_node) - min(per_node) <= 1

        wait(spread, 90, f"{args.shares} shares spread over {count} instances", everything)
        time.sleep(2 * 1.05)  # a share taken over waits a window and a chat spacing
        cpu_nodes = sum(process_cpu(pid) for pid in pids)
        cpu_emulator = process_cpu(emulator.process.pid)
        cpu_postgres = postgres_cpu()
        busy = machine_busy()
        ran = time.monotonic()
        run_loa(config, "broadcast", "--emergency", "--yes", "--wait", "0", TEXT)
        expected = args.residents / args.rate
        wait(lambda: db.pending() == 0, 20 * expected + 120, "the emergency sent", everything)
        figures = emulator.stats()
        result = Result(
            count,
            figures,
            ran,
            sum(process_cpu(pid) for pid in pids) - cpu_nodes,
            process_cpu(emulator.process.pid) - cpu_emulator,
            postgres_cpu() - cpu_postgres,
            machine_busy() - busy,
        )
    finally:
        for node in nodes:
            node.stop()
        emulator.process.stop()
    return result


def report(result: Result, args: argparse.Namespace, base: Result | None) -> None:
    f = result.figures
    n = args.residents
    duplicates = result.sent - int(f["chats"])
    first = float(f["first_at"]) - result.ran_at
    last = float(f["last_at"]) - result.ran_at
    share = result.rate / args.rate
    ms = 1000 / max(result.sent, 1)
    other = result.cpu_machine - result.cpu_instances - result.cpu_emulator - result.cpu_postgres
    ratio = f"; x{result.rate / base.rate:.2f} one instance's rate" if base else ""
    print(
        f"{result.instances} instance(s): {f['chats']}/{n} residents reached;"
        f" rate {result.rate:7.1f}/s = {share:.3f} of the limit {args.rate:g}{ratio}"
    )
    print(
        f"  emergency: first delivery {first:.2f} s after `loa broadcast` was run, last"
        f" {last:.1f} s (minimum n/limit {n / args.rate:.1f} s)"
    )
    print(
        f"  duplicates {duplicates} (goal 0); 429s {f['rate_limited']} of {f['requests']}"
        f" requests; early requests {f['early']} (goal 0); busiest second"
        f" {f['max_per_second']} accepted (limit {args.rate:g})"
    )
    print(
        f"  CPU a message: instances {result.cpu_instances * ms:.2f} ms, PostgreSQL"
        f" {result.cpu_postgres * ms:.2f} ms, emulator {result.cpu_emulator * ms:.2f} ms, the"
        f" rest of the machine (the `loa broadcast` command, this script, other work)"
        f" {other * ms:.2f} ms; busy {result.cpu_machine / max(last, 1e-9):.2f} of"
        f" {os.cpu_count()} cores [{load()}]"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paid", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--instances", default="1,2,3", help="the runs' instance counts")
    parser.add_argument("--rate", type=float, default=1000.0, help="the bot's global limit")
    parser.add_argument("--shares", type=int, default=6, help="[telegram] sender_shares")
    parser.add_argument("--concurrency", type=int, default=16, help="[sender] concurrency")
    parser.add_argument("--lease", type=float, default=10.0, help="[coordination] lease_seconds")
    parser.add_argument("--profile", metavar="DIR", help="cProfile each instance into DIR")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.instances.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="loa-paid-bench-"))
    print(
        f"paid emergency bench: {args.residents} Telegram residents, strict emulator at"
        f" {args.rate:g}/s and 1/s per chat, sender_shares {args.shares}, [sender] concurrency"
        f" {args.concurrency}, PostgreSQL; {os.cpu_count()} CPUs"
    )
    results: list[Result] = []
    try:
        with fresh_database() as database:
            setup = tmp / "setup.toml"
            url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{database}"
            setup.write_text(f'[database]\nurl = "{url}"\n', encoding="utf-8")
            run_loa(setup, "db", "upgrade")
            db = Database(database)
            try:
                db.seed(args.residents)
                for count in counts:
                    result = one_run(tmp, database, db, count, args)
                    results.append(result)
                    report(result, args, results[0] if count != counts[0] else None)
            finally:
                db.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if len(results) >= 2 and results[0].instances == 1:
        two = next((r for r in results if r.instances == 2), None)
        if two is not None:
            gain = two.rate / results[0].rate
            verdict = "ok" if gain >= 1.6 else "MISSED"
            print(f"two instances / one: x{gain:.2f} (goal >= 1.6: {verdict})")
    failed = any(
        r.sent != int(r.figures["chats"])
        or int(r.figures["early"])
        or int(r.figures["chats"]) < args.residents
        for r in results
    )
    return 1 if failed else 0


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"
