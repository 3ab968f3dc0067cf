"""Per-key exponential back-off for work retried in the background (outbox rooms, intake DMs).

Each key (a room, a youth) waits on its own: one room the homeserver refuses does not hold
the others up. A failure doubles the key's wait up to `maximum`; a success forgets the key.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Backoff:
    def __init__(self, first: float, maximum: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """`first`: the first wait is twice this; `maximum`: the longest wait (seconds)."""
        self.first = first
        self.maximum = maximum
        self.clock = clock
        self._delay: dict[str, float] = {}
        self._retry_at: dict[str, float] = {}

    def failed(self, key: str) -> float:
        """Note a failure of `key`; returns how many seconds it now waits."""
        delay = min(self._delay.get(key, self.first) * 2, self.maximum)
        self._delay[key] = delay
        self._retry_at[key] = self.clock() + delay
        return delay

    def succeeded(self, key: str) -> None:
        self._delay.pop(key, None)
        self._retry_at.pop(key, None)

    def wait_left(self, key: str) -> float:
        """Seconds until `key` may be tried again (0: now)."""
        due = self._retry_at.get(key)
        return 0.0 if due is None else max(0.0, due - self.clock())

    def clear(self) -> None:
        """Everything may be tried again now (the next failure starts from `first` again)."""
        self._delay.clear()
        self._retry_at.clear()
