"""Each channel's state for ``loa stats``, ``/healthz`` and the admin page (issue 21)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage import channel_states
from storage.instances import InstanceView

T0 = datetime(2026, 12, 6, 4, 0, tzinfo=UTC)
T1 = datetime(2026, 12, 6, 4, 5, tzinfo=UTC)


def _instance(*roles: str, alive: bool = True) -> InstanceView:
    return InstanceView("a", "may-1", 1, T0, T0, list(roles), alive)


async def test_working_paused_since_when_and_why_or_off(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await channel_states.record(session, "zalo", "working", T0)
        await channel_states.record(session, "zalo", "paused", T1, "the bot is refused: 401")
        await channel_states.record(session, "zalo", "paused", T1.replace(minute=9), "again")
    running = [_instance("zalo:sender", "telegram:sender")]
    async with sessions() as session:
        shown = await channel_states.states(session, running)
        nobody = await channel_states.states(session, [_instance("zalo:sender", alive=False)])
    assert shown["zalo"] == {"state": "paused", "since": T1.isoformat(), "reason": "again"}
    assert shown["telegram"] == {"state": "working", "since": None, "reason": None}
    assert list(shown) == ["zalo", "telegram"]  # Zalo first
    assert nobody["zalo"]["state"] == nobody["telegram"]["state"] == "off"
    # A pause recorded before the sender's process started was another process's.
    later = InstanceView("b", "may-1", 2, T1.replace(hour=5), T1, ["zalo:sender"], True)
    async with sessions() as session:
        restarted = (await channel_states.states(session, [later]))["zalo"]
    assert restarted == {"state": "working", "since": None, "reason": None}
    async with sessions.begin() as session:
        await channel_states.record(session, "zalo", "working", T1.replace(minute=20))
    async with sessions() as session:
        back = (await channel_states.states(session, running))["zalo"]
    assert back == {"state": "working", "since": T1.replace(minute=20).isoformat(), "reason": None}
