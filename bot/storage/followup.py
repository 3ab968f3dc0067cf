"""A phone session's number and the record of messages between sessions.

The phone number a youth chose to give is sealed at rest (`bookings.phone`, in
SEALED_COLUMNS) and erased at `!end`, a cancellation, or its `FORGET_PHONE` timer. Messages
between sessions are recorded without their text (who, which case, when): for the rate limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.domain.agenda_time import from_ts, to_ts
from bot.storage.db import Database
from bot.storage.sealing import seal, unseal

# The timer that erases a phone session's number after its end (if `!end` did not first).
FORGET_PHONE = "forget_phone"

Direction = Literal["to_counselor", "to_youth"]


async def set_phone(db: Database, booking_id: int, number: str | None) -> bool:
    """Keep (or with None: erase) the number of an upcoming phone booking. False when the
    booking is not an upcoming phone booking."""
    changed = await db.execute(
        "UPDATE bookings SET phone = ? WHERE id = ? AND form = 'phone' AND status = 'booked'",
        (seal(db, number), booking_id),
    )
    return changed == 1


async def phone_of(db: Database, booking_id: int) -> str | None:
    return unseal(await db.fetchval("SELECT phone FROM bookings WHERE id = ?", (booking_id,)))


async def forget_phone(db: Database, booking_id: int) -> bool:
    """Erase the number, whatever the booking's state. True if there was one."""
    changed = await db.execute(
        "UPDATE bookings SET phone = NULL WHERE id = ? AND phone IS NOT NULL", (booking_id,))
    return changed == 1


@dataclass(frozen=True)
class CaseMessage:
    case_id: int
    youth_id: str
    counselor_id: str
    direction: Direction
    at: datetime


async def record_message(db: Database, *, case_id: int, youth_id: str, counselor_id: str,
                         direction: Direction, now: datetime) -> None:
    await db.execute(
        "INSERT INTO case_messages (case_id, youth_id, counselor_id, direction, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (case_id, youth_id, counselor_id, direction, to_ts(now)),
    )


async def messages_since(db: Database, youth_id: str, direction: Direction,
                         since: datetime) -> list[CaseMessage]:
    """The youth's messages in one direction from `since` on, oldest first."""
    rows = await db.fetchall(
        "SELECT * FROM case_messages WHERE youth_id = ? AND direction = ? AND created_at >= ? "
        "ORDER BY created_at, id",
        (youth_id, direction, to_ts(since)),
    )
    return [CaseMessage(r["case_id"], r["youth_id"], r["counselor_id"], r["direction"],
                        from_ts(r["created_at"])) for r in rows]
