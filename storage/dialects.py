"""The ``INSERT … ON CONFLICT`` construct of the session's own database.

SQLAlchemy's generic ``insert`` has no ``on_conflict_do_nothing``; each dialect's has. Only the
dialect in use is imported: the PostgreSQL one alone costs a fifth of SQLAlchemy's import time,
which every ``loa`` command on SQLite would otherwise pay at start.
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


def upsert(session: AsyncSession, table: Any) -> Any:
    """``<dialect>.insert(table)`` for the session's database (PostgreSQL or SQLite)."""
    name = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    return importlib.import_module(f"sqlalchemy.dialects.{name}").insert(table)
