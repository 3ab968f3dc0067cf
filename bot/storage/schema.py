"""The schema, one registered step per version. Times are UTC epoch seconds (INTEGER)."""

from __future__ import annotations

import aiosqlite

from bot.storage.migrations import step


@step(1, "transport state: key-value, handled events, rooms")
async def v1(conn: aiosqlite.Connection) -> None:
    await conn.execute(
        """CREATE TABLE kv (
               key   TEXT PRIMARY KEY,
               value TEXT NOT NULL
           )"""
    )
    await conn.execute(
        """CREATE TABLE handled_events (
               event_id   TEXT PRIMARY KEY,
               room_id    TEXT NOT NULL,
               handled_at INTEGER NOT NULL
           )"""
    )
    await conn.execute(
        """CREATE TABLE rooms (
               room_id            TEXT PRIMARY KEY,
               kind               TEXT NOT NULL DEFAULT 'dm'
                                  CHECK (kind IN ('dm', 'staff', 'session', 'group')),
               user_id            TEXT,
               warned             INTEGER NOT NULL DEFAULT 0,  -- told once why we do not talk here
               created_at         INTEGER NOT NULL
           )"""
    )
