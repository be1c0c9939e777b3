"""Fault mode for the emulators: the real world's bad minutes, on demand.

A ``Faults`` answers an error code and description to every send (or to one method) until it
is cleared, or for the next ``count`` such requests only, optionally after letting ``after``
of them through: a test's "15 seconds of 403 in the middle of a broadcast" is a number of
refused requests, so nothing waits on the clock. Not thread-safe by itself: each
emulator calls it under its own lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

# The methods that deliver a message to a chat: "every send" (lower case).
SENDS = frozenset(
    {"sendmessage", "sendphoto", "sendvoice", "sendaudio", "senddocument", "copymessage"}
)


@dataclass(slots=True)
class Fault:
    code: int
    description: str
    method: str | None  # lower case; None: every send
    left: int | None  # answers still to give; None: until cleared
    after: int = 0  # matching requests still to let through before the first fault
    given: int = 0


class Faults:
    """The emulator's current fault, if any."""

    def __init__(self) -> None:
        self._fault: Fault | None = None
        self._last_given = 0

    def set(
        self,
        code: int,
        description: str,
        *,
        method: str | None = None,
        count: int | None = None,
        after: int = 0,
    ) -> None:
        name = method.lower() if method else None
        self._fault = Fault(code, description, name, count, after)

    def clear(self) -> None:
        self._fault = None

    @property
    def active(self) -> bool:
        return self._fault is not None

    @property
    def given(self) -> int:
        """Faulted answers given by the current (or last counted) fault."""
        return self._fault.given if self._fault is not None else self._last_given

    def answer(self, method: str) -> tuple[int, str] | None:
        """The fault to answer ``method`` with, or None; counts it down."""
        fault = self._fault
        if fault is None:
            return None
        name = method.lower()
        if name != fault.method and not (fault.method is None and name in SENDS):
            return None
        if fault.after > 0:
            fault.after -= 1
            return None
        fault.given += 1
        if fault.left is not None:
            fault.left -= 1
            if fault.left <= 0:
                self._last_given, self._fault = fault.given, None
        return fault.code, fault.description


class FaultControl:
    """``fault``, ``clear_fault`` and ``faulted`` for an emulator, which sets ``_faults`` and
    ``_fault_lock`` (its own lock: control calls come from the test's thread)."""

    _faults: Faults
    _fault_lock: threading.Lock | threading.Condition

    def fault(
        self,
        code: int,
        description: str,
        *,
        method: str | None = None,
        count: int | None = None,
        after: int = 0,
    ) -> None:
        """Answer ``code`` and ``description`` to every send (or to ``method``), until
        ``clear_fault`` or for the next ``count`` such requests, after letting ``after``
        through."""
        with self._fault_lock:
            self._faults.set(code, description, method=method, count=count, after=after)

    def clear_fault(self) -> None:
        with self._fault_lock:
            self._faults.clear()

    @property
    def faulted(self) -> int:
        """How many answers the current (or last counted) fault gave."""
        with self._fault_lock:
            return self._faults.given

    def _fault_for(self, method: str) -> tuple[int, str] | None:
        with self._fault_lock:
            return self._faults.answer(method)
