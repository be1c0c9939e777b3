"""A fresh PostgreSQL database for one bench run, dropped after (shared by the benches)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import make_url


def bench_database(url: str) -> tuple[str, str, str]:
    """(the server's admin URL, a new database's name, that database's URL) on ``url``'s
    server."""
    parsed = make_url(url)
    name = f"loa_bench_{os.getpid()}"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(False)
    return admin, name, parsed.set(database=name).render_as_string(False)


async def on_server(admin: str, statement: str) -> None:
    """Run one statement outside any transaction (CREATE / DROP DATABASE)."""
    import asyncpg

    connection = await asyncpg.connect(admin)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@asynccontextmanager
async def fresh_database(url: str | None, default: str) -> AsyncIterator[str]:
    """``url``'s server with a new, empty database for this run (dropped after), else
    ``default`` (a temporary SQLite file)."""
    if not url:
        yield default
        return
    admin, name, fresh = bench_database(url)
    await on_server(admin, f"CREATE DATABASE {name}")
    try:
        yield fresh
    finally:
        await on_server(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
