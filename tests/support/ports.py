"""Loopback ports for servers another process binds later, and for addresses nothing answers.

A port got by binding to 0 comes from the kernel's ephemeral range, where every emulator,
test server and worker (pytest-xdist) also gets its ports: released, it may be handed to one
of them before Loa binds it ("Address already in use", seen in CI). These come from below
that range, at random, checked free when picked.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

_EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 20000


def _below_ephemeral() -> int:
    """The first port of the kernel's ephemeral range (32768 where it cannot be read)."""
    try:
        return int(_EPHEMERAL.read_text(encoding="ascii").split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A loopback port nothing listens on now, outside the ephemeral range."""
    chosen = random.SystemRandom()
    for _ in range(200):
        port = chosen.randrange(_LOWEST, max(_below_ephemeral(), _LOWEST + 1000))
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free loopback port below the ephemeral range")


def closed_port() -> int:
    """A loopback port nothing answers at (connecting is refused at once)."""
    return free_port()
