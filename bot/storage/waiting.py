"""Work the bot decided on that the homeserver keeps waiting: intake DMs of web sign-ups
not opened yet and session rooms whose opening is overdue (429s, homeserver down)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.bookings import OPEN_SESSION
from bot.storage.db import Database


@dataclass(frozen=True)
class Waiting:
    intakes: int
    openings: int
    oldest_since: int | None  # epoch seconds the oldest of them has waited since

    def oldest_age(self, now: int) -> float:
        return 0.0 if self.oldest_since is None else max(0.0, float(now - self.oldest_since))


async def waiting(db: Database, now: int) -> Waiting:
    """Pending intake DMs (since the sign-up) and openings past their booked time: a timer
    not yet run, or an opening started and not finished (since the booking's start)."""
    intakes = await db.fetchone(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM intake_intents"
    )
    timers = await db.fetchone(
        "SELECT COUNT(*) AS n, MIN(due_at) AS oldest FROM timers "
        "WHERE kind = ? AND status = 'pending' AND due_at <= ?", (OPEN_SESSION, now),
    )
    opening = await db.fetchone(
        "SELECT COUNT(*) AS n, MIN(b.start_at) AS oldest FROM sessions s "
        "JOIN bookings b ON b.id = s.booking_id WHERE s.state = 'opening' AND b.start_at <= ?",
        (now,),
    )
    rows = [r for r in (intakes, timers, opening) if r is not None]
    oldest = [int(r["oldest"]) for r in rows if r["oldest"] is not None]
    return Waiting(
        intakes=int(intakes["n"] or 0) if intakes is not None else 0,
        openings=sum(int(r["n"] or 0) for r in (timers, opening) if r is not None),
        oldest_since=min(oldest) if oldest else None,
    )
