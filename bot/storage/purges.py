"""Queries for the purge queue: session rooms an erasure still has to purge from the
homeserver (bot/purges.py works them off).

A row is written in the erasure's transaction (so the room ids cannot be lost between the
erasure and the purge) and deleted, with the "purge" audit line, only once the homeserver
says the purge is complete. A row holds a room id and the audit reason, never whose room it
was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage import rights
from bot.storage.db import Database, Row


@dataclass(frozen=True)
class PendingPurge:
    id: int
    room_id: str
    reason: str
    delete_id: str | None  # the homeserver's delete task, once asked
    attempts: int  # failed attempts so far
    last_error: str | None  # short: an HTTP status, an exception name, "failed"
    created_at: int  # epoch seconds


def _purge(row: Row) -> PendingPurge:
    return PendingPurge(int(row["id"]), str(row["room_id"]), str(row["reason"]),
                        row["delete_id"], int(row["attempts"]), row["last_error"],
                        int(row["created_at"]))


async def want(db: Database, room_ids: list[str], reason: str, now: datetime) -> int:
    """Queue these rooms for purging (in the running transaction, if any); idempotent.
    Returns how many rows are new."""
    added = 0
    for room_id in room_ids:
        added += await db.execute(
            "INSERT INTO room_purges (room_id, reason, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (room_id) DO NOTHING", (room_id, reason, int(now.timestamp())))
    return added


async def pending(db: Database) -> list[PendingPurge]:
    """Every purge not yet confirmed by the homeserver, oldest first."""
    rows = await db.fetchall("SELECT * FROM room_purges ORDER BY id")
    return [_purge(r) for r in rows]


async def count(db: Database) -> int:
    return int(await db.fetchval("SELECT COUNT(*) FROM room_purges") or 0)


async def started(db: Database, purge_id: int, delete_id: str) -> None:
    """The homeserver accepted the delete: its task id, to poll (also after a restart)."""
    await db.execute("UPDATE room_purges SET delete_id = ? WHERE id = ?", (delete_id, purge_id))


async def forgotten(db: Database, purge_id: int) -> None:
    """The homeserver no longer knows the delete task: it is to be asked again."""
    await db.execute("UPDATE room_purges SET delete_id = NULL WHERE id = ?", (purge_id,))


async def failed(db: Database, purge_id: int, error: str, *, restart: bool) -> None:
    """An attempt failed (`error`: short, without ids). `restart`: the delete task itself
    failed, so the delete is to be asked again (else its task is polled again)."""
    sql = "UPDATE room_purges SET attempts = attempts + 1, last_error = ?"
    if restart:
        sql += ", delete_id = NULL"
    await db.execute(sql + " WHERE id = ?", (error[:100], purge_id))


async def done(db: Database, purge: PendingPurge, now: datetime) -> bool:
    """The homeserver purged the room: the row goes and the audit trail says so, together.
    False when another worker recorded it first."""
    async with db.transaction():
        if not await db.execute("DELETE FROM room_purges WHERE id = ?", (purge.id,)):
            return False
        await rights.audit(db, "purge", purge.reason, now)
    return True
