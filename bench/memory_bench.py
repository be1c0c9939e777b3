"""Memory benchmark: ``loa run``'s own peak RSS (``VmHWM`` of its process), idle and delivering.

    .venv/bin/python bench/memory_bench.py [--residents 100000] [--idle-seconds 5] [--quick]
        [--tree PATH] [--seconds S] [--database-url URL]

(a) idle: no bots, one source (the fixture portal, polled every second), measured once the
    source has been polled and ``--idle-seconds`` have passed (goal <= 100 MB);
(b) delivery: a Telegram bot on the emulator (no limit), one article queued beforehand for
    ``--residents`` residents who receive everything; measured once the queue is empty (goal
    <= 120 MB), or after ``--seconds`` (the scale step: ``--residents 1000000 --seconds 120``);
    with the process's CPU time per message sent. On SQLite, or with ``--database-url
    postgresql+asyncpg://…`` on a fresh database of that server (dropped after).
The figures are read from ``/proc/<pid>/status`` of the ``loa run`` child, not this process.
``--tree`` runs another checkout of Loa (e.g. an older commit, ``git archive`` into a folder)
with this one's emulators, to compare before and after. ``--quick``: 10 000 residents.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.databases import fresh_database  # noqa: E402
from tests.portal_server import Portal  # noqa: E402

TOKEN = "1:memorybench"
SOURCE = """
[[sources]]
name = "huyen-dien-bien"
type = "html"
url = "{portal}/Tintuc/?PageIndex=1"
interval_seconds = 1
max_pages = 1
selectors = {{ item = ".news-list a.title, .featured a" }}
"""
TELEGRAM = """
[telegram]
token = "{token}"
api_base_url = "{url}/bot"
poll_timeout_seconds = 1
rate_limit_per_second = 100000
per_chat_interval_seconds = 1.0
"""


def proc_status(pid: int) -> dict[str, int]:
    """The ``kB`` lines of ``/proc/<pid>/status`` (VmHWM, VmRSS…), in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            found[key] = int(value.split()[0])
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def telegram_emulator() -> Iterator[str]:
    """The Telegram emulator in its own process (no limit), so it does not share a core's
    interpreter lock with anything measured."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.emulators.telegram", "--port", str(port), "--rate", "0"],
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait()


class LoaRun:
    """One ``loa run`` of ``tree`` in ``tmp`` with the given config tables."""

    def __init__(self, tree: Path, tmp: Path, tables: str, url: str | None = None) -> None:
        self.tree, self.tmp, self.database = tree, tmp, tmp / "loa.db"
        self.url = url  # PostgreSQL; None: the SQLite file above
        self.config = tmp / "loa.toml"
        database = url or f"sqlite:///{self.database}"
        core = f'[database]\nurl = "{database}"\n\n[sender]\nconcurrency = 16\n'
        self.config.write_text(core + tables, encoding="utf-8")
        # PYTHONPATH first: the tree under test, not the editable install of this one.
        self.env = os.environ | {"PYTHONPATH": str(tree)}
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)  # production runs from bytecode
        self.process: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> None:
        command = [sys.executable, "-m", "loa.cli", "--config", str(self.config), *args]
        subprocess.run(command, cwd=self.tmp, env=self.env, check=True, capture_output=True)

    def start(self) -> int:
        log = (self.tmp / "loa.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "loa.cli", "--config", str(self.config), "run"],
            cwd=self.tmp,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self.process.pid

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def one(self, sql: str) -> Any:
        if self.url is not None:
            return asyncio.run(_pg_one(self.url, sql))
        try:
            uri = f"file:{self.database}?mode=ro"
            with sqlite3.connect(uri, uri=True, timeout=2) as connection:
                row = connection.execute(sql).fetchone()
        except sqlite3.OperationalError:
            return None  # not created yet, or locked this instant
        return row[0] if row else None

    def wait_for(self, sql: str, within: float) -> None:
        deadline = time.monotonic() + within
        while not self.one(sql):
            if self.process is not None and self.process.poll() is not None:
                log = (self.tmp / "loa.log").read_text(errors="replace")[-3000:]
                raise SystemExit(f"loa run exited with {self.process.returncode}:\n{log}")
            if time.monotonic() > deadline:
                raise SystemExit(f"not reached in {within:.0f} s: {sql}")
            time.sleep(0.2)


def idle(tree: Path, idle_seconds: float) -> dict[str, float]:
    """Peak RSS of an idle ``loa run``: no bots, one source."""
    portal = Portal.from_fixtures()
    with portal.serving() as portal_url, tempfile.TemporaryDirectory() as tmp:
        run = LoaRun(tree, Path(tmp), SOURCE.format(portal=portal_url))
        run.cli("db", "upgrade")  # a service restarts on a migrated database
        pid = run.start()
        try:
            run.wait_for("SELECT count(*) FROM sources WHERE last_success_at IS NOT NULL", 120)
            time.sleep(idle_seconds)  # a benchmark: a few idle polls on purpose
            status = proc_status(pid)
        finally:
            run.stop()
    return {"hwm": status["VmHWM"] / 1024, "rss": status["VmRSS"] / 1024}


async def _pg_one(url: str, sql: str) -> Any:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


async def _pg_seed(url: str, residents: int) -> None:
    """``seed`` on PostgreSQL, the rows made by the server (``generate_series``)."""
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(
            "INSERT INTO sources (id, name, url, consecutive_failures, backfilled)"
            " VALUES (1, 'bench', 'http://portal.test/', 0, true);"
            "INSERT INTO articles (id, source_id, url, title, summary, author, body, search_text,"
            " published_at, fetched_at, content_hash, is_backfill) VALUES (1, 1,"
            " 'http://portal.test/a', 'Lũ quét ở Mường Pồn',"
            " 'Mưa lớn kéo dài. Nhiều tuyến đường bị sạt lở.', 'Minh Anh',"
            " 'Mưa lớn kéo dài. Nhiều tuyến đường bị sạt lở.', 'lu quet o muong pon',"
            " now(), now(), 'x', false);"
            "INSERT INTO residents (channel, chat_id, active, created_at, updated_at)"
            f" SELECT 'telegram', (100000 + g)::text, true, now(), now()"
            f" FROM generate_series(0, {residents - 1}) AS g;"
            "INSERT INTO deliveries (article_id, resident_id, channel, priority, state,"
            " attempts, created_at) SELECT 1, id, channel, 0, 'pending', 0, now() FROM residents;"
            "ANALYZE"
        )
    finally:
        await connection.close()


def seed(database: Path, residents: int) -> None:
    """An article queued for ``residents`` residents who receive everything (the rows
    ``enqueue_for_article`` writes, here written directly: the bench measures delivering)."""
    now = "2026-01-01 00:00:00.000000"
    with sqlite3.connect(database) as db:
        db.execute(
            "INSERT INTO sources (id, name, url, consecutive_failures, backfilled)"
            " VALUES (1, 'bench', 'http://portal.test/', 0, 1)"
        )
        columns = [row[1] for row in db.execute("PRAGMA table_info(articles)")]
        values = {
            "id": 1,
            "source_id": 1,
            "url": "http://portal.test/a",
            "title": "Lũ quét ở Mường Pồn",
            "summary": "Mưa lớn kéo dài. Nhiều tuyến đường bị sạt lở.",
            "author": "Minh Anh",
            "body": "Mưa lớn kéo dài. Nhiều tuyến đường bị sạt lở.",
            "search_text": "lu quet o muong pon",
            "published_at": now,
            "fetched_at": now,
            "content_hash": "x",
            "is_backfill": 0,
        }
        kept = {k: v for k, v in values.items() if k in columns}
        db.execute(
            f"INSERT INTO articles ({', '.join(kept)}) VALUES ({', '.join('?' * len(kept))})",
            list(kept.values()),
        )
        db.executemany(
            "INSERT INTO residents (channel, chat_id, active, created_at, updated_at)"
            " VALUES ('telegram', ?, 1, ?, ?)",
            ((str(100_000 + i), now, now) for i in range(residents)),
        )
        db.execute(
            "INSERT INTO deliveries (article_id, resident_id, channel, priority, state,"
            " attempts, created_at) SELECT 1, id, channel, 0, 'pending', 0, ? FROM residents",
            (now,),
        )


def delivery(
    tree: Path, residents: int, seconds: float | None, url: str | None = None
) -> dict[str, float]:
    """Peak RSS and CPU per message of ``loa run`` delivering one article to ``residents``
    (with ``seconds``: only for that long, for a queue too long to wait for; the RSS is then
    sampled every second, to show it flat: the sender streams the queue)."""
    database_url = url
    with telegram_emulator() as api, tempfile.TemporaryDirectory() as tmp:
        run = LoaRun(tree, Path(tmp), TELEGRAM.format(token=TOKEN, url=api), database_url)
        run.cli("db", "upgrade")
        if database_url is None:
            seed(run.database, residents)
        else:
            asyncio.run(_pg_seed(database_url, residents))
        started = time.perf_counter()
        pid = run.start()
        samples: list[float] = []
        try:
            if seconds is None:
                run.wait_for("SELECT count(*) = 0 FROM deliveries WHERE state = 'pending'", 7200)
            else:
                while time.perf_counter() - started < seconds:
                    time.sleep(1)  # a benchmark sampling memory once a second
                    samples.append(proc_status(pid)["VmRSS"] / 1024)
            took = time.perf_counter() - started
            status, cpu = proc_status(pid), cpu_seconds(pid)
            sent = run.one("SELECT count(*) FROM deliveries WHERE state = 'sent'")
        finally:
            run.stop()
    return {
        "hwm": status["VmHWM"] / 1024,
        "rss": status["VmRSS"] / 1024,
        "seconds": took,
        "sent": float(sent or 0),
        "cpu_ms": cpu * 1000 / max(float(sent or 0), 1),
        "first_rss": samples[len(samples) // 10] if samples else 0.0,
        "last_rss": samples[-1] if samples else 0.0,
    }


async def _on_database(
    tree: Path, residents: int, seconds: float | None, url: str | None
) -> dict[str, float]:
    async with fresh_database(url, "") as fresh:
        return await asyncio.to_thread(delivery, tree, residents, seconds, fresh or None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="10 000 residents")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the Loa checkout to run")
    parser.add_argument("--skip-idle", action="store_true")
    parser.add_argument("--skip-delivery", action="store_true")
    parser.add_argument(
        "--seconds", type=float, help="(b) deliver for this long only (e.g. 1 000 000 residents)"
    )
    parser.add_argument(
        "--database-url", help="(b) on this PostgreSQL server (a fresh database), not SQLite"
    )
    args = parser.parse_args()
    residents = 10_000 if args.quick else args.residents
    tree = args.tree.resolve()
    label = "" if tree == ROOT else f" [{tree}]"
    if not args.skip_idle:
        a = idle(tree, args.idle_seconds)
        print(
            f"(a) loa run idle (no bots, one source){label}: peak RSS {a['hwm']:.0f} MB "
            f"(goal <= 100 MB), RSS now {a['rss']:.0f} MB"
        )
    if not args.skip_delivery:
        b = asyncio.run(_on_database(tree, residents, args.seconds, args.database_url))
        print(
            f"(b) loa run delivering one article to {residents} residents{label}: peak RSS "
            f"{b['hwm']:.0f} MB (goal <= 120 MB), RSS at the end {b['rss']:.0f} MB; "
            f"{b['sent']:.0f} sent in {b['seconds']:.1f} s ({b['sent'] / b['seconds']:.0f}/s), "
            f"loa run's CPU {b['cpu_ms']:.2f} ms a message (start-up included)"
        )
        if args.seconds:
            print(
                f"    RSS sampled each second: {b['first_rss']:.0f} MB at a tenth of the run, "
                f"{b['last_rss']:.0f} MB at its end (flat: the queue is streamed)"
            )


if __name__ == "__main__":
    main()
