"""``loa run``."""

from __future__ import annotations

import argparse

from loa.config import Settings
from loa.runtime import run_until_signalled


async def run(settings: Settings, args: argparse.Namespace) -> int:
    """Poll, chat and send until stopped."""
    return await run_until_signalled(settings)
