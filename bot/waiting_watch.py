"""Rate-limited or refused work waits visibly: intake DMs and session openings.

The outbox watches its own messages (`staff_outbox_backlog`); this watches what is not a
message: an intake DM for a web sign-up (the page already said "invited") and a session
room due at its booked time. Both are retried with back-off elsewhere (bot/intakes.py, the
timers and `SessionRooms.recover`); here they become metrics and, once one has waited longer
than `staff_room.outbox_alert_minutes`, ONE notice in the staff room until the wait is over.
The crisis alerts nobody claimed (or closed) yet are gauges here too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.clock import Clock
from bot.metrics import METRICS
from bot.storage import alerts
from bot.storage.db import Database
from bot.storage.waiting import Waiting, waiting

log = logging.getLogger(__name__)


class WaitingWatch:
    def __init__(self, db: Database, clock: Clock, *, alert_after_minutes: float,
                 on_alert: Callable[[Waiting, float], Awaitable[None]]) -> None:
        self.db = db
        self.clock = clock
        self.alert_after = alert_after_minutes * 60
        self.on_alert = on_alert
        self._alerted = False

    async def refresh(self) -> tuple[Waiting, float]:
        """The gauges from the database (also on every /health and /metrics request)."""
        now = int(self.clock.now().timestamp())
        found = await waiting(self.db, now)
        age = found.oldest_age(now)
        METRICS.set("chathulp_intake_pending", found.intakes)
        METRICS.set("chathulp_openings_waiting", found.openings)
        METRICS.set("chathulp_waiting_oldest_seconds", age)
        unclaimed, claimed = await alerts.unfinished_counts(self.db)
        METRICS.set("chathulp_crisis_alerts_open", unclaimed)
        METRICS.set("chathulp_crisis_alerts_claimed", claimed)
        return found, age

    async def check(self) -> Waiting:
        """`refresh`, and one staff-room notice when the oldest has waited too long."""
        found, age = await self.refresh()
        if age > self.alert_after and not self._alerted:
            self._alerted = True
            log.warning("%d intake DMs and %d session openings wait, the oldest for %.0f s",
                        found.intakes, found.openings, age)
            try:
                await self.on_alert(found, age)
            except Exception:
                log.exception("Could not tell the staff room about waiting work")
        elif age <= self.alert_after:
            self._alerted = False
        return found
