"""Where a session referred a youth to (`!end referred <line>`), and the closed-hours notice
told once per closed period. Both live on rows that go with the youth (bookings, youths), so
erasure and the database transfer need nothing more."""

from __future__ import annotations

from datetime import datetime

from bot.storage.db import Database


async def set_referred_to(db: Database, booking_id: int, line_id: str | None) -> None:
    await db.execute("UPDATE bookings SET referred_to = ? WHERE id = ?", (line_id, booking_id))


async def referred_to(db: Database, booking_id: int) -> str | None:
    value = await db.fetchval("SELECT referred_to FROM bookings WHERE id = ?", (booking_id,))
    return None if value is None else str(value)


async def closed_told_until(db: Database, user_id: str) -> int | None:
    value = await db.fetchval("SELECT closed_told_until FROM youths WHERE user_id = ?",
                              (user_id,))
    return None if value is None else int(value)


async def mark_closed_told(db: Database, user_id: str, until: datetime) -> None:
    await db.execute("UPDATE youths SET closed_told_until = ? WHERE user_id = ?",
                     (int(until.timestamp()), user_id))
