"""The live queue for "now" (table `now_queue`): who waits, since when, the place they were told.

The order itself is the domain's (`bot.domain.now_queue.order`); this module gives each waiting
youth with what the order needs (crisis-flagged, urgency) and the lengths of recent sessions
that the estimate needs.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.now_queue import Waiting
from bot.storage.db import Database, IntegrityError, Row

# How many recent sessions the estimate of the waiting time looks at.
RECENT_SESSIONS = 20


def _ts(at: datetime) -> int:
    return int(at.timestamp())


def _waiting(row: Row) -> Waiting:
    return Waiting(
        id=int(row["id"]),
        youth_id=row["youth_id"],
        case_id=int(row["case_id"]),
        joined=datetime.fromtimestamp(row["joined_at"], UTC),
        crisis=bool(row["crisis"]),
        urgent=row["urgency"] == "today",
        place_told=None if row["place_told"] is None else int(row["place_told"]),
    )


_SELECT = (
    "SELECT q.id, q.youth_id, q.case_id, q.joined_at, q.place_told, c.urgency, "
    "EXISTS (SELECT 1 FROM crisis_alerts a WHERE a.case_id = q.case_id) AS crisis "
    "FROM now_queue q JOIN cases c ON c.id = q.case_id "
)


async def join(db: Database, youth_id: str, case_id: int, now: datetime) -> int | None:
    """Put a youth in the queue; their row id, or None if they already wait."""
    try:
        async with db.transaction() as conn:
            entry_id = await conn.fetchval(
                "INSERT INTO now_queue (youth_id, case_id, joined_at) VALUES (?, ?, ?) "
                "RETURNING id",
                (youth_id, case_id, _ts(now)),
            )
    except IntegrityError:
        return None
    return None if entry_id is None else int(entry_id)


async def waiting(db: Database) -> list[Waiting]:
    """Everyone in the queue (in no particular order: see `bot.domain.now_queue.order`)."""
    return [_waiting(r) for r in await db.fetchall(_SELECT + "ORDER BY q.id")]


async def get(db: Database, entry_id: int) -> Waiting | None:
    row = await db.fetchone(_SELECT + "WHERE q.id = ?", (entry_id,))
    return None if row is None else _waiting(row)


async def of_youth(db: Database, youth_id: str) -> Waiting | None:
    row = await db.fetchone(_SELECT + "WHERE q.youth_id = ?", (youth_id,))
    return None if row is None else _waiting(row)


async def remove(db: Database, entry_id: int) -> bool:
    """Take a place out of the queue; False if it was gone already (someone else took it)."""
    return await db.execute("DELETE FROM now_queue WHERE id = ?", (entry_id,)) == 1


async def in_session(db: Database, youth_id: str, now: datetime) -> bool:
    """The youth is being helped right now (a session room is open and its time not over,
    e.g. a claimed crisis)."""
    row = await db.fetchone(
        "SELECT 1 FROM bookings WHERE youth_id = ? AND status = 'opened' AND end_at > ? "
        "LIMIT 1", (youth_id, _ts(now))
    )
    return row is not None


async def set_place_told(db: Database, entry_id: int, place: int) -> None:
    await db.execute("UPDATE now_queue SET place_told = ? WHERE id = ?", (place, entry_id))


async def lock(db: Database) -> None:
    """Serialise changes to the queue until the running transaction ends."""
    async with db.acquire() as conn:
        await conn.lock("now_queue")


async def recent_session_minutes(db: Database, limit: int = RECENT_SESSIONS) -> list[float]:
    """How long the latest ended sessions lasted (opened to ended), in minutes, newest first.
    No-shows do not count: nobody talked."""
    rows = await db.fetchall(
        "SELECT opened_at, ended_at FROM sessions WHERE opened_at IS NOT NULL "
        "AND ended_at IS NOT NULL AND ended_at > opened_at "
        "AND (outcome IS NULL OR outcome <> 'no-show') ORDER BY ended_at DESC LIMIT ?",
        (limit,),
    )
    return [(int(r["ended_at"]) - int(r["opened_at"])) / 60 for r in rows]
