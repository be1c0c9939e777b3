"""``loa db upgrade``."""

from __future__ import annotations

import argparse

from base.config import Settings
from storage.db import create_engine, upgrade


async def db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    """Apply every pending migration."""
    engine = create_engine(settings.database.url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    print("database is up to date")
    return 0
