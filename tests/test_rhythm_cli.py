"""``loa broadcast --urgent``: an ordinary broadcast waits for the end of residents' quiet hours;
an urgent one (and an emergency) goes to them at once. Through ``main(argv)`` on SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from loa.cli import main
from storage import rhythm
from storage.db import open_database, session_factory
from storage.models import Broadcast, Delivery, Resident, utcnow
from tests.test_cli_broadcast import add_instance
from tests.test_rhythm import VN, quiet_around


async def test_urgent_broadcasts_reach_residents_in_quiet_hours(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'loa.db'}"
    config = tmp_path / "loa.toml"
    config.write_text(f'[database]\nurl = "{url}"\n', "utf-8")
    async with open_database(url) as engine:
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            sleeper = Resident(channel="zalo", chat_id="z1")
            session.add_all([sleeper, Resident(channel="zalo", chat_id="z2")])
            await session.flush()
            now = utcnow()
            await rhythm.set_rhythm(
                session, sleeper, rhythm.Rhythm(quiet=quiet_around(now)), now, VN
            )
        await add_instance(sessions, ["zalo:sender"])
        for flags in (["--urgent"], [], ["--emergency"]):
            argv = ["--config", str(config), "broadcast", "--yes", "--wait", "0", *flags, "x"]
            assert await asyncio.to_thread(main, argv) == 0
        async with sessions() as session:
            rows = await session.execute(
                select(Broadcast.urgent, Broadcast.emergency, Delivery.state)
                .join(Delivery, Delivery.broadcast_id == Broadcast.id)
                .where(Delivery.resident_id == sleeper.id)
                .order_by(Broadcast.id)
            )
            assert [tuple(row) for row in rows.all()] == [
                (True, False, "pending"),
                (False, False, "held"),  # released when the quiet hours end
                (False, True, "pending"),
            ]
            others = await session.scalars(
                select(Delivery.state).where(Delivery.resident_id != sleeper.id)
            )
            assert list(others) == ["pending"] * 3  # no rhythm: every broadcast at once
