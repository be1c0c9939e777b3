"""Start-up benchmark: wall time of Loa's everyday commands, as a user runs them.

    .venv/bin/python bench/startup_bench.py [--runs 15] [--database-url URL] [--bytecode]
        [--articles 300] [--residents 300]

A temporary folder gets a ``loa.toml`` (a SQLite file there, or a new database on the
PostgreSQL server of ``--database-url postgresql+asyncpg://…``, dropped after), migrated once
with ``loa db upgrade`` and seeded with articles, residents, deliveries and broadcasts so the
commands print something. Then, alternating, ``--runs`` times each: ``loa --help``,
``loa stats``, ``loa stats --json``, ``loa articles``, ``loa sources`` (the venv's ``loa``
script) and two baselines: ``python -c pass`` (interpreter start) and the floor
``python -c "import asyncio, sqlalchemy.orm, sqlalchemy.ext.asyncio"`` (what any command on
SQLAlchemy's asyncio ORM must import). Goals (issue 14): the four database commands
<= 0.4 s, ``--help`` <= 0.15 s. Per command: median, p90, min, the goal, and the median's
ratio to the floor and to ``python -c pass``; the first line says how loaded the machine was.
Then each command's CPU time (user + system of its process) and its ratio to the floor's: on
a shared machine, what other load moves least.

``--bytecode``: Loa's packages are compiled first (``compileall``) and every round runs both
modes, from bytecode and from source (``PYTHONDONTWRITEBYTECODE=1``, no ``__pycache__`` in
Loa's packages: what this environment does). Loa's packages are left as found (compiled
by ``make install``, or not).
Last, once: the ten imports of ``loa stats`` that take longest (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from base.config import normalise_database_url  # noqa: E402
from bench.databases import bench_database, on_server  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.models import (  # noqa: E402
    Article,
    ArticleCommune,
    ArticleTopic,
    Broadcast,
    Delivery,
    Resident,
    Source,
    Subscription,
)

PYTHON = sys.executable
LOA = str(Path(sys.executable).parent / "loa")
PACKAGES = ("base", "bot", "jobs", "storage", "news", "loa", "web")
FLOOR = "import asyncio, sqlalchemy.orm, sqlalchemy.ext.asyncio"
COMMUNES = ("Mường Thanh", "Sam Mứn", "Thanh Nưa", "Mường Phăng", "Na Sang", "Thanh An")
TOPICS = ("thong-bao", "canh-bao", "kinh-te", "xa-hoi", "ha-tang")
SOURCES = """
[[sources]]
name = "huyen-dien-bien"
type = "html"
url = "https://huyendienbien.dienbien.gov.vn/Tintuc/?PageIndex=1"

[[sources]]
name = "tinh-dien-bien"
type = "html"
url = "https://dienbien.gov.vn/portal/Pages/Tin-tuc-su-kien.aspx"
"""
GOAL_DB, GOAL_HELP = 0.4, 0.15


def commands(config: Path) -> dict[str, tuple[list[str], float | None]]:
    """Each measured command line, by label, with its goal in seconds (None: a baseline)."""
    loa = [LOA, "--config", str(config)]
    return {
        "python -c pass": ([PYTHON, "-c", "pass"], None),
        "floor (sqlalchemy asyncio)": ([PYTHON, "-c", FLOOR], None),
        "loa --help": ([LOA, "--help"], GOAL_HELP),
        "loa stats": ([*loa, "stats"], GOAL_DB),
        "loa stats --json": ([*loa, "stats", "--json"], GOAL_DB),
        "loa articles": ([*loa, "articles"], GOAL_DB),
        "loa sources": ([*loa, "sources"], GOAL_DB),
    }


def command_env(bytecode: bool | None) -> dict[str, str]:
    """The environment of a measured run: without bytecode, Python writes none either, so
    every run recompiles Loa's modules (as this environment runs them)."""
    env = dict(os.environ)
    for name in ("LOA_CONFIG", "LOA_DATABASE_URL"):  # the --config file alone decides
        env.pop(name, None)
    if bytecode is False:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the command's process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr.decode()}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return seconds, cpu


# Bytecode ------------------------------------------------------------------------------------

OFF = "__pycache__.bench-off"  # a compiled folder set aside while a round runs from source


def loa_caches() -> list[Path]:
    return [path for package in PACKAGES for path in (ROOT / package).rglob("__pycache__")]


def compile_loa() -> None:
    subprocess.run([PYTHON, "-m", "compileall", "-q", *PACKAGES], cwd=ROOT, check=True)


def use_bytecode(on: bool) -> None:
    """Put Loa's compiled folders in place, or aside: a rename each, so both modes can take
    turns in every round (the same load on both) without recompiling."""
    for package in PACKAGES:
        pattern, name = (OFF, "__pycache__") if on else ("__pycache__", OFF)
        for path in sorted((ROOT / package).rglob(pattern)):
            target = path.with_name(name)
            if target.exists():  # a module imported meanwhile by someone else's run
                shutil.rmtree(target)
            path.rename(target)


def remove_bytecode() -> None:
    for package in PACKAGES:
        for pattern in ("__pycache__", OFF):
            for path in list((ROOT / package).rglob(pattern)):
                shutil.rmtree(path, ignore_errors=True)


# Database ------------------------------------------------------------------------------------


@contextmanager
def fresh_database(url: str | None, default: str) -> Iterator[str]:
    """``url``'s server with a new, empty database for this run (dropped after), else
    ``default`` (a temporary SQLite file). ``bench.databases.fresh_database``, but each step in
    its own event loop: the commands run in between, outside any loop."""
    if not url:
        yield default
        return
    admin, name, fresh = bench_database(url)
    asyncio.run(on_server(admin, f"CREATE DATABASE {name}"))
    try:
        yield fresh
    finally:
        asyncio.run(on_server(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


async def seed(url: str, articles: int, residents: int) -> None:
    """Plain inserts into the migrated database: enough rows for every command to print."""
    now = datetime.now(UTC)
    async with open_database(normalise_database_url(url), migrate=False) as engine:
        async with engine.begin() as db:
            await db.execute(insert(Source), [{"id": 1, "name": "huyen-dien-bien", "url": "x"}])
            await db.execute(
                insert(Article),
                [
                    {
                        "id": i,
                        "source_id": 1,
                        "url": f"https://huyendienbien.dienbien.gov.vn/View/tin-{i}",
                        "title": f"Tin số {i}: {COMMUNES[i % len(COMMUNES)]} triển khai kế hoạch",
                        "author": "Ban biên tập",
                        "published_at": now - timedelta(hours=i),
                        "fetched_at": now,
                        "content_hash": f"{i:064x}",
                    }
                    for i in range(1, articles + 1)
                ],
            )
            pairs = [(i, COMMUNES[i % len(COMMUNES)]) for i in range(1, articles + 1)]
            await db.execute(
                insert(ArticleCommune), [{"article_id": i, "commune": c} for i, c in pairs]
            )
            await db.execute(
                insert(ArticleTopic),
                [
                    {"article_id": i, "topic": TOPICS[i % len(TOPICS)]}
                    for i in range(1, articles + 1)
                ],
            )
            await db.execute(
                insert(Resident),
                [
                    {
                        "id": i,
                        "channel": ("telegram", "zalo")[i % 2],
                        "chat_id": str(1000 + i),
                        "active": i % 10 != 0,
                    }
                    for i in range(1, residents + 1)
                ],
            )
            await db.execute(
                insert(Subscription),
                [
                    {"resident_id": i, "kind": "commune", "value": COMMUNES[i % len(COMMUNES)]}
                    for i in range(1, residents + 1)
                ]
                + [
                    {"resident_id": i, "kind": "topic", "value": TOPICS[i % len(TOPICS)]}
                    for i in range(1, residents + 1, 3)
                ],
            )
            await db.execute(
                insert(Broadcast),
                [
                    {"id": b, "created_by": "cli", "text": f"Thông báo {b}", "state": "done"}
                    for b in (1, 2, 3)
                ],
            )
            await db.execute(
                insert(Delivery),
                [
                    {
                        "article_id": 1 + i % min(articles, 20),
                        "resident_id": i,
                        "channel": ("telegram", "zalo")[i % 2],
                        "state": ("sent", "pending", "failed")[i % 3],
                    }
                    for i in range(1, residents + 1)
                ],
            )


# Figures -------------------------------------------------------------------------------------


def p90(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]  # nearest rank


def table(
    found: dict[tuple[str, str], list[float]], goals: dict[str, float | None], modes: list[str]
) -> list[str]:
    """One line a command: its goal, then per mode (side by side) median, p90, min, met or
    missed, and the median over the floor's and over ``python -c pass``'s (same mode)."""
    group = f"{'median':>7}{'p90':>7}{'min':>7}{'':7}{'/floor':>7}{'/pass':>6}"
    lines = [
        f"{'':<26}{'':>5}" + "".join(f"  {'[' + mode + ']':<41}" for mode in modes),
        f"{'command':<26}{'goal':>5}" + f"  {group}" * len(modes),
    ]
    for label, goal in goals.items():
        line = f"{label:<26}{'' if goal is None else f'{goal:.2f}':>5}"
        for mode in modes:
            times = found[label, mode]
            median = statistics.median(times)
            floor = statistics.median(found["floor (sqlalchemy asyncio)", mode])
            bare = statistics.median(found["python -c pass", mode])
            verdict = "" if goal is None else ("met" if median <= goal else "MISSED")
            line += (
                f"  {median:>7.3f}{p90(times):>7.3f}{min(times):>7.3f} {verdict:<6}"
                f"{median / floor:>7.2f}{median / bare:>6.1f}"
            )
        lines.append(line)
    return lines


def cpu_table(
    cpu: dict[tuple[str, str], list[float]], labels: list[str], modes: list[str]
) -> list[str]:
    lines = [f"{'command':<26}{'':>5}" + "".join(f"  {mode:>9}{'/floor':>7}" for mode in modes)]
    for label in labels:
        line = f"{label:<26}{'':>5}"
        for mode in modes:
            median = statistics.median(cpu[label, mode])
            floor = statistics.median(cpu["floor (sqlalchemy asyncio)", mode])
            line += f"  {median:>9.3f}{median / floor:>7.2f}"
        lines.append(line)
    return lines


def slowest_imports(command: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
    """The ten top-level imports (those the command's own code asked for first) with the
    largest cumulative time (``-X importtime``), and the total of all of them: nested imports
    would only repeat SQLAlchemy's chain."""
    done = subprocess.run(
        [PYTHON, "-X", "importtime", *command],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue  # the header, or a warning
        if not fields[2].startswith("  "):  # one space, then the name: top level
            rows.append((int(fields[1]), fields[2].strip()))
    rows.sort(reverse=True)
    total = sum(cumulative for cumulative, _ in rows)
    return [f"  {cumulative / 1000:7.1f} ms  {name}" for cumulative, name in rows[:10]] + [
        f"  {total / 1000:7.1f} ms  all {len(rows)} top-level imports"
    ]


def bench(tmp: Path, database: str, args: argparse.Namespace) -> list[str]:
    config = tmp / "loa.toml"
    config.write_text(f'[database]\nurl = "{database}"\n{SOURCES}', encoding="utf-8")
    subprocess.run(
        [LOA, "--config", str(config), "db", "upgrade"],
        cwd=tmp,
        env=command_env(None),
        check=True,
        capture_output=True,
    )
    asyncio.run(seed(database, args.articles, args.residents))
    measured = commands(config)
    modes = ["bytecode", "source"] if args.bytecode else ["as found"]
    found: dict[tuple[str, str], list[float]] = {(c, m): [] for c in measured for m in modes}
    cpu: dict[tuple[str, str], list[float]] = {key: [] for key in found}
    had_bytecode = bool(loa_caches())
    if args.bytecode:
        compile_loa()
    caches = "with" if loa_caches() else "without"
    before = os.getloadavg()
    try:
        for _ in range(args.runs):
            for mode in modes:
                on = {"bytecode": True, "source": False}.get(mode)
                if on is not None:
                    use_bytecode(on)
                env = command_env(on)
                for label, (command, _goal) in measured.items():
                    seconds, used = timed(command, tmp, env)
                    found[label, mode].append(seconds)
                    cpu[label, mode].append(used)
        after = os.getloadavg()
        on = True if args.bytecode else None
        if on:
            use_bytecode(True)
        imports = slowest_imports(measured["loa stats"][0], tmp, command_env(on))
    finally:
        if args.bytecode:
            remove_bytecode()
            if had_bytecode:  # as `make install` left it
                compile_loa()
    dont_write = os.environ.get("PYTHONDONTWRITEBYTECODE")
    loads = "/".join(f"{x:.2f}" for x in before), "/".join(f"{x:.2f}" for x in after)
    head = (
        f"load average (1/5/15 min) {loads[0]} before, {loads[1]} after; {os.cpu_count()} CPUs;"
        f" PYTHONDONTWRITEBYTECODE {'set' if dont_write else 'not set'}"
        + (
            " (Loa's modules recompiled on every run)"
            if dont_write and not args.bytecode and caches == "without"
            else ""
        )
    )
    backend = "PostgreSQL" if args.database_url else "SQLite"
    where = "" if args.bytecode else f", {caches} __pycache__ in Loa's packages"
    return [
        head,
        f"{backend}, {args.articles} articles, {args.residents} residents; {args.runs} runs of "
        f"each, alternating{where}; seconds:",
        *table(found, {label: goal for label, (_, goal) in measured.items()}, modes),
        "CPU seconds (user + system of the command's process: what other load on the machine"
        " moves least), median and its ratio to the floor's:",
        *cpu_table(cpu, list(measured), modes),
        f"top-level imports of `loa stats` by cumulative time ({modes[0]}, -X importtime):",
        *imports,
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each command")
    parser.add_argument("--database-url", help="a PostgreSQL server (a new database on it)")
    parser.add_argument("--bytecode", action="store_true", help="from bytecode and from source")
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--residents", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loa-startup-") as name:
        tmp = Path(name)
        with fresh_database(args.database_url, f"sqlite:///{tmp / 'loa.db'}") as url:
            lines = bench(tmp, url, args)
    print("\n".join(line.rstrip() for line in lines))


if __name__ == "__main__":
    main()
