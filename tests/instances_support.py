"""Several ``loa run`` processes on ONE fresh PostgreSQL database, for end-to-end tests.

``Cluster`` serves the emulators (and the fixture portal, when given), creates a uniquely named
database next to the one in ``LOA_TEST_DATABASE_URL`` (dropped ``WITH (FORCE)`` afterwards),
writes one config for every instance (``[coordination] lease_seconds = 3``, ``[sender]
idle_poll_seconds = 0.2``) and starts ``Node``s: each a ``loa run`` subprocess with its own
directory and log. ``Cluster.db`` reads (and seeds) the database from the test through a
synchronous asyncpg wrapper, so wait conditions stay plain lambdas; ``Cluster.until`` waits for
one with a deadline and shows every node's log when it passes.

    with Cluster(tmp_path, TelegramEmulator(), ZaloEmulator(ZALO_TOKEN), portal).serving() as c:
        c.configure(ClusterOptions())
        a, b, c3 = c.start_nodes(3)
        await c.until(lambda: c.roles_taken(), 20, "every role held")
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypeVar

import asyncpg
import pytest
from starlette.requests import Request
from starlette.responses import Response

from tests.e2e_support import LIST_1, TELEGRAM_TOKEN, ZALO_TOKEN, Loa, Options
from tests.emulators.telegram import TelegramEmulator
from tests.emulators.zalo import ZaloEmulator
from tests.portal_server import Portal
from tests.support.server import serve

PG_URL = os.environ.get("LOA_TEST_DATABASE_URL")
requires_postgresql = pytest.mark.skipif(
    PG_URL is None, reason="LOA_TEST_DATABASE_URL is not set (PostgreSQL-only test)"
)

SEEDED_AT = datetime(2026, 1, 1, tzinfo=UTC)
ALL_ROLES = frozenset(
    {"poller", "reporter", "telegram:updates", "telegram:sender", "zalo:updates", "zalo:sender"}
)
T = TypeVar("T")


def dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


# ------------------------------------------------------------------------------ the database


class LoopThread:
    """An event loop in a daemon thread: the test's own loop stays free for ``until``, and
    asyncpg calls can be made synchronously from lambdas."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="pg")
        self._thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()


class Database:
    """A synchronous view of one PostgreSQL database (one asyncpg connection)."""

    def __init__(self, loop: LoopThread, url: str) -> None:
        self.url, self._loop = url, loop
        self._connection: asyncpg.Connection = loop.run(asyncpg.connect(dsn(url)))

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        rows = self._loop.run(self._connection.fetch(sql, *args))
        return [tuple(row) for row in rows]

    def one(self, sql: str, *args: Any) -> Any:
        return self._loop.run(self._connection.fetchval(sql, *args))

    def execute(self, sql: str, *args: Any) -> None:
        self._loop.run(self._connection.execute(sql, *args))

    def close(self) -> None:
        self._loop.run(self._connection.close())

    # -- what tests ask often ----------------------------------------------------------------

    def tables_exist(self) -> bool:
        return bool(self.one("SELECT to_regclass('public.residents') IS NOT NULL"))

    def holders(self) -> dict[str, str]:
        """Role → holding instance id, for every unexpired lease."""
        rows = self.query(
            "SELECT role, holder FROM leases WHERE holder IS NOT NULL AND expires_at > now()"
        )
        return dict(rows)

    def holder_pid(self, role: str) -> int | None:
        """The process id of the instance holding ``role`` now (None: nobody)."""
        return self.one(
            "SELECT i.pid FROM leases l JOIN instances i ON i.id = l.holder"
            " WHERE l.role = $1 AND l.expires_at > now()",
            role,
        )

    def pending(self) -> int:
        return int(self.one("SELECT count(*) FROM deliveries WHERE state = 'pending'"))

    def seed_residents(
        self, channel: str, chat_ids: Iterable[str | int], commune: str | None = None
    ) -> None:
        """Residents who receive everything, or who chose ``commune`` (its current name)."""
        ids = [str(c) for c in chat_ids]
        self.execute(
            "INSERT INTO residents (channel, chat_id, user_id, active, created_at, updated_at)"
            " SELECT $1, c, c, true, $2, $2 FROM unnest($3::text[]) AS c",
            channel,
            SEEDED_AT,
            ids,
        )
        if commune is not None:
            self.execute(
                "INSERT INTO subscriptions (resident_id, kind, value, created_at)"
                " SELECT id, 'commune', $1, $2 FROM residents"
                " WHERE channel = $3 AND chat_id = ANY($4::text[])",
                commune,
                SEEDED_AT,
                channel,
                ids,
            )


@contextmanager
def fresh_database(loop: LoopThread, prefix: str = "loa_inst") -> Iterator[str]:
    """A new, empty database on the server of ``LOA_TEST_DATABASE_URL``: its URL."""
    if PG_URL is None:
        pytest.skip("LOA_TEST_DATABASE_URL is not set")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(dsn(PG_URL))
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    loop.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        loop.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# ------------------------------------------------------------------------------ the portal


class TimedPortal(Portal):
    """The fixture portal, also noting when each request arrived (``time.monotonic()``)."""

    times: list[tuple[float, str]]

    @classmethod
    def from_fixtures(cls, *args: Any, **kwargs: Any) -> TimedPortal:
        portal = super().from_fixtures(*args, **kwargs)
        assert isinstance(portal, TimedPortal)
        portal.times = []
        return portal

    async def _handle(self, request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        self.times.append((time.monotonic(), target))
        return await super()._handle(request)

    def list_fetches(self, since: float = 0.0) -> list[float]:
        """When the first list page was fetched (every poll of the one source asks for it)."""
        return [at for at, target in list(self.times) if target == LIST_1 and at >= since]


# ------------------------------------------------------------------------------ config


@dataclass(frozen=True, slots=True)
class ClusterOptions(Options):
    """What a test may tune in the config every instance shares (the single-instance
    options, plus the coordination ones)."""

    lease_seconds: float = 3
    poll_timeout_seconds: int = 1
    sender_shares: int = 1  # [telegram] and [zalo] sender_shares


def cluster_config(
    database_url: str,
    options: ClusterOptions,
    telegram_url: str | None,
    zalo_url: str | None,
    portal_url: str | None,
) -> str:
    o = options
    parts = [
        f"""
[database]
url = "{database_url}"

[http]
timeout_seconds = 5

[sender]
idle_poll_seconds = 0.2
concurrency = {o.concurrency}

[coordination]
lease_seconds = {o.lease_seconds}

[logging]
level = "{o.log_level}"
"""
    ]
    if telegram_url is not None:
        parts.append(
            _channel("telegram", TELEGRAM_TOKEN, f"{telegram_url}/bot", o.telegram_admins, o)
        )
    if zalo_url is not None:
        parts.append(_channel("zalo", ZALO_TOKEN, zalo_url, o.zalo_admins, o))
    if portal_url is not None:
        parts.append(
            f"""
[[sources]]
name = "huyen-dien-bien"
type = "html"
url = "{portal_url}{LIST_1}"
interval_seconds = 1
max_pages = 1
selectors = {{ item = ".news-list a.title, .featured a" }}
"""
        )
    return "".join(parts)


def _channel(
    name: str, token: str, url: str, admins: Sequence[int | str], o: ClusterOptions
) -> str:
    rate = o.telegram_rate if name == "telegram" else o.zalo_rate
    return f"""
[{name}]
token = "{token}"
api_base_url = "{url}"
poll_timeout_seconds = {o.poll_timeout_seconds}
admins = {json.dumps(list(admins))}
rate_limit_per_second = {rate}
per_chat_interval_seconds = 1.0
sender_shares = {o.sender_shares}
"""


# ------------------------------------------------------------------------------ processes


class Node(Loa):
    """One ``loa run`` of the cluster: its own directory and log, the shared config."""

    def __init__(self, tmp: Path, config: Path, name: str) -> None:
        tmp.mkdir(parents=True, exist_ok=True)
        super().__init__(tmp, config)
        self.name = name

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """``kill -9``: no cleanup, no lease released."""
        self.stop(signal.SIGKILL)

    def recent_log(self, lines: int = 25) -> str:
        kept = [line for line in self.log().splitlines() if " DEBUG " not in line]
        return f"--- {self.name} (pid {self.pid}) log:\n" + "\n".join(kept[-lines:])


class Cluster:
    """Emulators (and the portal) served, one fresh PostgreSQL database, N ``Node``s."""

    def __init__(
        self,
        tmp: Path,
        telegram: TelegramEmulator | None,
        zalo: ZaloEmulator | None = None,
        portal: Portal | None = None,
    ) -> None:
        self.tmp, self.telegram, self.zalo, self.portal = tmp, telegram, zalo, portal
        self.telegram_url: str | None = None
        self.zalo_url: str | None = None
        self.portal_url: str | None = None
        self.url = ""
        self.nodes: list[Node] = []
        self.config = tmp / "loa.toml"
        self._loop: LoopThread | None = None
        self._db: Database | None = None

    @contextmanager
    def serving(self) -> Iterator[Self]:
        with ExitStack() as stack:
            if self.telegram is not None:
                self.telegram_url = stack.enter_context(serve(self.telegram.app))
            if self.zalo is not None:
                self.zalo_url = stack.enter_context(serve(self.zalo.app))
            if self.portal is not None:
                self.portal_url = stack.enter_context(self.portal.serving())
            self._loop = LoopThread()
            stack.callback(self._loop.close)
            self.url = stack.enter_context(fresh_database(self._loop))
            stack.callback(self._close_db)
            try:
                yield self
            finally:
                self.stop_all()

    def _close_db(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def db(self) -> Database:
        if self._db is None:
            assert self._loop is not None, "use the cluster inside serving()"
            self._db = Database(self._loop, self.url)
        return self._db

    def configure(self, options: ClusterOptions) -> Path:
        self.config.write_text(
            cluster_config(self.url, options, self.telegram_url, self.zalo_url, self.portal_url),
            encoding="utf-8",
        )
        return self.config

    def node(self, name: str | None = None) -> Node:
        """A new node (not started)."""
        name = name or f"node{len(self.nodes) + 1}"
        node = Node(self.tmp / name, self.config, name)
        self.nodes.append(node)
        return node

    def start_nodes(self, n: int) -> list[Node]:
        started = [self.node() for _ in range(n)]
        for node in started:
            node.start()
        return started

    def upgrade(self) -> None:
        """Migrate the database (before seeding rows into it); a failure fails the test."""
        upgraded = (self.nodes[0] if self.nodes else Node(self.tmp, self.config, "cli")).cli(
            "db", "upgrade"
        )
        assert upgraded.returncode == 0, upgraded.stderr

    def stop_all(self) -> None:
        """SIGTERM every running node at once, then wait for each."""
        for node in self.nodes:
            if node.running:
                assert node.process is not None
                node.process.send_signal(signal.SIGTERM)
        for node in self.nodes:
            node.stop()

    def node_by_pid(self, pid: int | None) -> Node | None:
        return next((n for n in self.nodes if pid is not None and n.pid == pid), None)

    # -- observing ---------------------------------------------------------------------------

    def logs(self) -> str:
        return "\n".join(node.recent_log() for node in self.nodes)

    def fail(self, message: str) -> None:
        pytest.fail(f"{message}\n{self.logs()}")

    async def until(
        self, condition: Callable[[], bool], within: float, what: str = "", every: float = 0.02
    ) -> None:
        """Wait for ``condition`` (checked ``every`` seconds) with a deadline; on timeout, fail
        showing every log. The emulators run in this process: a test measuring their timing
        checks seldom, so its checks do not delay their answers."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                self.fail(f"not reached in {within} s: {what}")
            await asyncio.sleep(every)

    def roles_taken(self, expected: frozenset[str] = ALL_ROLES) -> bool:
        """Every expected role is leased to a live node of this cluster, and each node's
        heartbeat agrees with the leases."""
        if not self.db.tables_exist():
            return False
        holders = self.db.holders()
        if set(holders) != set(expected):
            return False
        beats = self.db.query("SELECT id, roles FROM instances")
        listed: dict[str, str] = {}
        for instance_id, roles in beats:
            for role in json.loads(roles or "[]"):
                if role in listed:
                    return False
                listed[role] = instance_id
        return listed == holders

    async def stats(self) -> dict[str, Any]:
        """``loa stats --json``, run beside the nodes (it must succeed)."""
        node = self.nodes[0] if self.nodes else Node(self.tmp, self.config, "cli")
        status, out, err = await node.cli_async("stats", "--json", within=60)
        if status != 0:
            self.fail(f"loa stats --json exited {status}: {err}")
        figures: dict[str, Any] = json.loads(out)
        return figures

    def tracebacks(self) -> str:
        """Each traceback in the nodes' logs (Loa logs every unexpected exception so), with
        the lines before it; empty when there is none."""
        found = []
        for node in self.nodes:
            lines = node.log().splitlines()
            for at, line in enumerate(lines):
                if line.startswith("Traceback"):
                    excerpt = "\n".join(lines[max(0, at - 3) : at + 40])
                    found.append(f"--- {node.name} (pid {node.pid}):\n{excerpt}")
        return "\n".join(found)
