"""An in-memory sliding-window rate limiter, per key (here: the client's IP address)."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most `count` hits per `window_seconds` per key.

    Memory is bounded: at most `max_keys` keys are tracked; the least recently used key is
    dropped first (which can only make the limiter more lenient, never lock anyone out).
    """

    def __init__(
        self,
        count: int,
        window_seconds: float,
        *,
        max_keys: int = 10_000,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        if count < 1 or window_seconds <= 0:
            raise ValueError("count >= 1 and window_seconds > 0")
        self.count = count
        self.window = window_seconds
        self.max_keys = max_keys
        self._now = now
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str, now: float) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            hits = deque()
            self._hits[key] = hits
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        else:
            self._hits.move_to_end(key)
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def hit(self, key: str) -> bool:
        """Count one event for `key`; False (and not counted) when over the limit."""
        now = self._now()
        hits = self._recent(key, now)
        if len(hits) >= self.count:
            return False
        hits.append(now)
        return True

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may hit again (0 when it may now)."""
        now = self._now()
        hits = self._recent(key, now)
        if len(hits) < self.count:
            return 0.0
        return max(0.0, hits[0] + self.window - now)

    def clear(self) -> None:
        self._hits.clear()
