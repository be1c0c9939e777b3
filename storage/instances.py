"""Coordination of several ``loa run`` on one database: instances and role leases.

A role (``poller``, ``telegram:updates``, ``telegram:sender``…) is held by one instance at a
time through a lease row: the holder renews it every few seconds; once it has expired
(the holder was killed, or lost the database) any instance may take it. Instances also
write a heartbeat with the roles they hold, which ``loa stats`` and ``/healthz`` show.

Plain rows and conditional UPDATEs, so the same code coordinates on PostgreSQL (row locks
make the competing UPDATEs take turns) and SQLite (one writer at a time). Expiry compares
the hosts' clocks: instances on several hosts need synchronised clocks (NTP), as any
lease-based system does; a lease is many seconds long, so sub-second skew does not matter.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Instance, Lease
from storage.rows import execute_count

STALE_AFTER = timedelta(minutes=1)  # no heartbeat for this long: the instance is gone
SENDER = "sender"


def sender_role(channel: str, share: tuple[int, int] | None = None) -> str:
    """``telegram:sender``, or ``telegram:sender#2/3`` for share 2 of 3 (``[telegram]
    sender_shares``): the role that sends for ``channel`` (or for that share of its chats)."""
    role = f"{channel}:{SENDER}"
    return role if share is None else f"{role}#{share[0]}/{share[1]}"


def sending_share(role: str) -> tuple[str, int, int] | None:
    """(channel, share, shares) of a sender role (share 1 of 1 when not shared); else None."""
    base, _, part = role.partition("#")
    channel, _, kind = base.partition(":")
    if kind != SENDER:
        return None
    if not part:
        return channel, 1, 1
    number, _, count = part.partition("/")
    if not (number.isdigit() and count.isdigit()):
        return None
    return channel, int(number), int(count)


def by_base(roles: Iterable[str]) -> dict[str, list[str]]:
    """Roles with their shares gathered, in order: ["poller", "telegram:sender#1/3",
    "telegram:sender#3/3"] → {"poller": [], "telegram:sender": ["1/3", "3/3"]}."""
    gathered: dict[str, list[str]] = {}
    for role in roles:
        base, _, share = role.partition("#")
        gathered.setdefault(base, [])
        if share:
            gathered[base].append(share)
    return gathered


def sends_for(roles: Iterable[str]) -> set[str]:
    """The channels some of ``roles`` send for (a share of the sending counts)."""
    return {found[0] for role in roles if (found := sending_share(role)) is not None}


async def register(
    session: AsyncSession,
    instance_id: str,
    host: str,
    pid: int,
    now: datetime,
    groups: Iterable[str] = (),
) -> None:
    """A new instance, which can take the roles of ``groups`` (the shares of a bot's sending)."""
    session.add(
        Instance(
            id=instance_id,
            host=host,
            pid=pid,
            started_at=now,
            last_seen=now,
            roles="[]",
            groups=json.dumps(sorted(groups)),
        )
    )
    await session.flush()


async def heartbeat(
    session: AsyncSession, instance_id: str, roles: list[str], now: datetime
) -> None:
    """This instance is alive and holds ``roles`` (re-registers a row a cleaner removed)."""
    changed = await execute_count(
        session,
        update(Instance)
        .where(Instance.id == instance_id)
        .values(last_seen=now, roles=json.dumps(sorted(roles))),
    )
    if not changed:
        raise LookupError(f"instance {instance_id} is not registered")


async def deregister(session: AsyncSession, instance_id: str) -> None:
    """A clean stop: the instance row goes, and its leases are free at once."""
    await session.execute(
        update(Lease).where(Lease.holder == instance_id).values(holder=None, expires_at=None)
    )
    await session.execute(delete(Instance).where(Instance.id == instance_id))


async def takers(session: AsyncSession, since: datetime) -> Counter[str]:
    """Group → how many instances with a heartbeat newer than ``since`` can take its roles
    (the shares of a group are spread between them)."""
    rows = await session.scalars(select(Instance.groups).where(Instance.last_seen >= since))
    return Counter(group for groups in rows for group in json.loads(groups or "[]"))


async def forget_stale(session: AsyncSession, now: datetime, keep: timedelta) -> int:
    """Remove instance rows silent for longer than ``keep`` (they crashed long ago)."""
    return await execute_count(session, delete(Instance).where(Instance.last_seen < now - keep))


@dataclass(frozen=True, slots=True)
class InstanceView:
    id: str
    host: str
    pid: int
    started_at: datetime
    last_seen: datetime
    roles: list[str]
    alive: bool

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "host": self.host,
            "pid": self.pid,
            "started_at": self.started_at.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "roles": self.roles if self.alive else [],
            "alive": self.alive,
        }


async def list_instances(session: AsyncSession, now: datetime) -> list[InstanceView]:
    """Every known instance, oldest first, with the roles whose leases it holds now (the
    leases are the truth: a killed instance loses them within ``lease_seconds``, before its
    heartbeat goes stale); a stale one is shown as gone."""
    rows = await session.scalars(select(Instance).order_by(Instance.started_at, Instance.id))
    leased: dict[str, list[str]] = {}
    for role, holder in (await holders(session, now)).items():
        leased.setdefault(holder, []).append(role)
    return [
        InstanceView(
            id=row.id,
            host=row.host,
            pid=row.pid,
            started_at=row.started_at,
            last_seen=row.last_seen,
            roles=sorted(leased.get(row.id, [])),
            alive=now - row.last_seen <= STALE_AFTER,
        )
        for row in rows
    ]


# ------------------------------------------------------------------------------ leases


async def acquire(
    session: AsyncSession, role: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take or renew ``role`` for ``holder`` until ``now + ttl``; False while another instance
    holds an unexpired lease. Commit right after: the lease is held once committed."""
    if await session.get(Lease, role) is None:
        await _create(session, role)
    taken = await execute_count(
        session,
        update(Lease)
        .where(
            Lease.role == role,
            or_(Lease.holder == holder, Lease.holder.is_(None), Lease.expires_at < now),
        )
        .values(holder=holder, expires_at=now + ttl),
    )
    return taken == 1


async def _create(session: AsyncSession, role: str) -> None:
    """The lease row, free; a concurrent creator's row is as good as ours."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        await session.execute(pg_insert(Lease).values(role=role).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        await session.execute(sqlite_insert(Lease).values(role=role).on_conflict_do_nothing())


async def release(session: AsyncSession, role: str, holder: str) -> None:
    await session.execute(
        update(Lease)
        .where(Lease.role == role, Lease.holder == holder)
        .values(holder=None, expires_at=None)
    )


async def holders(session: AsyncSession, now: datetime) -> dict[str, str]:
    """Role → holder for every unexpired lease."""
    rows = await session.execute(
        select(Lease.role, Lease.holder).where(Lease.holder.is_not(None), Lease.expires_at >= now)
    )
    return {role: holder for role, holder in rows.all() if holder}
