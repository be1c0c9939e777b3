"""Roles of one ``loa run`` among several on one database, held under leases.

Each role is a service only one instance may run at a time: ``poller`` (the poll
scheduler), ``<channel>:updates`` (reading a bot's long-polling stream), ``<channel>:sender``
(the one paced path of everything that bot sends), ``reporter`` (broadcast progress; residents'
bulletins and quiet hours, ``jobs.rhythm``). The
``Coordinator`` renews its leases every ``renew_seconds``; a free or expired lease is taken and
its service started; a lost lease stops it. An instance that dies (kill -9) stops renewing, and
within ``lease_seconds`` + ``renew_seconds`` another instance holds its roles.

Roles of a group (``<channel>:sender#k/n``, the shares of one bot's sending) are spread: an
instance holds at most its part of them (the group's size divided by the live instances that can
take them, rounded up: each says which groups it can take when it registers) and hands the
extras over when another such instance starts; when one dies, its shares go to the others.

A holder trusts its lease only until ``lease_seconds`` less a safety margin (a fifth of it, at
most ``SAFETY_SECONDS``) after the renewal began: if the database cannot be reached, it stops
the role before any other instance may take it, so two instances never run one role at once.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import instances, updates
from storage.models import utcnow

log = logging.getLogger(__name__)


class Service(Protocol):
    """A long-running part of Loa (a bot, the poller, the sender…): what a role starts."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


SAFETY_SECONDS = 2.0


@dataclass
class Role:
    """A named service run where its lease is held; ``make`` builds a fresh one each time
    the role is taken (a role may come back after it was handed over)."""

    name: str
    make: Callable[[], Service]
    # Roles of one group (the shares of a bot's sending) are spread over the live instances.
    group: str | None = None
    service: Service | None = None  # set while it runs (and while it starts)
    trusted_until: float = 0.0  # time.monotonic() until which the lease is ours
    change: asyncio.Task[None] | None = None  # a start or stop in progress

    @property
    def running(self) -> bool:
        return self.service is not None

    @property
    def changing(self) -> bool:
        return self.change is not None and not self.change.done()


def new_instance_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class Coordinator:
    """Takes, renews and hands over this instance's roles; writes its heartbeat."""

    name = "coordinator"

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        roles: list[Role],
        *,
        instance_id: str | None = None,
        lease_seconds: float = 10.0,
        renew_seconds: float | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._roles = roles
        self.instance_id = instance_id or new_instance_id()
        self._lease = lease_seconds
        self._renew = renew_seconds if renew_seconds is not None else max(lease_seconds / 5, 0.2)
        self._trust = lease_seconds - min(SAFETY_SECONDS, lease_seconds / 5)
        self._on_change = on_change
        self._task: asyncio.Task[None] | None = None
        self._passes = 0
        self._warned: set[str] = set()  # roles not taken for a conflict, logged once
        self._handed: set[str] = set()  # grouped roles given up in the last pass: over our part

    @property
    def roles(self) -> list[str]:
        """The roles this instance holds now."""
        return [role.name for role in self._roles if self._trusts(role)]

    def holds(self, name: str) -> bool:
        """Whether this instance may act in role ``name`` now: services check it before each
        action that must happen once (the sender, before each message)."""
        return any(role.name == name and self._trusts(role) for role in self._roles)

    def _trusts(self, role: Role) -> bool:
        return role.running and time.monotonic() < role.trusted_until

    async def start(self) -> None:
        """Register, take every free role at once (polling starts right away), then renew."""
        async with self._sessions.begin() as session:
            await self._register(session, utcnow())
        await self._pass(first=True)
        await self._settle()
        if self.roles:
            # The first pass's heartbeat came before its roles started: show them now (to
            # ``loa stats``, the admin page), not one renewal (a fifth of the lease) later.
            await self._heartbeat(housekeeping=False)
        held = ", ".join(self.roles)
        if held:
            log.info("instance %s holds %s", self.instance_id, held)
        else:
            log.info("instance %s is on standby: other instances hold every role", self.instance_id)
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Stop the roles' services, then free the leases for the others."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._settle()
        await asyncio.gather(*(self._stop_role(r, "this instance stops") for r in self._roles))
        try:
            async with self._sessions.begin() as session:
                await instances.deregister(session, self.instance_id)
        except Exception as exc:  # the leases expire by themselves
            log.warning("could not deregister instance %s: %s", self.instance_id, exc)

    async def _settle(self) -> None:
        """Wait for the starts and stops in progress."""
        changes = [role.change for role in self._roles if role.change is not None]
        await asyncio.gather(*changes, return_exceptions=True)

    async def _run(self) -> None:
        # On a fixed cadence: starting or stopping a service (which may take seconds on a busy
        # machine) runs beside the renewals, never delays them.
        next_pass = time.monotonic()
        while True:
            next_pass += self._renew
            await asyncio.sleep(max(0.0, next_pass - time.monotonic()))
            next_pass = max(next_pass, time.monotonic() - self._renew)
            try:
                await self._pass()
            except Exception:
                log.exception("coordination pass failed")

    async def _pass(self, *, first: bool = False) -> None:
        """One round: renew or take each lease, start or stop services, heartbeat."""
        began = time.monotonic()
        # Bounded: a database that hangs must not keep us past our trust in the leases. The
        # first round holds nothing yet: it may use the whole trust (a busy machine, a cold
        # database), as what it takes is trusted only until ``began`` + trust anyway.
        timeout = self._trust if first else self._trust / 2
        try:
            # asyncio.timeout, not wait_for: on Python 3.11, wait_for returns (or raises) what
            # the renewal just gave if the pass is cancelled then, and the cancellation is lost:
            # with the database down, stop() waited forever for a pass loop that went on.
            async with asyncio.timeout(timeout):
                held = await self._renew_all()
        except Exception as exc:
            log.warning("cannot reach the database to renew roles: %s", exc)
            held = None
        for role in self._roles:
            if held is not None and role.name in held:
                role.trusted_until = began + self._trust
                if not role.running and not role.changing:
                    role.change = asyncio.create_task(self._start_role(role))
            elif held is not None:
                role.trusted_until = 0.0  # another instance holds it: stop acting at once
            if role.running and time.monotonic() >= role.trusted_until and not role.changing:
                why = "another instance holds it" if held is not None else "no renewal"
                if role.name in self._handed:
                    why = "handed over: the other instances take their part of the shares"
                role.change = asyncio.create_task(self._stop_role(role, why))
        self._passes += 1
        if held is not None:
            await self._heartbeat()

    async def _renew_all(self) -> set[str]:
        now = utcnow()
        ttl = timedelta(seconds=self._lease)
        held: set[str] = set()
        async with self._sessions.begin() as session:
            wanted = await self._wanted(session, now)
            for role in self._roles:
                if role.name not in wanted:
                    continue
                if await instances.acquire(session, role.name, self.instance_id, now, ttl):
                    held.add(role.name)
        return held

    async def _wanted(self, session: AsyncSession, now: datetime) -> set[str]:
        """The roles to renew or take in this pass: every ungrouped one; of each group, this
        instance's part: the ones it holds (lowest first), then free ones."""
        self._handed = set()
        holders = await instances.holders(session, now)
        groups = self._groups()
        wanted = {
            role.name
            for role in self._roles
            if role.group is None and not self._conflicts(role.name, holders)
        }
        if not groups:
            return wanted
        takers = await instances.takers(session, now - timedelta(seconds=self._lease))
        for group, members in groups.items():
            if any(self._conflicts(name, holders) for name in members):
                continue
            part = math.ceil(len(members) / max(takers[group], 1))
            mine = [name for name in members if holders.get(name) == self.instance_id]
            free = [name for name in members if name not in holders]
            self._handed.update(mine[part:])
            wanted.update(mine[:part], free[: max(0, part - len(mine))])
        return wanted

    def _conflicts(self, name: str, holders: dict[str, str]) -> bool:
        """Whether another instance sends for the same bot in another number of shares (its
        ``sender_shares`` differs): both would read the same chats, so this one stands back."""
        mine = instances.sending_share(name)
        if mine is None:
            return False
        for other, holder in holders.items():
            theirs = instances.sending_share(other)
            if theirs and theirs[0] == mine[0] and theirs[2] != mine[2]:
                if holder != self.instance_id and name not in self._warned:
                    self._warned.add(name)
                    log.error(
                        "not taking %s: instance %s holds %s (sender_shares differs between the"
                        " instances' configurations; give them all the same value)",
                        name,
                        holder,
                        other,
                    )
                return holder != self.instance_id
        return False

    def _groups(self) -> dict[str, list[str]]:
        groups: dict[str, list[str]] = {}
        for role in self._roles:
            if role.group is not None:
                groups.setdefault(role.group, []).append(role.name)
        return groups

    async def _heartbeat(self, *, housekeeping: bool = True) -> None:
        now = utcnow()
        async with self._sessions.begin() as session:
            try:
                await instances.heartbeat(session, self.instance_id, self.roles, now)
            except LookupError:  # removed as stale while this instance was frozen
                await self._register(session, now)
                await instances.heartbeat(session, self.instance_id, self.roles, now)
            if housekeeping and self._passes % 100 == 1:  # now and then
                await instances.forget_stale(session, now, keep=timedelta(days=1))
                await updates.forget_old(session, now)

    async def _register(self, session: AsyncSession, now: datetime) -> None:
        host, pid = socket.gethostname(), os.getpid()
        await instances.register(session, self.instance_id, host, pid, now, self._groups())

    async def _start_role(self, role: Role) -> None:
        service = role.make()
        role.service = service  # trusted (holds()) while it starts: a sender may begin at once
        try:
            await service.start()
        except Exception:
            log.exception("could not start %s for role %s", service.name, role.name)
            role.service = None
            await self._release(role)
            return
        log.info("instance %s took role %s", self.instance_id, role.name)
        self._changed()

    async def _stop_role(self, role: Role, why: str) -> None:
        service, role.service = role.service, None
        role.trusted_until = 0.0
        if service is None:
            return
        try:
            await service.stop()
        except Exception:
            log.exception("stopping %s failed", service.name)
        log.info("instance %s gave up role %s: %s", self.instance_id, role.name, why)
        await self._release(role)
        self._changed()

    async def _release(self, role: Role) -> None:
        try:
            async with self._sessions.begin() as session:
                await instances.release(session, role.name, self.instance_id)
        except Exception as exc:
            log.warning("could not release role %s: %s", role.name, exc)

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()
