"""Small helpers shared by the query modules."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Executable
from sqlalchemy.ext.asyncio import AsyncSession


async def execute_count(
    session: AsyncSession, statement: Executable, parameters: dict[str, Any] | None = None
) -> int:
    """Run an INSERT/UPDATE/DELETE (with ``parameters`` for its bound names) and return how
    many rows it touched."""
    result = cast(CursorResult[Any], await session.execute(statement, parameters))
    return int(result.rowcount or 0)
