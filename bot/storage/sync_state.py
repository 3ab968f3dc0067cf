"""Queries for the transport's own state: sync token, handled events, known rooms."""

from __future__ import annotations

import time
from contextlib import AbstractAsyncContextManager

from bot.storage.db import Connection, Database

SYNC_TOKEN = "sync_token"


async def get_kv(db: Database, key: str) -> str | None:
    return await db.fetchval("SELECT value FROM kv WHERE key = ?", (key,))


async def set_kv(db: Database, key: str, value: str) -> None:
    await db.execute(
        "INSERT INTO kv (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


async def claim_event(db: Database, event_id: str, room_id: str) -> bool:
    """Mark an event handled; False when it was handled before (at most once, across restarts)."""
    changed = await db.execute(
        "INSERT INTO handled_events (event_id, room_id, handled_at) VALUES (?, ?, ?) "
        "ON CONFLICT (event_id) DO NOTHING",
        (event_id, room_id, int(time.time())),
    )
    return changed == 1


async def forget_old_events(db: Database, older_than_days: int = 30) -> int:
    cutoff = int(time.time()) - older_than_days * 86400
    return await db.execute("DELETE FROM handled_events WHERE handled_at < ?", (cutoff,))


async def remember_room(db: Database, room_id: str, kind: str, user_id: str | None) -> None:
    await db.execute(
        "INSERT INTO rooms (room_id, kind, user_id, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (room_id) DO NOTHING",
        (room_id, kind, user_id, int(time.time())),
    )


async def room_kind(db: Database, room_id: str) -> str | None:
    return await db.fetchval("SELECT kind FROM rooms WHERE room_id = ?", (room_id,))


async def warn_once(db: Database, room_id: str) -> bool:
    """True the first time for a room (so the bot says why it won't talk there only once)."""
    await remember_room(db, room_id, "dm", None)
    changed = await db.execute(
        "UPDATE rooms SET warned = 1 WHERE room_id = ? AND warned = 0",
        (room_id,),
    )
    return changed == 1


async def dm_rooms_of(db: Database, user_id: str) -> list[str]:
    """The DM rooms the bot knows with this user, newest first."""
    rows = await db.fetchall(
        "SELECT room_id FROM rooms WHERE kind = 'dm' AND user_id = ? "
        "ORDER BY created_at DESC, room_id",
        (user_id,),
    )
    return [str(r["room_id"]) for r in rows]


async def known_room_ids(db: Database) -> set[str]:
    """Every room the bot has recorded (of any kind)."""
    return {str(r["room_id"]) for r in await db.fetchall("SELECT room_id FROM rooms")}


def atomically(db: Database) -> AbstractAsyncContextManager[Connection]:
    """For handlers: a part that commits or rolls back as one (a savepoint when it runs
    inside the event's transaction)."""
    return db.transaction()
