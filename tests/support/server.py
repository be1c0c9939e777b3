"""Serve an ASGI app on 127.0.0.1 from a background thread, for tests over real HTTP."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` on a free loopback port; yield its base URL ``http://127.0.0.1:PORT``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # h11 (Loa's own web server's parser): httptools is installed for the benchmarks' emulator.
    config = uvicorn.Config(
        app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1, http="h11"
    )
    server = uvicorn.Server(config)
    started = threading.Event()

    def target() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def main() -> None:
            task = asyncio.create_task(server.serve(sockets=[sock]))
            while not server.started and not task.done():  # noqa: ASYNC110 (no event)
                await asyncio.sleep(0.005)
            started.set()
            await task

        loop.run_until_complete(main())
        loop.close()

    thread = threading.Thread(target=target, name="test-http-server", daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError("test HTTP server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
